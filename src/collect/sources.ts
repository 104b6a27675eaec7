import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/duckdb.js';
import { generateId } from '../platform/ids.js';
import { hashSecret, newSecret, secretHint } from '../platform/secrets.js';
import {
  insertSource,
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

/**
 * Sources and their write keys. A write key is shown once, at creation; the store keeps only
 * its SHA-256, and an in-memory map from hash to source authenticates each collection request
 * without a query.
 */
export class SourceRegistry {
  private byHash = new Map<string, Source>();
  private byId = new Map<string, Source>();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async load(): Promise<void> {
    const rows = await selectSources(this.db);
    this.byHash = new Map(rows.map((r) => [r.write_key_hash, toSource(r)]));
    this.byId = new Map([...this.byHash.values()].map((s) => [s.id, s]));
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

  /** The enabled source a write key belongs to, if any. */
  authenticate(writeKey: string): Source | undefined {
    const source = this.byHash.get(hashSecret(writeKey));
    return source && !source.disabled ? source : undefined;
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
