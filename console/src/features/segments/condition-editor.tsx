import { TeamOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Flex, Segmented, Spin, Typography } from 'antd';
import { useCallback, useMemo, useState } from 'react';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import { segmentsApi } from './api';
import { ConditionBuilder, type ServerIssue } from './builder';
import { useBuilderOptions } from './builder-options';
import { ConditionJson, JsonTextArea } from './condition-json';
import { treeIssues } from './condition-check';
import { conditionFromTree, treeFromCondition, type TreeNode } from './condition-tree';
import { useLivePreview, type LivePreview } from './preview-card';

/**
 * A condition of the condition language, edited: the visual builder with the JSON it makes
 * folded under it, a JSON mode for what the builder cannot show (it keeps such parts exactly
 * as they are), and how many people match it now (`POST /api/v1/segments/preview`, switchable
 * off). The value is the condition JSON; the tree behind it stays the editor's own, so node ids
 * (and what each node's inputs hold) survive the round trip through the parent.
 */

export interface ConditionEditorProps {
  value: unknown;
  onChange: (condition: unknown) => void;
  readOnly?: boolean;
  /** Show the live count (default on). */
  liveCount?: boolean;
  /** What the count is called (default "Matching now"). */
  countLabel?: string;
  /** Offer the JSON mode (default on). */
  jsonMode?: boolean;
  /** The JSON mode's text does not parse (its message), or does again (null). */
  onJsonError?: (message: string | null) => void;
  /** The segment being edited, which may not refer to itself. */
  selfId?: string | null;
  /** Problems the server named, by path (`condition.all[0]…`). */
  serverIssues?: ServerIssue[];
  testId?: string;
}

const NO_ISSUES: ServerIssue[] = [];

/** The tree of a condition, read again only when the JSON changes from outside. */
function useConditionTree(value: unknown, onChange: (c: unknown) => void) {
  const json = JSON.stringify(value ?? null);
  const [tree, setTree] = useState<TreeNode>(() => treeFromCondition(value));
  const [shown, setShown] = useState(json);
  if (json !== shown) {
    setShown(json);
    setTree(treeFromCondition(value));
  }
  const change = useCallback(
    (next: TreeNode) => {
      const condition = conditionFromTree(next);
      setTree(next);
      setShown(JSON.stringify(condition));
      onChange(condition);
    },
    [onChange],
  );
  return { tree, json, change };
}

export function ConditionEditor({
  value,
  onChange,
  readOnly = false,
  liveCount = true,
  countLabel,
  jsonMode = true,
  onJsonError,
  selfId = null,
  serverIssues = NO_ISSUES,
  testId = 'condition-editor',
}: ConditionEditorProps): React.JSX.Element {
  const { t } = useI18n();
  const options = useBuilderOptions();
  const { tree, json, change } = useConditionTree(value, onChange);
  const [mode, setMode] = useState<'visual' | 'json'>('visual');
  const local = useMemo(() => treeIssues(tree).length, [tree]);
  const preview = useLivePreview(json, liveCount && local === 0);
  const issues = useMemo(
    () => (preview.issues.length > 0 ? [...serverIssues, ...preview.issues] : serverIssues),
    [serverIssues, preview.issues],
  );
  const condition = conditionFromTree(tree);

  return (
    <Flex vertical gap={10} data-testid={testId} style={{ width: '100%' }}>
      {(liveCount || jsonMode) && (
        <Flex justify="space-between" align="center" wrap gap={8}>
          {liveCount ? <LiveCount preview={preview} localIssues={local} label={countLabel} /> : <span />}
          {jsonMode && (
            <Segmented<'visual' | 'json'>
              size="small"
              aria-label={t('segments.editor.mode')}
              data-testid="condition-mode"
              value={mode}
              onChange={setMode}
              options={[
                { value: 'visual', label: t('segments.editor.visual') },
                { value: 'json', label: t('segments.editor.json') },
              ]}
            />
          )}
        </Flex>
      )}
      {mode === 'visual' ? (
        <>
          <ConditionBuilder
            value={tree}
            onChange={change}
            options={options}
            readOnly={readOnly}
            selfId={selfId}
            serverIssues={issues}
          />
          <ConditionJson condition={condition} />
        </>
      ) : (
        <>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('segments.editor.jsonHint')}
          </Typography.Text>
          <JsonTextArea
            value={value}
            onChange={onChange}
            onError={onJsonError}
            disabled={readOnly}
            rows={10}
            label={t('segments.editor.jsonLabel')}
            testId="condition-json-text"
          />
        </>
      )}
      {liveCount && preview.error !== null && local === 0 && preview.issues.length === 0 && (
        <ErrorAlert error={preview.error} />
      )}
    </Flex>
  );
}

/**
 * How many people match, in one line. Like the segment page's card, the number carries the
 * condition it is for (`data-for`) and whether it is current (`data-state`).
 */
function LiveCount({
  preview,
  localIssues,
  label,
}: {
  preview: LivePreview;
  localIssues: number;
  label?: string;
}): React.JSX.Element {
  const { t, formatNumber } = useI18n();
  const total = useQuery({
    queryKey: ['segment-preview-total'],
    queryFn: ({ signal }) => segmentsApi.preview({ all: [] }, 0, signal),
    staleTime: 60_000,
  });
  const { data } = preview;
  const state = localIssues > 0 ? 'invalid' : preview.current ? 'ready' : preview.error ? 'error' : 'loading';
  const share = data && total.data && total.data.count > 0 ? data.count / total.data.count : null;
  return (
    <Flex align="center" gap={8} wrap style={{ opacity: state === 'ready' ? 1 : 0.6 }}>
      <TeamOutlined />
      <Typography.Text type="secondary">{label ?? t('segments.editor.count')}</Typography.Text>
      {localIssues > 0 ? (
        <Typography.Text type="warning" data-testid="condition-count" data-state={state}>
          {t('segments.editor.incomplete')}
        </Typography.Text>
      ) : (
        <Typography.Text
          strong
          data-testid="condition-count"
          data-state={state}
          data-for={preview.forJson ?? ''}
          data-count={data?.count ?? ''}
        >
          {data ? t('segments.editor.people', { n: formatNumber(data.count) }) : '—'}
        </Typography.Text>
      )}
      {share !== null && localIssues === 0 && (
        <Typography.Text type="secondary">
          {t('segments.editor.share', {
            share: formatNumber(share, { style: 'percent', maximumFractionDigits: 1 }),
          })}
        </Typography.Text>
      )}
      {preview.fetching && <Spin size="small" />}
    </Flex>
  );
}
