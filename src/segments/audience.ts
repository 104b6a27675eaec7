import Papa from 'papaparse';
import { z } from 'zod';
import { KEY as KEY_PATTERN } from '../conditions/index.js';
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

/**
 * An identifier's audience form, in SQL, from the form OneID stores (phones E.164, e-mails and
 * device ids normalised): the form Tencent Ads and Ocean Engine hash (see channels/audience-hash.ts,
 * which the tests hold this to), NULL when the value has none. Other types are taken as stored.
 */
export function audienceForm(type: string, value: Sql): Sql {
  switch (type) {
    case 'phone':
      return sql`nullif(regexp_extract(${value}, '^[+]86(1[0-9]{10})$', 1), '')`;
    case 'email':
      return value;
    case 'idfa': {
      const hex = sql`upper(replace(${value}, '-', ''))`;
      return sql`CASE WHEN regexp_full_match(${hex}, '[0-9A-F]{32}') AND NOT regexp_full_match(${hex}, '0*')
        THEN regexp_replace(${hex}, '^(.{8})(.{4})(.{4})(.{4})(.{12})$', '\\1-\\2-\\3-\\4-\\5') END`;
    }
    case 'oaid': {
      const v = sql`lower(trim(${value}))`;
      const digits = sql`length(replace(${v}, '-', ''))`;
      return sql`CASE WHEN regexp_full_match(${v}, '[0-9a-f]+(-[0-9a-f]+)*') AND NOT regexp_full_match(${v}, '[0-]*')
        AND ${digits} BETWEEN 16 AND 64 THEN ${v} END`;
    }
    default:
      return value;
  }
}

/** The column of one identifier spec: the member's distinct values (hashed), sorted. */
function identifierList(spec: { type: string; hash: 'none' | 'md5' | 'sha256' }): Sql {
  const form = spec.hash === 'none' ? raw('value') : audienceForm(spec.type, raw('value'));
  const hashedValue = spec.hash === 'none' ? form : sql`${raw(spec.hash)}(${form})`;
  return sql`list_sort(list_distinct(list(${hashedValue}) FILTER (WHERE id_type = ${spec.type} AND ${form} IS NOT NULL)))`;
}

/**
 * One query for an audience: `lists` gives identifier lists and JSON values (for sync payloads
 * and member pages), `cells` gives CSV cells (values joined by `|`, strings unquoted).
 */
function audienceQuery(
  ctx: SegmentSqlContext,
  members: Sql,
  columns: AudienceColumns,
  shape: 'lists' | 'cells',
): Sql {
  const ws = ctx.workspaceId;
  const ctes: Sql[] = [
    sql`M AS (SELECT P.pid, P.profile_id FROM ${liveProfiles(ws)} P WHERE P.profile_id IN (SELECT profile_id FROM ${members}))`,
  ];
  const select: Sql[] = [raw('M.profile_id')];
  const joins: Sql[] = [];
  const cell = (v: Sql): Sql =>
    shape === 'lists'
      ? v
      : sql`coalesce(CASE WHEN json_type(${v}) = 'VARCHAR' THEN json_extract_string(${v}, '$') ELSE ${v} END, '')`;
  if (columns.identifiers.length > 0) {
    const cols = columns.identifiers.map((spec, i) => sql`${identifierList(spec)} AS ${raw(`id${i}`)}`);
    ctes.push(
      sql`I AS (SELECT profile_id, ${join(cols, ', ')} FROM ${profileIdentifiers(ws)} WHERE profile_id IN (SELECT profile_id FROM M) GROUP BY profile_id)`,
    );
    columns.identifiers.forEach((_, i) =>
      select.push(shape === 'lists' ? raw(`I.id${i}`) : raw(`coalesce(array_to_string(I.id${i}, '|'), '')`)),
    );
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
    own.forEach((_, i) => select.push(cell(raw(`PT.pt${i}`))));
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
    keys.forEach((_, i) => select.push(cell(raw(`${name}.${name.toLowerCase()}${i}`))));
    joins.push(raw(`LEFT JOIN ${name} ON ${name}.profile_id = M.profile_id`));
  }
  // Computed traits come after the profile's own in the row; put them back in the order asked.
  return sql`WITH ${join(ctes, ', ')} SELECT ${join(select, ', ')} FROM M ${join(joins, ' ')} ORDER BY M.profile_id`;
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
  const own = columns.traits.filter((t) => !ctx.computedTraits.has(t));
  const computed = columns.traits.filter((t) => ctx.computedTraits.has(t));
  const q = audienceQuery(ctx, members, columns, 'lists');
  let count = 0;
  await db.scan(q.text, q.params, (cols) => {
    const n = cols[0]!.length;
    const rows: AudienceRow[] = [];
    for (let r = 0; r < n; r++) {
      let c = 0;
      const row: AudienceRow = { profileId: cols[c++]![r] as string, identifiers: {}, traits: {}, tags: {} };
      for (const spec of columns.identifiers) {
        const v = cols[c++]![r] as { items?: unknown[] } | null;
        row.identifiers[identifierColumn(spec)] = (v?.items ?? listItems(v)).map(String);
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

/**
 * Cells a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`) get a leading
 * `'` (OWASP's CSV-injection advice); signed numbers such as a phone's `+8613…` are left as they are.
 */
const FORMULA = /^[=@\t\r]|^[+-](?![\d.]+$)/;

/** The audience as CSV (a header, one row per member), handed over chunk by chunk. */
export async function exportCsv(
  db: Database,
  ctx: SegmentSqlContext,
  members: Sql,
  columns: AudienceColumns,
  onChunk: (text: string) => void,
): Promise<number> {
  const own = columns.traits.filter((t) => !ctx.computedTraits.has(t));
  const computed = columns.traits.filter((t) => ctx.computedTraits.has(t));
  const fields = [
    'profile_id',
    ...columns.identifiers.map(identifierColumn),
    ...own,
    ...computed,
    ...columns.tags.map((t) => `tag:${t}`),
  ];
  const q = audienceQuery(ctx, members, columns, 'cells');
  let count = 0;
  // The header alone comes back with its line end; data chunks come back without one.
  onChunk(Papa.unparse({ fields, data: [] }, { newline: '\n' }));
  await db.scan(q.text, q.params, (cols) => {
    const n = cols[0]!.length;
    const data: string[][] = new Array<string[]>(n);
    for (let r = 0; r < n; r++) data[r] = cols.map((c) => c[r] as string);
    count += n;
    onChunk(`${Papa.unparse(data, { newline: '\n', escapeFormulae: FORMULA })}\n`);
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
