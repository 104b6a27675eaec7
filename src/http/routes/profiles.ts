import { PiiView, type PiiConfig } from '../../governance/pii.js';
import { z } from 'zod';
import type { IdentityResolver } from '../../identity/index.js';
import {
  CONSENT_EVENTS,
  consentState,
  mergeTraits,
  profileTraitFacts,
  syncFacts,
  type TraitPolicy,
} from '../../profiles/index.js';
import type { Database } from '../../platform/db/duckdb.js';
import { AppError } from '../../platform/errors.js';
import { profileSegments, type SegmentEngine } from '../../segments/index.js';
import type { TagEngine } from '../../tags/index.js';
import { defineRoute, type RouteDef } from '../route.js';

const profileParams = z.strictObject({ id: z.string().min(1).max(128) });

/** Facts read for one profile's traits and consent (the newest ones when a profile has more). */
const TRAIT_FACTS = 10_000;

const parse = (text: string | null): Record<string, unknown> | null =>
  text === null ? null : (JSON.parse(text) as Record<string, unknown>);

/**
 * The 360° profile (DESIGN.md fixed contract `GET /api/v1/profiles/:id`): identifiers, merges,
 * traits merged by their policies (with the source and time each value came from), computed
 * traits, tags under their keys, segment memberships, consent.
 */
export function profileRoutes(deps: {
  identity: IdentityResolver;
  db: Database;
  tags: TagEngine;
  segments: SegmentEngine;
  policies: Readonly<Record<string, TraitPolicy>>;
  sources: (workspaceId: string) => ReadonlyArray<{ id: string; name: string }>;
  settle: () => Promise<void>;
  pii: PiiConfig;
}): RouteDef[] {
  const { identity, db, tags, segments: segmentEngine } = deps;
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/profiles/:id',
      role: 'analyst',
      tag: 'profiles',
      summary:
        'The 360° profile: identifiers, merges, traits (merge policy per trait), computed traits, tags, segments, consent; old ids resolve',
      params: profileParams,
      handler: async ({ params, caller }) => {
        await deps.settle();
        const ws = caller.workspaceId;
        const profileId = identity.resolveProfileId(ws, params.id);
        if (!profileId) throw new AppError('not_found', `no profile ${params.id}`);
        // The facts table follows the event log on demand: bring it up to date before reading.
        const side = await db.side();
        try {
          await syncFacts(side, ws);
        } finally {
          side.close();
        }
        const facts = (
          await profileTraitFacts(db, ws, identity.profileNodes(ws, profileId), CONSENT_EVENTS, TRAIT_FACTS)
        ).map((f) => ({
          seq: f.seq,
          ts: f.ts,
          event: f.event,
          sourceId: f.source_id,
          properties: parse(f.properties) ?? {},
          traits: parse(f.traits),
        }));
        const sources = deps.sources(ws);
        const merged = mergeTraits(
          facts
            .filter((f) => f.traits !== null)
            .map((f) => ({ seq: f.seq, ts: f.ts, sourceId: f.sourceId, traits: f.traits! })),
          deps.policies,
          (p) =>
            p.sources.map((s) =>
              sources.filter((src) => src.id === s || src.name === s).map((src) => src.id),
            ),
        );
        const traitSources = Object.fromEntries(
          Object.entries(merged).map(([k, m]) => [
            k,
            {
              sourceId: m.sourceId,
              at: new Date(m.at).toISOString(),
              policy: deps.policies[k]?.policy ?? 'latest',
            },
          ]),
        );
        const view = PiiView.for(caller.role, deps.pii);
        return {
          profileId,
          ...(profileId !== params.id ? { requestedId: params.id, mergedInto: profileId } : {}),
          identifiers: view.identifiers(identity.identifiers(ws, profileId)),
          traits: view.fields(Object.fromEntries(Object.entries(merged).map(([k, m]) => [k, m.value]))),
          traitSources,
          computedTraits: await tags.reads.profileComputedTraits(ws, profileId),
          tags: await tags.reads.profileTags(ws, profileId),
          segments: await profileSegments(db, segmentEngine, ws, profileId),
          consent: consentState(facts),
          merges: await identity.mergeHistory(ws, profileId),
          refusals: identity.refusals(ws, { profileId, limit: 50 }).map((r) => ({
            ...r,
            identifier: {
              ...r.identifier,
              value: view.value(r.identifier.type, r.identifier.value) as string,
            },
            with: { ...r.with, value: view.value(r.with.type, r.with.value) as string },
          })),
        };
      },
    }),
  ];
}
