import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import {
  listPresets,
  loadMapping,
  parseMapping,
  presetDirectory,
  type Importer,
  type Mapping,
  type Source,
  type SourceRegistry,
} from '../../collect/index.js';
import { AppError } from '../../platform/errors.js';
import { defineRoute, type RouteDef } from '../route.js';

/** A mapping named by `?mapping=<preset>` or sent whole in the `X-Tessera-Mapping` header (base64url JSON). */
async function resolveMapping(
  preset: string | undefined,
  header: string | undefined,
): Promise<{ mapping: Mapping; presetName?: string }> {
  if (header) {
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    } catch {
      throw new AppError('bad_request', 'X-Tessera-Mapping must be base64url-encoded JSON');
    }
    const parsed = parseMapping(json);
    if (!parsed.ok) {
      throw new AppError(
        'validation_failed',
        `invalid mapping: ${parsed.error.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        parsed.error,
      );
    }
    return { mapping: parsed.value };
  }
  if (!preset)
    throw new AppError(
      'validation_failed',
      'name a mapping: ?mapping=<preset> or the X-Tessera-Mapping header',
    );
  if (!/^[a-z0-9][a-z0-9-]*$/.test(preset))
    throw new AppError('validation_failed', `"${preset}" is not a preset name`);
  const loaded = await loadMapping(preset);
  if (!loaded.ok) {
    const known = (await listPresets()).join(', ');
    throw new AppError('not_found', `no mapping preset "${preset}"; presets: ${known}`);
  }
  return { mapping: loaded.value, presetName: preset };
}

const importQuery = {
  mapping: z.string().optional().describe('preset name: crm-members, orders, tmall-orders, events'),
  fileName: z.string().max(500).optional(),
  sourceId: z.string().optional().describe('default: the workspace\'s "file import" source'),
};
const RAW_BODY = ['text/csv', 'application/x-ndjson', 'application/octet-stream', 'text/plain'];

function bodyStream(request: FastifyRequest): Readable {
  const body = request.body as Readable | undefined;
  if (!body || typeof body[Symbol.asyncIterator] !== 'function') {
    throw new AppError(
      'bad_request',
      'send the file as the request body (Content-Type: text/csv or application/x-ndjson)',
    );
  }
  return body;
}

export function importRoutes(importer: Importer, sources: SourceRegistry): RouteDef[] {
  /** The mapping and the source an import or its preview names. */
  const target = async (
    query: { mapping?: string; sourceId?: string },
    caller: { workspaceId: string },
    request: FastifyRequest,
  ): Promise<{ mapping: Mapping; presetName?: string; source: Source }> => {
    const header = request.headers['x-tessera-mapping'];
    const { mapping, presetName } = await resolveMapping(
      query.mapping,
      typeof header === 'string' ? header : undefined,
    );
    const source = query.sourceId
      ? sources.get(query.sourceId)
      : await sources.findOrCreate(caller.workspaceId, 'file import', 'import');
    if (!source || source.workspaceId !== caller.workspaceId)
      throw new AppError('not_found', `no source ${query.sourceId}`);
    return { mapping, presetName, source };
  };

  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/imports',
      role: 'admin',
      tag: 'imports',
      summary:
        'Import a CSV or JSONL file (the raw request body, streamed) through a mapping; answers with the summary',
      query: z.strictObject(importQuery),
      rawBody: RAW_BODY,
      success: {
        description:
          '{ id, records, accepted, duplicates, rejected, rejectedByCode, seconds, recordsPerSecond, fatal }',
      },
      handler: async ({ query, caller, request }) => {
        const { mapping, presetName, source } = await target(query, caller, request);
        const summary = await importer.run(bodyStream(request), {
          workspaceId: caller.workspaceId,
          sourceId: source.id,
          mapping,
          presetName,
          fileName: query.fileName,
        });
        if (summary.fatal) throw new AppError('validation_failed', summary.fatal.message, summary);
        return summary;
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/imports/preview',
      role: 'admin',
      tag: 'imports',
      summary:
        'What the first rows of a file (or of its beginning) become under a mapping, and whether each would be accepted; stores nothing',
      query: z.strictObject({
        ...importQuery,
        limit: z.coerce.number().int().min(1).max(200).default(20),
      }),
      rawBody: RAW_BODY,
      success: { description: '{ columns, rows: [{ line, record, message, result, code, reason }], fatal }' },
      handler: async ({ query, caller, request }) => {
        const { mapping, source } = await target(query, caller, request);
        const body = bodyStream(request);
        try {
          return await importer.preview(
            body,
            { workspaceId: caller.workspaceId, sourceId: source.id, mapping, fileName: query.fileName },
            query.limit,
          );
        } finally {
          // The preview stops after a few rows; the rest of the upload is not wanted.
          body.resume();
        }
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/imports',
      role: 'viewer',
      tag: 'imports',
      summary: 'Recent imports and their results; a running one with the records read so far',
      query: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
      handler: async ({ query, caller }) => ({
        imports: (await importer.list(caller.workspaceId, query.limit)).map((r) => ({
          id: r.id,
          sourceId: r.source_id,
          mapping: r.mapping,
          fileName: r.file_name,
          status: r.status,
          startedAt: r.started_at.toISOString(),
          finishedAt: r.finished_at?.toISOString() ?? null,
          records: r.status === 'running' ? (importer.progress(r.id)?.records ?? r.records) : r.records,
          progress: r.status === 'running' ? (importer.progress(r.id) ?? null) : null,
          accepted: r.accepted,
          duplicates: r.duplicates,
          rejected: r.rejected,
          rejectedByCode: r.rejected_by_code
            ? (JSON.parse(r.rejected_by_code) as Record<string, number>)
            : {},
          error: r.error,
        })),
      }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/imports/presets',
      role: 'viewer',
      tag: 'imports',
      summary: 'The built-in mapping presets with their descriptions',
      handler: async () => ({
        presets: await Promise.all(
          (await listPresets()).map(async (name) => {
            const json = JSON.parse(
              await readFile(join(presetDirectory(), `${name}.json`), 'utf8'),
            ) as Mapping;
            return { name, kind: json.kind, format: json.format, description: json.description };
          }),
        ),
      }),
    }),
  ];
}
