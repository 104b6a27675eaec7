import { DuckDBTimestampValue, type DuckDBAppender } from '@duckdb/node-api';
import type { Database, Tx } from '../platform/db/duckdb.js';
import { join, sql, type Sql } from '../platform/db/sql.js';

/** The storage layer of `identity`: every SQL statement on the identity tables. */

/** Beyond any real time (epoch ms of ±275,760 years), bindable as a BIGINT. */
const MAX_TIME = 8.64e15;

const ts = (ms: number): DuckDBTimestampValue => new DuckDBTimestampValue(BigInt(Math.round(ms)) * 1000n);

function appendTime(a: DuckDBAppender, ms: number | null): void {
  if (ms === null || !Number.isFinite(ms)) a.appendNull();
  else a.appendTimestamp(ts(ms));
}

function appendText(a: DuckDBAppender, v: string | null): void {
  if (v === null) a.appendNull();
  else a.appendVarchar(v);
}

export interface NodeRow {
  node: number;
  type: string;
  value: string;
  profileId: string;
  firstSeen: number | null;
  lastSeen: number | null;
  events: number;
  sourceId: string | null;
  /** Shared by several people: links nobody. */
  shared: boolean;
}

export interface EdgeRow {
  edge: number;
  a: number;
  b: number;
  kind: string;
  time: number;
  claimFirst: number | null;
  claimLast: number | null;
  tie: number;
  seq: number;
  state: 'linked' | 'refused';
  reason: string | null;
}

export interface ProfileRow {
  ordinal: number;
  profileId: string;
  createdAt: number;
  mergedInto: string | null;
}

export interface MergeRow {
  from: string;
  into: string;
  at: number;
  kind: string;
  edge: number | null;
  seq: number | null;
  detail: string | null;
}

/** An identifier's statistics alone (appended to identity_node_stats, folded later). */
export interface NodeStatsRow {
  node: number;
  firstSeen: number | null;
  lastSeen: number | null;
  events: number;
  sourceId: string | null;
}

/** A link's span of dated claims alone (appended to identity_edge_stats, folded later). */
export interface EdgeStatsRow {
  edge: number;
  claimFirst: number | null;
  claimLast: number | null;
}

export interface FlushSet {
  workspaceId: string;
  /** Replace the workspace's whole graph (nodes, edges, profiles) with these rows. */
  rewrite: boolean;
  /** Replace every stored event anchor of the workspace (after a rebuild). */
  replaceAnchors: boolean;
  /** Rows numbered at or above these are new (appended); below, they replace stored rows. */
  storedNodes: number;
  storedEdges: number;
  storedProfiles: number;
  nodes: NodeRow[];
  edges: EdgeRow[];
  /** Stored identifiers and links whose statistics alone changed. */
  nodeStats: NodeStatsRow[];
  edgeStats: EdgeStatsRow[];
  profiles: ProfileRow[];
  merges: MergeRow[];
  anchors: Array<{ seq: number; node: number; time: number }>;
  /**
   * Shared identifiers whose owners over time changed: events anchored on `node` get the owner
   * of their time (`ranges` sorted by `from`), or none (`ranges` null).
   */
  owners: Array<{ node: number; ranges: Array<{ from: number; owner: number | null }> | null }>;
  resolvedSeq: number;
  rules: string;
}

async function replaceRows(
  tx: Tx,
  table: string,
  key: string,
  workspaceId: string,
  keys: readonly number[],
): Promise<void> {
  for (let i = 0; i < keys.length; i += 2000) {
    const chunk = keys.slice(i, i + 2000);
    await tx.run(
      `DELETE FROM ${table} WHERE workspace_id = ? AND ${key} IN (${chunk.map(() => '?').join(', ')})`,
      [workspaceId, ...chunk],
    );
  }
}

