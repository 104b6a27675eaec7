import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/duckdb.js';
import { generateId } from '../platform/ids.js';
import { hashSecret, newSecret, secretHint } from '../platform/secrets.js';
import { insertApiKey, selectApiKeys, updateApiKeyRevoked, type ApiKeyRow } from './api-key-store.js';
import type { Role } from './roles.js';

export interface ApiKey {
  id: string;
  workspaceId: string;
  name: string;
  role: Role;
  hint: string;
  createdAt: string;
  revoked: boolean;
}

const toApiKey = (r: ApiKeyRow): ApiKey => ({
  id: r.id,
  workspaceId: r.workspace_id,
  name: r.name,
  role: r.role as Role,
  hint: r.key_hint,
  createdAt: r.created_at.toISOString(),
  revoked: r.revoked_at !== null,
});

/** Management API keys: stored as SHA-256 hashes, looked up in memory. */
export class ApiKeyRegistry {
  private byHash = new Map<string, ApiKey>();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async load(): Promise<void> {
    this.byHash = new Map((await selectApiKeys(this.db)).map((r) => [r.key_hash, toApiKey(r)]));
  }

  /** Creates a key; the returned secret is shown this once. `secret` lets the bootstrap key be chosen. */
  async create(
    workspaceId: string,
    name: string,
    role: Role,
    secret: string = newSecret('tsk'),
  ): Promise<{ apiKey: ApiKey; secret: string }> {
    const row = {
      id: generateId('key'),
      workspace_id: workspaceId,
      name,
      role,
      key_hash: hashSecret(secret),
      key_hint: secretHint(secret),
      created_at: new Date(this.clock.now()),
    };
    await insertApiKey(this.db, row);
    const apiKey = toApiKey({ ...row, revoked_at: null });
    this.byHash.set(row.key_hash, apiKey);
    return { apiKey, secret };
  }

  authenticate(secret: string): ApiKey | undefined {
    const key = this.byHash.get(hashSecret(secret));
    return key && !key.revoked ? key : undefined;
  }

  list(workspaceId: string): ApiKey[] {
    return [...this.byHash.values()].filter((k) => k.workspaceId === workspaceId);
  }

  hasActiveAdmin(): boolean {
    return [...this.byHash.values()].some((k) => k.role === 'admin' && !k.revoked);
  }

  async revoke(workspaceId: string, id: string): Promise<ApiKey | undefined> {
    const key = [...this.byHash.values()].find((k) => k.id === id && k.workspaceId === workspaceId);
    if (!key) return undefined;
    await updateApiKeyRevoked(this.db, id, new Date(this.clock.now()));
    key.revoked = true;
    return key;
  }
}
