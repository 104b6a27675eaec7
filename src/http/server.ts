import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
} from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { Logger } from 'pino';
import { AppError } from '../platform/errors.js';
import { generateId } from '../platform/ids.js';
import { registerRoutes, type RouteDef, type SessionAuthenticator } from './route.js';
import { registerCollectRoutes, type CollectRouteDeps } from './routes/collect.js';
import type { ApiKey } from '../governance/api-keys.js';

export interface ServerDeps {
  logger: Logger;
  collect: CollectRouteDeps;
  routes: readonly RouteDef[];
  authenticate: (token: string) => ApiKey | undefined;
  /** Console sessions (cookie + CSRF token); without it only API keys authenticate. */
  sessions?: SessionAuthenticator;
  /** The built console, served at `/` (any other GET that is no API route gets its index.html). */
  consoleDir?: string;
}

/** Fastify's own error codes, mapped onto ours so every error has the same JSON shape. */
function fromFastifyError(err: FastifyError, limit: number | undefined): AppError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError(
        'payload_too_large',
        limit ? `request body is larger than the limit of ${limit} bytes for this endpoint` : err.message,
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_encoding', `unsupported Content-Type: ${err.message}`);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('invalid_json', 'request body is empty; expected JSON');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('invalid_json', `request body is not valid JSON: ${err.message}`);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('bad_request', 'Content-Length does not match the body');
    default:
      if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
        return new AppError('bad_request', err.message);
      }
      return undefined;
  }
}

/** Builds the HTTP server: the collection API, the management API and uniform JSON errors. */
export function buildServer(deps: ServerDeps): FastifyInstance {
  // Typed as Fastify's logger so the instance type is the default one routes are written for.
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const app = Fastify({
    loggerInstance,
    // One log line per request would cost more than the request at ingest rates; errors are logged.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => generateId('req'),
    bodyLimit: 1024 * 1024,
    trustProxy: true,
    return503OnClosing: true,
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const appError = err instanceof AppError ? err : fromFastifyError(err, request.routeOptions.bodyLimit);
    if (appError) {
      void reply.code(appError.status).send({
        error: {
          code: appError.code,
          message: appError.message,
          ...(appError.details ? { details: appError.details } : {}),
        },
        requestId: request.id,
      });
      return;
    }
    // A bug or an outage: the cause goes to the log, the client gets the request id.
    request.log.error({ err, requestId: request.id, url: request.url }, 'unhandled error');
    void reply.code(500).send({
      error: {
        code: 'internal',
        message: `internal error; quote request id ${request.id} when reporting it`,
      },
      requestId: request.id,
    });
  });

  const consoleIndex = deps.consoleDir ? join(deps.consoleDir, 'index.html') : null;
  const hasConsole = consoleIndex !== null && existsSync(consoleIndex);
  if (hasConsole) {
    void app.register(fastifyStatic, {
      root: deps.consoleDir!,
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
      // The build writes .br and .gz copies of its text assets; they go to browsers that accept them.
      preCompressed: true,
      // Hashed asset names never change content: cache them; index.html is always fetched again.
      setHeaders: (res, path) =>
        void res.header(
          'cache-control',
          path.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
        ),
    });
  }
  const isApi = (url: string): boolean => /^\/(api|v1|t)(\/|$)/.test(url);

  app.setNotFoundHandler((request, reply) => {
    // The console routes in the browser: a page's URL loads the app, which shows the page.
    if (
      hasConsole &&
      request.method === 'GET' &&
      !isApi(request.url) &&
      request.headers.accept?.includes('text/html')
    ) {
      void reply.code(200).header('cache-control', 'no-cache').type('text/html').sendFile('index.html');
      return;
    }
    void reply.code(404).send({
      error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` },
      requestId: request.id,
    });
  });

  registerCollectRoutes(app, deps.collect);
  void app.register(async (scope) => {
    // File uploads (imports) arrive as raw streams; JSON bodies are parsed as usual.
    scope.addContentTypeParser(
      ['text/csv', 'application/octet-stream', 'application/x-ndjson', 'application/jsonl', 'text/plain'],
      (_request, payload, done) => done(null, payload),
    );
    registerRoutes(scope, deps.routes, deps.authenticate, deps.sessions);
  });
  return app;
}
