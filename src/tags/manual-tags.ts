import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/duckdb.js';
import type { DefinitionRegistry } from './definition-registry.js';
import { insertAssignments, listAssignments, removeAssignments } from './tag-store.js';

type Refusal = { ok: false; message: string };

/**
 * The values of manual tags, as people give them: to a list (or as the whole list), taken from
 * a list, and who holds each tag now. Profiles carry them from the tag's next refresh.
 */
export class ManualTags {
  constructor(
    private readonly db: Database,
    private readonly definitions: DefinitionRegistry,
    private readonly clock: Clock,
  ) {}

  /** Gives a manual tag's values to profiles (`replace`: the list is the whole tag). */
  async assign(
    workspaceId: string,
    key: string,
    rows: ReadonlyArray<{ profileId: string; value: unknown }>,
    replace: boolean,
    actor: string | null,
  ): Promise<{ ok: true; assigned: number } | Refusal> {
    const refused = this.manualOnly(workspaceId, key);
    if (refused) return refused;
    await insertAssignments(
      this.db,
      workspaceId,
      key,
      rows.map((r) => ({ profileId: r.profileId, value: JSON.stringify(r.value ?? null) })),
      new Date(this.clock.now()),
      actor,
      replace,
    );
    return { ok: true, assigned: rows.length };
  }

  /** Takes a manual tag from profiles; answers how many of them had it. */
  async unassign(
    workspaceId: string,
    key: string,
    profileIds: readonly string[],
  ): Promise<{ ok: true; removed: number } | Refusal> {
    const refused = this.manualOnly(workspaceId, key);
    if (refused) return refused;
    return { ok: true, removed: await removeAssignments(this.db, workspaceId, key, profileIds) };
  }

  /** Who holds a manual tag by assignment, newest first. */
  async assignments(
    workspaceId: string,
    key: string,
    page: { limit: number; offset: number },
  ): Promise<
    | {
        ok: true;
        total: number;
        assignments: Array<{
          profileId: string;
          value: unknown;
          assignedAt: string;
          assignedBy: string | null;
        }>;
      }
    | Refusal
  > {
    const refused = this.manualOnly(workspaceId, key);
    if (refused) return refused;
    const { total, rows } = await listAssignments(this.db, workspaceId, key, page.limit, page.offset);
    return {
      ok: true,
      total,
      assignments: rows.map((r) => ({ ...r, value: JSON.parse(r.value) as unknown })),
    };
  }

  /** Why `key` takes no assignments, or undefined when it is a manual tag. */
  private manualOnly(workspaceId: string, key: string): Refusal | undefined {
    const def = this.definitions.defs(workspaceId).tags.get(key);
    if (!def) return { ok: false, message: `no tag ${key}` };
    if (def.definition.spec.kind !== 'manual')
      return {
        ok: false,
        message: `tag ${key} is computed (${def.definition.spec.kind}); only manual tags take assigned values`,
      };
    return undefined;
  }
}
