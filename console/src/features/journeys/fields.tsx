import { Form, Input } from 'antd';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useI18n } from '../../i18n';
import { eventOptions, useDataSchema } from '../segments/builder-options';
import { EventNameSelect } from '../segments/event-editor';
import { FilterEditor } from '../segments/filter-editor';
import type { EventNames } from './api';

/**
 * The inputs the drawers share: a labelled field (its label points at the input, for screen
 * readers and tests), durations and times of day checked as the schema checks them, event names
 * picked from the stored ones, property filters as rows, and JSON (parameters) parsed as it is typed.
 */

export const DURATION = /^(\d{1,6})([smhd])$/;
export const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;

export function Field({
  id,
  label,
  help,
  error,
  children,
}: {
  id: string;
  label: ReactNode;
  help?: ReactNode;
  error?: string | null;
  children: ReactNode;
}): React.JSX.Element {
  return (
    <Form.Item
      label={label}
      htmlFor={id}
      validateStatus={error ? 'error' : undefined}
      help={error ?? help}
      style={{ marginBottom: 18 }}
    >
      {children}
    </Form.Item>
  );
}

/** A duration such as 30m, 3h or 7d; `optional` allows empty (undefined). */
export function DurationField({
  id,
  label,
  value,
  onChange,
  optional = false,
  disabled,
}: {
  id: string;
  label: ReactNode;
  value: string | undefined;
  onChange: (v: string | undefined) => void;
  optional?: boolean;
  disabled: boolean;
}): React.JSX.Element {
  const { t } = useI18n();
  const v = value ?? '';
  const bad = v ? !DURATION.test(v) : !optional;
  return (
    <Field id={id} label={label} error={bad ? t('journeys.field.durationHelp') : null}>
      <Input
        id={id}
        value={v}
        placeholder="3d"
        disabled={disabled}
        onChange={(e) => onChange(e.target.value.trim() || undefined)}
        style={{ width: 160 }}
      />
    </Field>
  );
}

export function TimeField({
  id,
  label,
  value,
  onChange,
  disabled,
}: {
  id: string;
  label: ReactNode;
  value: string | undefined;
  onChange: (v: string | undefined) => void;
  disabled: boolean;
}): React.JSX.Element {
  const { t } = useI18n();
  const v = value ?? '';
  return (
    <Field id={id} label={label} error={v && !TIME_OF_DAY.test(v) ? t('journeys.field.timeHelp') : null}>
      <Input
        id={id}
        value={v}
        placeholder="10:00"
        disabled={disabled}
        onChange={(e) => onChange(e.target.value.trim() || undefined)}
        style={{ width: 160 }}
      />
    </Field>
  );
}

const asList = (e: EventNames | undefined): string[] =>
  e === undefined ? [] : Array.isArray(e) ? e : e ? [e] : [];

/** One event name or several (the schema takes a string or a list), picked from the stored ones. */
export function EventsField({
  id,
  label,
  value,
  onChange,
  disabled,
}: {
  id: string;
  label: ReactNode;
  value: EventNames | undefined;
  onChange: (v: EventNames) => void;
  disabled: boolean;
}): React.JSX.Element {
  const { t } = useI18n();
  const schema = useDataSchema().data;
  const events = useMemo(() => eventOptions(schema), [schema]);
  const list = asList(value);
  return (
    <Field
      id={id}
      label={label}
      help={t('journeys.field.eventsHelp')}
      error={list.length === 0 ? t('journeys.field.eventRequired') : null}
    >
      <EventNameSelect
        id={id}
        label={typeof label === 'string' ? label : undefined}
        value={list}
        events={events}
        disabled={disabled}
        onChange={(names) => onChange(names.length === 1 ? names[0]! : names.length === 0 ? '' : names)}
      />
    </Field>
  );
}

/** Property filters of the events a trigger, wait or goal listens for. */
export function WhereField({
  id,
  events,
  value,
  onChange,
  onError,
  disabled,
}: {
  id: string;
  events: EventNames | undefined;
  value: unknown[] | undefined;
  onChange: (v: unknown[] | undefined) => void;
  onError: (message: string | null) => void;
  disabled: boolean;
}): React.JSX.Element {
  const { t } = useI18n();
  return (
    <Form.Item
      label={t('journeys.field.where')}
      help={t('journeys.field.whereHelp')}
      style={{ marginBottom: 18 }}
    >
      <FilterEditor
        value={value}
        onChange={onChange}
        events={asList(events)}
        readOnly={disabled}
        onJsonError={onError}
        testId={id}
      />
    </Form.Item>
  );
}

/**
 * JSON typed into a text area: a valid value goes to `onChange` at once; while the text does not
 * parse, `onError` has the parser's message (the page blocks saving until it is fixed).
 */
export function JsonField({
  id,
  label,
  help,
  value,
  onChange,
  onError,
  disabled,
  rows = 6,
  optional = false,
}: {
  id: string;
  label: ReactNode;
  help?: ReactNode;
  value: unknown;
  onChange: (v: unknown) => void;
  onError: (message: string | null) => void;
  disabled: boolean;
  rows?: number;
  /** Empty text means undefined. */
  optional?: boolean;
}): React.JSX.Element {
  const format = (v: unknown): string => (v === undefined ? '' : JSON.stringify(v, null, 2));
  const [text, setText] = useState(() => format(value));
  const [error, setError] = useState<string | null>(null);
  // Clears a pending error of this field when it goes (the drawer moved to another node).
  const report = useRef(onError);
  useEffect(() => {
    report.current = onError;
  }, [onError]);
  useEffect(() => () => report.current(null), []);
  return (
    <Field id={id} label={label} help={help} error={error}>
      <Input.TextArea
        id={id}
        value={text}
        rows={rows}
        disabled={disabled}
        spellCheck={false}
        style={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace', fontSize: 12 }}
        onChange={(e) => {
          const next = e.target.value;
          setText(next);
          if (optional && next.trim() === '') {
            setError(null);
            onError(null);
            onChange(undefined);
            return;
          }
          try {
            const parsed: unknown = JSON.parse(next);
            setError(null);
            onError(null);
            onChange(parsed);
          } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            setError(message);
            onError(message);
          }
        }}
      />
    </Field>
  );
}
