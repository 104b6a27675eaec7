import { SaveOutlined, UndoOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Flex, Form, Input, Radio, Row, Select, Switch, Tag } from 'antd';
import { useMemo, useState } from 'react';
import { ApiError } from '../../api';
import { navigate, useNavigationBlocker } from '../../app/router';
import { useI18n } from '../../i18n';
import { ErrorAlert } from '../../ui/error-alert';
import {
  SCHEDULES,
  segmentsApi,
  type ListReport,
  type SegmentDetail,
  type SegmentInput,
  type SegmentSchedule,
} from './api';
import type { ServerIssue } from './builder';
import { ConditionEditor } from './condition-editor';
import { JsonEditButton } from './condition-json';
import { segmentRefs, treeFromCondition } from './condition-tree';
import { treeIssues } from './condition-check';
import { PreviewCard, useLivePreview } from './preview-card';
import { emptyList, ListInput, memberListOf, StaticMembersEditor, type ListDraft } from './static-members';

/**
 * A segment's definition: name, description, kind, how it refreshes, and its condition in the
 * visual builder with the live count beside it. Saving a segment that exists makes a new version
 * (PUT); a new one is created (POST) and the page moves to it.
 */

export interface NewSegmentSeed {
  name?: string;
  description?: string;
  condition?: unknown;
}

type Kind = 'dynamic' | 'static';

interface Draft {
  name: string;
  description: string;
  kind: Kind;
  realtime: boolean;
  schedule: SegmentSchedule;
}

const draftOf = (s: SegmentDetail | null, seed: NewSegmentSeed): Draft => ({
  name: s?.name ?? seed.name ?? '',
  description: s?.description ?? seed.description ?? '',
  kind: s?.kind === 'static' ? 'static' : 'dynamic',
  realtime: s?.realtime ?? true,
  schedule: (s?.schedule as SegmentSchedule | undefined) ?? 'hourly',
});

const conditionIssues = (err: unknown): ServerIssue[] =>
  err instanceof ApiError && Array.isArray(err.details)
    ? (err.details as ServerIssue[]).filter(
        (i) => typeof i.path === 'string' && i.path.startsWith('condition'),
      )
    : [];

