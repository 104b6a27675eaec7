import { request } from '../../api';
import type { ApiKeyInfo, AuthAnswer, Role, User } from '../../api-types';

/**
 * The settings pages' routes and answers, as the server defines them: channels
 * (src/http/routes/channels.ts, src/channels/settings.ts), users and passwords (routes/auth.ts),
 * API keys (routes/api-keys.ts), identity (routes/identity.ts) and the audit log (routes/segments.ts).
 */

export const CHANNEL_KINDS = ['email', 'sms', 'wechat', 'push', 'webhook'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export type ChannelProvider =
  'smtp' | 'tencent-sms' | 'aliyun-sms' | 'wechat-template' | 'http-push' | 'webhook';

/** A channel's stored settings; each secret field is `••••` plus its last two characters, or null when unset. */
export interface ChannelView {
  channel: ChannelKind;
  provider: string;
  config: Record<string, unknown>;
  updatedAt: string;
  updatedBy: string | null;
  /** Why the stored settings cannot be used, or null. */
  problem: string | null;
}

export interface ChannelInput {
  provider: ChannelProvider;
  config: Record<string, unknown>;
}

export interface TestMessage {
  to: string;
  subject?: string;
  body?: string;
  templateId?: string;
  params?: Record<string, string> | string[];
}

/** What the provider said of a test send (src/channels/channel.ts SendOutcome). */
export type SendOutcome =
  | { kind: 'sent'; providerMessageId: string | null; at: number }
  | { kind: 'failed'; retryable: boolean; reason: string; code?: string };

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  password: string;
}

export interface UserChanges {
  displayName?: string;
  role?: Role;
  disabled?: boolean;
  password?: string;
}

export interface CreatedApiKey extends ApiKeyInfo {
  /** The key itself, in this answer only. */
  key: string;
}

export interface IdentifierTypeRule {
  type: string;
  priority: number;
  limit: number | null;
  normalise: string;
  shareable?: boolean;
  successive?: boolean;
}

export interface IdentityRules {
  types: IdentifierTypeRule[];
  blocklist: { values: string[]; patterns: string[] };
  fuzzy: { enabled: boolean; autoMerge: number; review: number };
  fingerprint: string;
}

export interface IdentityStats {
  profiles: number;
  identifiers: number;
  links: number;
  refusals: number;
  refusalsByReason: Record<string, number>;
  counters?: Record<string, number>;
  blocked: Array<{ type: string; value: string; rule: string; hits: number }>;
  resolvedSeq?: number;
}

export type ReviewStatus = 'open' | 'approved' | 'rejected';

export interface ReviewSide {
  profileId: string | null;
  identifier: { type: string; value: string };
}

export interface ReviewItem {
  id: string;
  score: number;
  fields: Array<{ field: string; outcome: string; weight: number }>;
  status: ReviewStatus;
  createdAt: string;
  a: ReviewSide;
  b: ReviewSide;
  sameProfileNow: boolean;
}

export interface ReviewDecision {
  status: string;
  profileId?: string;
  /** Why the approved link was refused after all (a per-profile limit), when it was. */
  refused?: string;
}

export interface Split {
  id: string;
  profileId: string;
  newProfiles: string[];
  sides: Array<{ type: string; value: string; side: number }>;
  culprits: unknown[];
  reason: string | null;
  actor: string | null;
  at: string;
}

export interface IdentityRefusal {
  identifier: { type: string; value: string; profileId: string };
  with: { type: string; value: string; profileId: string };
  reason: string;
  seq: number;
  at: string;
}

export interface RebuildReport {
  workspaceId: string;
  events: number;
  profilesBefore: number;
  profilesAfter: number;
  identifiersBefore: number;
  identifiersAfter: number;
  merged: number;
  split: number;
  moved: number;
  refusalsBefore: number;
  refusalsAfter: number;
  blocked: number;
  seconds: number;
}

export interface AuditEntry {
  id: string;
  at: string;
  /** `user:<id>` for a console user, an API key id otherwise. */
  actor: string | null;
  action: string;
  target: string | null;
  detail: Record<string, unknown> | null;
}

