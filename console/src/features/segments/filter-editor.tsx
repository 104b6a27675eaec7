import { Flex, Segmented, Typography } from 'antd';
import { useCallback, useMemo, useState } from 'react';
import { useI18n } from '../../i18n';
import { keepEscapeInPickers } from './builder';
import { BuilderContext, type BuilderContextValue } from './builder-context';
import { propertiesOf, useBuilderOptions, useDataSchema } from './builder-options';
import { filterIssues, type IssueCode } from './condition-check';
import { JsonTextArea } from './condition-json';
import { filtersFromJson, filtersToJson, type Filter } from './condition-tree';
import { FilterList } from './leaf-editors';

/**
 * Property filters on their own: a journey trigger's, wait's or goal's `where`, which has the
 * shape of an event condition's `where` (src/journeys/definitions.ts checks it as one). Rows of
 * property, operator and value, the properties offered being those the chosen events carry;
 * a JSON mode for filters the rows cannot show.
 */
export function FilterEditor({
  value,
  onChange,
  events,
  readOnly = false,
  onJsonError,
  testId = 'filter-editor',
}: {
  value: unknown[] | undefined;
  onChange: (where: unknown[] | undefined) => void;
  /** The events filtered: their properties are offered. */
  events: string[];
  readOnly?: boolean;
  onJsonError?: (message: string | null) => void;
  testId?: string;
}): React.JSX.Element {
  const { t } = useI18n();
  const options = useBuilderOptions();
  const schema = useDataSchema().data;
  const json = JSON.stringify(value ?? null);
  const [filters, setFilters] = useState(() => filtersFromJson(value));
  const [shown, setShown] = useState(json);
  if (json !== shown) {
    setShown(json);
    setFilters(filtersFromJson(value));
  }
  const representable = filters !== null;
  const [mode, setMode] = useState<'rows' | 'json'>(representable ? 'rows' : 'json');
  const change = useCallback(
    (next: Filter[] | undefined) => {
      const where = filtersToJson(next);
      setFilters(next);
      setShown(JSON.stringify(where ?? null));
      onChange(where);
    },
    [onChange],
  );
  const properties = useMemo(() => propertiesOf(schema, events), [schema, events]);
  const ctx = useMemo<BuilderContextValue>(() => {
    const issues = new Map<string, IssueCode[]>();
    for (const i of filterIssues(filters ?? undefined))
      issues.set(i.id, [...(issues.get(i.id) ?? []), i.code]);
    return {
      options,
      readOnly,
      selfId: null,
      issues,
      serverIssues: new Map(),
      update: () => undefined,
      remove: () => undefined,
      move: () => undefined,
    };
  }, [options, readOnly, filters]);

  return (
    <Flex vertical gap={6} data-testid={testId} style={{ width: '100%' }} onKeyDown={keepEscapeInPickers}>
      <Flex justify="flex-end">
        <Segmented<'rows' | 'json'>
          size="small"
          aria-label={t('segments.editor.mode')}
          value={mode}
          onChange={setMode}
          options={[
            { value: 'rows', label: t('segments.editor.visual'), disabled: !representable },
            { value: 'json', label: t('segments.editor.json') },
          ]}
        />
      </Flex>
      {mode === 'rows' && filters !== null ? (
        <BuilderContext.Provider value={ctx}>
          <FilterList filters={filters} properties={properties} onChange={change} />
        </BuilderContext.Provider>
      ) : (
        <>
          {!representable && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('segments.filters.rawHint')}
            </Typography.Text>
          )}
          <JsonTextArea
            value={value}
            onChange={(v) => onChange(v as unknown[] | undefined)}
            onError={onJsonError}
            disabled={readOnly}
            rows={3}
            optional
            label={t('segments.editor.jsonLabel')}
          />
        </>
      )}
    </Flex>
  );
}