export function DefinitionTab({
  segment,
  seed = {},
  canWrite,
}: {
  segment: SegmentDetail | null;
  seed?: NewSegmentSeed;
  canWrite: boolean;
}): React.JSX.Element {
  const { t, formatNumber } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const initialCondition = segment ? (segment.condition ?? { all: [] }) : (seed.condition ?? { all: [] });
  const [draft, setDraft] = useState<Draft>(() => draftOf(segment, seed));
  const [condition, setCondition] = useState<unknown>(initialCondition);
  const [list, setList] = useState<ListDraft>(emptyList);
  const [nameTouched, setNameTouched] = useState(false);

  const dynamic = draft.kind === 'dynamic';
  const json = JSON.stringify(condition);
  const tree = useMemo(() => treeFromCondition(JSON.parse(json)), [json]);
  const localIssues = dynamic ? treeIssues(tree) : [];
  const preview = useLivePreview(json, dynamic && localIssues.length === 0);
  const selfRef = segment !== null && segmentRefs(tree).includes(segment.id);

  const saved = segment ? draftOf(segment, {}) : null;
  const dirty =
    segment === null ||
    (saved !== null &&
      (saved.name !== draft.name ||
        saved.description !== draft.description ||
        saved.realtime !== draft.realtime ||
        saved.schedule !== draft.schedule ||
        (dynamic && JSON.stringify(segment.condition) !== json)));

  // Leaving asks while there are edits: to a saved segment, or anything typed into a new one.
  const initial = draftOf(segment, seed);
  const edited =
    canWrite &&
    (segment
      ? dirty
      : JSON.stringify(draft) !== JSON.stringify(initial) ||
        (dynamic && JSON.stringify(initialCondition) !== json) ||
        list.text.trim() !== '');
  useNavigationBlocker(edited, t('journeys.unsaved.segment'), {
    title: t('journeys.unsaved.title'),
    okText: t('journeys.unsaved.leave'),
    cancelText: t('journeys.unsaved.stay'),
  });

  const save = useMutation({
    mutationFn: () => {
      const body: SegmentInput = { name: draft.name.trim(), description: draft.description };
      if (dynamic) Object.assign(body, { condition, realtime: draft.realtime, schedule: draft.schedule });
      if (!segment) {
        body.kind = draft.kind;
        if (!dynamic) body.members = memberListOf(list) ?? {};
      }
      return segment ? segmentsApi.update(segment.id, body) : segmentsApi.create(body);
    },
    onSuccess: (s) => {
      queryClient.setQueryData(['segment', s.id], s);
      void queryClient.invalidateQueries({ queryKey: ['segments'] });
      void queryClient.invalidateQueries({ queryKey: ['segment', s.id] });
      void message.success(
        t('segments.saved', { version: s.version, size: s.size === null ? '—' : formatNumber(s.size) }),
      );
      const { list } = s as { list?: ListReport };
      if (list)
        void message.info(
          t('segments.static.done', {
            matched: formatNumber(list.matched),
            unmatched: formatNumber(list.unmatched),
            size: formatNumber(s.size ?? 0),
          }),
        );
      if (!segment) navigate(`/segments/${s.id}`, { replace: true, force: true });
    },
  });
  const serverIssues = [...preview.issues, ...(save.error ? conditionIssues(save.error) : [])];

  const reset = () => {
    setDraft(draftOf(segment, seed));
    setCondition(segment?.condition ?? seed.condition ?? { all: [] });
    save.reset();
  };
  const set = (p: Partial<Draft>) => setDraft((d) => ({ ...d, ...p }));
  const nameMissing = draft.name.trim() === '';
  const canSave = canWrite && dirty && !nameMissing && (!dynamic || (localIssues.length === 0 && !selfRef));

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={dynamic ? 16 : 24}>
        <Flex vertical gap={16}>
          <Card title={t('segments.def.basics')} size="small">
            <Form layout="vertical" requiredMark={false} disabled={!canWrite}>
              <Row gutter={16}>
                <Col xs={24} md={12}>
                  <Form.Item
                    label={t('common.name')}
                    htmlFor="segment-name"
                    validateStatus={nameMissing && (nameTouched || save.isError) ? 'error' : undefined}
                    help={
                      nameMissing && (nameTouched || save.isError)
                        ? t('segments.def.nameRequired')
                        : undefined
                    }
                  >
                    <Input
                      id="segment-name"
                      maxLength={200}
                      value={draft.name}
                      placeholder={t('segments.def.namePlaceholder')}
                      onChange={(e) => set({ name: e.target.value })}
                      onBlur={() => setNameTouched(true)}
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} md={12}>
                  <Form.Item label={t('segments.def.description')} htmlFor="segment-description">
                    <Input
                      id="segment-description"
                      maxLength={2000}
                      value={draft.description}
                      onChange={(e) => set({ description: e.target.value })}
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item label={t('common.kind')}>
                    <Radio.Group
                      value={draft.kind}
                      disabled={segment !== null}
                      onChange={(e) => set({ kind: e.target.value as Kind })}
                      options={[
                        { value: 'dynamic', label: t('segments.kind.dynamic') },
                        { value: 'static', label: t('segments.kind.static') },
                      ]}
                    />
                  </Form.Item>
                </Col>
                {dynamic && (
                  <>
                    <Col xs={24} md={8}>
                      <Form.Item label={t('segments.def.realtime')} tooltip={t('segments.def.realtimeHint')}>
                        <Switch checked={draft.realtime} onChange={(realtime) => set({ realtime })} />
                      </Form.Item>
                    </Col>
                    <Col xs={24} md={8}>
                      <Form.Item label={t('segments.def.schedule')} tooltip={t('segments.def.scheduleHint')}>
                        <Select<SegmentSchedule>
                          aria-label={t('segments.def.schedule')}
                          value={draft.schedule}
                          onChange={(schedule) => set({ schedule })}
                          options={SCHEDULES.map((s) => ({ value: s, label: t(`schedule.${s}`) }))}
                        />
                      </Form.Item>
                    </Col>
                  </>
                )}
              </Row>
            </Form>
          </Card>

          {dynamic ? (
            <Card
              title={t('segments.def.condition')}
              size="small"
              extra={<JsonEditButton condition={condition} onApply={setCondition} />}
            >
              <Flex vertical gap={12}>
                <ConditionEditor
                  value={condition}
                  onChange={setCondition}
                  liveCount={false}
                  jsonMode={false}
                  selfId={segment?.id ?? null}
                  serverIssues={serverIssues}
                  testId="segment-condition"
                />
                {selfRef && <Alert type="error" showIcon title={t('segments.def.selfRef')} />}
              </Flex>
            </Card>
          ) : (
            <Card title={t('segments.static.title')} size="small">
              {segment ? (
                canWrite ? (
                  <StaticMembersEditor segment={segment} />
                ) : (
                  <Alert type="info" showIcon title={t('segments.readOnly')} />
                )
              ) : (
                <ListInput value={list} onChange={setList} />
              )}
            </Card>
          )}

          {save.error !== null && <ErrorAlert error={save.error} />}
          {canWrite ? (
            <Flex gap={8} align="center">
              <Button
                type="primary"
                icon={<SaveOutlined />}
                loading={save.isPending}
                disabled={!canSave}
                onClick={() => save.mutate()}
                data-testid="segment-save"
              >
                {segment ? t('segments.def.saveVersion') : t('segments.def.create')}
              </Button>
              {segment && dirty && (
                <>
                  <Button icon={<UndoOutlined />} onClick={reset}>
                    {t('segments.def.discard')}
                  </Button>
                  <Tag color="orange">{t('segments.def.unsaved')}</Tag>
                </>
              )}
            </Flex>
          ) : (
            <Alert type="info" showIcon title={t('segments.def.explore')} />
          )}
        </Flex>
      </Col>
      {dynamic && (
        <Col xs={24} xl={8}>
          <div style={{ position: 'sticky', top: 16 }}>
            <PreviewCard preview={preview} localIssues={localIssues.length} />
          </div>
        </Col>
      )}
    </Row>
  );
}
