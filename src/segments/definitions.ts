import { z } from 'zod';
import { parseCondition, references, type ConditionIssue, type ConditionNode } from '../conditions/index.js';

/**
 * What a segment is: dynamic (a condition, recomputed on a schedule and, where it is marked
 * real-time, on every event) or static (a list: uploaded identifiers, or a snapshot of a dynamic
 * segment). Every change is a new version; members and history belong to the segment's id.
 */

export const SEGMENT_KINDS = ['dynamic', 'static'] as const;
export const SEGMENT_SCHEDULES = ['hourly', 'daily', 'manual'] as const;
export const SEGMENT_STATUSES = ['active', 'archived'] as const;
export type SegmentKind = (typeof SEGMENT_KINDS)[number];
export type SegmentSchedule = (typeof SEGMENT_SCHEDULES)[number];
export type SegmentStatus = (typeof SEGMENT_STATUSES)[number];

export const SCHEDULE_MS: Record<SegmentSchedule, number | null> = {
  hourly: 3_600_000,
  daily: 86_400_000,
  manual: null,
};

const identifier = z.strictObject({ type: z.string().min(1).max(64), value: z.string().min(1).max(512) });

/** A list of people: profile ids and/or identifiers of any configured type. */
export const memberList = z.strictObject({
  profileIds: z.array(z.string().min(1).max(100)).max(1_000_000).optional(),
  identifiers: z.array(identifier).max(1_000_000).optional(),
});
export type MemberList = z.infer<typeof memberList>;

export const segmentInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).optional(),
  kind: z.enum(SEGMENT_KINDS).optional(),
  condition: z.unknown().optional(),
  /** Dynamic segments: follow every event as it arrives (default), or only the schedule. */
  realtime: z.boolean().optional(),
  schedule: z.enum(SEGMENT_SCHEDULES).optional(),
  /** Static segments: the first list. */
  members: memberList.optional(),
  owner: z.string().max(200).optional(),
});
export type SegmentInput = z.infer<typeof segmentInput>;

/** A segment definition as stored (one version). */
export interface SegmentDefinition {
  name: string;
  description: string;
  kind: SegmentKind;
  /** The condition's JSON (dynamic only). */
  condition: unknown;
  realtime: boolean;
  schedule: SegmentSchedule;
  owner: string | null;
  /** Where a static segment came from: an upload, or the dynamic segment it snapshots. */
  origin: { kind: 'upload' } | { kind: 'snapshot'; of: string; at: string } | null;
}

export interface CheckedSegment {
  definition: SegmentDefinition;
  /** The parsed condition (dynamic); a static segment's is null. */
  condition: ConditionNode | null;
  members: MemberList | null;
}

export type CheckResult = { ok: true; value: CheckedSegment } | { ok: false; issues: ConditionIssue[] };

/** Checks a segment's JSON; every problem comes back with its path. */
export function checkSegment(input: unknown, previous?: SegmentDefinition): CheckResult {
  const parsed = segmentInput.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.') || 'segment', message: i.message })),
    };
  }
  const s = parsed.data;
  const kind: SegmentKind = s.kind ?? previous?.kind ?? (s.condition === undefined ? 'static' : 'dynamic');
  const issues: ConditionIssue[] = [];
  let condition: ConditionNode | null = null;
  if (kind === 'dynamic') {
    const json = s.condition ?? previous?.condition;
    if (json === undefined)
      issues.push({ path: 'condition', message: 'a dynamic segment needs a condition' });
    else {
      const c = parseCondition(json, 'condition');
      if (c.ok) condition = c.condition;
      else issues.push(...c.issues);
    }
    if (s.members)
      issues.push({ path: 'members', message: 'a dynamic segment takes a condition, not a list' });
  } else if (s.condition !== undefined) {
    issues.push({ path: 'condition', message: 'a static segment takes a list of members, not a condition' });
  }
  if (previous && previous.kind !== kind) {
    issues.push({ path: 'kind', message: `a ${previous.kind} segment cannot become ${kind}` });
  }
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    value: {
      definition: {
        name: s.name,
        description: s.description ?? previous?.description ?? '',
        kind,
        condition: kind === 'dynamic' ? (s.condition ?? previous?.condition) : null,
        realtime: kind === 'dynamic' && (s.realtime ?? previous?.realtime ?? true),
        schedule: s.schedule ?? previous?.schedule ?? (kind === 'dynamic' ? 'hourly' : 'manual'),
        owner: s.owner ?? previous?.owner ?? null,
        origin: kind === 'static' ? (previous?.origin ?? { kind: 'upload' }) : null,
      },
      condition,
      members: s.members ?? null,
    },
  };
}

/** The segments a condition refers to (for cycles and for loading their members). */
export function segmentReferences(c: ConditionNode | null): string[] {
  return c ? [...references(c).segments] : [];
}
