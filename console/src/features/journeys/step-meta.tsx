import {
  ApiOutlined,
  ClockCircleOutlined,
  EditOutlined,
  ExperimentOutlined,
  FieldTimeOutlined,
  ForkOutlined,
  LogoutOutlined,
  SendOutlined,
  ThunderboltOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { I18n } from '../../i18n';
import type { EventNames, StepKind, Trigger } from './api';
import type { OutcomeLabel, StepConfig } from './graph';
import { summarise } from '../segments/condition-summary';

/** How each step kind looks on the canvas and in the palette. */
export const STEP_KINDS: readonly StepKind[] = [
  'wait',
  'wait_for_event',
  'split',
  'ab',
  'send',
  'update',
  'webhook',
  'exit',
];

export const KIND_COLOR: Record<StepKind | 'trigger', string> = {
  trigger: '#d48806',
  wait: '#1677ff',
  wait_for_event: '#08979c',
  split: '#722ed1',
  ab: '#c41d7f',
  send: '#389e0d',
  update: '#d46b08',
  webhook: '#1d39c4',
  exit: '#8c8c8c',
};

export function kindIcon(kind: StepKind | 'trigger'): ReactNode {
  switch (kind) {
    case 'trigger':
      return <ThunderboltOutlined />;
    case 'wait':
      return <ClockCircleOutlined />;
    case 'wait_for_event':
      return <FieldTimeOutlined />;
    case 'split':
      return <ForkOutlined />;
    case 'ab':
      return <ExperimentOutlined />;
    case 'send':
      return <SendOutlined />;
    case 'update':
      return <EditOutlined />;
    case 'webhook':
      return <ApiOutlined />;
    case 'exit':
      return <LogoutOutlined />;
  }
}

export const eventText = (e: EventNames | undefined): string =>
  e === undefined ? '' : Array.isArray(e) ? e.join(', ') : e;

const short = (text: string, max = 48): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** One line under a node's title: what the step does, at a glance. */
export function stepSummary(c: StepConfig, t: I18n['t']): string {
  switch (c.kind) {
    case 'wait':
      return [c.duration, c.until ? t('journeys.summary.until', { at: c.until }) : '']
        .filter(Boolean)
        .join(' · ');
    case 'wait_for_event':
      return t('journeys.summary.waitEvent', { event: short(eventText(c.event), 30), timeout: c.timeout });
    case 'split':
      return short(summarise(c.condition ?? null, t));
    case 'ab':
      return [
        ...c.variants.map((v) => `${v.name} ×${v.weight}`),
        c.control ? t('journeys.summary.control', { share: Math.round(c.control * 100) }) : '',
      ]
        .filter(Boolean)
        .join(' · ');
    case 'send':
      return `${t(`journeys.channel.${c.channel}`)} · ${short(
        c.template.subject || c.template.templateId || c.template.body || c.template.html || '—',
        36,
      )}`;
    case 'update':
      return short(`${t(`journeys.update.${c.set.kind}`)} ${c.set.key} = ${JSON.stringify(c.set.value)}`);
    case 'webhook':
      return short(c.url || '—');
    case 'exit':
      return '';
  }
}

export function triggerSummary(tr: Trigger, t: I18n['t']): string {
  switch (tr.kind) {
    case 'event':
      return short(eventText(tr.event) || '—');
    case 'segment_entered':
    case 'segment_exited':
      return tr.segment || '—';
    case 'date':
      return `${tr.trait} ${tr.offset ?? '0d'} · ${tr.at ?? '10:00'} · ${t(`journeys.every.${tr.every ?? 'once'}`)}`;
    case 'schedule':
      return tr.segment ? `${tr.cron} · ${tr.segment}` : tr.cron;
  }
}

export function outcomeText(label: OutcomeLabel, t: I18n['t']): string {
  return typeof label === 'string' ? t(`journeys.outcome.${label}`) : label.variant;
}
