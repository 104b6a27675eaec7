import type { Database } from '../platform/db/duckdb.js';
import { parseJsonObject } from '../platform/json.js';
import { CONSENT_EVENTS } from '../profiles/index.js';
import type { PastSend } from './guards.js';

/**
 * What the guards before a send know, kept in memory and followed event by event: each
 * person's consent per channel (the same reading of events as the 360° view), the marketing
 * sends of the last days (frequency caps), and the suppression list.
 */

interface Statement {
  granted: boolean;
  ts: number;
  seq: number;
}

export class ConsentBook {
  private readonly book = new Map<string, Map<string, Statement>>();

  observe(
    ws: string,
    profileId: string,
    event: string | null,
    properties: Record<string, unknown>,
    traits: Record<string, unknown> | null,
    ts: number,
    seq: number,
  ): void {
    if (event === 'Consent Updated')
      this.say(ws, profileId, properties.channel ?? properties.purpose, properties.granted, ts, seq);
    else if (event === 'Unsubscribed') this.say(ws, profileId, properties.channel, false, ts, seq);
    else if (event === 'Subscribed') this.say(ws, profileId, properties.channel, true, ts, seq);
    const c = traits?.consent;
    if (c !== null && typeof c === 'object' && !Array.isArray(c))
      for (const [channel, granted] of Object.entries(c as Record<string, unknown>))
        this.say(ws, profileId, channel, granted, ts, seq);
  }

  private say(
    ws: string,
    profileId: string,
    channel: unknown,
    granted: unknown,
    ts: number,
    seq: number,
  ): void {
    if (typeof channel !== 'string' || channel.length === 0 || typeof granted !== 'boolean') return;
    const k = `${ws}:${profileId}`;
    let m = this.book.get(k);
    if (!m) this.book.set(k, (m = new Map<string, Statement>()));
    const cur = m.get(channel);
    if (cur && (cur.ts > ts || (cur.ts === ts && cur.seq > seq))) return;
    m.set(channel, { granted, ts, seq });
  }

  /** False when the person said no to this channel, or to marketing as a whole. */
  allows(ws: string, profileId: string, channel: string): boolean {
    const m = this.book.get(`${ws}:${profileId}`);
    if (!m) return true;
    return m.get(channel)?.granted !== false && m.get('marketing')?.granted !== false;
  }

  merge(ws: string, from: string, into: string): void {
    const a = this.book.get(`${ws}:${from}`);
    if (!a) return;
    this.book.delete(`${ws}:${from}`);
    for (const [channel, s] of a) this.say(ws, into, channel, s.granted, s.ts, s.seq);
  }

  /** Reads every consent statement in the store (after a start). */
  async seed(db: Database, ws: string, profileOfNode: (node: number) => string | null): Promise<void> {
    const rows = await db.query<{
      node: number;
      event: string | null;
      ts: number;
      seq: number;
      properties: string | null;
      traits: string | null;
    }>(
      `SELECT coalesce(owner, node)::DOUBLE AS node, event, epoch_ms(ts)::DOUBLE AS ts, seq::DOUBLE AS seq, properties, traits
         FROM profile_facts WHERE workspace_id = ?
          AND (event IN (${CONSENT_EVENTS.map(() => '?').join(', ')}) OR json_exists(traits, '$.consent'))`,
      [ws, ...CONSENT_EVENTS],
    );
    for (const r of rows) {
      const p = profileOfNode(r.node);
      if (!p) continue;
      this.observe(
        ws,
        p,
        r.event,
        parseJsonObject(r.properties),
        r.traits ? parseJsonObject(r.traits) : null,
        r.ts,
        r.seq,
      );
    }
  }
}

/** Marketing sends per person over the longest cap window. */
export class SendHistory {
  private readonly sends = new Map<string, PastSend[]>();

  constructor(private readonly keepMs: number) {}

  of(ws: string, profileId: string, now: number): PastSend[] {
    const k = `${ws}:${profileId}`;
    const h = this.sends.get(k);
    if (!h) return [];
    const kept = h.filter((s) => s.at > now - this.keepMs);
    if (kept.length !== h.length) {
      if (kept.length === 0) this.sends.delete(k);
      else this.sends.set(k, kept);
    }
    return kept;
  }

  add(ws: string, profileId: string, send: PastSend): void {
    const k = `${ws}:${profileId}`;
    const h = this.sends.get(k);
    if (h) h.push(send);
    else this.sends.set(k, [send]);
  }
}

/** Addresses that get nothing, on one channel or on all (`*`). */
export class Suppressions {
  private readonly set = new Set<string>();

  static key(ws: string, channel: string, address: string): string {
    return `${ws}\u0000${channel}\u0000${address.toLowerCase()}`;
  }

  async load(db: Database): Promise<void> {
    for (const r of await db.query<{ workspace_id: string; channel: string; address: string }>(
      'SELECT workspace_id, channel, address FROM suppressions',
    ))
      this.set.add(Suppressions.key(r.workspace_id, r.channel, r.address));
  }

  has(ws: string, channel: string, address: string): boolean {
    return (
      this.set.has(Suppressions.key(ws, channel, address)) || this.set.has(Suppressions.key(ws, '*', address))
    );
  }

  async add(
    db: Database,
    ws: string,
    channel: string,
    address: string,
    reason: string,
    actor: string | null,
    at: number,
  ): Promise<void> {
    await db.run(
      `INSERT INTO suppressions VALUES (?, ?, ?, ?, ?::TIMESTAMP, ?)
        ON CONFLICT (workspace_id, channel, address) DO UPDATE SET reason = excluded.reason`,
      [ws, channel, address.toLowerCase(), reason, new Date(at), actor],
    );
    this.set.add(Suppressions.key(ws, channel, address));
  }

  async remove(db: Database, ws: string, channel: string, address: string): Promise<boolean> {
    const existed = this.set.delete(Suppressions.key(ws, channel, address));
    await db.run('DELETE FROM suppressions WHERE workspace_id = ? AND channel = ? AND address = ?', [
      ws,
      channel,
      address.toLowerCase(),
    ]);
    return existed;
  }

  async list(
    db: Database,
    ws: string,
  ): Promise<
    Array<{ channel: string; address: string; reason: string; created_at: string; created_by: string | null }>
  > {
    return db.query(
      `SELECT channel, address, reason, strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS created_at, created_by
         FROM suppressions WHERE workspace_id = ? ORDER BY created_at DESC LIMIT 10000`,
      [ws],
    );
  }
}
