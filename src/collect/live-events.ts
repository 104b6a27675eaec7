import type { FieldIssue } from './govern.js';
import type { MessageOutcome, Origin, PreparedEvent } from './message.js';

/**
 * What the source debugger shows: the last messages each workspace received, accepted or not,
 * with their validation result. Kept in memory only, a ring per workspace: a debugger is for
 * watching traffic as it arrives (what was stored is in the events API, what was refused in the
 * rejected records), so nothing here has to survive a restart.
 *
 * Recording is a push of references; the payloads are decoded only when somebody reads them.
 */

type Obj = Record<string, unknown>;

interface Recorded {
  seq: number;
  receivedAt: number;
  sourceId: string;
  origin: Origin;
  outcome: MessageOutcome;
  /** The stored form of an accepted (or duplicate) message. */
  event?: PreparedEvent;
  /** The message as received, for one that was refused. */
  raw?: unknown;
}

export interface LiveEvent {
  seq: number;
  receivedAt: string;
  sourceId: string;
  origin: Origin;
  result: MessageOutcome['kind'];
  messageId: string | null;
  type: string | null;
  /** The event name of a track, the page or screen name. */
  name: string | null;
  /** Why it was refused. */
  code?: string;
  reason?: string;
  /** Fields dropped because they could not be normalised (governance `invalidField: drop`). */
  issues: FieldIssue[];
  /** What was stored (normalised), or what came in when it was refused. */
  message: Obj;
}

export interface LiveQuery {
  /** Only messages after this sequence number (the `cursor` of the previous answer). */
  after?: number;
  sourceId?: string;
  result?: MessageOutcome['kind'];
  limit: number;
}

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const parse = (s: string | null): unknown => (s === null ? undefined : JSON.parse(s));

function storedMessage(e: PreparedEvent): { message: Obj; issues: FieldIssue[] } {
  const message: Obj = { ...(parse(e.extra) as Obj | undefined), type: e.type, messageId: e.messageId };
  const set = (key: string, v: unknown): void => {
    if (v !== null && v !== undefined) message[key] = v;
  };
  set('event', e.event);
  set('name', e.name);
  set('userId', e.userId);
  set('anonymousId', e.anonymousId);
  set('groupId', e.groupId);
  set('previousId', e.previousId);
  set('properties', parse(e.properties));
  set('traits', parse(e.traits));
  const context = parse(e.context);
  set('context', context);
  set('integrations', parse(e.integrations));
  message.timestamp = new Date(e.timestamp).toISOString();
  const tessera = isObject(context) && isObject(context.tessera) ? context.tessera : undefined;
  const issues = Array.isArray(tessera?.issues) ? (tessera.issues as FieldIssue[]) : [];
  return { message, issues };
}

function receivedMessage(raw: unknown): Obj {
  if (!isObject(raw)) return { value: raw };
  // The write key is a credential: it never leaves the collection API.
  const { writeKey: _secret, ...rest } = raw;
  return rest;
}

export class LiveEvents {
  private readonly rings = new Map<string, Recorded[]>();
  private readonly heads = new Map<string, number>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private seq = 0;

  constructor(
    /** How many recent messages each workspace keeps. */
    private readonly capacity = 500,
  ) {}

  record(workspaceId: string, entry: Omit<Recorded, 'seq'>): void {
    let ring = this.rings.get(workspaceId);
    if (!ring) this.rings.set(workspaceId, (ring = []));
    const item: Recorded = { ...entry, seq: ++this.seq };
    if (ring.length < this.capacity) ring.push(item);
    else {
      const head = this.heads.get(workspaceId) ?? 0;
      ring[head] = item;
      this.heads.set(workspaceId, (head + 1) % this.capacity);
    }
    const waiting = this.waiters.get(workspaceId);
    if (waiting) {
      this.waiters.delete(workspaceId);
      for (const wake of waiting) wake();
    }
  }

  /** The newest sequence number handed out so far (0 before the first message). */
  get cursor(): number {
    return this.seq;
  }

  /** Matching messages after `after`, newest first, at most `limit`. */
  read(workspaceId: string, q: LiveQuery): LiveEvent[] {
    const ring = this.rings.get(workspaceId) ?? [];
    const head = this.heads.get(workspaceId) ?? 0;
    const out: LiveEvent[] = [];
    for (let i = ring.length - 1; i >= 0 && out.length < q.limit; i--) {
      const r = ring[(head + i) % ring.length]!;
      if (q.after !== undefined && r.seq <= q.after) break;
      if (q.sourceId !== undefined && r.sourceId !== q.sourceId) continue;
      if (q.result !== undefined && r.outcome.kind !== q.result) continue;
      out.push(this.view(r));
    }
    return out;
  }

  /**
   * Resolves when the workspace receives a message or after `ms`: a long poll, so a debugger
   * sees traffic as it comes without asking every few hundred milliseconds.
   */
  wait(workspaceId: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      let set = this.waiters.get(workspaceId);
      if (!set) this.waiters.set(workspaceId, (set = new Set()));
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        set.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private view(r: Recorded): LiveEvent {
    const o = r.outcome;
    const base = {
      seq: r.seq,
      receivedAt: new Date(r.receivedAt).toISOString(),
      sourceId: r.sourceId,
      origin: r.origin,
      result: o.kind,
      messageId: o.messageId,
    };
    if (r.event) {
      const { message, issues } = storedMessage(r.event);
      return { ...base, type: r.event.type, name: r.event.event ?? r.event.name, issues, message };
    }
    const message = receivedMessage(r.raw);
    const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
    return {
      ...base,
      type: str(message.type),
      name: str(message.event) ?? str(message.name),
      ...(o.kind === 'rejected' ? { code: o.code, reason: o.reason } : {}),
      issues: [],
      message,
    };
  }
}
