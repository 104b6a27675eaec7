import {
  scanEventKeys,
  scanEventsAfter,
  storedEventIdentifiers,
  type Importer,
  type SourceRegistry,
} from '../collect/index.js';
import {
  loadDemo,
  scorePairwise,
  unwrapOrderId,
  type GroundTruthRow,
  type PairwiseScore,
} from '../demo/index.js';
import { EDGE_OBSERVED } from '../identity/graph.js';
import { normaliseClaim, type IdentityResolver } from '../identity/index.js';
import type { Database } from '../platform/db/duckdb.js';

/**
 * `tessera eval identity`: loads the demo brand through the real pipeline into a fresh store,
 * lets OneID resolve it, and scores the profiles against the demo's ground truth.
 */

export interface ScoredRecord {
  file: string;
  /** The type of the record's anchor (strongest identifier). */
  anchorType: string;
  person: string;
  hardCase: string;
  /** Profile with every link (deterministic and fuzzy). */
  profile: string;
  /** Group under deterministic links only. */
  deterministic: string;
  /**
   * The record's strongest identifier is a personal one (not only a cookie or device) that
   * nobody else's records carry: where such records of two people share a profile, the resolver
   * merged two people it had the evidence to keep apart.
   */
  identified: boolean;
  /**
   * Which part of the person's records the data itself connects (by identifiers those records
   * share): records of one person in different parts cannot be joined by any exact link.
   */
  evidence: string;
}

export interface HardCaseScore {
  tag: string;
  people: number;
  records: number;
  /** Pairwise scores over all records of the people involved. */
  deterministic: PairwiseScore;
  all: PairwiseScore;
  /**
   * Pairs of different people whose identified records (user id, phone, member number…) ended
   * in one profile: a merge of two people.
   */
  mergedPeople: number;
  /** Records of the people involved attributed to a profile whose identified records are someone else's. */
  misattributed: number;
}

export interface IdentityEvalReport extends IdentityScores {
  people: number;
  seed: number;
  groundTruthRecords: number;
  scoredRecords: number;
  /** Records rejected at ingestion (the demo's invalid ones) or carrying no usable identifier. */
  notStored: number;
  /** Links fuzzy matching made (auto-merged or approved). */
  fuzzyMerges: number;
  profiles: number;
  loadSeconds: number;
  /** Every scored record (only with `keepRecords`). */
  records?: ScoredRecord[];
}

const HARD_CASES_REPORTED = [
  'shared_device',
  'recycled_phone',
  'second_phone',
  'typo_phone',
  'typo_name',
  'masked_phone',
  'gift_shipping',
];

/** Pairs of different people sharing a profile through their identified records. */
function mergedPeoplePairs(
  records: readonly ScoredRecord[],
  profileOf: (r: ScoredRecord) => string,
): Set<string> {
  const peopleByProfile = new Map<string, Set<string>>();
  for (const r of records) {
    if (!r.identified) continue;
    const p = profileOf(r);
    const set = peopleByProfile.get(p) ?? new Set<string>();
    set.add(r.person);
    peopleByProfile.set(p, set);
  }
  const pairs = new Set<string>();
  for (const people of peopleByProfile.values()) {
    if (people.size < 2) continue;
    const list = [...people].sort();
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++) pairs.add(`${list[i]}|${list[j]}`);
  }
  return pairs;
}

export interface IdentityScores {
  deterministic: PairwiseScore;
  all: PairwiseScore;
  /**
   * The share of true pairs the data connects at all (both records in one evidence part of their
   * person): the recall no exact resolver can exceed.
   */
  recallCeiling: number;
  /** Recall over the pairs the data connects: how much of what was linkable got linked. */
  attainable: { deterministic: PairwiseScore; all: PairwiseScore };
  mergedPeople: number;
  hardCases: HardCaseScore[];
}

