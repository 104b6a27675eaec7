import { AutoComplete, Input, InputNumber, Select, Space } from 'antd';
import { useMemo, useState } from 'react';
import { useI18n } from '../../i18n';
import { DURATION, parseDuration, type DurationUnit, type Scalar, type ValueOp } from './condition-tree';
import type { ValueType } from './builder-options';

/** The value editors of a comparison, one per shape the operators take (src/conditions/ast.ts checkComparison). */

const UNITS: readonly DurationUnit[] = ['d', 'h', 'm', 's'];

/** `30d` as a number and a unit. */
export function DurationInput({
  value,
  onChange,
  label,
  disabled,
}: {
  value: string;
  onChange: (v: string) => void;
  label: string;
  disabled?: boolean;
}): React.JSX.Element {
  const { t } = useI18n();
  const d = parseDuration(value);
  const unit = d?.unit ?? (/[smhd]$/.exec(value)?.[0] as DurationUnit | undefined) ?? 'd';
  return (
    <Space.Compact>
      <InputNumber
        aria-label={label}
        min={1}
        max={999999}
        precision={0}
        style={{ width: 90 }}
        value={d?.n ?? null}
        disabled={disabled}
        status={DURATION.test(value) ? undefined : 'error'}
        onChange={(n) => onChange(n === null ? unit : `${n}${unit}`)}
      />
      <Select<DurationUnit>
        aria-label={t('segments.b.unit')}
        style={{ width: 84 }}
        value={unit}
        disabled={disabled}
        onChange={(u) => onChange(`${d?.n ?? ''}${u}`)}
        options={UNITS.map((u) => ({ value: u, label: t(`segments.b.unit.${u}`) }))}
      />
    </Space.Compact>
  );
}

type ScalarKind = 'text' | 'number' | 'boolean';

const kindOf = (v: unknown, hint: ValueType): ScalarKind =>
  typeof v === 'number'
    ? 'number'
    : typeof v === 'boolean'
      ? 'boolean'
      : typeof v === 'string' && v !== ''
        ? 'text'
        : hint === 'number'
          ? 'number'
          : hint === 'boolean'
            ? 'boolean'
            : 'text';

/** One string, number or boolean, with the kind switchable (a trait may hold "3" or 3). */
export function ScalarInput({
  value,
  onChange,
  hint,
  suggestions,
  label,
  disabled,
  kinds = ['text', 'number', 'boolean'],
}: {
  value: unknown;
  onChange: (v: Scalar) => void;
  hint: ValueType;
  suggestions: Scalar[];
  label: string;
  disabled?: boolean;
  kinds?: ScalarKind[];
}): React.JSX.Element {
  const { t } = useI18n();
  // An empty value has no kind of its own: the one last picked, else the key's type.
  const [picked, setPicked] = useState<ScalarKind | null>(null);
  const empty = value === '' || value === undefined || value === null;
  const kind = empty && picked && kinds.includes(picked) ? picked : kindOf(value, hint);
  const switchKind = (k: ScalarKind) => {
    setPicked(k);
    if (k === 'number') onChange(Number.isFinite(Number(value)) && value !== '' ? Number(value) : '');
    else if (k === 'boolean') onChange(value === 'false' ? false : true);
    else onChange(typeof value === 'string' || typeof value === 'number' ? String(value) : '');
  };
  const options = useMemo(
    () =>
      suggestions
        .filter((s) => (kind === 'number' ? typeof s === 'number' : typeof s === 'string'))
        .map((s) => ({ value: String(s), label: String(s) })),
    [suggestions, kind],
  );
  let input: React.JSX.Element;
  if (kind === 'number')
    input = (
      <InputNumber
        aria-label={label}
        style={{ width: 140 }}
        value={typeof value === 'number' ? value : null}
        disabled={disabled}
        onChange={(n) => onChange(n ?? '')}
      />
    );
  else if (kind === 'boolean')
    input = (
      <Select<string>
        aria-label={label}
        style={{ width: 110 }}
        value={String(value === false ? false : true)}
        disabled={disabled}
        onChange={(v) => onChange(v === 'true')}
        options={[
          { value: 'true', label: 'true' },
          { value: 'false', label: 'false' },
        ]}
      />
    );
  else
    input = (
      <AutoComplete
        aria-label={label}
        style={{ width: 180 }}
        value={typeof value === 'string' ? value : ''}
        disabled={disabled}
        options={options}
        placeholder={t('segments.b.value')}
        onChange={(v: string) => onChange(v)}
        showSearch={{
          filterOption: (input, o) =>
            String(o?.value ?? '')
              .toLowerCase()
              .includes(input.toLowerCase()),
        }}
      />
    );
  if (kinds.length < 2) return input;
  return (
    <Space.Compact>
      <Select<ScalarKind>
        aria-label={t('segments.b.valueKind')}
        style={{ width: 76 }}
        value={kind}
        disabled={disabled}
        onChange={switchKind}
        options={kinds.map((k) => ({ value: k, label: t(`segments.b.kind.${k}`) }))}
      />
      {input}
    </Space.Compact>
  );
}

/** A list of values (in, nin): typed or picked; numbers stay numbers when the key holds numbers. */
function ListInput({
  value,
  onChange,
  hint,
  suggestions,
  label,
  disabled,
}: {
  value: unknown;
  onChange: (v: Scalar[]) => void;
  hint: ValueType;
  suggestions: Scalar[];
  label: string;
  disabled?: boolean;
}): React.JSX.Element {
  const { t } = useI18n();
  const list = Array.isArray(value) ? (value as Scalar[]) : [];
  const known = new Map<string, Scalar>([...suggestions, ...list].map((v) => [String(v), v]));
  return (
    <Select<string[]>
      aria-label={label}
      mode="tags"
      style={{ minWidth: 220 }}
      placeholder={t('segments.b.values')}
      disabled={disabled}
      value={list.map(String)}
      tokenSeparators={[',', '，']}
      options={suggestions.map((s) => ({ value: String(s), label: String(s) }))}
      onChange={(texts) =>
        onChange(
          texts.map((s) => {
            const k = known.get(s);
            if (k !== undefined) return k;
            return hint === 'number' && s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s;
          }),
        )
      }
    />
  );
}

