import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Collector, IngestItem } from '../../collect/collector.js';
import type { MessageOutcome, MessageType } from '../../collect/message.js';
import type { Source, SourceRegistry } from '../../collect/sources.js';
import { AppError } from '../../platform/errors.js';
import { decodeJsonBody } from '../body.js';

export interface CollectRouteDeps {
  collector: Collector;
  sources: SourceRegistry;
  limits: { maxEventBytes: number; maxBatchBytes: number; maxDepth: number };
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The write key from HTTP Basic auth (the user name; Segment's convention), if the header is there. */
function writeKeyFromHeader(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Basic\s+(\S+)\s*$/i.exec(header);
  if (!match)
    throw new AppError(
      'unauthorized',
      'Authorization must be HTTP Basic with the write key as the user name',
    );
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const user = decoded.includes(':') ? decoded.slice(0, decoded.indexOf(':')) : decoded;
  if (user === '') throw new AppError('unauthorized', 'the Basic auth user name (the write key) is empty');
  return user;
}

/** The source named by the write key in the body or, when given, in the Authorization header. */
function authenticate(deps: CollectRouteDeps, body: unknown, headerKey?: string): Source {
  const key = headerKey ?? (isObject(body) && typeof body.writeKey === 'string' ? body.writeKey : undefined);
  if (!key) {
    throw new AppError(
      'unauthorized',
      'missing write key: send it as the HTTP Basic auth user name, or as "writeKey" in the body',
    );
  }
  const source = deps.sources.authenticate(key);
  if (!source) throw new AppError('unauthorized', 'invalid or disabled write key');
  return source;
}

function rejectedOf(
  outcomes: MessageOutcome[],
): Array<{ index: number; messageId: string | null; code: string; reason: string }> {
  const out: Array<{ index: number; messageId: string | null; code: string; reason: string }> = [];
  outcomes.forEach((o, index) => {
    if (o.kind === 'rejected') out.push({ index, messageId: o.messageId, code: o.code, reason: o.reason });
  });
  return out;
}

/** Ingests, turning a storage failure into a 503 (SDKs retry those); the cause goes to the log only. */
async function ingestOrUnavailable(
  deps: CollectRouteDeps,
  request: FastifyRequest,
  items: IngestItem[],
  ctx: Parameters<Collector['ingest']>[1],
): Promise<MessageOutcome[]> {
  try {
    return await deps.collector.ingest(items, ctx);
  } catch (err) {
    request.log.error({ err, requestId: request.id }, 'ingest failed');
    throw new AppError(
      'unavailable',
      `events could not be stored durably; nothing was acknowledged, retry (request id ${request.id})`,
    );
  }
}

/**
 * The Segment-spec HTTP tracking API (https://segment.com/docs/connections/sources/catalog/libraries/server/http-api/):
 * `/v1/identify|track|page|screen|group|alias` take one message, `/v1/batch` (and `/v1/import`)
 * a `{ batch: [...] }`. 200 only after the accepted messages are committed.
 */
export function registerCollectRoutes(app: FastifyInstance, deps: CollectRouteDeps): void {
  void app.register(async (scope) => {
    // Bodies are read raw: clients send gzip with or without saying so, and label JSON as
    // text/plain or form data (@rudderstack/rudder-sdk-node); decodeJsonBody sorts it out.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    // A key in the header is checked before the body is even decoded.
    const earlySource = (request: FastifyRequest): Source | undefined => {
      const headerKey = writeKeyFromHeader(request);
      return headerKey === undefined ? undefined : authenticate(deps, undefined, headerKey);
    };

    const bodyOf = (request: FastifyRequest, maxBytes: number): unknown => {
      const buf = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const encoding: string | string[] | undefined = request.headers['content-encoding'];
      return decodeJsonBody(buf, typeof encoding === 'string' ? encoding : encoding?.[0], {
        maxBytes,
        maxDepth: deps.limits.maxDepth,
      });
    };

    const single = (type: MessageType): void => {
      scope.post(`/v1/${type}`, { bodyLimit: deps.limits.maxEventBytes }, async (request, reply) => {
        const early = earlySource(request);
        const body = bodyOf(request, deps.limits.maxEventBytes);
        const source = early ?? authenticate(deps, body);
        const [outcome] = await ingestOrUnavailable(deps, request, [{ message: body, ref: `/v1/${type}` }], {
          workspaceId: source.workspaceId,
          sourceId: source.id,
          origin: 'api',
          correctClockSkew: true,
          routeType: type,
          requestIp: request.ip,
        });
        if (!outcome || outcome.kind === 'rejected') {
          reply.code(400);
          return {
            error: { code: outcome?.code ?? 'rejected', message: outcome?.reason ?? 'rejected' },
            messageId: outcome?.messageId ?? null,
            requestId: request.id,
          };
        }
        return { success: true, messageId: outcome.messageId, duplicate: outcome.kind === 'duplicate' };
      });
    };
    for (const type of ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const) single(type);

    /**
     * `/v1/batch` is live traffic (Segment's clock-skew correction applies); `/v1/import` is
     * history sent now (its timestamps are kept as they are), as Segment's import endpoint was.
     */
    const batch =
      (correctClockSkew: boolean) =>
      async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
        const early = earlySource(request);
        const body = bodyOf(request, deps.limits.maxBatchBytes);
        const source = early ?? authenticate(deps, body);
        if (!isObject(body) || !Array.isArray(body.batch)) {
          throw new AppError(
            'bad_request',
            'a batch request must be a JSON object with a "batch" array of messages',
          );
        }
        if (body.batch.length === 0) throw new AppError('bad_request', '"batch" is empty');
        const messages: unknown[] = body.batch;
        const items: IngestItem[] = messages.map((message, i) => ({ message, ref: `batch[${i}]` }));
        const outcomes = await ingestOrUnavailable(deps, request, items, {
          workspaceId: source.workspaceId,
          sourceId: source.id,
          origin: 'api',
          correctClockSkew,
          batchSentAt: body.sentAt,
          batchContext: isObject(body.context) ? body.context : undefined,
          batchIntegrations: isObject(body.integrations) ? body.integrations : undefined,
          requestIp: request.ip,
        });
        const rejected = rejectedOf(outcomes);
        const accepted = outcomes.filter((o) => o.kind === 'accepted').length;
        const duplicates = outcomes.filter((o) => o.kind === 'duplicate').length;
        const result = { success: rejected.length === 0, accepted, duplicates, rejected };
        if (rejected.length === outcomes.length) {
          reply.code(400);
          return {
            error: {
              code: 'all_rejected',
              message: `all ${outcomes.length} messages were rejected; see "rejected"`,
            },
            ...result,
            requestId: request.id,
          };
        }
        return result;
      };
    scope.post('/v1/batch', { bodyLimit: deps.limits.maxBatchBytes }, batch(true));
    scope.post('/v1/import', { bodyLimit: deps.limits.maxBatchBytes }, batch(false));
  });
}
