import { createHash } from 'node:crypto';
import Papa from 'papaparse';
import { z } from 'zod';
import { KEY as KEY_PATTERN } from '../conditions/index.js';
import { hashIdentifier, type AudienceIdType } from '../channels/audience-hash.js';
import { liveProfiles, profileIdentifiers } from '../identity/index.js';
import { factsRelation, traitAggregate } from '../profiles/index.js';
import type { Database } from '../platform/db/duckdb.js';
import { join, raw, sql, type Sql } from '../platform/db/sql.js';
import type { SegmentSqlContext } from './segment-sql.js';

/**
 * An audience as ad platforms and other tools take it: each member with chosen identifiers
 * (raw, or MD5 / SHA-256 of the form Tencent Ads and Ocean Engine hash) and chosen traits and tags.
 */

export const HASHES = ['none', 'md5', 'sha256'] as const;
export const AUDIENCE_TYPES = ['phone', 'email', 'idfa', 'oaid'] as const;

export const audienceColumns = z.strictObject({
  identifiers: z
    .array(
      z.strictObject({
        type: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be an identifier type'),
        hash: z.enum(HASHES).default('none'),
      }),
    )
    .max(20)
    .default([]),
  traits: z.array(z.string().regex(KEY_PATTERN, 'must be a trait key')).max(50).default([]),
  tags: z.array(z.string().regex(KEY_PATTERN, 'must be a tag key')).max(50).default([]),
});
export type AudienceColumns = z.infer<typeof audienceColumns>;

export interface AudienceRow {
  profileId: string;
  /** Column name (`phone_sha256`, `email`) → the values of the member. */
  identifiers: Record<string, string[]>;
  traits: Record<string, unknown>;
  tags: Record<string, unknown>;
}

export const identifierColumn = (i: { type: string; hash: string }): string =>
  i.hash === 'none' ? i.type : `${i.type}_${i.hash}`;

const isAudienceType = (t: string): t is AudienceIdType => (AUDIENCE_TYPES as readonly string[]).includes(t);

/** A mainland mobile as OneID stores it (E.164): its audience form is the national number. */
const STORED_CN_MOBILE = /^\+86(1\d{10})$/;

/**
 * Hashing works on the platforms' form of the value; other identifier types are hashed as
 * stored. Stored phones are already E.164, so the common case needs no phone parsing.
 */
export function hashed(type: string, value: string, hash: 'none' | 'md5' | 'sha256'): string | null {
  if (hash === 'none') return value;
  if (type === 'phone') {
    const m = STORED_CN_MOBILE.exec(value);
    if (m) return createHash(hash).update(m[1]!, 'utf8').digest('hex');
  }
  if (isAudienceType(type)) return hashIdentifier(type, value, hash);
  return createHash(hash).update(value, 'utf8').digest('hex');
}

/**
 * The members of some profiles relation (`profile_id`), with the columns asked for, in
 * profile-id order, `onRows` called chunk by chunk.
 */
