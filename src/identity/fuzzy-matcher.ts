import { EDGE_FUZZY, EDGE_LINKED } from './graph.js';
import {
  blockingKeys,
  matchFeatures,
  prepareFeatures,
  scoreMatch,
  type FieldEvidence,
  type MatchFeatures,
} from './fuzzy/index.js';
import type { TraitSample, WorkspaceGraph } from './workspace-graph.js';

/**
 * Fuzzy matching inside the resolver: records that describe a person (name, phone, e-mail,
 * address, city) leave features on their anchor identifier; after each batch the profiles those
 * records touched are compared with the profiles that share a blocking key. At or above the
 * auto-merge threshold they are linked (a fuzzy edge, under the same limits as any link); between
 * the thresholds the pair waits in the review queue.
 */

export interface ReviewCandidate {
  id: string;
  nodeA: number;
  nodeB: number;
  score: number;
  fields: FieldEvidence[];
}

export interface FuzzyOutcome {
  compared: number;
  merged: number;
  refused: number;
  queued: ReviewCandidate[];
}

/** Most profiles compared per blocking key: a key shared by more is too common to say anything. */
const MAX_BLOCK = 50;

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

export class FuzzyMatcher {
  private readonly features = new Map<number, MatchFeatures>();
  private readonly blocks = new Map<string, number[]>();
  private readonly nodeKeys = new Map<number, string[]>();
  /** Unordered node pairs already proposed or decided: not proposed again. */
  private readonly proposed = new Set<string>();

  constructor(
    private readonly ws: WorkspaceGraph,
    private readonly newReviewId: () => string,
  ) {}

  /** Remembers a pair that was queued or decided before (restored from the store). */
  markProposed(a: number, b: number): void {
    this.proposed.add(a < b ? `${a}|${b}` : `${b}|${a}`);
  }

  /** Folds a batch's person-describing records in and matches the profiles they touched. */
  run(samples: readonly TraitSample[], time: number): FuzzyOutcome {
    const out: FuzzyOutcome = { compared: 0, merged: 0, refused: 0, queued: [] };
    const touched = new Set<number>();
    for (const s of samples) {
      this.addSample(s);
      touched.add(s.node);
    }
    const g = this.ws.graph;
    const { autoMerge, review } = this.ws.rules.fuzzy;
    const done = new Set<number>();
    for (const node of touched) {
      const profile = g.profileOfNode(node);
      if (done.has(profile)) continue;
      done.add(profile);
      const mine = this.profileFeatureNodes(node);
      const features = prepareFeatures(mergeFeatures(mine.map((n) => this.features.get(n)!)));
      const candidates = new Map<number, number>(); // profile → one of its feature nodes
      for (const n of mine) {
        for (const key of this.nodeKeys.get(n) ?? []) {
          const block = this.blocks.get(key)!;
          if (block.length > MAX_BLOCK) continue;
          for (const other of block) {
            const p = g.profileOfNode(other);
            if (p !== profile && !candidates.has(p)) candidates.set(p, other);
          }
        }
      }
      for (const [, otherNode] of candidates) {
        if (g.profileOfNode(otherNode) === g.profileOfNode(node)) continue; // joined meanwhile
        const a = mine[0]!;
        const pairKey = a < otherNode ? `${a}|${otherNode}` : `${otherNode}|${a}`;
        if (this.proposed.has(pairKey)) continue;
        const theirs = this.profileFeatureNodes(otherNode);
        const score = scoreMatch(features, mergeFeatures(theirs.map((n) => this.features.get(n)!)));
        out.compared++;
        if (score.score >= autoMerge) {
          this.proposed.add(pairKey);
          const before = g.profileIds.length;
          const e = g.addLink(a, otherNode, EDGE_FUZZY, time, 0);
          this.ws.noteNewProfiles(before);
          if (e >= 0 && g.edgeState[e] === EDGE_LINKED) out.merged++;
          else out.refused++;
        } else if (score.score >= review) {
          this.proposed.add(pairKey);
          out.queued.push({
            id: this.newReviewId(),
            nodeA: a,
            nodeB: otherNode,
            score: score.score,
            fields: score.fields,
          });
        }
      }
    }
    return out;
  }

  private addSample(s: TraitSample): void {
    const t = s.traits;
    const f = this.features.get(s.node) ?? matchFeatures();
    const push = (list: string[], v: unknown): void => {
      const x = text(v);
      if (x !== null && !list.includes(x) && list.length < 8) list.push(x);
    };
    push(f.names, t.name);
    push(f.phones, t.phone);
    push(f.maskedPhones, t.phone_masked);
    push(f.emails, t.email);
    push(f.addresses, t.address);
    push(f.cities, t.city);
    this.features.set(s.node, f);
    const keys = blockingKeys(f);
    const old = new Set(this.nodeKeys.get(s.node) ?? []);
    for (const k of keys) {
      if (old.has(k)) continue;
      const block = this.blocks.get(k);
      if (block) {
        if (block.length <= MAX_BLOCK) block.push(s.node);
      } else this.blocks.set(k, [s.node]);
    }
    this.nodeKeys.set(s.node, keys);
  }

  /** The nodes of `node`'s profile that carry features. */
  private profileFeatureNodes(node: number): number[] {
    const members = this.ws.graph.members(node);
    const out = members.filter((n) => this.features.has(n));
    out.sort((a, b) => a - b);
    return out;
  }
}

function mergeFeatures(list: readonly MatchFeatures[]): MatchFeatures {
  const out: MatchFeatures = {
    names: [],
    phones: [],
    maskedPhones: [],
    emails: [],
    addresses: [],
    cities: [],
  };
  for (const f of list) {
    for (const k of Object.keys(out) as Array<keyof MatchFeatures>) {
      for (const v of f[k]) if (!out[k].includes(v) && out[k].length < 16) out[k].push(v);
    }
  }
  return out;
}
