import { CloseOutlined, PlusOutlined } from '@ant-design/icons';
import { AutoComplete, Button, Flex, Input, InputNumber, Select, Space, Typography } from 'antd';
import { useI18n } from '../../i18n';
import { useBuilder } from './builder-context';
import type { EventOption } from './builder-options';
import {
  MEASURES,
  NUMBER_OPS,
  newStep,
  type EventLeaf,
  type EventSpec,
  type Measure,
  type MeasureFn,
  type NumberOp,
  type SequenceLeaf,
  type SequenceStep,
  type Window,
} from './condition-tree';
import { FilterList, Issues, usePatch } from './leaf-editors';
import { DurationInput } from './value-input';

/** Editors of the behavioural leaves: an event with filters, a measure and a window; a sequence. */

const label = (text: string) => (
  <Typography.Text type="secondary" style={{ minWidth: 56 }}>
    {text}
  </Typography.Text>
);

function EventNames({ spec, onChange }: { spec: EventSpec; onChange: (s: EventSpec) => void }) {
  const { options, readOnly } = useBuilder();
  return (
    <EventNameSelect
      value={spec.events}
      events={options.events}
      disabled={readOnly}
      onChange={(events) => onChange({ ...spec, events })}
    />
  );
}

/**
 * Event names to pick (the store's, with how often each happened) or type; shared with the
 * journey canvas's triggers and waits.
 */
export function EventNameSelect({
  value,
  events,
  onChange,
  disabled,
  id,
  label,
}: {
  value: string[];
  events: EventOption[];
  onChange: (names: string[]) => void;
  disabled?: boolean;
  id?: string;
  label?: string;
}): React.JSX.Element {
  const { t, formatNumber } = useI18n();
  const counts = new Map(events.map((e) => [e.name, e.count]));
  return (
    <Select<string[]>
      id={id}
      aria-label={label ?? t('segments.b.event')}
      mode="tags"
      style={{ minWidth: 260 }}
      placeholder={t('segments.b.eventPlaceholder')}
      value={value}
      disabled={disabled}
      status={value.length === 0 ? 'warning' : undefined}
      options={events.map((e) => ({ value: e.name, label: e.name }))}
      optionRender={(o) => {
        const n = counts.get(String(o.value));
        return (
          <Flex justify="space-between" gap={12}>
            <span>{o.label}</span>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {n === undefined ? '' : n > 0 ? formatNumber(n) : t('segments.b.notSeen')}
            </Typography.Text>
          </Flex>
        );
      }}
      onChange={(names) => onChange(names.map((e) => e.trim()).filter(Boolean))}
    />
  );
}

