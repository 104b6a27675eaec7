import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined } from '@ant-design/icons';
import { Button, Form, Input, Space, Tooltip } from 'antd';
import { useCallback, useRef, useState } from 'react';
import { useI18n } from '../../i18n';
import type { TagValue, ValueSource } from './api';
import { JsonField } from './json-field';

/** Pieces of the spec editor: typed values, reorderable rows, the value source, the fallback value. */

/** A typed value back from its text: numbers and booleans stay what they were. */
export function parseTagValue(text: string, previous: TagValue | undefined): TagValue {
  if (typeof previous === 'number' && text.trim() !== '' && Number.isFinite(Number(text)))
    return Number(text);
  if (typeof previous === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

let nextId = 0;
/** A fresh id for a new row. */
export const newId = () => `row-${++nextId}`;

/** Stable ids for the rows of a list that can be reordered (each row keeps its own text state). */
export function useRowIds(count: number): [string[], (ids: string[]) => void] {
  const [ids, setIds] = useState(() => Array.from({ length: count }, newId));
  const shown =
    ids.length === count
      ? ids
      : [...ids.slice(0, count), ...Array.from({ length: Math.max(0, count - ids.length) }, newId)];
  return [shown, setIds];
}

/** Tracks which JSON fields do not parse, and tells the parent whether all of them do. */
export function useValidity(onValid: (valid: boolean) => void): (id: string) => (valid: boolean) => void {
  const invalid = useRef(new Set<string>());
  return useCallback(
    (id: string) => (valid: boolean) => {
      if (valid) invalid.current.delete(id);
      else invalid.current.add(id);
      onValid(invalid.current.size === 0);
    },
    [onValid],
  );
}

export function move<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  const [x] = out.splice(from, 1);
  out.splice(to, 0, x!);
  return out;
}

export function RowTools({
  index,
  count,
  onMove,
  onRemove,
  disabled,
}: {
  index: number;
  count: number;
  onMove: (to: number) => void;
  onRemove: () => void;
  disabled?: boolean;
}): React.JSX.Element {
  const { t } = useI18n();
  return (
    <Space size={4}>
      <Tooltip title={t('tags.rule.up')}>
        <Button
          size="small"
          icon={<ArrowUpOutlined />}
          disabled={disabled || index === 0}
          onClick={() => onMove(index - 1)}
          aria-label={t('tags.rule.up')}
        />
      </Tooltip>
      <Tooltip title={t('tags.rule.down')}>
        <Button
          size="small"
          icon={<ArrowDownOutlined />}
          disabled={disabled || index === count - 1}
          onClick={() => onMove(index + 1)}
          aria-label={t('tags.rule.down')}
        />
      </Tooltip>
      <Tooltip title={t('tags.rule.remove')}>
        <Button
          size="small"
          danger
          icon={<DeleteOutlined />}
          disabled={disabled || count === 1}
          onClick={onRemove}
          aria-label={t('tags.rule.remove')}
        />
      </Tooltip>
    </Space>
  );
}

export function SourceEditor({
  of,
  onChange,
  onValid,
  disabled,
}: {
  of: ValueSource;
  onChange: (of: ValueSource) => void;
  onValid: (valid: boolean) => void;
  disabled?: boolean;
}): React.JSX.Element {
  const { t } = useI18n();
  if ('trait' in of)
    return (
      <Form.Item label={t('tags.rule.sourceTrait')} extra={t('tags.rule.sourceTraitHelp')}>
        <Input
          value={of.trait}
          disabled={disabled}
          onChange={(e) => onChange({ trait: e.target.value.trim() })}
          style={{ maxWidth: 320 }}
        />
      </Form.Item>
    );
  return (
    <Form.Item label={t('tags.rule.sourceAggregate')} extra={t('tags.rule.sourceAggregateHelp')}>
      <JsonField
        value={of.aggregate}
        disabled={disabled}
        onValid={onValid}
        onChange={(a) => onChange({ aggregate: a as never })}
        testId="source-aggregate"
      />
    </Form.Item>
  );
}

export function OtherwiseField({
  value,
  onChange,
  disabled,
}: {
  value: TagValue | undefined;
  onChange: (v: TagValue | undefined) => void;
  disabled?: boolean;
}): React.JSX.Element {
  const { t } = useI18n();
  return (
    <Form.Item label={t('tags.rule.otherwise')} extra={t('tags.rule.otherwiseHelp')}>
      <Input
        allowClear
        value={value === undefined ? '' : String(value)}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value === '' ? undefined : parseTagValue(e.target.value, value))}
        style={{ maxWidth: 320 }}
      />
    </Form.Item>
  );
}