/** A date (`2025-06-18`) or a time ago (`30d`), for before / after. */
function DateOrAgo({
  value,
  onChange,
  label,
  disabled,
}: {
  value: unknown;
  onChange: (v: string) => void;
  label: string;
  disabled?: boolean;
}): React.JSX.Element {
  const { t } = useI18n();
  const text = typeof value === 'string' ? value : '';
  const ago = DURATION.test(text) || /^\d*[smhd]$/.test(text);
  return (
    <Space.Compact>
      <Select<'date' | 'ago'>
        aria-label={t('segments.b.dateMode')}
        style={{ width: 110 }}
        value={ago ? 'ago' : 'date'}
        disabled={disabled}
        onChange={(m) => onChange(m === 'ago' ? '30d' : new Date().toISOString().slice(0, 10))}
        options={[
          { value: 'date', label: t('segments.b.date') },
          { value: 'ago', label: t('segments.b.ago') },
        ]}
      />
      {ago ? (
        <DurationInput value={text} onChange={onChange} label={label} disabled={disabled} />
      ) : (
        <Input
          aria-label={label}
          type="date"
          style={{ width: 160 }}
          value={text.slice(0, 10)}
          disabled={disabled}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Space.Compact>
  );
}

/** The value a fresh operator starts with, keeping what still fits. */
export function valueForOp(op: ValueOp, old: unknown, hint: ValueType): unknown {
  const scalar: unknown = Array.isArray(old) ? old[0] : old;
  switch (op) {
    case 'exists':
      return undefined;
    case 'in':
    case 'nin':
      return Array.isArray(old) ? old : scalar === undefined || scalar === '' ? [] : [scalar];
    case 'between':
      return Array.isArray(old) && old.length === 2 ? old : hint === 'number' ? [0, 100] : ['', ''];
    case 'before':
    case 'after':
      return typeof old === 'string' && old !== '' ? old : '30d';
    case 'within_last':
    case 'birthday_within':
      return typeof old === 'string' && DURATION.test(old) ? old : '7d';
    case 'eq':
    case 'neq':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
    case 'contains':
      return scalar === undefined || typeof scalar === 'object' ? '' : scalar;
  }
}

export function ValueInput({
  op,
  value,
  onChange,
  hint,
  suggestions,
  disabled,
}: {
  op: ValueOp;
  value: unknown;
  onChange: (v: unknown) => void;
  hint: ValueType;
  suggestions: Scalar[];
  disabled?: boolean;
}): React.JSX.Element | null {
  const { t } = useI18n();
  const label = t('segments.b.value');
  switch (op) {
    case 'exists':
      return (
        <Select<string>
          aria-label={label}
          style={{ width: 120 }}
          value={value === false ? 'no' : 'yes'}
          disabled={disabled}
          onChange={(v) => onChange(v === 'yes' ? (value === undefined ? undefined : true) : false)}
          options={[
            { value: 'yes', label: t('segments.b.exists.yes') },
            { value: 'no', label: t('segments.b.exists.no') },
          ]}
        />
      );
    case 'in':
    case 'nin':
      return (
        <ListInput
          value={value}
          onChange={onChange}
          hint={hint}
          suggestions={suggestions}
          label={label}
          disabled={disabled}
        />
      );
    case 'between': {
      const pair = Array.isArray(value) ? (value as unknown[]) : ['', ''];
      const kinds: ScalarKind[] = ['number', 'text'];
      const set = (i: 0 | 1, v: unknown) => onChange(i === 0 ? [v, pair[1]] : [pair[0], v]);
      return (
        <Space>
          <ScalarInput
            value={pair[0]}
            onChange={(v) => set(0, v)}
            hint={hint}
            suggestions={suggestions}
            label={t('segments.b.low')}
            disabled={disabled}
            kinds={kinds}
          />
          <span>–</span>
          <ScalarInput
            value={pair[1]}
            onChange={(v) => set(1, v)}
            hint={hint}
            suggestions={suggestions}
            label={t('segments.b.high')}
            disabled={disabled}
            kinds={kinds}
          />
        </Space>
      );
    }
    case 'before':
    case 'after':
      return <DateOrAgo value={value} onChange={onChange} label={label} disabled={disabled} />;
    case 'within_last':
    case 'birthday_within':
      return (
        <DurationInput
          value={typeof value === 'string' ? value : ''}
          onChange={onChange}
          label={label}
          disabled={disabled}
        />
      );
    case 'contains':
      return (
        <ScalarInput
          value={value}
          onChange={onChange}
          hint="string"
          suggestions={suggestions}
          label={label}
          disabled={disabled}
          kinds={['text']}
        />
      );
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return (
        <ScalarInput
          value={value}
          onChange={onChange}
          hint={hint === 'any' || hint === 'date' ? hint : 'number'}
          suggestions={suggestions}
          label={label}
          disabled={disabled}
          kinds={['number', 'text']}
        />
      );
    case 'eq':
    case 'neq':
      return (
        <ScalarInput
          value={value}
          onChange={onChange}
          hint={hint}
          suggestions={suggestions}
          label={label}
          disabled={disabled}
        />
      );
  }
}
