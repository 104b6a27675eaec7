import { createHash } from 'node:crypto';
import nodemailer, { type ErrorCode, type NodemailerError, type SendMailOptions } from 'nodemailer';
import { z } from 'zod';
import type { ChannelAdapter, OutboundMessage, SendOutcome } from '../channel.js';

/**
 * Email over SMTP (RFC 5321) through a nodemailer connection pool. The adapter sends one message
 * and classifies what went wrong: the journey engine owns the retry schedule, and a retried send
 * carries the same Message-ID, so a receiver (or a person) can tell it is the same message.
 */

export const SmtpEmailConfigSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65_535),
  /** Implicit TLS (port 465). Without it nodemailer still upgrades with STARTTLS when offered. */
  secure: z.boolean().default(false),
  auth: z.object({ user: z.string().min(1), pass: z.string() }).optional(),
  from: z.object({ address: z.email(), name: z.string().optional() }),
  replyTo: z.email().optional(),
  /** Budget for one send: connecting, the greeting, each reply, and the whole delivery. */
  timeoutMs: z.number().int().positive().default(30_000),
  /** Extra headers on every message (e.g. a feedback-loop id); ours win on a clash. */
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/), z.string()).optional(),
  maxConnections: z.number().int().positive().default(5),
});
export type SmtpEmailConfig = z.infer<typeof SmtpEmailConfigSchema>;

export interface SmtpEmailAdapter extends ChannelAdapter {
  /** Closes the pool; idle connections at once, one mid-delivery after it finishes unless `force`. */
  close(options?: { force?: boolean }): void;
}

export interface SmtpEmailDeps {
  now?: () => number;
}

const EMAIL = z.email();

/** Metadata keys that are instructions to the adapter rather than values to carry along. */
const UNSUBSCRIBE_KEY = 'unsubscribeUrl';

/**
 * `<hash@domain>`: a hash keeps arbitrary key characters out of the header (RFC 5322 §3.6.4 allows
 * only dot-atoms), and the sender's domain makes it globally unique the way §3.6.4 asks.
 */
export function messageIdFor(idempotencyKey: string, domain: string): string {
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40);
  return `<${digest}.tessera@${domain}>`;
}

/** `journey` → `X-Tessera-Journey`, `profileId` → `X-Tessera-Profile-Id`. */
export function metadataHeaderName(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0);
  return ['X-Tessera', ...words.map((w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase())].join('-');
}

/** CR and LF would end the header and start another (header injection); fold them to spaces. */
const headerValue = (value: string): string => value.replace(/[\r\n]+/g, ' ');

type Built = { ok: true; mail: SendMailOptions } | { ok: false; outcome: SendOutcome };

const permanent = (reason: string, code: string): { ok: false; outcome: SendOutcome } => ({
  ok: false,
  outcome: { kind: 'failed', retryable: false, reason, code },
});

