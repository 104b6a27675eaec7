import { request } from '../../api';

/**
 * The journeys routes the canvas calls (src/http/routes/journeys.ts), with the shapes of
 * src/journeys/definitions.ts (the zod schemas), metrics.ts, stats.ts and test-send.ts.
 */

export const CHANNELS = ['email', 'sms', 'wechat', 'push', 'webhook'] as const;
export type Channel = (typeof CHANNELS)[number];

export type EventNames = string | string[];

export type Trigger =
  | { kind: 'event'; event: EventNames; where?: unknown[] }
  | { kind: 'segment_entered'; segment: string }
  | { kind: 'segment_exited'; segment: string }
  | { kind: 'date'; trait: string; offset?: string; every?: 'year' | 'once'; at?: string }
  | { kind: 'schedule'; cron: string; segment?: string };
export type TriggerKind = Trigger['kind'];

export interface MessageTemplate {
  subject?: string;
  body?: string;
  html?: string;
  templateId?: string;
  params?: Record<string, string> | string[];
}

export interface Variant {
  name: string;
  weight: number;
  next: string;
}

export type Step =
  | { kind: 'wait'; duration?: string; until?: string; next: string }
  | {
      kind: 'wait_for_event';
      event: EventNames;
      where?: unknown[];
      timeout: string;
      next: string;
      timeoutNext: string;
    }
  | { kind: 'split'; condition: unknown; yes: string; no: string }
  | { kind: 'ab'; variants: Variant[]; control?: number }
  | { kind: 'send'; channel: Channel; template: MessageTemplate; next?: string }
  | { kind: 'update'; set: { kind: 'trait' | 'tag'; key: string; value: unknown }; next?: string }
  | { kind: 'webhook'; url: string; next?: string }
  | { kind: 'exit' };
export type StepKind = Step['kind'];

export type Reentry = 'never' | 'after_exit' | 'always';

export interface Goal {
  event: EventNames;
  where?: unknown[];
  within?: string;
}

export interface JourneyDefinition {
  name: string;
  description?: string;
  trigger: Trigger;
  entry?: { reentry?: Reentry; cooldown?: string };
  goal?: Goal;
  start: string;
  steps: Record<string, Step>;
}

export type JourneyStatus = 'draft' | 'active' | 'paused' | 'archived';

export interface JourneyVersion {
  id: string;
  version: number;
  definition: JourneyDefinition;
  status: JourneyStatus;
  createdAt: string;
  createdBy: string | null;
}

export interface JourneyInfo extends JourneyVersion {
  running: { active: number; waiting: number };
}

export interface JourneyTemplate {
  key: string;
  definition: JourneyDefinition;
}

export interface StepMetrics {
  stepId: string;
  kind: string;
  reached: number;
  waiting: number;
  outcomes: Record<string, number>;
  sent: number;
  delivered: number;
  opened: number;
  clicked: number;
  unsubscribed: number;
  bounced: number;
  failed: number;
}

export interface GroupMetrics {
  name: string;
  entered: number;
  converted: number;
  conversionRate: number;
  revenue: number;
  revenuePerProfile: number;
}

export interface ProportionTest {
  rateA: number;
  rateB: number;
  difference: number;
  relativeLift: number | null;
  z: number | null;
  pValue: number | null;
  confidence: number;
  interval: [number, number] | null;
}

export interface JourneyMetrics {
  entered: number;
  active: number;
  waiting: number;
  exited: number;
  converted: number;
  revenue: number;
  revenuePerProfile: number;
  exits: Record<string, number>;
  steps: StepMetrics[];
  variants: GroupMetrics[];
  variantTests: Array<{ baseline: string; variant: string; test: ProportionTest }>;
  holdout: { holdout: GroupMetrics; treated: GroupMetrics; test: ProportionTest } | null;
}

export type SendOutcome =
  | { kind: 'sent'; providerMessageId: string | null; at: number }
  | { kind: 'failed'; retryable: boolean; reason: string; code?: string };

export interface TestSendResult {
  to: string;
  message: { to: string; subject?: string; body?: string; html?: string; templateId?: string };
  outcome: SendOutcome;
}

export interface PreviewResult {
  rendered: Record<string, string | undefined>;
  missing: string[];
}

/** Where the canvas places each node, shared by everyone who opens the journey (src/journeys/layouts.ts). */
export interface JourneyLayout {
  positions: Record<string, { x: number; y: number }>;
  updatedAt: string | null;
  updatedBy: string | null;
}

const enc = encodeURIComponent;
const base = '/api/v1/journeys';

export const journeysApi = {
  list: (signal?: AbortSignal) => request<{ journeys: JourneyInfo[] }>('GET', base, { signal }),
  get: (id: string, signal?: AbortSignal) => request<JourneyInfo>('GET', `${base}/${enc(id)}`, { signal }),
  templates: (signal?: AbortSignal) =>
    request<{ templates: JourneyTemplate[] }>('GET', `${base}/templates`, { signal }),
  versions: (id: string, signal?: AbortSignal) =>
    request<{ versions: JourneyVersion[] }>('GET', `${base}/${enc(id)}/versions`, { signal }),
  metrics: (id: string, signal?: AbortSignal) =>
    request<JourneyMetrics>('GET', `${base}/${enc(id)}/metrics`, { signal }),
  create: (definition: JourneyDefinition) => request<JourneyInfo>('POST', base, { body: definition }),
  update: (id: string, definition: JourneyDefinition) =>
    request<JourneyInfo>('PUT', `${base}/${enc(id)}`, { body: definition }),
  setStatus: (id: string, verb: 'activate' | 'pause' | 'archive') =>
    request<JourneyInfo>('POST', `${base}/${enc(id)}/${verb}`),
  preview: (template: MessageTemplate, profileId: string) =>
    request<PreviewResult>('POST', `${base}/preview`, { body: { template, profileId } }),
  testSend: (id: string, body: { stepId: string; profileId: string; to?: string }) =>
    request<TestSendResult>('POST', `${base}/${enc(id)}/test-send`, { body }),
  layout: (id: string, signal?: AbortSignal) =>
    request<JourneyLayout>('GET', `${base}/${enc(id)}/layout`, { signal }),
  saveLayout: (id: string, positions: JourneyLayout['positions']) =>
    request<JourneyLayout>('PUT', `${base}/${enc(id)}/layout`, { body: { positions } }),
};

/** The channels a definition sends on, in the order of CHANNELS. */
export function channelsOf(definition: JourneyDefinition): Channel[] {
  const used = new Set<Channel>();
  for (const s of Object.values(definition.steps)) if (s.kind === 'send') used.add(s.channel);
  return CHANNELS.filter((c) => used.has(c));
}
