/** Shapes of the management API answers the console reads (see the server's routes under src/http/routes). */

export type Role = 'viewer' | 'analyst' | 'marketer' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'analyst', 'marketer', 'admin'];

/** True when `held` is at least as privileged as `required` (the server's `roleAllows`). */
export const roleAllows = (held: Role, required: Role): boolean =>
  ROLES.indexOf(held) >= ROLES.indexOf(required);

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  disabled?: boolean;
  createdAt?: string;
  lastLoginAt?: string | null;
}

export interface AuthAnswer {
  user: User;
  csrfToken: string;
  /** The least role that sees personal data in the clear (the server's governance.piiRole). */
  piiRole: Role;
}

export interface ValueCount {
  /** A tag value (the built-in lifecycle and RFM tags have strings). */
  value: string | number | boolean;
  profiles: number;
}

export interface OverviewSource {
  id: string;
  name: string;
  kind: string;
  /** `enabled` or `disabled` today; later health states show as the server names them. */
  status: string;
  eventsToday: number;
  lastEventAt: string | null;
  rejectedToday: number;
}

export interface Overview {
  people: number;
  identified: number;
  eventsToday: number;
  events7d: Array<{ day: string; events: number }>;
  sources: OverviewSource[];
  lifecycle: ValueCount[];
  rfm: ValueCount[];
}

export interface Source {
  id: string;
  name: string;
  kind: string;
  writeKeyHint: string;
  createdAt: string;
  disabled: boolean;
  /** Former write keys still honoured after a rotation, and until when. */
  retiredKeys: Array<{ hint: string; expiresAt: string }>;
  events: number;
  lastReceivedAt: string | null;
  rejectedOpen: number;
}

export interface CreatedSource extends Omit<
  Source,
  'events' | 'lastReceivedAt' | 'rejectedOpen' | 'retiredKeys'
> {
  writeKey: string;
}

export interface ProfileIdentifier {
  type: string;
  value: string;
  sourceId: string | null;
  firstSeen: string | null;
  lastSeen: string | null;
  events: number;
}

export interface Merge {
  from: string;
  into: string;
  at: number | string;
  kind: string;
  edge: number | null;
  seq: number | null;
  detail: string | null;
}

export interface Refusal {
  identifier: { type: string; value: string; profileId: string };
  with: { type: string; value: string; profileId: string };
  reason: string;
  seq: number;
  at: string;
}

export interface Consent {
  granted: boolean;
  at: string;
  event: string;
  sourceId?: string | null;
}

export interface Profile {
  profileId: string;
  requestedId?: string;
  mergedInto?: string;
  identifiers: ProfileIdentifier[] | null;
  traits: Record<string, unknown>;
  traitSources: Record<string, { sourceId: string | null; at: string; policy: string }>;
  computedTraits: Record<string, unknown>;
  tags: Record<string, unknown>;
  segments: Array<{ id: string; name: string; kind: string; enteredAt: string }>;
  consent: Record<string, Consent>;
  merges: Merge[] | null;
  refusals: Refusal[];
}

/** A stored event as the API gives it back (Segment spec message plus seq, sourceId, receivedAt). */
export interface StoredEvent {
  type: string;
  messageId: string;
  event?: string;
  name?: string;
  userId?: string;
  anonymousId?: string;
  properties?: Record<string, unknown>;
  traits?: Record<string, unknown>;
  context?: Record<string, unknown>;
  timestamp: string;
  receivedAt: string;
  sourceId: string;
  seq: number;
}

export interface TimelinePage {
  profileId: string;
  events: StoredEvent[];
  next: string | null;
}

export interface IdentifierRules {
  types: Array<{ type: string; priority: number; limit: number | null }>;
}

export type LocalName = string | { 'zh-CN'?: string; en?: string };

export interface Tag {
  key: string;
  version: number;
  status: string;
  createdAt: string;
  createdBy: string | null;
  definition: {
    key: string;
    name?: LocalName;
    category: string;
    description: string;
    owner: string;
    status: string;
    schedule: string;
    spec: { kind: string; model?: string };
  };
}

export interface TagCategory {
  key: string;
  name: { 'zh-CN': string; en: string };
}

export interface Segment {
  id: string;
  version: number;
  status: string;
  name: string;
  description: string;
  kind: string;
  realtime: boolean;
  schedule: string;
  owner: string | null;
  createdAt: string;
  size: number | null;
  changedAt: string | null;
  live: boolean;
}

export interface Journey {
  id: string;
  version: number;
  status: string;
  createdAt: string;
  definition: { name: string; description: string; trigger: { kind: string } };
  running: { active: number; waiting: number };
}

export interface ApiKeyInfo {
  id: string;
  name: string;
  role: Role;
  hint: string;
  createdAt: string;
  revoked: boolean;
}

export interface PreviewAnswer {
  count: number;
  sample: Array<{ profileId: string }>;
}
