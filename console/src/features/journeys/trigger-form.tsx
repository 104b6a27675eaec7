import { useQuery } from '@tanstack/react-query';
import { AutoComplete, Input, Select } from 'antd';
import { useMemo } from 'react';
import { api } from '../../api';
import { useI18n } from '../../i18n';
import { useBuilderOptions } from '../segments/builder-options';
import type { Trigger, TriggerKind } from './api';
import { DurationField, EventsField, Field, TimeField, WhereField } from './fields';

const KINDS: readonly TriggerKind[] = ['event', 'segment_entered', 'segment_exited', 'date', 'schedule'];
const KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

function defaultTrigger(kind: TriggerKind): Trigger {
  switch (kind) {
    case 'event':
      return { kind, event: '' };
    case 'segment_entered':
    case 'segment_exited':
      return { kind, segment: '' };
    case 'date':
      return { kind, trait: 'birthday', offset: '0d', every: 'year', at: '10:00' };
    case 'schedule':
      return { kind, cron: '0 10 * * *' };
  }
}

function SegmentSelect({
  id,
  value,
  onChange,
  disabled,
  allowClear = false,
}: {
  id: string;
  value: string | undefined;
  onChange: (v: string | undefined) => void;
  disabled: boolean;
  allowClear?: boolean;
}): React.JSX.Element {
  const { t } = useI18n();
  const q = useQuery({ queryKey: ['segments'], queryFn: ({ signal }) => api.segments(signal) });
  const options = (q.data?.segments ?? []).map((s) => ({ value: s.id, label: `${s.name} (${s.id})` }));
  // A segment that is gone (a template's placeholder) still shows, so the problem is visible.
  if (value && !options.some((o) => o.value === value)) options.unshift({ value, label: value });
  return (
    <Select
      id={id}
      showSearch={{ optionFilterProp: 'label' }}
      value={value || undefined}
      onChange={(v: string | undefined) => onChange(v)}
      options={options}
      loading={q.isPending}
      disabled={disabled}
      allowClear={allowClear}
      placeholder={t('journeys.trigger.segmentPlaceholder')}
    />
  );
}

/** A trait key, picked from those people carry (dates first) or typed. */
function TraitPicker({
  id,
  value,
  onChange,
  disabled,
}: {
  id: string;
  value: string;
  onChange: (key: string) => void;
  disabled: boolean;
}): React.JSX.Element {
  const { traits } = useBuilderOptions();
  const options = useMemo(
    () =>
      [...traits]
        .sort((a, b) => Number(b.type === 'date') - Number(a.type === 'date'))
        .map((k) => ({ value: k.key, label: k.label })),
    [traits],
  );
  return (
    <AutoComplete
      id={id}
      value={value}
      disabled={disabled}
      options={options}
      onChange={(v: string) => onChange(v.trim())}
      showSearch={{
        filterOption: (input, o) =>
          String(o?.value ?? '')
            .toLowerCase()
            .includes(input.toLowerCase()),
      }}
    />
  );
}

/** What lets people into the journey. */
export function TriggerForm({
  trigger,
  onChange,
  onJsonError,
  disabled,
}: {
  trigger: Trigger;
  onChange: (t: Trigger) => void;
  onJsonError: (field: string, message: string | null) => void;
  disabled: boolean;
}): React.JSX.Element {
  const { t } = useI18n();
  const kindField = (
    <Field id="trigger-kind" label={t('journeys.trigger.kind')}>
      <Select
        id="trigger-kind"
        value={trigger.kind}
        disabled={disabled}
        onChange={(k: TriggerKind) => onChange(defaultTrigger(k))}
        options={KINDS.map((k) => ({ value: k, label: t(`trigger.${k}`) }))}
      />
    </Field>
  );
  switch (trigger.kind) {
    case 'event':
      return (
        <>
          {kindField}
          <EventsField
            id="trigger-event"
            label={t('journeys.trigger.event')}
            value={trigger.event}
            disabled={disabled}
            onChange={(event) => onChange({ ...trigger, event })}
          />
          <WhereField
            id="trigger-where"
            events={trigger.event}
            value={trigger.where}
            disabled={disabled}
            onError={(m) => onJsonError('trigger.where', m)}
            onChange={(where) => {
              const { where: _w, ...rest } = trigger;
              onChange(where === undefined ? rest : { ...rest, where });
            }}
          />
        </>
      );
    case 'segment_entered':
    case 'segment_exited':
      return (
        <>
          {kindField}
          <Field id="trigger-segment" label={t('journeys.trigger.segment')}>
            <SegmentSelect
              id="trigger-segment"
              value={trigger.segment}
              disabled={disabled}
              onChange={(segment) => onChange({ ...trigger, segment: segment ?? '' })}
            />
          </Field>
        </>
      );
    case 'date':
      return (
        <>
          {kindField}
          <Field
            id="trigger-trait"
            label={t('journeys.trigger.trait')}
            error={KEY.test(trigger.trait) ? null : t('journeys.field.keyHelp')}
          >
            <TraitPicker
              id="trigger-trait"
              value={trigger.trait}
              disabled={disabled}
              onChange={(trait) => onChange({ ...trigger, trait })}
            />
          </Field>
          <DurationField
            id="trigger-offset"
            label={t('journeys.trigger.offset')}
            value={trigger.offset}
            optional
            disabled={disabled}
            onChange={(offset) => onChange({ ...trigger, offset: offset ?? '0d' })}
          />
          <Field id="trigger-every" label={t('journeys.trigger.every')}>
            <Select
              id="trigger-every"
              value={trigger.every ?? 'once'}
              disabled={disabled}
              onChange={(every: 'year' | 'once') => onChange({ ...trigger, every })}
              options={(['year', 'once'] as const).map((v) => ({
                value: v,
                label: t(`journeys.every.${v}`),
              }))}
            />
          </Field>
          <TimeField
            id="trigger-at"
            label={t('journeys.trigger.at')}
            value={trigger.at}
            disabled={disabled}
            onChange={(at) => onChange({ ...trigger, at: at ?? '10:00' })}
          />
        </>
      );
    case 'schedule':
      return (
        <>
          {kindField}
          <Field id="trigger-cron" label={t('journeys.trigger.cron')} help={t('journeys.trigger.cronHelp')}>
            <Input
              id="trigger-cron"
              value={trigger.cron}
              disabled={disabled}
              style={{ fontFamily: 'monospace' }}
              onChange={(e) => onChange({ ...trigger, cron: e.target.value })}
            />
          </Field>
          <Field id="trigger-schedule-segment" label={t('journeys.trigger.scheduleSegment')}>
            <SegmentSelect
              id="trigger-schedule-segment"
              value={trigger.segment}
              disabled={disabled}
              allowClear
              onChange={(segment) => {
                const { segment: _s, ...rest } = trigger;
                onChange(segment ? { ...rest, segment } : rest);
              }}
            />
          </Field>
        </>
      );
  }
}
