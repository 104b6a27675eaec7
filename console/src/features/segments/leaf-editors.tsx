import { CloseOutlined, PlusOutlined } from '@ant-design/icons';
import { AutoComplete, Button, Flex, Input, Select, Typography } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../i18n';
import { useBuilder } from './builder-context';
import { OPS_BY_TYPE, useTagValues, type KeyOption, type ValueType } from './builder-options';
import {
  newFilter,
  treeFromCondition,
  type Comparison,
  type Filter,
  type RawLeaf,
  type SegmentLeaf,
  type TagLeaf,
  type TraitLeaf,
  type TreeNode,
  type ValueOp,
} from './condition-tree';
import { type IssueCode } from './condition-check';
import { ValueInput, valueForOp } from './value-input';

/** Editors of the simple leaves (trait, tag, segment, raw JSON) and the parts others share. */

export function usePatch<T extends TreeNode>(node: T): (p: Partial<T>) => void {
  const { update } = useBuilder();
  return (p) => update(node.id, (n) => ({ ...n, ...p }));
}

/** The builder's and the server's problems with one node, filter or step. */
export function Issues({ id }: { id: string }): React.JSX.Element | null {
  const { t } = useI18n();
  const { issues, serverIssues } = useBuilder();
  const mine: IssueCode[] = issues.get(id) ?? [];
  const server = serverIssues.get(id) ?? [];
  if (mine.length === 0 && server.length === 0) return null;
  return (
    <Flex vertical data-testid="builder-issues">
      {mine.map((c) => (
        <Typography.Text key={c} type="warning" style={{ fontSize: 12 }}>
          {t(`segments.issue.${c}`)}
        </Typography.Text>
      ))}
      {server.map((m) => (
        <Typography.Text key={m} type="danger" style={{ fontSize: 12 }}>
          {m}
        </Typography.Text>
      ))}
    </Flex>
  );
}

export function OpSelect({
  op,
  type,
  onChange,
}: {
  op: ValueOp;
  type: ValueType;
  onChange: (op: ValueOp) => void;
}): React.JSX.Element {
  const { t } = useI18n();
  const { readOnly } = useBuilder();
  const ops = OPS_BY_TYPE[type].includes(op) ? OPS_BY_TYPE[type] : [op, ...OPS_BY_TYPE[type]];
  return (
    <Select<ValueOp>
      aria-label={t('segments.b.op')}
      style={{ width: 130 }}
      popupMatchSelectWidth={false}
      value={op}
      disabled={readOnly}
      onChange={onChange}
      options={ops.map((o) => ({ value: o, label: t(`segments.op.${o}`) }))}
    />
  );
}

/** The operator and value of a comparison; a new operator keeps what of the value still fits. */
export function ComparisonInput({
  c,
  type,
  suggestions,
  onChange,
}: {
  c: Comparison;
  type: ValueType;
  suggestions: KeyOption['values'];
  onChange: (c: Comparison) => void;
}): React.JSX.Element {
  const { readOnly } = useBuilder();
  return (
    <>
      <OpSelect
        op={c.op}
        type={type}
        onChange={(op) => onChange({ op, value: valueForOp(op, c.value, type) })}
      />
      <ValueInput
        op={c.op}
        value={c.value}
        hint={type}
        suggestions={suggestions}
        disabled={readOnly}
        onChange={(value) => onChange({ op: c.op, value })}
      />
    </>
  );
}

export function TraitEditor({ node }: { node: TraitLeaf }): React.JSX.Element {
  const { t, formatNumber } = useI18n();
  const { options, readOnly } = useBuilder();
  const patch = usePatch(node);
  const known = options.traits.find((k) => k.key === node.key);
  const type: ValueType = known?.type ?? 'any';
  return (
    <Flex wrap gap={8} align="center">
      <AutoComplete
        aria-label={t('segments.b.trait')}
        style={{ width: 220 }}
        value={node.key}
        disabled={readOnly}
        placeholder={t('segments.b.traitPlaceholder')}
        status={node.key === '' ? 'warning' : undefined}
        onChange={(key: string) => patch({ key: key.trim() })}
        options={options.traits.map((k) => ({
          value: k.key,
          label: (
            <Flex justify="space-between" gap={8}>
              <span>{k.label}</span>
              <Typography.Text type="secondary">
                {k.computed
                  ? t('segments.b.computed')
                  : k.count !== undefined
                    ? t('segments.b.seen', { n: formatNumber(k.count) })
                    : t(`segments.b.type.${k.type}`)}
              </Typography.Text>
            </Flex>
          ),
        }))}
        showSearch={{
          filterOption: (input, o) =>
            String(o?.value ?? '')
              .toLowerCase()
              .includes(input.toLowerCase()) ||
            (options.traits.find((k) => k.key === o?.value)?.label ?? '').includes(input),
        }}
      />
      <ComparisonInput c={node} type={type} suggestions={known?.values ?? []} onChange={(c) => patch(c)} />
    </Flex>
  );
}

