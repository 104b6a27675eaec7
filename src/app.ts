import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import {
  Collector,
  EventWriter,
  Importer,
  LiveEvents,
  RejectedRecords,
  SourceRegistry,
  countEvents,
  ensureWorkspace,
  replayImportRow,
} from './collect/index.js';
import { loadDemo, type LoadDemoResult } from './demo/index.js';
import { ApiKeyRegistry, recordAudit, type AuditEntry } from './governance/index.js';
import { ConsoleAuth } from './governance/console-auth.js';
import { LoginThrottle } from './governance/login-throttle.js';
import { generatePassword } from './governance/passwords.js';
import { SessionRegistry } from './governance/sessions.js';
import { UserRegistry } from './governance/users.js';
import { compileRules, IdentityResolver } from './identity/index.js';
import { buildServer } from './http/server.js';
import { overviewRoutes } from './http/routes/overview.js';
import { openApiDocument, type RouteDef } from './http/route.js';
import { apiKeyRoutes } from './http/routes/api-keys.js';
import { authRoutes } from './http/routes/auth.js';
import { debuggerRoutes } from './http/routes/debugger.js';
import { eventRoutes } from './http/routes/events.js';
import { healthRoutes } from './http/routes/health.js';
import { identityRoutes } from './http/routes/identity.js';
import { importRoutes } from './http/routes/imports.js';
import { rejectedRoutes } from './http/routes/rejected.js';
import { sourceRoutes } from './http/routes/sources.js';
import { profileRoutes } from './http/routes/profiles.js';
import { tagRoutes } from './http/routes/tags.js';
import { segmentRoutes } from './http/routes/segments.js';
import { TagEngine } from './tags/index.js';
import { CHANNEL_KINDS, type ChannelKind } from './channels/channel.js';
import { ChannelSettings } from './channels/settings.js';
import { durationMs } from './conditions/index.js';
import {
  JOURNEY_TEMPLATES,
  JourneyEngine,
  JourneyLayouts,
  TrackingSigner,
  decorateEmailHtml,
  decorateText,
  trackingLinks,
} from './journeys/index.js';
import { journeyRoutes } from './http/routes/journeys.js';
import { channelRoutes } from './http/routes/channels.js';
import { registerTrackingForms, trackingRoutes } from './http/routes/tracking.js';
import { Destinations, SEGMENT_TEMPLATES, SegmentEngine, type SegmentEvent } from './segments/index.js';
import { SecretBox } from './platform/secret-box.js';
import { systemClock, type Clock } from './platform/clock.js';
import { loadConfig, type Config } from './platform/config.js';
import { Database } from './platform/db/duckdb.js';
import { migrate } from './platform/db/migrations.js';
import { zoneOffsetMs } from './platform/time-zone.js';
import { newSecret } from './platform/secrets.js';
import { runCli } from './cli/index.js';
import { evaluateIdentity, type IdentityEvalReport } from './eval/identity-eval.js';

const isChannelKind = (c: string): c is ChannelKind => (CHANNEL_KINDS as readonly string[]).includes(c);

/** The composition root: the one place that builds concrete things and reads process.env. */

export const DEFAULT_WORKSPACE = 'ws_default';

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface Tessera {
  url: string;
  port: number;
  config: Readonly<Config>;
  db: Database;
  collector: Collector;
  writer: EventWriter;
  identity: IdentityResolver;
  tags: TagEngine;
  segments: SegmentEngine;
  destinations: Destinations;
  journeys: JourneyEngine;
  channels: ChannelSettings;
  importer: Importer;
  sources: SourceRegistry;
  apiKeys: ApiKeyRegistry;
  users: UserRegistry;
  sessions: SessionRegistry;
  auth: ConsoleAuth;
  logger: Logger;
  /** Where the generated admin key was written when no admin existed and none was given. */
  adminKeyFile?: string;
  /** Where the generated password of the console user `admin` was written, when it was created now. */
  adminPasswordFile?: string;
  /** The demo brand being loaded (first start on an empty data directory), or null. */
  demo: Promise<LoadDemoResult | null> | null;
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
}

