import type { PreparedEvent } from '../collect/index.js';
import type { BlockedHit, IdentityCounters } from './workspace-graph.js';

/** What the identity resolver answers with (its public shapes). */

export type LookupResult =
  | { kind: 'found'; profileId: string }
  | { kind: 'not_found'; reason: string }
  | { kind: 'invalid'; reason: string };

/** A timeline page request: the cursor and size, and the filters applied before the page is cut. */
export interface TimelineQuery {
  limit: number;
  /** The `next` cursor of the previous page. */
  before?: string;
  /** Segment message types (`track`, `identify`, …); absent or empty: all. */
  types?: readonly string[];
  /** Track event names; when given, only track calls of these names. */
  events?: readonly string[];
  /** Event time from (inclusive), epoch ms. */
  since?: number;
  /** Event time up to (exclusive), epoch ms. */
  until?: number;
}

export interface ProfileIdentifier {
  type: string;
  value: string;
  sourceId: string | null;
  firstSeen: string | null;
  lastSeen: string | null;
  events: number;
}

/**
 * What one loaded batch did to identity, for later stages that follow it in memory (real-time
 * segments): each event with the live profile it belongs to after the batch, and the merges the
 * batch made. `reset`: the graph changed in a way that is not a list of merges (an unmerge, a
 * rebuild); followers re-read from the store.
 */
export interface ResolvedBatch {
  workspaceId: string;
  events: Array<{ seq: number; event: PreparedEvent; profileId: string }>;
  merges: Array<{ from: string; into: string }>;
  reset: boolean;
}
export type ResolvedListener = (batch: ResolvedBatch) => void;

export interface Refusal {
  /** The identifier that was not linked (the lower-priority one). */
  identifier: { type: string; value: string; profileId: string };
  /** The identifier it came with, whose profile it would have joined. */
  with: { type: string; value: string; profileId: string };
  reason: string;
  /** The first event that carried both. */
  seq: number;
  at: string;
}

export interface IdentityStats {
  profiles: number;
  identifiers: number;
  links: number;
  refusals: number;
  refusalsByReason: Record<string, number>;
  counters: IdentityCounters;
  blocked: BlockedHit[];
  resolvedSeq: number;
}

export interface ReviewItem {
  id: string;
  score: number;
  fields: Array<{ field: string; outcome: string; weight: number }>;
  status: string;
  createdAt: string;
  a: { profileId: string | null; identifier: { type: string; value: string } };
  b: { profileId: string | null; identifier: { type: string; value: string } };
  /** Joined since (by a later link): nothing left to decide. */
  sameProfileNow: boolean;
}

export type UnmergeResult =
  | {
      kind: 'ok';
      splitId: string;
      profileId: string;
      newProfiles: string[];
      /** The links that had joined the two sides (now refused as `unmerged`). */
      links: Array<{
        from: { type: string; value: string };
        to: { type: string; value: string };
        kind: string;
        seq: number | null;
        at: string | null;
      }>;
      /** The rules that caused the bad merge, e.g. `device_id links`. */
      rules: string[];
    }
  | { kind: 'not_found' }
  | { kind: 'invalid'; reason: string };