/** Writes one batch of graph changes and the resolved position in one transaction. */
export async function flushIdentity(db: Database, f: FlushSet): Promise<void> {
  await db.transaction(async (tx) => {
    if (f.replaceAnchors) {
      await tx.run('DELETE FROM identity_event_anchors WHERE workspace_id = ?', [f.workspaceId]);
    }
    if (f.rewrite) {
      for (const table of [
        'identity_nodes',
        'identity_edges',
        'identity_profiles',
        'identity_node_stats',
        'identity_edge_stats',
      ]) {
        await tx.run(`DELETE FROM ${table} WHERE workspace_id = ?`, [f.workspaceId]);
      }
    }
    // Rows already stored that changed: deleted here, appended again below.
    const stored = (ids: number[], below: number): number[] => ids.filter((id) => id < below);
    await replaceRows(
      tx,
      'identity_nodes',
      'node',
      f.workspaceId,
      stored(
        f.nodes.map((n) => n.node),
        f.storedNodes,
      ),
    );
    await replaceRows(
      tx,
      'identity_edges',
      'edge',
      f.workspaceId,
      stored(
        f.edges.map((e) => e.edge),
        f.storedEdges,
      ),
    );
    await replaceRows(
      tx,
      'identity_profiles',
      'ordinal',
      f.workspaceId,
      stored(
        f.profiles.map((p) => p.ordinal),
        f.storedProfiles,
      ),
    );
    const nodes = await tx.appender('identity_nodes');
    for (const n of f.nodes) {
      nodes.appendVarchar(f.workspaceId);
      nodes.appendInteger(n.node);
      nodes.appendVarchar(n.type);
      nodes.appendVarchar(n.value);
      nodes.appendVarchar(n.profileId);
      appendTime(nodes, n.firstSeen);
      appendTime(nodes, n.lastSeen);
      nodes.appendBigInt(BigInt(n.events));
      appendText(nodes, n.sourceId);
      nodes.appendBoolean(n.shared);
      nodes.endRow();
    }
    const edges = await tx.appender('identity_edges');
    for (const e of f.edges) {
      edges.appendVarchar(f.workspaceId);
      edges.appendInteger(e.edge);
      edges.appendInteger(e.a);
      edges.appendInteger(e.b);
      edges.appendVarchar(e.kind);
      edges.appendDouble(e.time);
      if (e.claimFirst === null) edges.appendNull();
      else edges.appendDouble(e.claimFirst);
      if (e.claimLast === null) edges.appendNull();
      else edges.appendDouble(e.claimLast);
      edges.appendDouble(e.tie);
      edges.appendBigInt(BigInt(e.seq));
      edges.appendVarchar(e.state);
      appendText(edges, e.reason);
      edges.endRow();
    }
    if (f.nodeStats.length > 0) {
      const stats = await tx.appender('identity_node_stats');
      for (const n of f.nodeStats) {
        stats.appendVarchar(f.workspaceId);
        stats.appendInteger(n.node);
        appendTime(stats, n.firstSeen);
        appendTime(stats, n.lastSeen);
        stats.appendBigInt(BigInt(n.events));
        appendText(stats, n.sourceId);
        stats.endRow();
      }
    }
    if (f.edgeStats.length > 0) {
      const stats = await tx.appender('identity_edge_stats');
      for (const e of f.edgeStats) {
        stats.appendVarchar(f.workspaceId);
        stats.appendInteger(e.edge);
        if (e.claimFirst === null) stats.appendNull();
        else stats.appendDouble(e.claimFirst);
        if (e.claimLast === null) stats.appendNull();
        else stats.appendDouble(e.claimLast);
        stats.endRow();
      }
    }
    const profiles = await tx.appender('identity_profiles');
    for (const p of f.profiles) {
      profiles.appendVarchar(f.workspaceId);
      profiles.appendInteger(p.ordinal);
      profiles.appendVarchar(p.profileId);
      profiles.appendTimestamp(ts(p.createdAt));
      appendText(profiles, p.mergedInto);
      profiles.endRow();
    }
    const merges = await tx.appender('identity_merges');
    for (const m of f.merges) {
      merges.appendVarchar(f.workspaceId);
      merges.appendVarchar(m.from);
      merges.appendVarchar(m.into);
      merges.appendTimestamp(ts(m.at));
      merges.appendVarchar(m.kind);
      if (m.edge === null) merges.appendNull();
      else merges.appendInteger(m.edge);
      if (m.seq === null) merges.appendNull();
      else merges.appendBigInt(BigInt(m.seq));
      appendText(merges, m.detail);
      merges.endRow();
    }
    const anchors = await tx.appender('identity_event_anchors');
    for (let i = 0; i < f.anchors.length; i++) {
      if (i > 0 && i % 8192 === 0) await new Promise<void>((r) => setImmediate(r));
      const a = f.anchors[i]!;
      anchors.appendBigInt(BigInt(a.seq));
      anchors.appendVarchar(f.workspaceId);
      anchors.appendInteger(a.node);
      anchors.appendDouble(a.time);
      anchors.appendNull();
      anchors.endRow();
    }
    // Appended rows must be visible to the updates below.
    anchors.flushSync();
    for (const o of f.owners) {
      await tx.run('UPDATE identity_event_anchors SET owner = NULL WHERE workspace_id = ? AND node = ?', [
        f.workspaceId,
        o.node,
      ]);
      const ranges = o.ranges ?? [];
      for (let i = 0; i < ranges.length; i++) {
        if (ranges[i]!.owner === null) continue;
        const from = ranges[i]!.from;
        const to = ranges[i + 1]?.from ?? Infinity;
        await tx.run(
          `UPDATE identity_event_anchors SET owner = ?
            WHERE workspace_id = ? AND node = ? AND time >= ? AND time < ?`,
          [ranges[i]!.owner, f.workspaceId, o.node, Math.max(from, -MAX_TIME), Math.min(to, MAX_TIME)],
        );
      }
    }
    await tx.run(
      `INSERT INTO identity_state (workspace_id, resolved_seq, rules, anchors_epoch) VALUES (?, ?, ?, 0)
       ON CONFLICT (workspace_id) DO UPDATE SET resolved_seq = excluded.resolved_seq, rules = excluded.rules,
         anchors_epoch = identity_state.anchors_epoch + ?`,
      [f.workspaceId, f.resolvedSeq, f.rules, f.replaceAnchors ? 1 : 0],
    );
  });
}

