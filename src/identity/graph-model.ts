/** The identity graph's vocabulary: type rules, observations, the change journal, edge states. */

export interface TypeRule {
  name: string;
  priority: number;
  /** Most identifiers of this type one profile may hold; Infinity for no limit. */
  limit: number;
  /**
   * Can be shared by people (a family tablet, a recycled number): refused for a profile because
   * of a limit on a non-shareable type (two user ids), the identifier becomes *shared* and links
   * nobody from then on.
   */
  shareable?: boolean;
  /**
   * A shared identifier of this type passes from one person to the next (a recycled phone
   * number), rather than being used by several at once (a family tablet): events that carry only
   * it go to whoever held it at their time.
   */
  successive?: boolean;
}

/** An identifier claim after normalisation and the blocklist. */
export interface Claim {
  type: number;
  value: string;
}

export interface Observation {
  /** Event time, epoch ms. */
  time: number;
  /** An order-independent tiebreak for equal times (e.g. a hash of the message id). */
  tie: number;
  /** Sequence number of the event (recorded with edges, for explanations). */
  seq: number;
  /** Interned source index, or -1. */
  source: number;
  /** False when the record had no time of its own (stamped on arrival). */
  dated?: boolean;
  claims: readonly Claim[];
}

export interface MergeRecord {
  from: string;
  into: string;
  /** The edge whose link made the merge, or -1 when it came from re-resolving a component. */
  edge: number;
  seq: number;
  time: number;
}

export interface SplitRecord {
  /** The profile whose identifiers were divided. */
  from: string;
  /** The profile that now holds some of them. */
  to: string;
  split: number;
}

/** What changed since the journal was last drained: the resolver persists exactly this. */
export class Journal {
  readonly nodes = new Set<number>();
  readonly edges = new Set<number>();
  readonly profiles = new Set<number>();
  /** Nodes whose statistics (seen, events) changed, and edges whose claim span changed, only. */
  readonly nodeStats = new Set<number>();
  readonly edgeStats = new Set<number>();
  merges: MergeRecord[] = [];
  splits: SplitRecord[] = [];
  /**
   * Off while a rebuild resolves from scratch: everything is written afterwards anyway, and
   * tracking tens of millions of changes would cost more than the resolution itself.
   */
  recording = true;
  node(n: number): void {
    if (this.recording) this.nodes.add(n);
  }
  edge(e: number): void {
    if (this.recording) this.edges.add(e);
  }
  nodeStat(n: number): void {
    if (this.recording) this.nodeStats.add(n);
  }
  edgeStat(e: number): void {
    if (this.recording) this.edgeStats.add(e);
  }
  profile(p: number): void {
    if (this.recording) this.profiles.add(p);
  }
  merge(m: MergeRecord): void {
    if (this.recording) this.merges.push(m);
  }
  split(s: SplitRecord): void {
    if (this.recording) this.splits.push(s);
  }
  clear(): void {
    this.nodes.clear();
    this.edges.clear();
    this.profiles.clear();
    this.nodeStats.clear();
    this.edgeStats.clear();
    this.merges = [];
    this.splits = [];
  }
}

/** Edge kinds: seen together in an event or record; matched by similarity; joined by a person. */
export const EDGE_OBSERVED = 0;
export const EDGE_FUZZY = 1;
export const EDGE_MANUAL = 2;

export const EDGE_LINKED = 0;
export const EDGE_REFUSED = 1;
/** `edgeReason` for a refusal because of an unmerge. */
export const REASON_SPLIT = -2;
/** `edgeReason` for a link refused because its weaker identifier is shared by several people. */
export const REASON_SHARED = -3;
export const NO_REASON = -1;

export interface Token {
  split: number;
  side: number;
}

export const mergeTokens = (a: Token[] | undefined, b: Token[] | undefined): Token[] | undefined => {
  if (!a) return b;
  if (!b) return a;
  const out = [...a];
  for (const t of b) if (!out.some((o) => o.split === t.split && o.side === t.side)) out.push(t);
  return out;
};

export const tokensConflict = (a: Token[] | undefined, b: Token[] | undefined): boolean => {
  if (!a || !b) return false;
  for (const x of a) for (const y of b) if (x.split === y.split && x.side !== y.side) return true;
  return false;
};