function buildMail(config: SmtpEmailConfig, message: OutboundMessage, domain: string): Built {
  if (message.channel !== 'email')
    return permanent(`not an email message (${message.channel})`, 'wrong_channel');
  // Checked here rather than left to the server: a malformed address fails the same way every
  // time, and catching it early keeps it from costing a connection.
  if (!EMAIL.safeParse(message.to).success) {
    return permanent(`invalid recipient address: ${message.to}`, 'invalid_recipient');
  }
  if (message.body === undefined && message.html === undefined) {
    return permanent('email has neither a text body nor html', 'empty_message');
  }
  const headers: Record<string, string> = { ...config.headers };
  for (const [key, value] of Object.entries(message.metadata ?? {})) {
    if (key === UNSUBSCRIBE_KEY) continue;
    const name = metadataHeaderName(key);
    if (name !== 'X-Tessera') headers[name] = headerValue(value);
  }
  const unsubscribe = message.metadata?.[UNSUBSCRIBE_KEY];
  if (unsubscribe !== undefined) {
    const url = URL.canParse(unsubscribe) ? new URL(unsubscribe) : null;
    if (!url || !['https:', 'http:', 'mailto:'].includes(url.protocol)) {
      return permanent(`invalid unsubscribe URL: ${unsubscribe}`, 'invalid_unsubscribe_url');
    }
    // RFC 2369 §3.2: the URL in angle brackets. RFC 8058 §3.1: one-click needs an https URL
    // and this exact companion header; receivers then POST instead of opening a page.
    headers['List-Unsubscribe'] = `<${url.href}>`;
    if (url.protocol === 'https:') headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  return {
    ok: true,
    mail: {
      from: config.from.name ? { name: config.from.name, address: config.from.address } : config.from.address,
      to: message.to,
      ...(config.replyTo !== undefined && { replyTo: config.replyTo }),
      subject: message.subject ?? '',
      ...(message.body !== undefined && { text: message.body }),
      ...(message.html !== undefined && { html: message.html }),
      messageId: messageIdFor(message.idempotencyKey, domain),
      headers,
      // A fallback for a stalled delivery that no socket timeout notices (a server trickling
      // bytes); a little later than the socket timeouts so theirs is the usual, clearer error.
      signal: AbortSignal.timeout(config.timeoutMs + 1_000),
    },
  };
}

/**
 * Whether nodemailer's non-SMTP error codes are worth retrying: connection-level trouble is,
 * a message or configuration nodemailer cannot build is not. A Record so a new code is a type error.
 */
const RETRYABLE_CODE: Record<ErrorCode, boolean> = {
  ECONNECTION: true,
  // A timeout after DATA may hide an accepted message; the retry carries the same Message-ID.
  ETIMEDOUT: true,
  ESOCKET: true,
  EDNS: true,
  ETLS: true,
  EPROTOCOL: true,
  EABORT: true,
  EMAXLIMIT: true,
  ESTREAM: true,
  EOAUTH2: true,
  EPROXY: true,
  EFETCH: true,
  ESES: true,
  ESENDMAIL: true,
  EREQUIRETLS: false,
  EENVELOPE: false,
  EMESSAGE: false,
  EOTP: false,
  EAUTH: false,
  ENOAUTH: false,
  EMAXRECIPIENTS: false,
  ECONFIG: false,
  EFILEACCESS: false,
  EURLACCESS: false,
};

const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(RETRYABLE_CODE, code);

/**
 * RFC 5321 §4.2.1: 4yz is a transient negative completion, 5yz a permanent one. 503 (bad
 * sequence of commands) is about the session, not the message, so a new connection may succeed.
 */
export function isRetryableReply(responseCode: number): boolean {
  return !(responseCode >= 500 && responseCode < 600 && responseCode !== 503);
}

export function classifySmtpError(err: unknown): SendOutcome {
  const e = (err ?? {}) as NodemailerError;
  const reason = e.response ?? e.message ?? String(err);
  // A rejected sole recipient comes back as EENVELOPE with the server's reply on rejectedErrors.
  const responseCode = e.responseCode ?? e.rejectedErrors?.[0]?.responseCode;
  if (typeof responseCode === 'number') {
    return { kind: 'failed', retryable: isRetryableReply(responseCode), reason, code: String(responseCode) };
  }
  const code = e.code ?? 'unknown';
  // An error without a reply and without a known code is most likely the network: retry it.
  const retryable = isErrorCode(code) ? RETRYABLE_CODE[code] : true;
  return { kind: 'failed', retryable, reason, code: e.originalCode ?? code };
}

export function createSmtpEmailAdapter(input: SmtpEmailConfig, deps: SmtpEmailDeps = {}): SmtpEmailAdapter {
  const config = SmtpEmailConfigSchema.parse(input);
  const now = deps.now ?? Date.now;
  const domain = config.from.address.split('@').pop() ?? config.host;
  // A pool: one TLS handshake and AUTH per connection instead of per message, and a bound on
  // how many connections a journey burst opens against the relay.
  const transport = nodemailer.createTransport({
    pool: true,
    host: config.host,
    port: config.port,
    secure: config.secure,
    ...(config.auth !== undefined && { auth: { user: config.auth.user, pass: config.auth.pass } }),
    maxConnections: config.maxConnections,
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    socketTimeout: config.timeoutMs,
  });

  return {
    kind: 'email',
    provider: 'smtp',
    async send(message) {
      const built = buildMail(config, message, domain);
      if (!built.ok) return built.outcome;
      try {
        const info = await transport.sendMail(built.mail);
        return { kind: 'sent', providerMessageId: info.messageId ?? null, at: now() };
      } catch (err) {
        return classifySmtpError(err);
      }
    },
    close(options) {
      transport.close(options);
    },
  };
}