export async function readAudience(
  db: Database,
  ctx: SegmentSqlContext,
  members: Sql,
  columns: AudienceColumns,
  onRows: (rows: AudienceRow[]) => void,
): Promise<number> {
  const ws = ctx.workspaceId;
  const ctes: Sql[] = [
    sql`M AS (SELECT P.pid, P.profile_id FROM ${liveProfiles(ws)} P WHERE P.profile_id IN (SELECT profile_id FROM ${members}))`,
  ];
  const select: Sql[] = [raw('M.profile_id')];
  const joins: Sql[] = [];
  const types = [...new Set(columns.identifiers.map((i) => i.type))];
  if (types.length > 0) {
    const cols = types.map(
      (t, i) => sql`list(value ORDER BY value) FILTER (WHERE id_type = ${t}) AS ${raw(`id${i}`)}`,
    );
    ctes.push(
      sql`I AS (SELECT profile_id, ${join(cols, ', ')} FROM ${profileIdentifiers(ws)} WHERE profile_id IN (SELECT profile_id FROM M) GROUP BY profile_id)`,
    );
    types.forEach((_, i) => select.push(raw(`I.id${i}`)));
    joins.push(raw('LEFT JOIN I ON I.profile_id = M.profile_id'));
  }
  const own = columns.traits.filter((t) => !ctx.computedTraits.has(t));
  const computed = columns.traits.filter((t) => ctx.computedTraits.has(t));
  if (own.length > 0) {
    const cols = own.map((k, i) => {
      const policy = ctx.policy(k);
      return sql`${traitAggregate(k, policy, ctx.resolveSources(policy))} AS ${raw(`pt${i}`)}`;
    });
    ctes.push(
      sql`PT AS (SELECT f.pid, ${join(cols, ', ')} FROM ${factsRelation(ws)} f WHERE f.traits IS NOT NULL AND f.pid IN (SELECT pid FROM M) GROUP BY f.pid)`,
    );
    own.forEach((_, i) => select.push(raw(`PT.pt${i}`)));
    joins.push(raw('LEFT JOIN PT ON PT.pid = M.pid'));
  }
  for (const [name, table, keys] of [
    ['CT', 'trait_values', computed],
    ['TG', 'tag_values', columns.tags],
  ] as const) {
    if (keys.length === 0) continue;
    const cols = keys.map(
      (k, i) => sql`max(value) FILTER (WHERE key = ${k}) AS ${raw(`${name.toLowerCase()}${i}`)}`,
    );
    ctes.push(
      sql`${raw(name)} AS (SELECT profile_id, ${join(cols, ', ')} FROM ${raw(table)} WHERE workspace_id = ${ws} AND profile_id IN (SELECT profile_id FROM M) GROUP BY profile_id)`,
    );
    keys.forEach((_, i) => select.push(raw(`${name}.${name.toLowerCase()}${i}`)));
    joins.push(raw(`LEFT JOIN ${name} ON ${name}.profile_id = M.profile_id`));
  }
  const q = sql`WITH ${join(ctes, ', ')} SELECT ${join(select, ', ')} FROM M ${join(joins, ' ')} ORDER BY M.profile_id`;
  let count = 0;
  await db.scan(q.text, q.params, (cols) => {
    const n = cols[0]!.length;
    const rows: AudienceRow[] = [];
    for (let r = 0; r < n; r++) {
      let c = 0;
      const row: AudienceRow = { profileId: cols[c++]![r] as string, identifiers: {}, traits: {}, tags: {} };
      const lists = types.map(
        () => (cols[c++]![r] as { items?: unknown[] } | null)?.items ?? listItems(cols[c - 1]![r]),
      );
      for (const spec of columns.identifiers) {
        const values = lists[types.indexOf(spec.type)] ?? [];
        const out: string[] = [];
        for (const v of values) {
          const h = hashed(spec.type, String(v), spec.hash);
          if (h !== null && !out.includes(h)) out.push(h);
        }
        row.identifiers[identifierColumn(spec)] = out;
      }
      for (const k of own) row.traits[k] = parseJson(cols[c++]![r]);
      for (const k of computed) row.traits[k] = parseJson(cols[c++]![r]);
      for (const k of columns.tags) row.tags[k] = parseJson(cols[c++]![r]);
      rows.push(row);
    }
    count += n;
    onRows(rows);
  });
  return count;
}

function listItems(v: unknown): unknown[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v;
  return [];
}

function parseJson(v: unknown): unknown {
  return typeof v === 'string' ? (JSON.parse(v) as unknown) : null;
}

/** The CSV of an audience: a header, one row per member; several values of a column joined by `|`. */
export function csvChunk(rows: readonly AudienceRow[], columns: AudienceColumns, header: boolean): string {
  const fields = [
    'profile_id',
    ...columns.identifiers.map(identifierColumn),
    ...columns.traits,
    ...columns.tags.map((t) => `tag:${t}`),
  ];
  const cell = (v: unknown): string =>
    v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  const data = rows.map((r) => [
    r.profileId,
    ...columns.identifiers.map((i) => r.identifiers[identifierColumn(i)]!.join('|')),
    ...columns.traits.map((t) => cell(r.traits[t])),
    ...columns.tags.map((t) => cell(r.tags[t])),
  ]);
  const text = Papa.unparse({ fields, data }, { header, newline: '\n' });
  return text.length === 0 ? '' : `${text}\n`;
}