/** The built console (`vite build console`), served at `/`. */
export const CONSOLE_DIR = fileURLToPath(new URL('../console/dist', import.meta.url));

export const databasePath = (dataDir: string): string => join(dataDir, 'tessera.duckdb');
export const serverInfoPath = (dataDir: string): string => join(dataDir, 'server.json');
export const adminKeyPath = (dataDir: string): string => join(dataDir, 'admin-api-key');
export const adminPasswordPath = (dataDir: string): string => join(dataDir, 'admin-password');
export const BOOTSTRAP_ADMIN = 'admin';
export const secretKeyPath = (dataDir: string): string => join(dataDir, 'secret.key');
export const trackingKeyPath = (dataDir: string): string => join(dataDir, 'tracking.key');

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
};

async function openDatabase(dataDir: string): Promise<Database> {
  mkdirSync(dataDir, { recursive: true });
  try {
    return await Database.open(databasePath(dataDir));
  } catch (err) {
    const message = (err as Error).message;
    if (/lock/i.test(message)) {
      throw new Error(
        `the data directory ${dataDir} is in use by another Tessera process (${message}); ` +
          'stop it, or use the CLI against the running server',
        { cause: err },
      );
    }
    throw err;
  }
}

/** Starts everything in one process: store, pipeline, HTTP server. */
export async function startTessera(config: Readonly<Config>, options: StartOptions = {}): Promise<Tessera> {
  const clock = options.clock ?? systemClock;
  const logger =
    options.logger ??
    pino({
      level: config.log.level,
      redact: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.writeKey',
        '*.apiKey',
        '*.key',
        '*.password',
      ],
    });
  const db = await openDatabase(config.dataDir);
  try {
    const applied = await migrate(db);
    if (applied.length > 0) logger.info({ applied }, 'schema migrated');
    await ensureWorkspace(db, DEFAULT_WORKSPACE, 'Default');

    const sources = new SourceRegistry(db, clock);
    const settle = (): Promise<void> => writer.settle();
    await sources.load();
    const apiKeys = new ApiKeyRegistry(db, clock);
    await apiKeys.load();
    let adminKeyFile: string | undefined;
    if (!apiKeys.hasActiveAdmin()) {
      if (config.bootstrapApiKey) {
        await apiKeys.create(DEFAULT_WORKSPACE, 'bootstrap', 'admin', config.bootstrapApiKey);
        logger.info('bootstrap admin API key installed');
      } else {
        // No admin yet: make one and leave it where only this machine's user can read it.
        const { secret } = await apiKeys.create(DEFAULT_WORKSPACE, 'first admin', 'admin', newSecret('tsk'));
        adminKeyFile = adminKeyPath(config.dataDir);
        writeFileSync(adminKeyFile, `${secret}\n`, { mode: 0o600 });
        logger.info({ file: adminKeyFile }, 'admin API key created');
      }
    }

    // Console users and their sessions (live sessions are held in memory, rebuilt here).
    const sessions = new SessionRegistry(
      db,
      clock,
      { idleMs: config.auth.sessionIdleMs, maxMs: config.auth.sessionMaxMs },
      (err) => logger.error({ err }, 'console session last-seen times could not be written'),
    );
    await sessions.load();
    const users = new UserRegistry(db, clock, sessions);
    await users.load();
    let adminPasswordFile: string | undefined;
    if (!users.hasUsers(DEFAULT_WORKSPACE)) {
      const given = config.bootstrapAdminPassword;
      const password = given ?? generatePassword(BOOTSTRAP_ADMIN);
      if (!given) {
        // Written before the user exists: a user whose password nobody has would lock the console.
        adminPasswordFile = adminPasswordPath(config.dataDir);
        writeFileSync(adminPasswordFile, `${password}\n`, { mode: 0o600 });
        chmodSync(adminPasswordFile, 0o600);
      }
      const created = await users.create(
        DEFAULT_WORKSPACE,
        { username: BOOTSTRAP_ADMIN, displayName: 'Administrator', role: 'admin', password },
        'system',
      );
      if (!created.ok) {
        if (adminPasswordFile) rmSync(adminPasswordFile, { force: true });
        throw new Error(`TESSERA_BOOTSTRAP_ADMIN_PASSWORD is refused: ${created.error.message}`);
      }
      if (adminPasswordFile)
        logger.info({ username: BOOTSTRAP_ADMIN, file: adminPasswordFile }, 'console admin created');
      else logger.info({ username: BOOTSTRAP_ADMIN }, 'console admin created with the bootstrap password');
    }
    const auth = new ConsoleAuth(
      db,
      clock,
      users,
      sessions,
      new LoginThrottle(
        {
          maxFailuresPerUser: config.auth.maxFailuresPerUser,
          maxFailuresPerIp: config.auth.maxFailuresPerIp,
          windowMs: config.auth.failureWindowMs,
          lockoutMs: config.auth.lockoutMs,
        },
        clock,
      ),
    );

    const writer = await EventWriter.open(db, {
      logDir: join(config.dataDir, 'ingest-log'),
      maxLoadRecords: config.collect.maxLoadRecords,
      maxUnloaded: config.collect.maxUnloadedRecords,
    });
    const identity = await IdentityResolver.open(db, compileRules(config), clock, {
      onError: (err) => logger.error({ err }, 'identity resolution failed'),
    });
    writer.onLoaded(identity.onLoaded);
    const live = new LiveEvents();
    const collector = new Collector(
      writer,
      config.governance,
      { maxEventBytes: config.collect.maxEventBytes },
      clock,
      live,
    );

    const settleAll = async (): Promise<void> => {
      await writer.settle();
      await identity.settle();
    };
    const offsetMs = (at: number): number => zoneOffsetMs(config.governance.timeZone, at);
    const sourceNames = (workspaceId: string): Array<{ id: string; name: string; internal: boolean }> =>
      sources.list(workspaceId).map((s) => ({ id: s.id, name: s.name, internal: s.kind === 'internal' }));
    // Tags come before segments; segments follow each tag refresh (wired once both exist).
    const after: { segments?: SegmentEngine } = {};
    const tags = await TagEngine.open(db, [DEFAULT_WORKSPACE], {
      clock,
      offsetMs,
      policies: config.profiles.traits,
      sources: sourceNames,
      settle: settleAll,
      resolveProfile: (ws, id) => identity.resolveProfileId(ws, id),
      onError: (err) => logger.error({ err }, 'scheduled tag refresh failed'),
      onRefreshed: (ws) =>
        void segments
          ?.tagsRefreshed(ws)
          .catch((err: unknown) => logger.error({ err }, 'segments after tags failed')),
    });
    if (config.tags.scheduleCheckMs > 0)
      tags.startSchedule(() => [DEFAULT_WORKSPACE], config.tags.scheduleCheckMs);

    // What segments and journeys say goes into the event stream through internal sources,
    // carrying the profile's strongest identifier so it resolves to the same person.
    const emitInternal = async (
      ws: string,
      sourceName: string,
      events: ReadonlyArray<{
        profileId: string;
        type?: 'track' | 'identify';
        event?: string;
        properties?: Record<string, unknown>;
        traits?: Record<string, unknown>;
        timestamp: number;
      }>,
    ): Promise<void> => {
      const source = await sources.findOrCreate(ws, sourceName, 'internal');
      const items = events.flatMap((e) => {
        const id = identity.identifiers(ws, e.profileId)?.[0];
        if (!id) return [];
        const who =
          id.type === 'user_id'
            ? { userId: id.value }
            : id.type === 'anonymous_id'
              ? { anonymousId: id.value }
              : { context: { externalIds: [{ type: id.type, id: id.value }] } };
        const timestamp = new Date(e.timestamp).toISOString();
        const message =
          e.type === 'identify'
            ? { type: 'identify', traits: e.traits ?? {}, timestamp, ...who }
            : {
                type: 'track',
                event: e.event,
                properties: { ...e.properties, profile_id: e.profileId },
                timestamp,
                ...who,
              };
        return [{ message }];
      });
      for (let i = 0; i < items.length; i += 5000) {
        await collector.ingest(items.slice(i, i + 5000), {
          workspaceId: ws,
          sourceId: source.id,
          origin: 'api',
          correctClockSkew: false,
        });
      }
    };
    const emitSegmentEvents = (ws: string, events: readonly SegmentEvent[]): Promise<void> =>
      emitInternal(ws, 'Tessera segments', events);
    const box = SecretBox.open(secretKeyPath(config.dataDir));
    const destinations = new Destinations(db, box, () => clock.now());
    const segments = await SegmentEngine.open(db, {
      clock,
      offsetMs,
      policies: config.profiles.traits,
      sources: sourceNames,
      computedTraits: (ws) =>
        new Set(
          tags
            .listTraits(ws)
            .filter((t) => t.status === 'active')
            .map((t) => t.key),
        ),
      tagExists: (ws, key) => tags.tag(ws, key) !== null,
      settle: settleAll,
      resolveProfile: (ws, id) => identity.resolveProfileId(ws, id),
      lookup: (ws, type, value) => identity.lookup(ws, type, value),
      emit: emitSegmentEvents,
      onError: (err) => logger.error({ err }, 'segments failed'),
      onWritten: (ws, ids) =>
        void destinations.changed(
          ws,
          ids,
          () => segments.sqlContext(ws),
          (err) => logger.error({ err }, 'audience sync failed'),
        ),
      flushMs: config.segments.flushMs,
      tickMs: config.segments.tickMs,
    });
    after.segments = segments;
    identity.onResolved(segments.onResolved);
    if (config.segments.scheduleCheckMs > 0)
      segments.startSchedule(() => [DEFAULT_WORKSPACE], config.segments.scheduleCheckMs);

    const channels = await ChannelSettings.load(db, box, () => clock.now());
    const signer = TrackingSigner.open(trackingKeyPath(config.dataDir));
    let serverUrl = '';
    const publicUrl = (): string => config.journeys.publicUrl ?? serverUrl;
    const journeys = await JourneyEngine.open(db, {
      clock,
      timeZone: config.governance.timeZone,
      holdoutShare: config.journeys.holdoutShare,
      holdoutSalt: config.journeys.holdoutSalt,
      caps: config.journeys.caps.map((c) => ({
        channel: c.channel,
        max: c.max,
        windowMs: durationMs(c.window),
      })),
      quietHours: config.journeys.quietHours && {
        start: minutesOf(config.journeys.quietHours.start),
        end: minutesOf(config.journeys.quietHours.end),
      },
      flushMs: config.journeys.flushMs,
      tickMs: config.journeys.tickMs,
      concurrency: config.journeys.concurrency,
      maxAttempts: config.journeys.maxAttempts,
      backoffMs: config.journeys.backoffMs,
      maxBackoffMs: config.journeys.maxBackoffMs,
      settle: settleAll,
      sqlContext: (ws, now) => segments.sqlContext(ws, now),
      identifiers: (ws, id) => identity.identifiers(ws, id),
      profileOfNode: (ws, node) => identity.profileOfNode(ws, node),
      segmentExists: (ws, id) => segments.get(ws, id) !== null,
      adapter: (ws, channel) => (isChannelKind(channel) ? channels.adapter(ws, channel) : null),
      callAdapter: (ws, url) => channels.callAdapter(ws, url),
      links: (ws, key) => trackingLinks(signer, publicUrl(), ws, key),
      decorateHtml: decorateEmailHtml,
      decorateText,
      emit: (ws, events) => emitInternal(ws, 'Tessera journeys', events),
      assignTag: async (ws, key, rows, actor) => {
        const r = await tags.manual.assign(ws, key, rows, false, actor);
        if (!r.ok) logger.warn({ key }, r.message);
      },
      onError: (err) => logger.error({ err }, 'journeys failed'),
    });
    identity.onResolved(journeys.onResolved);

    const rejected = new RejectedRecords(db, collector, clock, settle, { import: replayImportRow });
    const importer = new Importer(db, collector, clock);
    const startedAt = clock.now();
    const audit = (entry: AuditEntry) => recordAudit(db, entry, clock.now());
    const routes: RouteDef[] = [];
    const openApi = (): Record<string, unknown> => openApiDocument(routes, VERSION);
    routes.push(
      ...healthRoutes(VERSION, writer, openApi, startedAt),
      ...sourceRoutes(sources, settle, audit),
      ...eventRoutes(db, () => writer.settle(), config.governance),
      ...debuggerRoutes(live, config.governance),
      ...apiKeyRoutes(apiKeys, audit),
      ...authRoutes({
        auth,
        users,
        workspaceId: DEFAULT_WORKSPACE,
        sessionMaxMs: config.auth.sessionMaxMs,
        piiRole: config.governance.piiRole,
      }),
      ...rejectedRoutes(rejected, config.governance),
      ...importRoutes(importer, sources),
      ...identityRoutes(identity, db, settleAll, config.governance),
      ...profileRoutes({
        identity,
        db,
        tags,
        segments,
        policies: config.profiles.traits,
        sources: sourceNames,
        settle: settleAll,
        pii: config.governance,
      }),
      ...segmentRoutes({
        db,
        segments,
        destinations,
        previewSample: config.segments.previewSample,
        settle: settleAll,
        pii: config.governance,
        hasTag: (ws, key) => tags.tag(ws, key) !== null,
      }),
      ...journeyRoutes({ journeys, layouts: new JourneyLayouts(db, () => clock.now()) }),
      ...channelRoutes(channels),
      ...trackingRoutes({
        signer,
        publicUrl,
        now: () => clock.now(),
        lang: config.lang === 'en' ? 'en' : 'zh-CN',
        sink: {
          feedback: (ws, key, kind, detail) => journeys.feedback(ws, key, kind, detail),
          keyForProviderMessage: (ws, provider, id) => journeys.keyForProviderMessage(ws, provider, id),
        },
      }),
      ...overviewRoutes({ db, sources, tags, now: () => clock.now(), offsetMs, settle: settleAll }),
      ...tagRoutes({
        tags,
        identity,
        previewSample: config.tags.previewSample,
        offsetMs,
        now: () => clock.now(),
        audit,
      }),
    );
    const server = buildServer({
      logger,
      collect: { collector, sources, limits: config.collect },
      routes,
      authenticate: (token) => apiKeys.authenticate(token),
      sessions: auth,
      consoleDir: CONSOLE_DIR,
    });
    registerTrackingForms(server);
    await server.listen({ host: config.server.host, port: config.server.port });
    const address = server.server.address();
    const port = typeof address === 'object' && address ? address.port : config.server.port;
    const host =
      config.server.host === '0.0.0.0' || config.server.host === '::' ? '127.0.0.1' : config.server.host;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    serverUrl = url;
    writeFileSync(
      serverInfoPath(config.dataDir),
      JSON.stringify({ url, pid: process.pid, version: VERSION }),
    );

    // First start on an empty data directory: load the demo brand behind the running server.
    const empty =
      (await countEvents(db, DEFAULT_WORKSPACE)) === 0 &&
      sources.list(DEFAULT_WORKSPACE).filter((s) => s.kind !== 'internal').length === 0;
    const demo =
      config.demo && empty
        ? loadDemo({
            importer,
            sources,
            workspaceId: DEFAULT_WORKSPACE,
            people: config.demoPeople,
            seed: config.demoSeed,
          }).then(
            async (result) => {
              logger.info({ people: result.manifest.people, seconds: result.seconds }, 'demo brand loaded');
              // Tags as of the demo's own end, so its lifecycle stages and RFM classes read as meant.
              try {
                const r = await tags.refresh(DEFAULT_WORKSPACE, undefined, {
                  asOf: Date.parse(result.manifest.asOf),
                });
                logger.info(
                  { tags: r.tags.length, profiles: r.profiles, millis: r.millis },
                  'demo tags computed',
                );
                if (segments.list(DEFAULT_WORKSPACE).length === 0) {
                  for (const t of SEGMENT_TEMPLATES) {
                    const created = await segments.create(DEFAULT_WORKSPACE, t, 'demo');
                    if (!created.ok)
                      logger.error({ issues: created.issues }, `demo segment ${t.name} refused`);
                  }
                  logger.info({ segments: SEGMENT_TEMPLATES.length }, 'demo segments created');
                }
                // The seed journeys as drafts: nothing is sent until someone configures a channel and activates one.
                if (journeys.list(DEFAULT_WORKSPACE).length === 0) {
                  const dormant = segments.list(DEFAULT_WORKSPACE).find((x) => x.name === '沉睡待唤醒');
                  for (const t of JOURNEY_TEMPLATES) {
                    const definition = structuredClone(t.definition) as {
                      trigger: { kind: string; segment?: string };
                    };
                    if (definition.trigger.kind === 'segment_entered') {
                      if (!dormant) continue;
                      definition.trigger.segment = dormant.id;
                    }
                    const created = await journeys.create(DEFAULT_WORKSPACE, definition, 'demo');
                    if (!created.ok)
                      logger.error({ issues: created.issues }, `demo journey ${t.key} refused`);
                  }
                  logger.info('demo journeys created as drafts');
                }
              } catch (err) {
                logger.error({ err }, 'the demo tags could not be computed');
              }
              return result;
            },
            (err: unknown) => {
              logger.error({ err }, 'the demo brand could not be loaded');
              return null;
            },
          )
        : null;

    let closing: Promise<void> | undefined;
    const close = (): Promise<void> =>
      (closing ??= (async () => {
        await demo;
        await server.close();
        await sessions.close();
        await journeys.close();
        channels.close();
        await segments.close();
        await tags.close();
        await writer.close();
        await identity.settle();
        await db.close();
        rmSync(serverInfoPath(config.dataDir), { force: true });
      })());
    return {
      url,
      port,
      config,
      db,
      collector,
      writer,
      identity,
      tags,
      segments,
      destinations,
      journeys,
      channels,
      importer,
      sources,
      apiKeys,
      users,
      sessions,
      auth,
      logger,
      adminKeyFile,
      adminPasswordFile,
      demo,
      close,
    };
  } catch (err) {
    await db.close();
    throw err;
  }
}

/**
 * `tessera eval identity`: a Tessera on a temporary data directory (the given rules, no demo at
 * start, any free port), the demo loaded through it, OneID scored, everything removed after.
 */
export async function evalIdentity(
  config: Readonly<Config>,
  options: { people: number; seed: number },
): Promise<IdentityEvalReport> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-eval-'));
  try {
    const tessera = await startTessera(
      { ...config, dataDir, demo: false, server: { host: '127.0.0.1', port: 0 } },
      { logger: pino({ level: 'silent' }) },
    );
    try {
      return await evaluateIdentity(
        {
          db: tessera.db,
          importer: tessera.importer,
          sources: tessera.sources,
          identity: tessera.identity,
          workspaceId: DEFAULT_WORKSPACE,
          settle: async () => {
            await tessera.writer.settle();
            await tessera.identity.settle();
          },
        },
        options,
      );
    } finally {
      await tessera.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The CLI entry (bin/tessera.js): the only caller of loadConfig with the real environment. */
export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return runCli(argv, { env, loadConfig, startTessera, evalIdentity });
}