export function scoreIdentity(records: readonly ScoredRecord[]): IdentityScores {
  const deterministic = scorePairwise(records.map((r) => ({ person: r.person, profile: r.deterministic })));
  const all = scorePairwise(records.map((r) => ({ person: r.person, profile: r.profile })));
  const part = (r: ScoredRecord): string => `${r.person}\u0000${r.evidence}`;
  const attainable = {
    deterministic: scorePairwise(records.map((r) => ({ person: part(r), profile: r.deterministic }))),
    all: scorePairwise(records.map((r) => ({ person: part(r), profile: r.profile }))),
  };
  const recallCeiling = all.truePairs === 0 ? 1 : attainable.all.truePairs / all.truePairs;
  const merged = mergedPeoplePairs(records, (r) => r.profile);
  // Who owns a profile: the person with most identified records in it.
  const owner = new Map<string, string>();
  {
    const counts = new Map<string, Map<string, number>>();
    for (const r of records) {
      if (!r.identified) continue;
      const m = counts.get(r.profile) ?? new Map<string, number>();
      m.set(r.person, (m.get(r.person) ?? 0) + 1);
      counts.set(r.profile, m);
    }
    for (const [p, m] of counts) {
      let best = '';
      let most = 0;
      for (const [person, n] of m) if (n > most || (n === most && person < best)) [best, most] = [person, n];
      owner.set(p, best);
    }
  }
  const hardCases: HardCaseScore[] = [];
  for (const tag of HARD_CASES_REPORTED) {
    const people = new Set<string>();
    for (const r of records) if (r.hardCase.split('|').includes(tag)) people.add(r.person);
    if (people.size === 0) continue;
    const involved = records.filter((r) => people.has(r.person));
    let mergedPeople = 0;
    for (const pair of merged) {
      const [a, b] = pair.split('|');
      if (people.has(a!) || people.has(b!)) mergedPeople++;
    }
    let misattributed = 0;
    for (const r of involved) {
      const o = owner.get(r.profile);
      if (o !== undefined && o !== r.person) misattributed++;
    }
    hardCases.push({
      tag,
      people: people.size,
      records: involved.length,
      deterministic: scorePairwise(involved.map((r) => ({ person: r.person, profile: r.deterministic }))),
      all: scorePairwise(involved.map((r) => ({ person: r.person, profile: r.profile }))),
      mergedPeople,
      misattributed,
    });
  }
  return { deterministic, all, recallCeiling, attainable, mergedPeople: merged.size, hardCases };
}

export interface EvalTarget {
  db: Database;
  importer: Importer;
  sources: SourceRegistry;
  identity: IdentityResolver;
  settle: () => Promise<void>;
  workspaceId: string;
}

