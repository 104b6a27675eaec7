import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * One typed config: defaults < config file < environment < command-line flags.
 * Parsed once at start, every error listed, the result frozen and passed down.
 */

const serverSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(4000),
});

const collectSchema = z.strictObject({
  /** Segment's documented limits: 32 KB a message, 500 KB a batch request. */
  maxEventBytes: z
    .number()
    .int()
    .positive()
    .default(32 * 1024),
  maxBatchBytes: z
    .number()
    .int()
    .positive()
    .default(500 * 1024),
  /** Deepest JSON nesting accepted in a body (objects and arrays). */
  maxDepth: z.number().int().min(4).max(1000).default(64),
  /** Most records loaded from the ingest log into the store in one transaction. */
  maxLoadRecords: z.number().int().positive().default(50_000),
  /** Acknowledged records not yet in the store above which new writes wait (backpressure). */
  maxUnloadedRecords: z.number().int().positive().default(100_000),
});

const governanceSchema = z.strictObject({
  /** Region for phone numbers written without a country code (ISO 3166 alpha-2). */
  defaultRegion: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as CN')
    .default('CN'),
  /** Zone for timestamps written without an offset (IANA name). */
  timeZone: z
    .string()
    .refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai')
    .default('Asia/Shanghai'),
  /**
   * What to do with a field that cannot be normalised (a phone that is no phone):
   * `reject` sends the whole record to rejected records; `drop` keeps the record without the field
   * and notes the problem in `context.tessera.issues`.
   */
  invalidField: z.enum(['reject', 'drop']).default('reject'),
  /**
   * Personal data by field: identifier types and trait keys with the kind of mask they get for
   * roles below `piiRole` (138****1234, l***@163.com, 王*, …). Merged over the defaults.
   */
  pii: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/),
      z.enum(['phone', 'email', 'name', 'address', 'id', 'date', 'none']),
    )
    .default({}),
  /** The least role that sees personal data in the clear. */
  piiRole: z.enum(['viewer', 'analyst', 'marketer', 'admin']).default('marketer'),
});

const identifierTypeSchema = z.strictObject({
  /** Higher wins: an event's highest-priority identifier anchors it; a refused link drops the lower one. */
  priority: z.number().int().min(0).max(1000),
  /** Most identifiers of this type one profile may hold; null for no limit. */
  limit: z.number().int().min(1).max(254).nullable(),
  /** How values are normalised before they are compared (the same as at ingestion). */
  normalise: z.enum(['phone', 'email', 'id', 'lowercase']).default('id'),
  /**
   * May be shared by people (a family tablet, a recycled number): when two people who cannot be
   * one profile both claim it, it links neither. Account ids (user_id, member_no…) are not.
   */
  shareable: z.boolean().optional(),
  /**
   * A shared value passes from one person to the next (a recycled phone number): events carrying
   * only it go to whoever held it at their time. Otherwise (a family tablet) they stay shared.
   */
  successive: z.boolean().optional(),
  enabled: z.boolean().default(true),
});

const identitySchema = z.strictObject({
  /** Identifier types, merged over the defaults (set `enabled: false` to drop one). */
  types: z
    .record(
      z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'type names are lower_snake_case'),
      identifierTypeSchema,
    )
    .default({}),
  /** Junk values that never link anything: exact values (any type, case-insensitive) and regular expressions. */
  blocklist: z
    .strictObject({
      defaults: z.boolean().default(true),
      values: z.array(z.string()).default([]),
      patterns: z.array(z.string().refine(isRegExp, 'must be a valid regular expression')).default([]),
    })
    .prefault({}),
  /** Records that share no identifier: name, phone, email and address similarity. */
  fuzzy: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** At or above: merged. */
      autoMerge: z.number().min(0).max(1).default(0.9),
      /** At or above (and below autoMerge): waits in the review queue. */
      review: z.number().min(0).max(1).default(0.6),
    })
    .prefault({})
    .refine((f) => f.review <= f.autoMerge, 'review must not be above autoMerge'),
});

const profilesSchema = z.strictObject({
  /**
   * How a profile trait is merged over the person's identifiers: the latest value (default), the
   * first, or the value from the most trusted source (names or ids, most trusted first).
   */
  traits: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'trait keys are letters, digits and _'),
      z.strictObject({
        policy: z.enum(['latest', 'first', 'source_priority']),
        sources: z.array(z.string().min(1).max(200)).max(50).default([]),
      }),
    )
    .default({}),
});

