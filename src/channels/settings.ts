import { z } from 'zod';
import { recordAudit } from '../governance/index.js';
import type { Database } from '../platform/db/duckdb.js';
import { assertNever } from '../platform/errors.js';
import type { SecretBox } from '../platform/secret-box.js';
import { CHANNEL_KINDS, type ChannelAdapter, type ChannelKind } from './channel.js';
import { createSmtpEmailAdapter, SmtpEmailConfigSchema } from './email/smtp-email.js';
import { AliyunSmsChannel, aliyunSmsConfigSchema, type AliyunSmsDeps } from './sms/aliyun-sms.js';
import { TencentSmsChannel, tencentSmsConfigSchema } from './sms/tencent-sms.js';
import { WebhookCall, WebhookChannel } from './webhook/webhook-channel.js';
import { WechatTemplateAdapter, wechatConfig } from './wechat/wechat-template.js';

/**
 * Which provider each channel of a workspace sends through, and its credentials. The settings are
 * stored in the clear and the secret fields apart, sealed with the SecretBox, so neither a copied
 * database file nor a GET answer reveals a credential; opened secrets live only in this object.
 */

/** Header names that carry credentials: those go in `apiToken`, which is sealed, not in `headers`. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key']);

/** The generic signed webhook and the generic HTTP push relay (webhook/webhook-channel.ts). */
export const webhookSettingsConfig = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  /** The HMAC key of `x-tessera-signature` (webhook/deliver.ts); receivers hold a copy. */
  secret: z.string().min(16).max(200),
  /** Sent as `Authorization: Bearer …`, for a relay that wants a token besides the signature. */
  apiToken: z.string().min(1).max(4096).optional(),
  headers: z
    .record(z.string().regex(/^[A-Za-z0-9-]+$/), z.string().max(4096))
    .superRefine((headers, ctx) => {
      for (const name of Object.keys(headers)) {
        if (CREDENTIAL_HEADERS.has(name.toLowerCase())) {
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: 'headers are stored in the clear: put the credential in apiToken, which is sealed',
          });
        }
      }
    })
    .optional(),
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
});

/** A provider's channel and its secret fields (paths into its config), sealed apart from the rest. */
const PROVIDERS = {
  smtp: { channel: 'email', secrets: [['auth', 'pass']] },
  'tencent-sms': { channel: 'sms', secrets: [['secretKey']] },
  'aliyun-sms': { channel: 'sms', secrets: [['accessKeySecret']] },
  'wechat-template': { channel: 'wechat', secrets: [['appSecret']] },
  'http-push': { channel: 'push', secrets: [['secret'], ['apiToken']] },
  webhook: { channel: 'webhook', secrets: [['secret'], ['apiToken']] },
} as const satisfies Record<string, { channel: ChannelKind; secrets: readonly (readonly string[])[] }>;
export type ChannelProvider = keyof typeof PROVIDERS;

export const isChannelProvider = (v: unknown): v is ChannelProvider =>
  typeof v === 'string' && Object.hasOwn(PROVIDERS, v);

/** The channel a provider sends on. */
export const providerChannel = (provider: ChannelProvider): ChannelKind => PROVIDERS[provider].channel;

/** The secret fields of a provider's config, as dotted paths (`auth.pass`). */
export const secretFields = (provider: ChannelProvider): string[] =>
  PROVIDERS[provider].secrets.map((p) => p.join('.'));

/** `{ provider, config }`: the config is the adapter's own schema, unknown keys refused. */
export const channelSettingsInput = z.discriminatedUnion('provider', [
  z.strictObject({ provider: z.literal('smtp'), config: SmtpEmailConfigSchema.strict() }),
  z.strictObject({ provider: z.literal('tencent-sms'), config: tencentSmsConfigSchema.strict() }),
  z.strictObject({ provider: z.literal('aliyun-sms'), config: aliyunSmsConfigSchema.strict() }),
  z.strictObject({ provider: z.literal('wechat-template'), config: wechatConfig }),
  z.strictObject({ provider: z.literal('http-push'), config: webhookSettingsConfig }),
  z.strictObject({ provider: z.literal('webhook'), config: webhookSettingsConfig }),
]);
export type ChannelSettingsInput = z.output<typeof channelSettingsInput>;