/** Loads the demo into `target` (an empty Tessera) and scores the result. */
export async function evaluateIdentity(
  target: EvalTarget,
  options: {
    people: number;
    seed: number;
    keepRecords?: boolean;
    onProgress?: (p: { people: number; events: number }) => void;
  },
): Promise<IdentityEvalReport> {
  const truth: GroundTruthRow[] = [];
  const loaded = await loadDemo({
    importer: target.importer,
    sources: target.sources,
    workspaceId: target.workspaceId,
    people: options.people,
    seed: options.seed,
    onGroundTruth: (rows) => truth.push(...rows),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  await target.settle();

  // Stored event → the record key the ground truth uses for its file.
  const seqByKey = new Map<string, number>();
  await scanEventKeys(target.db, target.workspaceId, (e) => {
    seqByKey.set(`m:${e.messageId}`, e.seq);
    if (e.orderId !== null) seqByKey.set(`o:${e.orderId}`, e.seq);
    for (const x of e.externalIds) if (x.type === 'member_no') seqByKey.set(`c:${x.id}`, e.seq);
  });
  const ws = target.identity.graphOf(target.workspaceId);
  const profileBySeq = new Map<number, { profile: string; node: number }>();
  await target.identity.eventProfiles(target.workspaceId, (seq, profile, node) =>
    profileBySeq.set(seq, { profile, node }),
  );
  const groups = ws ? ws.graph.groupsByKinds(new Set([EDGE_OBSERVED])) : new Int32Array(0);
  const personalPriority = ws?.rules.types.find((t) => t.name === 'email')?.priority ?? 60;
  // Every stored record's identifiers as identity reads them (normalised, junk blocked).
  const claimsBySeq = new Map<number, string[]>();
  await scanEventsAfter(target.db, 0, (row) => {
    if (row.workspaceId !== target.workspaceId) return;
    const keys: string[] = [];
    for (const c of storedEventIdentifiers(row)) {
      const o = normaliseClaim(target.identity.rules, c.type, c.value);
      if (o.kind === 'ok') keys.push(`${c.type}\u0000${o.claim.value}`);
    }
    claimsBySeq.set(row.seq, keys);
  });

  const records: ScoredRecord[] = [];
  const recordSeqs: number[] = [];
  let notStored = 0;
  const seen = new Set<string>();
  const anchorOf: number[] = [];
  for (const row of truth) {
    const key =
      row.file === 'crm_members.csv'
        ? `c:${row.record_key}`
        : row.file === 'pos_orders.csv' || row.file === 'tmall_orders.csv'
          ? `o:${unwrapOrderId(row.record_key)}`
          : `m:${row.record_key}`;
    if (seen.has(key)) continue; // a message delivered twice is one record
    seen.add(key);
    const seq = seqByKey.get(key);
    const resolved = seq === undefined ? undefined : profileBySeq.get(seq);
    if (!resolved || !ws) {
      notStored++;
      continue;
    }
    const g = ws.graph;
    records.push({
      file: row.file,
      anchorType: g.types[g.nodeType[resolved.node]!]!.name,
      person: row.person_id,
      hardCase: row.hard_case,
      profile: resolved.profile,
      deterministic: `g${groups[resolved.node]!}`,
      identified: g.types[g.nodeType[resolved.node]!]!.priority >= personalPriority,
      evidence: '',
    });
    recordSeqs.push(seq!);
    anchorOf.push(resolved.node);
  }
  // An identifier that several people's records carry as their strongest one (a recycled number,
  // a gift recipient's phone) tells nobody apart: records anchored on it are not "identified".
  const peopleOfAnchor = new Map<number, Set<string>>();
  records.forEach((r, i) => {
    const set = peopleOfAnchor.get(anchorOf[i]!) ?? new Set<string>();
    set.add(r.person);
    peopleOfAnchor.set(anchorOf[i]!, set);
  });
  records.forEach((r, i) => {
    if (peopleOfAnchor.get(anchorOf[i]!)!.size > 1) r.identified = false;
  });
  assignEvidenceParts(records, (i) => claimsBySeq.get(recordSeqs[i]!) ?? []);
  const scores = scoreIdentity(records);
  let fuzzyMerges = 0;
  if (ws) {
    const g = ws.graph;
    for (let e = 0; e < g.edgeCount; e++)
      if (g.edgeKind[e] !== EDGE_OBSERVED && g.edgeState[e] === 0) fuzzyMerges++;
  }
  return {
    people: options.people,
    seed: options.seed,
    groundTruthRecords: seen.size,
    scoredRecords: records.length,
    notStored,
    ...scores,
    fuzzyMerges,
    profiles: new Set(records.map((r) => r.profile)).size,
    loadSeconds: loaded.seconds,
    ...(options.keepRecords ? { records } : {}),
  };
}

/**
 * Splits each person's records into the parts their own identifiers connect (union-find over the
 * identifiers each record carries), naming the part in `evidence`: no exact link can join records
 * of two parts, so pairs across parts bound the recall any deterministic resolver can reach.
 */
function assignEvidenceParts(records: ScoredRecord[], claimsOf: (i: number) => readonly string[]): void {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    while (x !== r) {
      const next = parent.get(x)!;
      parent.set(x, r);
      x = next;
    }
    return r;
  };
  const key = (person: string, claim: string): string => `${person}\u0001${claim}`;
  records.forEach((r, i) => {
    const claims = claimsOf(i);
    const first = key(r.person, claims[0] ?? `record:${i}`);
    if (!parent.has(first)) parent.set(first, first);
    for (const c of claims.slice(1)) {
      const k = key(r.person, c);
      if (!parent.has(k)) parent.set(k, k);
      const a = find(first);
      const b = find(k);
      if (a !== b) parent.set(b, a);
    }
  });
  records.forEach((r, i) => {
    r.evidence = find(key(r.person, claimsOf(i)[0] ?? `record:${i}`));
  });
}
