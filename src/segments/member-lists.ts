import type { LookupResult } from '../identity/index.js';
import type { MemberList } from './definitions.js';

/** A static list's entries (profile ids, identifiers of any type) resolved to live profiles. */

export interface ListReport {
  matched: number;
  unmatched: number;
  /** The first unmatched entries with why. */
  problems: Array<{ entry: string; reason: string }>;
}

export function resolveList(
  ws: string,
  resolver: {
    resolveProfile(workspaceId: string, profileId: string): string | null;
    lookup(workspaceId: string, type: string, value: string): LookupResult;
  },
  list: MemberList,
): { profiles: Set<string>; report: ListReport } {
  const profiles = new Set<string>();
  const report: ListReport = { matched: 0, unmatched: 0, problems: [] };
  const miss = (entry: string, reason: string): void => {
    report.unmatched++;
    if (report.problems.length < 100) report.problems.push({ entry, reason });
  };
  for (const p of list.profileIds ?? []) {
    const live = resolver.resolveProfile(ws, p);
    if (live === null) miss(p, 'no such profile');
    else {
      profiles.add(live);
      report.matched++;
    }
  }
  for (const i of list.identifiers ?? []) {
    const r = resolver.lookup(ws, i.type, i.value);
    if (r.kind === 'found') {
      profiles.add(r.profileId);
      report.matched++;
    } else miss(`${i.type}:${i.value}`, r.reason);
  }
  return { profiles, report };
}
