import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/duckdb.js';
import { generateId } from '../platform/ids.js';
import { hashSecret, newSecret, secretHint } from '../platform/secrets.js';
import {
  insertSource,
  rotateWriteKey,
  selectRetiredKeys,
  selectSourceActivity,
  selectSources,
  updateSourceDisabled,
  type SourceRow,
} from './source-store.js';

export const SOURCE_KINDS = [
  'http',
  'web',
  'app',
  'miniprogram',
  'server',
  'pos',
  'ecommerce',
  'crm',
  'service',
  'import',
] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export interface Source {
  id: string;
  workspaceId: string;
  name: string;
  kind: string;
  writeKeyHint: string;
  createdAt: string;
  disabled: boolean;
}

const toSource = (r: SourceRow): Source => ({
  id: r.id,
  workspaceId: r.workspace_id,
  name: r.name,
  kind: r.kind,
  writeKeyHint: r.write_key_hint,
  createdAt: r.created_at.toISOString(),
  disabled: r.disabled_at !== null,
});

/** A former write key still honoured: its hint and until when (ISO). */
export interface RetiredKey {
  hint: string;
  expiresAt: string;
}

/** The longest a rotated write key may stay valid: a week. */
export const MAX_KEY_GRACE_MS = 7 * 86_400_000;

/**
 * Sources and their write keys. A write key is shown once, at creation or rotation; the store
 * keeps only its SHA-256, and an in-memory map from hash to source authenticates each collection
 * request without a query. A rotated key may stay valid for a grace period, so that apps already
 * in people's hands keep sending until they carry the new one.
 */
export class SourceRegistry {
  private byHash = new Map<string, Source>();
  private byId = new Map<string, Source>();
  private retired = new Map<string, { source: Source; hint: string; expiresAt: number }>();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async load(): Promise<void> {
    const rows = await selectSources(this.db);
    this.byHash = new Map(rows.map((r) => [r.write_key_hash, toSource(r)]));
    this.byId = new Map([...this.byHash.values()].map((s) => [s.id, s]));
    this.retired = new Map();
    for (const r of await selectRetiredKeys(this.db, new Date(this.clock.now()))) {
      const source = this.byId.get(r.source_id);
      if (source)
        this.retired.set(r.write_key_hash, {
          source,
          hint: r.write_key_hint,
          expiresAt: r.expires_at.getTime(),
        });
    }
  }

  /** Creates a source; the returned write key is not stored anywhere and cannot be shown again. */
  async create(
    workspaceId: string,
    name: string,
    kind: string,
  ): Promise<{ source: Source; writeKey: string }> {
    const writeKey = newSecret('wk');
    const row: Omit<SourceRow, 'disabled_at'> = {
      id: generateId('src'),
      workspace_id: workspaceId,
      name,
      kind,
      write_key_hash: hashSecret(writeKey),
      write_key_hint: secretHint(writeKey),
      created_at: new Date(this.clock.now()),
    };
    await insertSource(this.db, row);
    const source = toSource({ ...row, disabled_at: null });
    this.byHash.set(row.write_key_hash, source);
    this.byId.set(source.id, source);
    return { source, writeKey };
  }

  /** The workspace's source of this name and kind, created on first use (e.g. the file-import source). */
  async findOrCreate(workspaceId: string, name: string, kind: string): Promise<Source> {
    const existing = this.list(workspaceId).find((s) => s.name === name && s.kind === kind);
    return existing ?? (await this.create(workspaceId, name, kind)).source;
  }

  /** The enabled source a write key belongs to (its current key, or a rotated one still in its grace), if any. */
  authenticate(writeKey: string): Source | undefined {
    const hash = hashSecret(writeKey);
    let source = this.byHash.get(hash);
    if (!source) {
      const old = this.retired.get(hash);
      if (old && old.expiresAt > this.clock.now()) source = old.source;
    }
    return source && !source.disabled ? source : undefined;
  }

  /**
   * Gives a source a new write key, returned here only. The current key keeps working for
   * `graceMs` (0: it stops now); keys rotated out earlier keep their own expiry.
   */
  async rotate(id: string, graceMs: number): Promise<{ source: Source; writeKey: string } | undefined> {
    const source = this.byId.get(id);
    if (!source) return undefined;
    if (!(graceMs >= 0 && graceMs <= MAX_KEY_GRACE_MS))
      throw new RangeError(`a grace period is between 0 and ${MAX_KEY_GRACE_MS} ms, not ${graceMs}`);
    const oldHash = [...this.byHash].find(([, s]) => s === source)?.[0];
    const writeKey = newSecret('wk');
    const next = { hash: hashSecret(writeKey), hint: secretHint(writeKey) };
    const now = this.clock.now();
    const expiresAt = graceMs > 0 ? now + graceMs : null;
    await rotateWriteKey(this.db, id, next, new Date(now), expiresAt === null ? null : new Date(expiresAt));
    for (const [hash, r] of this.retired) if (r.expiresAt <= now) this.retired.delete(hash);
    if (oldHash !== undefined) {
      this.byHash.delete(oldHash);
      if (expiresAt !== null) this.retired.set(oldHash, { source, hint: source.writeKeyHint, expiresAt });
    }
    source.writeKeyHint = next.hint;
    this.byHash.set(next.hash, source);
    return { source, writeKey };
  }

  /** A source's former write keys still honoured now, the soonest to expire first. */
  retiredKeys(id: string): RetiredKey[] {
    const now = this.clock.now();
    return [...this.retired.values()]
      .filter((r) => r.source.id === id && r.expiresAt > now)
      .sort((a, b) => a.expiresAt - b.expiresAt)
      .map((r) => ({ hint: r.hint, expiresAt: new Date(r.expiresAt).toISOString() }));
  }

  get(id: string): Source | undefined {
    return this.byId.get(id);
  }

  list(workspaceId: string): Source[] {
    return [...this.byId.values()].filter((s) => s.workspaceId === workspaceId);
  }

  async setDisabled(id: string, disabled: boolean): Promise<Source | undefined> {
    const source = this.byId.get(id);
    if (!source) return undefined;
    await updateSourceDisabled(this.db, id, disabled ? new Date(this.clock.now()) : null);
    source.disabled = disabled;
    return source;
  }

  /** Per-source event counts, last event time and open rejected records. */
  async activity(
    workspaceId: string,
    settle: () => Promise<void>,
  ): Promise<Map<string, { events: number; lastReceivedAt: string | null; rejectedOpen: number }>> {
    await settle();
    const rows = await selectSourceActivity(this.db, workspaceId);
    return new Map(
      rows.map((r) => [
        r.source_id,
        {
          events: r.events,
          lastReceivedAt: r.last_received_at?.toISOString() ?? null,
          rejectedOpen: r.rejected_open,
        },
      ]),
    );
  }
}
