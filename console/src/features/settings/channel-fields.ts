import type { MessageKey } from '../../i18n';
import type { ChannelKind, ChannelProvider, ChannelView } from './api';

/**
 * The configuration form of each provider, field by field, after the server's schemas
 * (src/channels/settings.ts channelSettingsInput and each adapter's config schema). Secret fields
 * are write-only: the form never holds a stored secret, and a secret left empty is left out of
 * the PUT, which keeps the stored one (the server's documented behaviour).
 */

export type FieldKind = 'text' | 'email' | 'url' | 'number' | 'bool' | 'secret' | 'headers';

export interface FieldSpec {
  /** Path into the provider's config (`auth.pass`). */
  path: readonly string[];
  label: MessageKey;
  kind: FieldKind;
  required?: boolean;
  /** Shown as the placeholder: the server's default when the field is left empty, or an example. */
  placeholder?: string;
  /** New settings start with this value. */
  initial?: string | number | boolean;
  /** Least length of a secret (the webhook signing key is at least 16). */
  min?: number;
  /** An optional secret that can be removed (sent as null); a required one can only be replaced. */
  clearable?: boolean;
  help?: MessageKey;
}

const timeout = (ms: number): FieldSpec => ({
  path: ['timeoutMs'],
  label: 'settings.field.timeoutMs',
  kind: 'number',
  placeholder: String(ms),
});

const webhookFields: FieldSpec[] = [
  {
    path: ['url'],
    label: 'settings.field.url',
    kind: 'url',
    required: true,
    placeholder: 'https://hooks.example.com/tessera',
  },
  {
    path: ['secret'],
    label: 'settings.field.signingSecret',
    kind: 'secret',
    required: true,
    min: 16,
    help: 'settings.field.signingSecretHelp',
  },
  {
    path: ['apiToken'],
    label: 'settings.field.apiToken',
    kind: 'secret',
    clearable: true,
    help: 'settings.field.apiTokenHelp',
  },
  { path: ['headers'], label: 'settings.field.headers', kind: 'headers', help: 'settings.field.headersHelp' },
  timeout(10_000),
];

export const PROVIDER_FIELDS: Record<ChannelProvider, FieldSpec[]> = {
  smtp: [
    {
      path: ['host'],
      label: 'settings.field.host',
      kind: 'text',
      required: true,
      placeholder: 'smtp.example.com',
    },
    { path: ['port'], label: 'settings.field.port', kind: 'number', required: true, initial: 587 },
    {
      path: ['secure'],
      label: 'settings.field.secure',
      kind: 'bool',
      initial: false,
      help: 'settings.field.secureHelp',
    },
    { path: ['auth', 'user'], label: 'settings.field.smtpUser', kind: 'text' },
    { path: ['auth', 'pass'], label: 'settings.field.smtpPass', kind: 'secret' },
    {
      path: ['from', 'address'],
      label: 'settings.field.fromAddress',
      kind: 'email',
      required: true,
      placeholder: 'news@example.com',
    },
    { path: ['from', 'name'], label: 'settings.field.fromName', kind: 'text' },
    { path: ['replyTo'], label: 'settings.field.replyTo', kind: 'email' },
    {
      path: ['headers'],
      label: 'settings.field.headers',
      kind: 'headers',
      help: 'settings.field.headersHelp',
    },
    timeout(30_000),
    { path: ['maxConnections'], label: 'settings.field.maxConnections', kind: 'number', placeholder: '5' },
  ],
  'tencent-sms': [
    { path: ['secretId'], label: 'settings.field.secretId', kind: 'text', required: true },
    { path: ['secretKey'], label: 'settings.field.secretKey', kind: 'secret', required: true },
    {
      path: ['region'],
      label: 'settings.field.region',
      kind: 'text',
      required: true,
      initial: 'ap-guangzhou',
    },
    { path: ['sdkAppId'], label: 'settings.field.sdkAppId', kind: 'text', required: true },
    { path: ['signName'], label: 'settings.field.signName', kind: 'text', required: true },
    {
      path: ['endpoint'],
      label: 'settings.field.endpoint',
      kind: 'url',
      placeholder: 'https://sms.tencentcloudapi.com',
    },
    timeout(10_000),
  ],
  'aliyun-sms': [
    { path: ['accessKeyId'], label: 'settings.field.accessKeyId', kind: 'text', required: true },
    { path: ['accessKeySecret'], label: 'settings.field.accessKeySecret', kind: 'secret', required: true },
    { path: ['signName'], label: 'settings.field.signName', kind: 'text', required: true },
    {
      path: ['endpoint'],
      label: 'settings.field.endpoint',
      kind: 'url',
      placeholder: 'https://dysmsapi.aliyuncs.com',
    },
    timeout(10_000),
  ],
  'wechat-template': [
    { path: ['appId'], label: 'settings.field.appId', kind: 'text', required: true },
    { path: ['appSecret'], label: 'settings.field.appSecret', kind: 'secret', required: true },
    {
      path: ['baseUrl'],
      label: 'settings.field.baseUrl',
      kind: 'url',
      placeholder: 'https://api.weixin.qq.com',
    },
    timeout(10_000),
  ],
  'http-push': webhookFields,
  webhook: webhookFields,
};