/** `datetime-local` shows local time; the condition holds ISO with an offset. */
const toLocalInput = (iso: string): string => {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromLocalInput = (v: string): string => {
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
};

function WindowInput({ window, onChange }: { window: Window; onChange: (w: Window) => void }) {
  const { t } = useI18n();
  const { readOnly } = useBuilder();
  const switchKind = (kind: Window['kind']) => {
    if (kind === 'all') onChange({ kind });
    else if (kind === 'last') onChange({ kind, duration: '30d' });
    else {
      const to = new Date();
      onChange({ kind, from: new Date(to.getTime() - 30 * 86_400_000).toISOString(), to: to.toISOString() });
    }
  };
  return (
    <Space wrap>
      <Select<Window['kind']>
        aria-label={t('segments.b.window')}
        style={{ width: 130 }}
        value={window.kind}
        disabled={readOnly}
        onChange={switchKind}
        options={(['all', 'last', 'range'] as const).map((k) => ({
          value: k,
          label: t(`segments.b.window.${k}`),
        }))}
      />
      {window.kind === 'last' && (
        <DurationInput
          label={t('segments.b.windowLength')}
          value={window.duration}
          disabled={readOnly}
          onChange={(duration) => onChange({ kind: 'last', duration })}
        />
      )}
      {window.kind === 'range' && (
        <Space.Compact>
          <Input
            type="datetime-local"
            aria-label={t('segments.b.from')}
            value={toLocalInput(window.from)}
            disabled={readOnly}
            onChange={(e) => onChange({ ...window, from: fromLocalInput(e.target.value) })}
          />
          <Input
            type="datetime-local"
            aria-label={t('segments.b.to')}
            value={toLocalInput(window.to)}
            disabled={readOnly}
            onChange={(e) => onChange({ ...window, to: fromLocalInput(e.target.value) })}
          />
        </Space.Compact>
      )}
    </Space>
  );
}

const IMPLICIT: Measure = { fn: 'count', property: '', op: 'gte', value: 1 };

function MeasureInput({
  measure,
  onChange,
  events,
}: {
  measure: Measure | null;
  onChange: (m: Measure) => void;
  events: string[];
}) {
  const { t } = useI18n();
  const { options, readOnly } = useBuilder();
  const m = measure ?? IMPLICIT;
  const numeric = options.propertiesOf(events).filter((p) => p.type === 'number' || p.type === 'any');
  const pair: [number, number] = Array.isArray(m.value) ? m.value : [m.value, m.value];
  return (
    <Space wrap>
      <Select<MeasureFn>
        aria-label={t('segments.b.measure')}
        style={{ width: 110 }}
        value={m.fn}
        disabled={readOnly}
        onChange={(fn) =>
          onChange({ ...m, fn, property: fn === 'count' ? '' : m.property || (numeric[0]?.key ?? 'revenue') })
        }
        options={MEASURES.map((f) => ({ value: f, label: t(`segments.b.measure.${f}`) }))}
      />
      {m.fn !== 'count' && (
        <AutoComplete
          aria-label={t('segments.b.measureProperty')}
          style={{ width: 160 }}
          value={m.property}
          disabled={readOnly}
          onChange={(property: string) => onChange({ ...m, property: property.trim() })}
          options={numeric.map((p) => ({ value: p.key, label: p.key }))}
        />
      )}
      <Select<NumberOp>
        aria-label={t('segments.b.measureOp')}
        style={{ width: 110 }}
        value={m.op}
        disabled={readOnly}
        onChange={(op) =>
          onChange({ ...m, op, value: op === 'between' ? [pair[0], Math.max(pair[0], pair[1])] : pair[0] })
        }
        options={NUMBER_OPS.map((o) => ({ value: o, label: t(`segments.op.${o}`) }))}
      />
      {m.op === 'between' ? (
        <Space>
          <InputNumber
            aria-label={t('segments.b.low')}
            value={pair[0]}
            disabled={readOnly}
            onChange={(n) => onChange({ ...m, value: [n ?? Number.NaN, pair[1]] })}
          />
          <span>–</span>
          <InputNumber
            aria-label={t('segments.b.high')}
            value={pair[1]}
            disabled={readOnly}
            onChange={(n) => onChange({ ...m, value: [pair[0], n ?? Number.NaN] })}
          />
        </Space>
      ) : (
        <InputNumber
          aria-label={t('segments.b.measureValue')}
          min={m.fn === 'count' ? 0 : undefined}
          precision={m.fn === 'count' ? 0 : undefined}
          value={Number.isFinite(pair[0]) ? pair[0] : null}
          disabled={readOnly}
          onChange={(n) => onChange({ ...m, value: n ?? Number.NaN })}
        />
      )}
      {m.fn === 'count' && <Typography.Text>{t('segments.b.times')}</Typography.Text>}
      {m.fn === 'count' && m.op === 'eq' && m.value === 0 && (
        <Typography.Text type="secondary">{t('segments.b.didNot')}</Typography.Text>
      )}
      {measure === null && (
        <Typography.Text type="secondary">{t('segments.b.implicitCount')}</Typography.Text>
      )}
    </Space>
  );
}

export function EventEditor({ node }: { node: EventLeaf }): React.JSX.Element {
  const { t } = useI18n();
  const { options } = useBuilder();
  const patch = usePatch(node);
  return (
    <Flex vertical gap={8}>
      <Flex wrap gap={8} align="center">
        {label(t('segments.b.did'))}
        <EventNames spec={node} onChange={(s) => patch(s)} />
      </Flex>
      <Flex wrap gap={8} align="center">
        {label(t('segments.b.when'))}
        <WindowInput window={node.window} onChange={(window) => patch({ window })} />
      </Flex>
      <Flex wrap gap={8} align="center">
        {label(t('segments.b.howOften'))}
        <MeasureInput
          measure={node.measure}
          events={node.events}
          onChange={(measure) => patch({ measure })}
        />
      </Flex>
      <FilterList
        filters={node.where}
        properties={options.propertiesOf(node.events)}
        onChange={(where) => patch({ where })}
      />
    </Flex>
  );
}

export function SequenceEditor({ node }: { node: SequenceLeaf }): React.JSX.Element {
  const { t } = useI18n();
  const { options, readOnly } = useBuilder();
  const patch = usePatch(node);
  const setStep = (id: string, s: Partial<SequenceStep>) =>
    patch({ steps: node.steps.map((x) => (x.id === id ? { ...x, ...s } : x)) });
  return (
    <Flex vertical gap={8}>
      {node.steps.map((s, i) => (
        <Flex key={s.id} vertical gap={4} data-testid="builder-step">
          <Flex wrap gap={8} align="center">
            {label(t('segments.b.step', { n: i + 1 }))}
            <EventNames spec={s} onChange={(spec) => setStep(s.id, spec)} />
            {!readOnly && node.steps.length > 2 && (
              <Button
                type="text"
                size="small"
                icon={<CloseOutlined />}
                aria-label={t('segments.b.removeStep')}
                onClick={() => patch({ steps: node.steps.filter((x) => x.id !== s.id) })}
              />
            )}
          </Flex>
          <div style={{ paddingLeft: 64 }}>
            <FilterList
              filters={s.where}
              properties={options.propertiesOf(s.events)}
              onChange={(where) => setStep(s.id, { where })}
            />
          </div>
          <Issues id={s.id} />
        </Flex>
      ))}
      {!readOnly && node.steps.length < 5 && (
        <div>
          <Button
            size="small"
            type="dashed"
            icon={<PlusOutlined />}
            onClick={() => patch({ steps: [...node.steps, newStep()] })}
          >
            {t('segments.b.addStep')}
          </Button>
        </div>
      )}
      <Flex wrap gap={8} align="center">
        {label(t('segments.b.within'))}
        <DurationInput
          label={t('segments.b.sequenceWithin')}
          value={node.within}
          disabled={readOnly}
          onChange={(within) => patch({ within })}
        />
        <Select<'yes' | 'no'>
          aria-label={t('segments.b.completed')}
          style={{ width: 300 }}
          value={node.completed === false ? 'no' : 'yes'}
          disabled={readOnly}
          onChange={(v) =>
            patch({ completed: v === 'yes' ? (node.completed === undefined ? undefined : true) : false })
          }
          options={[
            { value: 'yes', label: t('segments.b.completed.yes') },
            { value: 'no', label: t('segments.b.completed.no') },
          ]}
        />
      </Flex>
    </Flex>
  );
}