export async function readState(
  db: Database,
): Promise<Array<{ workspaceId: string; resolvedSeq: number; rules: string }>> {
  const rows = await db.query<{ workspace_id: string; resolved_seq: number; rules: string }>(
    'SELECT workspace_id, resolved_seq, rules FROM identity_state',
  );
  return rows.map((r) => ({ workspaceId: r.workspace_id, resolvedSeq: r.resolved_seq, rules: r.rules }));
}

export async function scanProfiles(
  db: Database,
  workspaceId: string,
  on: (p: ProfileRow) => void,
): Promise<void> {
  await db.scan(
    `SELECT ordinal, profile_id, epoch_ms(created_at)::DOUBLE, merged_into
       FROM identity_profiles WHERE workspace_id = ? ORDER BY ordinal`,
    [workspaceId],
    (c) => {
      for (let i = 0; i < c[0]!.length; i++) {
        on({
          ordinal: c[0]![i] as number,
          profileId: c[1]![i] as string,
          createdAt: c[2]![i] as number,
          mergedInto: c[3]![i] as string | null,
        });
      }
    },
  );
}

export async function scanNodes(db: Database, workspaceId: string, on: (n: NodeRow) => void): Promise<void> {
  await db.scan(
    `SELECT node, id_type, value, profile_id, epoch_ms(first_seen)::DOUBLE, epoch_ms(last_seen)::DOUBLE,
            events::DOUBLE, source_id, shared
       FROM identity_nodes WHERE workspace_id = ? ORDER BY node`,
    [workspaceId],
    (c) => {
      for (let i = 0; i < c[0]!.length; i++) {
        on({
          node: c[0]![i] as number,
          type: c[1]![i] as string,
          value: c[2]![i] as string,
          profileId: c[3]![i] as string,
          firstSeen: c[4]![i] as number | null,
          lastSeen: c[5]![i] as number | null,
          events: c[6]![i] as number,
          sourceId: c[7]![i] as string | null,
          shared: c[8]![i] as boolean,
        });
      }
    },
  );
}

export async function scanEdges(db: Database, workspaceId: string, on: (e: EdgeRow) => void): Promise<void> {
  await db.scan(
    `SELECT edge, node_a, node_b, kind, first_time, claim_first, claim_last, tie, seq::DOUBLE, state, reason
       FROM identity_edges WHERE workspace_id = ? ORDER BY edge`,
    [workspaceId],
    (c) => {
      for (let i = 0; i < c[0]!.length; i++) {
        on({
          edge: c[0]![i] as number,
          a: c[1]![i] as number,
          b: c[2]![i] as number,
          kind: c[3]![i] as string,
          time: c[4]![i] as number,
          claimFirst: c[5]![i] as number | null,
          claimLast: c[6]![i] as number | null,
          tie: c[7]![i] as number,
          seq: c[8]![i] as number,
          state: c[9]![i] as 'linked' | 'refused',
          reason: c[10]![i] as string | null,
        });
      }
    },
  );
}

