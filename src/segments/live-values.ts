import { sourceRank, TRAIT_KEY, type TraitPolicy } from '../profiles/index.js';

/**
 * The trait and tag values real-time segments read, in memory, for the keys some live segment
 * uses. A profile's own traits follow its events as they arrive (merged by the trait's policy,
 * as the facts query merges them); computed traits and tags change only when tags are
 * refreshed, and are loaded again then.
 */

interface TraitValue {
  value: unknown;
  ts: number;
  seq: number;
  rank: number;
}

export class LiveValues {
  private readonly traits = new Map<string, Map<string, TraitValue>>();
  private readonly computed = new Map<string, Map<string, unknown>>();
  private readonly tags = new Map<string, Map<string, unknown>>();

  constructor(
    private readonly isComputed: (key: string) => boolean,
    private readonly policy: (key: string) => TraitPolicy,
    private readonly sources: (policy: TraitPolicy) => string[][],
  ) {}

  trait(key: string, profileId: string): unknown {
    return this.isComputed(key)
      ? this.computed.get(key)?.get(profileId)
      : this.traits.get(key)?.get(profileId)?.value;
  }

  tag(key: string, profileId: string): unknown {
    return this.tags.get(key)?.get(profileId);
  }

  /** Profiles holding a value for one of these keys. */
  holders(traits: Iterable<string>, tags: Iterable<string>): Set<string> {
    const out = new Set<string>();
    for (const k of traits) {
      const m = this.isComputed(k) ? this.computed.get(k) : this.traits.get(k);
      for (const p of m?.keys() ?? []) out.add(p);
    }
    for (const k of tags) for (const p of this.tags.get(k)?.keys() ?? []) out.add(p);
    return out;
  }

  /** Replaces every value of a profile trait (rows merged by the policy in SQL). */
  loadTrait(
    key: string,
    rows: Iterable<{ profileId: string; value: unknown; ts: number; seq: number; sourceId: string | null }>,
  ): void {
    const policy = this.policy(key);
    const ids = this.sources(policy);
    const m = new Map<string, TraitValue>();
    for (const r of rows)
      m.set(r.profileId, { value: r.value, ts: r.ts, seq: r.seq, rank: sourceRank(policy, r.sourceId, ids) });
    this.traits.set(key, m);
  }

  loadComputed(kind: 'trait' | 'tag', key: string, rows: Iterable<[string, unknown]>): void {
    (kind === 'tag' ? this.tags : this.computed).set(key, new Map(rows));
  }

  tracks(key: string): boolean {
    return this.traits.has(key);
  }

  /** An event's traits: returns whether a tracked value of the profile changed. */
  observe(
    profileId: string,
    traits: Record<string, unknown>,
    ts: number,
    seq: number,
    sourceId: string,
  ): boolean {
    let changed = false;
    for (const [key, value] of Object.entries(traits)) {
      const m = this.traits.get(key);
      if (!m || value === undefined || value === null || !TRAIT_KEY.test(key)) continue;
      const policy = this.policy(key);
      const next: TraitValue = { value, ts, seq, rank: sourceRank(policy, sourceId, this.sources(policy)) };
      const cur = m.get(profileId);
      if (cur === undefined || wins(policy, next, cur)) {
        m.set(profileId, next);
        changed ||= JSON.stringify(cur?.value) !== JSON.stringify(value);
      }
    }
    return changed;
  }

  /** Two profiles merged: the merged profile's values are what its policies pick from both. */
  merge(into: string, from: string): void {
    for (const [key, m] of this.traits) {
      const a = m.get(into);
      const b = m.get(from);
      if (b && (!a || wins(this.policy(key), b, a))) m.set(into, b);
      m.delete(from);
    }
    for (const m of [...this.computed.values(), ...this.tags.values()]) {
      if (!m.has(into) && m.has(from)) m.set(into, m.get(from));
      m.delete(from);
    }
  }
}

function wins(policy: TraitPolicy, x: TraitValue, cur: TraitValue): boolean {
  const later = x.ts > cur.ts || (x.ts === cur.ts && x.seq > cur.seq);
  switch (policy.policy) {
    case 'latest':
      return later;
    case 'first':
      return !later;
    case 'source_priority':
      return x.rank > cur.rank || (x.rank === cur.rank && later);
  }
}