/**
 * The audit route's query (src/http/routes/segments.ts): `action` is a prefix (`user.` matches
 * `user.create`), `target` and `actor` are exact, `since` ≤ time < `until` (ISO instants), and
 * `before` is the `next` cursor of the previous page.
 */
export interface AuditQuery {
  action?: string;
  target?: string;
  actor?: string;
  since?: string;
  until?: string;
  before?: string;
  limit: number;
}

/** A page of the audit log, newest first; `next` is the cursor of the older page, null at the end. */
export interface AuditPage {
  entries: AuditEntry[];
  next: string | null;
}

const enc = encodeURIComponent;
type Signal = AbortSignal | undefined;

export const settingsApi = {
  channels: (signal: Signal) => request<{ channels: ChannelView[] }>('GET', '/api/v1/channels', { signal }),
  /** The signed URLs SMS providers post delivery receipts to (src/journeys/tracking.ts receiptUrls). */
  receiptUrls: (signal: Signal) =>
    request<{ urls: Record<'tencent-sms' | 'aliyun-sms' | 'generic', string> }>(
      'GET',
      '/api/v1/receipts/urls',
      {
        signal,
      },
    ),
  putChannel: (channel: ChannelKind, body: ChannelInput) =>
    request<ChannelView>('PUT', `/api/v1/channels/${channel}`, { body }),
  deleteChannel: (channel: ChannelKind) =>
    request<{ channel: ChannelKind; removed: true }>('DELETE', `/api/v1/channels/${channel}`),
  testChannel: (channel: ChannelKind, body: TestMessage) =>
    request<SendOutcome>('POST', `/api/v1/channels/${channel}/test`, { body }),

  users: (signal: Signal) => request<{ users: User[] }>('GET', '/api/v1/users', { signal }),
  createUser: (body: NewUser) => request<User>('POST', '/api/v1/users', { body }),
  updateUser: (id: string, body: UserChanges) => request<User>('PATCH', `/api/v1/users/${enc(id)}`, { body }),
  changeOwnPassword: (current: string, next: string) =>
    request<AuthAnswer>('POST', '/api/v1/auth/password', { body: { current, next } }),

  apiKeys: (signal: Signal) => request<{ apiKeys: ApiKeyInfo[] }>('GET', '/api/v1/api-keys', { signal }),
  createApiKey: (name: string, role: Role) =>
    request<CreatedApiKey>('POST', '/api/v1/api-keys', { body: { name, role } }),
  revokeApiKey: (id: string) => request<ApiKeyInfo>('DELETE', `/api/v1/api-keys/${enc(id)}`),

  identityRules: (signal: Signal) => request<IdentityRules>('GET', '/api/v1/identity/rules', { signal }),
  identityStats: (signal: Signal) => request<IdentityStats>('GET', '/api/v1/identity/stats', { signal }),
  reviews: (status: ReviewStatus, limit: number, signal: Signal) =>
    request<{ reviews: ReviewItem[] }>('GET', '/api/v1/identity/review', {
      query: { status, limit },
      signal,
    }),
  decideReview: (id: string, decision: 'approve' | 'reject') =>
    request<ReviewDecision>('POST', `/api/v1/identity/review/${enc(id)}/${decision}`),
  splits: (limit: number, signal: Signal) =>
    request<{ splits: Split[] }>('GET', '/api/v1/identity/splits', { query: { limit }, signal }),
  refusals: (limit: number, signal: Signal) =>
    request<{ refusals: IdentityRefusal[] }>('GET', '/api/v1/identity/refusals', {
      query: { limit },
      signal,
    }),
  rebuild: () => request<{ workspaces: RebuildReport[] }>('POST', '/api/v1/identity/rebuild'),

  audit: (q: AuditQuery, signal: Signal) =>
    request<AuditPage>('GET', '/api/v1/audit', { query: { ...q }, signal }),
};

/** Query keys, so a change can refresh what shows it (and the audit log). */
export const keys = {
  channels: ['settings', 'channels'] as const,
  receiptUrls: ['settings', 'receipt-urls'] as const,
  users: ['users'] as const,
  apiKeys: ['api-keys'] as const,
  audit: ['settings', 'audit'] as const,
  identity: ['settings', 'identity'] as const,
};