export function TagEditor({ node }: { node: TagLeaf }): React.JSX.Element {
  const { t, formatNumber } = useI18n();
  const { options, readOnly } = useBuilder();
  const patch = usePatch(node);
  const values = useTagValues(node.key);
  const listed = options.tags.some((tag) => tag.key === node.key);
  return (
    <Flex wrap gap={8} align="center">
      <Select<string>
        aria-label={t('segments.b.tag')}
        style={{ width: 240 }}
        showSearch={{ optionFilterProp: 'label' }}
        value={node.key || undefined}
        disabled={readOnly}
        placeholder={t('segments.b.tagPlaceholder')}
        onChange={(key) => patch({ key })}
        options={[
          ...options.tags.map((tag) => ({ value: tag.key, label: tag.label })),
          ...(listed || node.key === '' ? [] : [{ value: node.key, label: node.key }]),
        ]}
      />
      <ComparisonInput
        c={node}
        type={values.type}
        suggestions={values.values.map((v) => v.value)}
        onChange={(c) => patch(c)}
      />
      {values.values.length > 0 && (node.op === 'eq' || node.op === 'in') && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {values.values
            .slice(0, 6)
            .map((v) => `${String(v.value)} ${formatNumber(v.profiles)}`)
            .join(' · ')}
        </Typography.Text>
      )}
    </Flex>
  );
}

export function SegmentEditor({ node }: { node: SegmentLeaf }): React.JSX.Element {
  const { t, formatNumber } = useI18n();
  const { options, readOnly, selfId } = useBuilder();
  const patch = usePatch(node);
  const others = options.segments.filter((s) => s.id !== selfId);
  return (
    <Flex wrap gap={8} align="center">
      <Typography.Text>{t('segments.b.inSegment')}</Typography.Text>
      <Select<string>
        aria-label={t('segments.b.segment')}
        style={{ width: 320 }}
        showSearch={{ optionFilterProp: 'label' }}
        value={node.segment || undefined}
        disabled={readOnly}
        placeholder={t('segments.b.segmentPlaceholder')}
        onChange={(segment) => patch({ segment })}
        options={others.map((s) => ({
          value: s.id,
          label: `${s.name} (${s.size === null ? '—' : formatNumber(s.size)})`,
        }))}
      />
    </Flex>
  );
}

/** JSON the builder has no editor for; a pasted shape it knows becomes an editable node. */
export function RawEditor({ node }: { node: RawLeaf }): React.JSX.Element {
  const { t } = useI18n();
  const { readOnly, update } = useBuilder();
  const [text, setText] = useState(() => JSON.stringify(node.json, null, 2));
  const [bad, setBad] = useState(false);
  const commit = () => {
    try {
      const json: unknown = JSON.parse(text);
      setBad(false);
      const parsed = treeFromCondition(json);
      update(node.id, () => ({ ...parsed, id: node.id, nots: parsed.nots + node.nots }));
    } catch (err) {
      setBad(err instanceof SyntaxError);
    }
  };
  return (
    <Flex vertical gap={4} style={{ width: '100%' }}>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('segments.b.rawHint')}
      </Typography.Text>
      <Input.TextArea
        aria-label={t('segments.b.raw')}
        autoSize={{ minRows: 2, maxRows: 12 }}
        value={text}
        disabled={readOnly}
        status={bad ? 'error' : undefined}
        style={{ fontFamily: 'monospace', fontSize: 12 }}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
      />
      {bad && <Typography.Text type="danger">{t('segments.b.rawInvalid')}</Typography.Text>}
    </Flex>
  );
}

/** Property filters of an event or a sequence step. */
export function FilterList({
  filters,
  properties,
  onChange,
}: {
  filters: Filter[] | undefined;
  properties: KeyOption[];
  onChange: (f: Filter[] | undefined) => void;
}): React.JSX.Element {
  const { t, formatNumber } = useI18n();
  const { readOnly } = useBuilder();
  const list = filters ?? [];
  const set = (id: string, p: Partial<Filter>) =>
    onChange(list.map((f) => (f.id === id ? { ...f, ...p } : f)));
  return (
    <Flex vertical gap={6}>
      {list.map((f) => {
        const known = properties.find((p) => p.key === f.property);
        const type: ValueType = known?.type ?? 'any';
        return (
          <Flex key={f.id} vertical gap={2} data-testid="builder-filter">
            <Flex wrap gap={8} align="center">
              <Typography.Text type="secondary">{t('segments.b.where')}</Typography.Text>
              <AutoComplete
                aria-label={t('segments.b.property')}
                style={{ width: 180 }}
                value={f.property}
                disabled={readOnly}
                placeholder={t('segments.b.propertyPlaceholder')}
                onChange={(property: string) => set(f.id, { property: property.trim() })}
                options={properties.map((p) => ({
                  value: p.key,
                  label: (
                    <Flex justify="space-between" gap={8}>
                      <span>{p.key}</span>
                      {p.count !== undefined && (
                        <Typography.Text type="secondary">
                          {t('segments.b.seen', { n: formatNumber(p.count) })}
                        </Typography.Text>
                      )}
                    </Flex>
                  ),
                }))}
                showSearch={{
                  filterOption: (input, o) =>
                    String(o?.value ?? '')
                      .toLowerCase()
                      .includes(input.toLowerCase()),
                }}
              />
              <ComparisonInput
                c={f}
                type={type}
                suggestions={known?.values ?? []}
                onChange={(c) => set(f.id, c)}
              />
              {!readOnly && (
                <Button
                  type="text"
                  size="small"
                  icon={<CloseOutlined />}
                  aria-label={t('segments.b.removeFilter')}
                  onClick={() => {
                    const rest = list.filter((x) => x.id !== f.id);
                    onChange(rest.length > 0 ? rest : undefined);
                  }}
                />
              )}
            </Flex>
            <Issues id={f.id} />
          </Flex>
        );
      })}
      {!readOnly && (
        <div>
          <Button
            size="small"
            type="dashed"
            icon={<PlusOutlined />}
            onClick={() => onChange([...list, newFilter()])}
          >
            {t('segments.b.addFilter')}
          </Button>
        </div>
      )}
    </Flex>
  );
}