/** What is shown of a channel's settings: every secret field redacted. */
export interface ChannelSettingsView {
  channel: ChannelKind;
  provider: string;
  /** The provider's config; each secret field is `••••` and its last two characters, or null when unset. */
  config: Record<string, unknown>;
  updatedAt: string;
  updatedBy: string | null;
  /** Why the stored settings cannot be used (secrets unreadable, no longer valid), or null. */
  problem: string | null;
}

export interface SettingsIssue {
  path: string;
  message: string;
}
export type SettingsResult<T> =
  { ok: true; value: T } | { ok: false; code: 'validation_failed'; message: string; issues: SettingsIssue[] };

export interface ChannelSettingsDeps {
  /** For the adapters that take more than a clock: Aliyun's SignatureNonce. */
  aliyun?: Omit<AliyunSmsDeps, 'now'>;
}

const MASK = '••••';

/** Two characters of a secret are shown so an operator can tell which one is set; none of a short one. */
export const redactSecret = (secret: string): string => (secret.length >= 8 ? MASK + secret.slice(-2) : MASK);

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The object holding the last segment of `path`, when every object on the way exists. */
function parentOf(root: Json, path: readonly string[]): Json | null {
  let at: unknown = root;
  for (const segment of path.slice(0, -1)) at = isRecord(at) ? at[segment] : undefined;
  return isRecord(at) ? at : null;
}

function eachSecret(
  provider: string,
  config: Json,
  visit: (parent: Json, name: string, dotted: string) => void,
): void {
  if (!isChannelProvider(provider)) return;
  for (const path of PROVIDERS[provider].secrets) {
    const parent = parentOf(config, path);
    if (parent) visit(parent, path[path.length - 1]!, path.join('.'));
  }
}

function invalid(message: string, issues: SettingsIssue[]): SettingsResult<never> {
  return { ok: false, code: 'validation_failed', message, issues };
}

/**
 * An update may leave a secret out or send back its redacted form to keep the stored one (so a
 * GET answer can be edited and PUT back); `null` clears an optional secret.
 */
function fillSecrets(
  provider: string,
  config: Json,
  stored: ReadonlyMap<string, string>,
): SettingsResult<Json> {
  const out = structuredClone(config);
  const issues: SettingsIssue[] = [];
  eachSecret(provider, out, (parent, name, dotted) => {
    const given = parent[name];
    const kept = stored.get(dotted);
    if (given === undefined || (kept !== undefined && given === redactSecret(kept))) {
      if (kept !== undefined) parent[name] = kept;
    } else if (given === null) {
      delete parent[name];
    } else if (typeof given === 'string' && given.startsWith(MASK)) {
      issues.push({
        path: `config.${dotted}`,
        message: 'is a redacted placeholder that matches no stored secret: give the secret itself',
      });
    }
  });
  return issues.length > 0 ? invalid(describe(issues), issues) : { ok: true, value: out };
}

const describe = (issues: SettingsIssue[]): string =>
  `invalid channel settings: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`;

function checkInput(
  channel: ChannelKind,
  input: unknown,
  stored: Entry | undefined,
): SettingsResult<ChannelSettingsInput> {
  if (isRecord(input) && isChannelProvider(input.provider) && providerChannel(input.provider) !== channel) {
    const message = `provider ${input.provider} sends on the ${providerChannel(input.provider)} channel, not on ${channel}`;
    return invalid(message, [{ path: 'provider', message }]);
  }
  let candidate = input;
  if (isRecord(input) && isRecord(input.config) && typeof input.provider === 'string') {
    const kept = stored?.provider === input.provider ? stored.secrets : new Map<string, string>();
    const filled = fillSecrets(input.provider, input.config, kept);
    if (!filled.ok) return filled;
    candidate = { ...input, config: filled.value };
  }
  const parsed = channelSettingsInput.safeParse(candidate);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  return invalid(describe(issues), issues);
}

/** The config without its secrets (for the `config` column) and the secrets by dotted path. */
function splitSecrets(settings: ChannelSettingsInput): { clear: Json; secrets: Map<string, string> } {
  const clear = structuredClone(settings.config) as Json;
  const secrets = new Map<string, string>();
  eachSecret(settings.provider, clear, (parent, name, dotted) => {
    const value = parent[name];
    if (typeof value === 'string') secrets.set(dotted, value);
    delete parent[name];
  });
  return { clear, secrets };
}

interface Entry {
  provider: string;
  clear: Json;
  secrets: ReadonlyMap<string, string>;
  /** Complete, secrets included; null when the stored row cannot be used (see `problem`). */
  settings: ChannelSettingsInput | null;
  problem: string | null;
  updatedAt: number;
  updatedBy: string | null;
  adapter: ChannelAdapter | null;
}