export async function listMerges(
  db: Database,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<MergeRow[]> {
  if (profileIds.length === 0) return [];
  const marks = profileIds.map(() => '?').join(', ');
  const rows = await db.query<{
    from_profile: string;
    into_profile: string;
    at: number;
    kind: string;
    edge: number | null;
    seq: number | null;
    detail: string | null;
  }>(
    `SELECT from_profile, into_profile, epoch_ms(merged_at) AS at, kind, edge, seq, detail FROM identity_merges
      WHERE workspace_id = ? AND (from_profile IN (${marks}) OR into_profile IN (${marks}))
      ORDER BY merged_at, from_profile`,
    [workspaceId, ...profileIds, ...profileIds],
  );
  return rows.map((r) => ({
    from: r.from_profile,
    into: r.into_profile,
    at: r.at,
    kind: r.kind,
    edge: r.edge,
    seq: r.seq,
    detail: r.detail,
  }));
}

/** Removes the whole graph of a workspace (before a rebuild writes it anew). */
export async function clearIdentity(tx: Tx, workspaceId: string): Promise<void> {
  for (const table of [
    'identity_nodes',
    'identity_edges',
    'identity_node_stats',
    'identity_edge_stats',
    'identity_profiles',
    'identity_event_anchors',
  ]) {
    await tx.run(`DELETE FROM ${table} WHERE workspace_id = ?`, [workspaceId]);
  }
}

/** What a timeline page keeps: events of the `events` relation (seqs), at `since` ≤ time < `until` (epoch ms). */
export interface AnchorFilter {
  events?: Sql;
  since?: number;
  until?: number;
}

/**
 * A page of a profile's events (newest first): the events anchored, or owned, by its identifiers,
 * those the filter keeps, after the `before` position. The filter is in the query, so a page is
 * full whenever there are that many matching events left.
 */
export async function anchorPage(
  db: Database,
  workspaceId: string,
  nodes: readonly number[],
  before: { time: number; seq: number } | null,
  limit: number,
  filter: AnchorFilter = {},
): Promise<Array<{ seq: number; time: number }>> {
  if (nodes.length === 0) return [];
  const owners = join(
    nodes.map((n) => sql`${n}`),
    ', ',
  );
  const conditions: Sql[] = [
    sql`a.workspace_id = ${workspaceId}`,
    sql`coalesce(a.owner, a.node) IN (${owners})`,
  ];
  if (before)
    conditions.push(sql`(a.time < ${before.time} OR (a.time = ${before.time} AND a.seq < ${before.seq}))`);
  if (filter.since !== undefined) conditions.push(sql`a.time >= ${filter.since}`);
  if (filter.until !== undefined) conditions.push(sql`a.time < ${filter.until}`);
  const matching = filter.events ? sql` JOIN ${filter.events} e ON e.seq = a.seq` : sql``;
  const q = sql`SELECT a.seq::DOUBLE AS seq, a.time FROM identity_event_anchors a${matching}
      WHERE ${join(conditions, ' AND ')}
      ORDER BY a.time DESC, a.seq DESC LIMIT ${limit}`;
  return db.query<{ seq: number; time: number }>(q.text, q.params);
}

/** Every event's anchor node and the node it belongs to (its owner's, for a shared identifier). */
export async function scanAnchors(
  db: Database,
  workspaceId: string,
  onRow: (seq: number, node: number, owner: number) => void,
): Promise<void> {
  await db.scan(
    'SELECT seq::DOUBLE, node, coalesce(owner, node) FROM identity_event_anchors WHERE workspace_id = ?',
    [workspaceId],
    (c) => {
      for (let i = 0; i < c[0]!.length; i++)
        onRow(c[0]![i] as number, c[1]![i] as number, c[2]![i] as number);
    },
  );
}

/**
 * Folds the appended statistics into the identifier and link rows, and empties them. Each column
 * only grows one way (first seen and claim start down, the rest up), so the fold takes min and max.
 */
export async function foldStats(db: Database, workspaceId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.run(
      `UPDATE identity_nodes AS n SET
          first_seen = CASE WHEN n.first_seen IS NULL OR s.first_seen < n.first_seen THEN s.first_seen ELSE n.first_seen END,
          source_id = CASE WHEN n.first_seen IS NULL OR s.first_seen < n.first_seen THEN s.source_id ELSE n.source_id END,
          last_seen = CASE WHEN n.last_seen IS NULL OR s.last_seen > n.last_seen THEN s.last_seen ELSE n.last_seen END,
          events = CASE WHEN s.events > n.events THEN s.events ELSE n.events END
        FROM (SELECT node, min(first_seen) AS first_seen, arg_min(source_id, first_seen) AS source_id,
                     max(last_seen) AS last_seen, max(events) AS events
                FROM identity_node_stats WHERE workspace_id = ? GROUP BY node) AS s
       WHERE n.workspace_id = ? AND n.node = s.node`,
      [workspaceId, workspaceId],
    );
    await tx.run(
      `UPDATE identity_edges AS e SET
          claim_first = CASE WHEN e.claim_first IS NULL OR s.claim_first < e.claim_first THEN s.claim_first ELSE e.claim_first END,
          claim_last = CASE WHEN e.claim_last IS NULL OR s.claim_last > e.claim_last THEN s.claim_last ELSE e.claim_last END
        FROM (SELECT edge, min(claim_first) AS claim_first, max(claim_last) AS claim_last
                FROM identity_edge_stats WHERE workspace_id = ? GROUP BY edge) AS s
       WHERE e.workspace_id = ? AND e.edge = s.edge`,
      [workspaceId, workspaceId],
    );
    await tx.run('DELETE FROM identity_node_stats WHERE workspace_id = ?', [workspaceId]);
    await tx.run('DELETE FROM identity_edge_stats WHERE workspace_id = ?', [workspaceId]);
  });
}