/** The providers each channel can send through, the first being the default. */
export const CHANNEL_PROVIDERS: Record<ChannelKind, ChannelProvider[]> = {
  email: ['smtp'],
  sms: ['tencent-sms', 'aliyun-sms'],
  wechat: ['wechat-template'],
  push: ['http-push'],
  webhook: ['webhook'],
};

export const isProvider = (channel: ChannelKind, p: string): p is ChannelProvider =>
  (CHANNEL_PROVIDERS[channel] as string[]).includes(p);

/** A form field's name: the config path under the provider, so two providers never share values. */
export const fieldName = (provider: ChannelProvider, f: FieldSpec): string[] => [provider, ...f.path];
/** The "clear the stored secret" checkbox of an optional secret. */
export const clearName = (provider: ChannelProvider, f: FieldSpec): string[] => [
  '__clear',
  provider,
  f.path.join('.'),
];

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function getPath(root: unknown, path: readonly string[]): unknown {
  let at = root;
  for (const p of path) at = isRecord(at) ? at[p] : undefined;
  return at;
}

function setPath(root: Json, path: readonly string[], value: unknown): void {
  let at = root;
  for (const p of path.slice(0, -1)) {
    if (!isRecord(at[p])) at[p] = {};
    at = at[p] as Json;
  }
  at[path[path.length - 1]!] = value;
}

/** The masked value the server shows for a stored secret (`••••ab`), or null when none is stored. */
export function storedSecret(
  view: ChannelView | undefined,
  provider: ChannelProvider,
  f: FieldSpec,
): string | null {
  if (!view || view.provider !== provider) return null;
  const v = getPath(view.config, f.path);
  return typeof v === 'string' ? v : null;
}

const headersToText = (v: unknown): string =>
  isRecord(v)
    ? Object.entries(v)
        .map(([k, val]) => `${k}: ${String(val)}`)
        .join('\n')
    : '';

/** `Name: value` lines into a header map; lines without a colon are reported, not dropped silently. */
export function parseHeaders(
  text: string,
): { ok: true; value: Record<string, string> } | { ok: false; line: string } {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return { ok: false, line };
    out[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return { ok: true, value: out };
}

/** The form's starting values: the stored settings (secrets never), or each provider's initial values. */
export function formValues(channel: ChannelKind, view: ChannelView | undefined): Json {
  const values: Json = {
    provider: view && isProvider(channel, view.provider) ? view.provider : CHANNEL_PROVIDERS[channel][0],
  };
  for (const provider of CHANNEL_PROVIDERS[channel]) {
    const own = view?.provider === provider ? view.config : undefined;
    const fields: Json = {};
    for (const f of PROVIDER_FIELDS[provider]) {
      const stored = getPath(own, f.path);
      let v: unknown;
      if (f.kind === 'secret') v = '';
      else if (f.kind === 'headers') v = headersToText(stored);
      else v = stored ?? (own ? undefined : f.initial);
      if (v !== undefined) setPath(fields, f.path, v);
    }
    values[provider] = fields;
  }
  return values;
}

/**
 * The PUT body from the form: empty optional fields left out (the server's defaults apply), an
 * empty secret left out (the stored one is kept), a cleared optional secret sent as null.
 */
export function settingsBody(
  provider: ChannelProvider,
  values: Json,
): { provider: ChannelProvider; config: Json } {
  const own = isRecord(values[provider]) ? values[provider] : {};
  const clear = getPath(values, ['__clear', provider]);
  const config: Json = {};
  for (const f of PROVIDER_FIELDS[provider]) {
    const v = getPath(own, f.path);
    const dotted = f.path.join('.');
    if (f.kind === 'bool') setPath(config, f.path, v === true);
    else if (f.kind === 'number') {
      if (typeof v === 'number') setPath(config, f.path, v);
    } else if (f.kind === 'headers') {
      const parsed = typeof v === 'string' ? parseHeaders(v) : { ok: true as const, value: {} };
      if (parsed.ok && Object.keys(parsed.value).length > 0) setPath(config, f.path, parsed.value);
    } else if (f.kind === 'secret' && f.clearable && isRecord(clear) && clear[dotted] === true) {
      setPath(config, f.path, null);
    } else if (typeof v === 'string' && v.trim() !== '') {
      setPath(config, f.path, f.kind === 'secret' ? v : v.trim());
    }
  }
  // SMTP: no user means no AUTH at all (an open relay on a private network), whatever the password field says.
  if (provider === 'smtp' && isRecord(config.auth) && config.auth.user === undefined) delete config.auth;
  return { provider, config };
}