interface SettingsRow {
  workspace_id: string;
  channel: string;
  provider: string;
  config: string;
  secrets: string;
  updated_at: Date;
  updated_by: string | null;
}

const keyOf = (ws: string, channel: string): string => `${ws}\u0000${channel}`;

function openSecrets(box: SecretBox, sealed: string): Map<string, string> | string {
  let plain: string;
  try {
    plain = box.open(sealed);
  } catch (err) {
    return `the sealed secrets cannot be opened with this secret key (${err instanceof Error ? err.message : 'unknown error'})`;
  }
  let json: unknown;
  try {
    json = JSON.parse(plain);
  } catch (err) {
    // The message of a JSON error quotes the text, which is secret; its name says enough.
    return `the sealed secrets are not JSON (${err instanceof Error ? err.name : 'unknown error'})`;
  }
  const parsed = z.record(z.string(), z.string()).safeParse(json);
  return parsed.success
    ? new Map(Object.entries(parsed.data))
    : 'the sealed secrets are not a map of strings';
}

function closeAdapter(adapter: ChannelAdapter | null): void {
  if (adapter && 'close' in adapter && typeof adapter.close === 'function') (adapter.close as () => void)();
}

export class ChannelSettings {
  private readonly entries = new Map<string, Entry>();

  private constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
    private readonly now: () => number,
    private readonly deps: ChannelSettingsDeps,
  ) {}

  /** Reads every workspace's settings and opens their secrets once. */
  static async load(
    db: Database,
    box: SecretBox,
    now: () => number,
    deps: ChannelSettingsDeps = {},
  ): Promise<ChannelSettings> {
    const settings = new ChannelSettings(db, box, now, deps);
    const rows = await db.query<SettingsRow & Record<string, unknown>>(
      'SELECT workspace_id, channel, provider, config, secrets, updated_at, updated_by FROM channel_settings',
    );
    for (const row of rows) settings.entries.set(keyOf(row.workspace_id, row.channel), settings.fromRow(row));
    return settings;
  }

  private fromRow(row: SettingsRow): Entry {
    const clear = JSON.parse(row.config) as Json;
    const opened = openSecrets(this.box, row.secrets);
    const secrets = typeof opened === 'string' ? new Map<string, string>() : opened;
    let problem = typeof opened === 'string' ? opened : null;
    let settings: ChannelSettingsInput | null = null;
    if (problem === null) {
      const complete = structuredClone(clear);
      eachSecret(row.provider, complete, (parent, name, dotted) => {
        const value = secrets.get(dotted);
        if (value !== undefined) parent[name] = value;
      });
      const stored = { provider: row.provider, config: complete };
      const checked = checkInput(row.channel as ChannelKind, stored, undefined);
      if (checked.ok) settings = checked.value;
      else problem = `the stored settings are no longer valid: ${checked.message}`;
    }
    return {
      provider: row.provider,
      clear,
      secrets,
      settings,
      problem,
      updatedAt: row.updated_at.getTime(),
      updatedBy: row.updated_by,
      adapter: null,
    };
  }

  /** Every configured channel of a workspace, secrets redacted, in CHANNEL_KINDS order. */
  list(ws: string): ChannelSettingsView[] {
    return CHANNEL_KINDS.flatMap((channel) => this.get(ws, channel) ?? []);
  }

  /** One channel's settings, secrets redacted; null when it is not configured. */
  get(ws: string, channel: ChannelKind): ChannelSettingsView | null {
    const entry = this.entries.get(keyOf(ws, channel));
    if (!entry) return null;
    const config = structuredClone(entry.clear);
    eachSecret(entry.provider, config, (parent, name, dotted) => {
      const secret = entry.secrets.get(dotted);
      parent[name] = secret === undefined ? null : redactSecret(secret);
    });
    return {
      channel,
      provider: entry.provider,
      config,
      updatedAt: new Date(entry.updatedAt).toISOString(),
      updatedBy: entry.updatedBy,
      problem: entry.problem,
    };
  }

  /** Validates, seals the secrets and stores; a secret left out or sent back redacted is kept. */
  async put(
    ws: string,
    channel: ChannelKind,
    input: unknown,
    actor: string | null,
  ): Promise<SettingsResult<ChannelSettingsView>> {
    const key = keyOf(ws, channel);
    const checked = checkInput(channel, input, this.entries.get(key));
    if (!checked.ok) return checked;
    const settings = checked.value;
    const { clear, secrets } = splitSecrets(settings);
    const before = this.entries.get(key);
    const changed = [...secrets.keys()].filter(
      (k) => before?.provider !== settings.provider || before.secrets.get(k) !== secrets.get(k),
    );
    const at = this.now();
    const sealed = this.box.seal(JSON.stringify(Object.fromEntries(secrets)));
    const row = [ws, channel, settings.provider, JSON.stringify(clear), sealed, new Date(at), actor];
    await this.db.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO channel_settings VALUES (?, ?, ?, ?, ?, ?::TIMESTAMP, ?)
           ON CONFLICT (workspace_id, channel) DO UPDATE SET provider = excluded.provider,
             config = excluded.config, secrets = excluded.secrets,
             updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
        row,
      );
      // Names of the secrets that changed, never their values.
      const detail = { provider: settings.provider, secretsChanged: changed };
      await recordAudit(tx, { workspaceId: ws, actor, action: 'channel.put', target: channel, detail }, at);
    });
    const old = this.entries.get(key);
    this.entries.set(key, {
      provider: settings.provider,
      clear,
      secrets,
      settings,
      problem: null,
      updatedAt: at,
      updatedBy: actor,
      adapter: null,
    });
    closeAdapter(old?.adapter ?? null);
    return { ok: true, value: this.get(ws, channel)! };
  }

  /** Forgets a channel's settings; false when there were none. */
  async remove(ws: string, channel: ChannelKind, actor: string | null = null): Promise<boolean> {
    const key = keyOf(ws, channel);
    const entry = this.entries.get(key);
    if (!entry) return false;
    const at = this.now();
    await this.db.transaction(async (tx) => {
      await tx.run('DELETE FROM channel_settings WHERE workspace_id = ? AND channel = ?', [ws, channel]);
      const audit = { workspaceId: ws, actor, action: 'channel.remove', target: channel };
      await recordAudit(tx, { ...audit, detail: { provider: entry.provider } }, at);
    });
    const current = this.entries.get(key);
    this.entries.delete(key);
    closeAdapter(current?.adapter ?? null);
    return true;
  }

  /** The adapter the channel sends through, built once per settings; null when not configured or unusable. */
  adapter(ws: string, channel: ChannelKind): ChannelAdapter | null {
    const entry = this.entries.get(keyOf(ws, channel));
    if (!entry?.settings) return null;
    entry.adapter ??= this.build(entry.settings);
    return entry.adapter;
  }

  /**
   * What a journey's own webhook step calls its URL with: signed with the workspace's webhook
   * channel secret (and its headers), so receivers verify one secret; null until that is configured.
   */
  callAdapter(ws: string, url: string): ChannelAdapter | null {
    const settings = this.entries.get(keyOf(ws, 'webhook'))?.settings;
    if (settings?.provider !== 'webhook') return null;
    const { secret, apiToken, headers, timeoutMs } = settings.config;
    return new WebhookCall(
      {
        url,
        secret,
        timeoutMs,
        headers: { ...headers, ...(apiToken !== undefined && { authorization: `Bearer ${apiToken}` }) },
      },
      this.now,
    );
  }

  /** Closes every adapter that holds connections (SMTP pools); they are rebuilt when asked for again. */
  close(): void {
    for (const entry of this.entries.values()) {
      closeAdapter(entry.adapter);
      entry.adapter = null;
    }
  }

  private build(settings: ChannelSettingsInput): ChannelAdapter {
    const now = this.now;
    switch (settings.provider) {
      case 'smtp':
        return createSmtpEmailAdapter(settings.config, { now });
      case 'tencent-sms':
        return new TencentSmsChannel(settings.config, now);
      case 'aliyun-sms':
        return new AliyunSmsChannel(settings.config, { ...this.deps.aliyun, now });
      case 'wechat-template':
        return new WechatTemplateAdapter(settings.config, now);
      case 'http-push':
      case 'webhook': {
        const { url, secret, apiToken, headers, timeoutMs } = settings.config;
        const target = {
          url,
          secret,
          timeoutMs,
          headers: { ...headers, ...(apiToken !== undefined && { authorization: `Bearer ${apiToken}` }) },
        };
        return new WebhookChannel(settings.provider === 'webhook' ? 'webhook' : 'push', target, now);
      }
      default:
        return assertNever(settings);
    }
  }
}