const tagsSchema = z.strictObject({
  /** How often the schedule looks for tags that are due (0 turns scheduled refreshes off). */
  scheduleCheckMs: z.number().int().min(0).default(60_000),
  /** Profiles a preview computes on. */
  previewSample: z.number().int().min(10).max(100_000).default(2_000),
});

const segmentsSchema = z.strictObject({
  /** How often the schedule looks for segments that are due (0 turns scheduled refreshes off). */
  scheduleCheckMs: z.number().int().min(0).default(60_000),
  /** How often real-time segments look for windows that have passed (0: never by themselves). */
  tickMs: z.number().int().min(0).default(1000),
  /** How often real-time membership changes are written and announced. */
  flushMs: z.number().int().min(10).max(60_000).default(100),
  /** Profiles a preview lists as its sample. */
  previewSample: z.number().int().min(0).max(1000).default(20),
});

const capSchema = z.strictObject({
  /** null or absent: all channels together. */
  channel: z.enum(['email', 'sms', 'wechat', 'push', 'webhook']).nullable().default(null),
  max: z.number().int().min(1),
  window: z.string().regex(/^\d+[smhd]$/, 'must be a duration such as 1d or 7d'),
});

const journeysSchema = z.strictObject({
  /** Where people's mail clients and phones reach this server (open pixel, click redirects, unsubscribe). */
  publicUrl: z.url().optional(),
  /** The share of all profiles that no journey markets to (stable by hash), to measure incremental effect. */
  holdoutShare: z.number().min(0).max(0.5).default(0.05),
  /** Salt of the holdout draw: change it to draw a new holdout. */
  holdoutSalt: z.string().min(1).default('tessera-holdout'),
  /** Marketing messages a person may get across all journeys (e.g. 2 a day, 5 a week). */
  caps: z.array(capSchema).default([
    { channel: null, max: 2, window: '1d' },
    { channel: null, max: 5, window: '7d' },
  ]),
  /** Local hours (profile's time zone) in which no marketing goes out; the send waits until the end. */
  quietHours: z
    .strictObject({
      start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
      end: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
    })
    .nullable()
    .default({ start: '21:00', end: '08:00' }),
  /** How often journey state and the outbox are written (a send goes out after its intent is durable). */
  flushMs: z.number().int().min(5).max(60_000).default(50),
  /** How often timers (waits, timeouts, schedules, date triggers) are checked (0: only when asked). */
  tickMs: z.number().int().min(0).default(1000),
  /** Sends in flight at once, over all channels. */
  concurrency: z.number().int().min(1).max(1000).default(64),
  /** Attempts for a send that fails with a retryable error, before it goes to the dead-letter. */
  maxAttempts: z.number().int().min(1).max(50).default(8),
  /** First retry delay; doubled per attempt (with jitter), up to maxBackoffMs. */
  backoffMs: z.number().int().min(1).default(2_000),
  maxBackoffMs: z.number().int().min(1).default(3_600_000),
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const authSchema = z
  .strictObject({
    /** A console session ends after this long without a request. */
    sessionIdleMs: z
      .number()
      .int()
      .min(MINUTE)
      .default(12 * HOUR),
    /** … and this long after login, however busy. */
    sessionMaxMs: z
      .number()
      .int()
      .min(MINUTE)
      .default(7 * 24 * HOUR),
    /** Failed logins for one username, and from one address, within failureWindowMs that lock it. */
    maxFailuresPerUser: z.number().int().min(1).default(5),
    maxFailuresPerIp: z.number().int().min(1).default(20),
    failureWindowMs: z
      .number()
      .int()
      .min(1000)
      .default(15 * MINUTE),
    /** How long a locked username or address is refused. */
    lockoutMs: z
      .number()
      .int()
      .min(1000)
      .default(15 * MINUTE),
  })
  .refine((a) => a.sessionIdleMs <= a.sessionMaxMs, 'sessionIdleMs must not be above sessionMaxMs');

const logSchema = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export const configSchema = z.strictObject({
  dataDir: z.string().min(1).default('./data'),
  /** Load the demo brand when the data directory is empty (`--no-demo` turns it off). */
  demo: z.boolean().default(true),
  demoPeople: z.number().int().min(1).max(100_000).default(2_000),
  demoSeed: z.number().int().min(0).default(42),
  lang: z.enum(['zh-CN', 'en']).default('zh-CN'),
  bootstrapApiKey: z.string().min(16, 'must be at least 16 characters').optional(),
  /** The first console user `admin` gets this password instead of a generated one. */
  bootstrapAdminPassword: z.string().min(10, 'must be at least 10 characters').optional(),
  server: serverSchema.prefault({}),
  collect: collectSchema.prefault({}),
  governance: governanceSchema.prefault({}),
  identity: identitySchema.prefault({}),
  profiles: profilesSchema.prefault({}),
  tags: tagsSchema.prefault({}),
  segments: segmentsSchema.prefault({}),
  journeys: journeysSchema.prefault({}),
  auth: authSchema.prefault({}),
  log: logSchema.prefault({}),
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Environment variables that override the file, and where they go. */
const ENV_MAP: Array<[string, string[], 'string' | 'int' | 'bool']> = [
  ['TESSERA_DATA_DIR', ['dataDir'], 'string'],
  ['TESSERA_PORT', ['server', 'port'], 'int'],
  ['TESSERA_HOST', ['server', 'host'], 'string'],
  ['TESSERA_LANG', ['lang'], 'string'],
  ['TESSERA_DEMO', ['demo'], 'bool'],
  ['TESSERA_BOOTSTRAP_API_KEY', ['bootstrapApiKey'], 'string'],
  ['TESSERA_BOOTSTRAP_ADMIN_PASSWORD', ['bootstrapAdminPassword'], 'string'],
  ['TESSERA_LOG_LEVEL', ['log', 'level'], 'string'],
  ['TESSERA_DEFAULT_REGION', ['governance', 'defaultRegion'], 'string'],
  ['TESSERA_TIME_ZONE', ['governance', 'timeZone'], 'string'],
  ['TESSERA_PUBLIC_URL', ['journeys', 'publicUrl'], 'string'],
];

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

function fromEnv(env: Env, problems: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, path, kind] of ENV_MAP) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    if (kind === 'int') {
      if (!/^\d+$/.test(raw)) {
        problems.push(`${name}: expected a whole number, got "${raw}"`);
        continue;
      }
      setPath(out, path, Number(raw));
    } else if (kind === 'bool') {
      if (!/^(1|0|true|false|yes|no)$/i.test(raw)) {
        problems.push(`${name}: expected true or false, got "${raw}"`);
        continue;
      }
      setPath(out, path, /^(1|true|yes)$/i.test(raw));
    } else {
      setPath(out, path, raw);
    }
  }
  return out;
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      v &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      prev &&
      typeof prev === 'object' &&
      !Array.isArray(prev)
        ? deepMerge(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export interface LoadConfigOptions {
  /** Path of a JSON config file; when absent, `tessera.config.json` in the working directory if it exists. */
  file?: string;
  env?: Env;
  /** Values from command-line flags; they win over everything. */
  overrides?: Record<string, unknown>;
  cwd?: string;
}

/** Builds the config from defaults, file, environment and flags; throws ConfigError listing every problem. */
export function loadConfig(options: LoadConfigOptions = {}): Readonly<Config> {
  const cwd = options.cwd ?? process.cwd();
  const problems: string[] = [];
  let fileValues: Record<string, unknown> = {};
  const file =
    options.file ?? (existsSync(resolve(cwd, 'tessera.config.json')) ? 'tessera.config.json' : undefined);
  if (file) {
    const path = resolve(cwd, file);
    try {
      const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        problems.push(`${path}: expected a JSON object`);
      } else {
        fileValues = parsed as Record<string, unknown>;
      }
    } catch (err) {
      problems.push(`${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const envValues = fromEnv(options.env ?? {}, problems);
  const merged = deepMerge(deepMerge(fileValues, envValues), options.overrides ?? {});
  const result = configSchema.strict().safeParse(merged);
  if (!result.success) {
    for (const issue of result.error.issues) {
      problems.push(`${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  const config = result.data;
  config.dataDir = resolve(cwd, config.dataDir);
  return deepFreeze(config);
}

/** The config as it may be printed or logged: secrets replaced. */
export function redactConfig(config: Readonly<Config>): Record<string, unknown> {
  return {
    ...config,
    bootstrapApiKey: config.bootstrapApiKey ? '[redacted]' : undefined,
    bootstrapAdminPassword: config.bootstrapAdminPassword ? '[redacted]' : undefined,
  };
}
