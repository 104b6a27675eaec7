import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** What came back about a send: from the recipient (opens, clicks, opt-outs) or the provider. */
export type FeedbackKind = 'delivered' | 'undelivered' | 'opened' | 'clicked' | 'unsubscribed' | 'bounced';

/** The journey engine's side of the feedback loop; the tracking routes only talk to this. */
export interface FeedbackSink {
  /** Records what came back about a send; false when no such send exists. */
  feedback(
    workspaceId: string,
    key: string,
    kind: FeedbackKind,
    detail: Record<string, unknown>,
  ): Promise<boolean>;
  /** The send key for a provider's own message id (receipts from SMS providers name only theirs). */
  keyForProviderMessage(
    workspaceId: string,
    provider: string,
    providerMessageId: string,
  ): Promise<string | null>;
}

/**
 * What a token is good for: the open pixel, a click redirect, the unsubscribe page, or a
 * delivery-receipt endpoint (whose token names the workspace and the receipt format).
 */
export type TrackingPurpose = 'o' | 'c' | 'u' | 'r';

/** The delivery-receipt formats `/t/r/<format>/<token>` takes. */
export const RECEIPT_FORMATS = ['generic', 'tencent-sms', 'aliyun-sms'] as const;
export type ReceiptFormat = (typeof RECEIPT_FORMATS)[number];

export interface TrackedSend {
  workspaceId: string;
  key: string;
}

// 128 bits: forging a tag is a 2^-128 guess per request, and tokens stay short enough for SMS.
const MAC_BYTES = 16;
const ID = /^[A-Za-z0-9_:.-]{1,256}$/;
const SEP = '\u0000';

/**
 * Signs tracking links so the link itself is the authority: nothing is stored per link, and a
 * token names exactly one send, one purpose and (for clicks) one target URL. The token is
 * base64url(tag ‖ workspaceId NUL key), the tag a truncated HMAC-SHA256 (RFC 2104; truncation
 * per RFC 2104 §5) over a version label, the purpose, the payload and the target URL.
 */
export class TrackingSigner {
  constructor(private readonly secret: Buffer) {
    if (secret.length !== 32) throw new RangeError('a tracking secret is 32 bytes');
  }

  /** The key in `file`, created (0600, base64) on first use, like `SecretBox.open`. */
  static open(file: string): TrackingSigner {
    if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} does not hold a 256-bit key`);
    return new TrackingSigner(key);
  }

  token(workspaceId: string, key: string, purpose: TrackingPurpose, url?: string): string {
    if (!ID.test(workspaceId)) throw new RangeError(`not a workspace id: ${JSON.stringify(workspaceId)}`);
    if (!ID.test(key)) throw new RangeError(`not a send key: ${JSON.stringify(key)}`);
    if (purpose === 'c' && !url) throw new RangeError('a click token needs its target url');
    const payload = Buffer.from(`${workspaceId}${SEP}${key}`, 'utf8');
    return Buffer.concat([this.mac(purpose, payload, url), payload]).toString('base64url');
  }

  /** The send a token names, or null when it is malformed, forged, or for another purpose or url. */
  verify(token: string, purpose: TrackingPurpose, url?: string): TrackedSend | null {
    if (!/^[A-Za-z0-9_-]+$/.test(token) || (purpose === 'c' && !url)) return null;
    const bytes = Buffer.from(token, 'base64url');
    // Only the canonical encoding: no two spellings of one token.
    if (bytes.length <= MAC_BYTES || bytes.toString('base64url') !== token) return null;
    const tag = bytes.subarray(0, MAC_BYTES);
    const payload = bytes.subarray(MAC_BYTES);
    if (!timingSafeEqual(tag, this.mac(purpose, payload, url))) return null;
    const parts = payload.toString('utf8').split(SEP);
    const [workspaceId, key] = parts;
    if (parts.length !== 2 || !workspaceId || !key || !ID.test(workspaceId) || !ID.test(key)) return null;
    return { workspaceId, key };
  }

  private mac(purpose: TrackingPurpose, payload: Buffer, url: string | undefined): Buffer {
    // The payload holds exactly one NUL and the url comes last, so the input is unambiguous.
    return createHmac('sha256', this.secret)
      .update(`tessera-track-v1${SEP}${purpose}${SEP}`)
      .update(payload)
      .update(`${SEP}${purpose === 'c' ? (url ?? '') : ''}`)
      .digest()
      .subarray(0, MAC_BYTES);
  }
}

/** A send's absolute tracking URLs. */
export interface TrackingLinks {
  openPixel: string;
  unsubscribe: string;
  click(url: string): string;
}

export function trackingLinks(
  signer: TrackingSigner,
  publicUrl: string,
  workspaceId: string,
  key: string,
): TrackingLinks {
  const base = publicUrl.replace(/\/+$/, '');
  return {
    openPixel: `${base}/t/o/${signer.token(workspaceId, key, 'o')}.gif`,
    unsubscribe: `${base}/t/u/${signer.token(workspaceId, key, 'u')}`,
    click: (url) => {
      if (!isWebUrl(url)) throw new RangeError(`only http(s) links are tracked, not ${JSON.stringify(url)}`);
      return `${base}/t/c/${signer.token(workspaceId, key, 'c', url)}?u=${encodeURIComponent(url)}`;
    },
  };
}

/**
 * The URL a provider posts a workspace's delivery receipts to, one per format. Tencent Cloud
 * and Aliyun sign nothing they call back with, so the URL itself is the secret: its token is
 * signed like a tracking link, and a receipt at any other URL is refused.
 */
export function receiptUrls(
  signer: TrackingSigner,
  publicUrl: string,
  workspaceId: string,
): Record<ReceiptFormat, string> {
  const base = publicUrl.replace(/\/+$/, '');
  const url = (format: ReceiptFormat) => `${base}/t/r/${format}/${signer.token(workspaceId, format, 'r')}`;
  return { generic: url('generic'), 'tencent-sms': url('tencent-sms'), 'aliyun-sms': url('aliyun-sms') };
}

const isWebUrl = (url: string): boolean => /^https?:\/\/\S/i.test(url);

/** True for links that are ours already (the unsubscribe link above all), which stay as they are. */
function isTrackingUrl(url: string, links: TrackingLinks): boolean {
  const at = links.unsubscribe.lastIndexOf('/t/u/');
  return url === links.unsubscribe || (at > 0 && url.startsWith(links.unsubscribe.slice(0, at + 3)));
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Character references in an attribute value: the named ones URLs need, and all numeric ones. */
export function decodeHtmlAttribute(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (ref, body: string) => {
    if (body.startsWith('#')) {
      const code =
        body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ref;
    }
    return NAMED[body.toLowerCase()] ?? ref;
  });
}

const escapeAttribute = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

// An <a> start tag, quoted attribute values may hold '>'; then one attribute at a time.
const A_TAG = /<a(?=[\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>/gi;
const ATTRIBUTE = /([^\s"'>/=]+)(?:(\s*=\s*)("[^"]*"|'[^']*'|[^\s"'=<>`]+))?/g;
const COMMENT = /(<!--[\s\S]*?(?:-->|$))/;

function rewriteAnchor(attributes: string, links: TrackingLinks): string {
  let seenHref = false;
  if (/(?:^|\s)data-notrack(?:[\s=]|$)/i.test(attributes)) return attributes;
  return attributes.replace(
    ATTRIBUTE,
    (whole, name: string, eq: string | undefined, raw: string | undefined) => {
      // Only the first href counts (HTML: a repeated attribute is ignored).
      if (name.toLowerCase() !== 'href' || seenHref || raw === undefined) return whole;
      seenHref = true;
      const quoted = raw.startsWith('"') || raw.startsWith("'");
      // Browsers strip leading and trailing whitespace from a URL attribute.
      const url = decodeHtmlAttribute(quoted ? raw.slice(1, -1) : raw).trim();
      if (!isWebUrl(url) || isTrackingUrl(url, links)) return whole;
      return `${name}${eq ?? '='}"${escapeAttribute(links.click(url))}"`;
    },
  );
}

/**
 * Tracks an HTML email: every http(s) `<a href>` goes through the click redirect and the open
 * pixel is added before the last `</body>`. A careful regex, not a parser: it handles start tags
 * with quoted or bare attribute values (even holding `>`), character references in the href
 * (decoded before signing, re-encoded in the output) and a repeated href (the first counts).
 * Limits: comments are left alone, Outlook's conditional comments too, so a VML button inside
 * `<!--[if mso]>` is not tracked; relative links (with or without `<base href>`), `<area>`,
 * `<form action>`, links built by script or CSS, and a `</body>` inside a comment are not
 * understood. `mailto:`, `tel:`, `#…`, our own links (the unsubscribe link) and anchors marked
 * `data-notrack` are left as written.
 */
export function decorateEmailHtml(html: string, links: TrackingLinks): string {
  const out = html
    .split(COMMENT)
    .map((part, i) =>
      i % 2 === 1 ? part : part.replace(A_TAG, (_tag, attrs: string) => `<a${rewriteAnchor(attrs, links)}>`),
    )
    .join('');
  const pixel = `<img src="${escapeAttribute(links.openPixel)}" width="1" height="1" alt="" style="display:none">`;
  const end = out.toLowerCase().lastIndexOf('</body');
  return end < 0 ? out + pixel : out.slice(0, end) + pixel + out.slice(end);
}

// RFC 3986 characters only: in SMS a URL is often followed by Chinese text with no space.
const BARE_URL = /\bhttps?:\/\/[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+/gi;

/** A URL's end as people write it in prose: no trailing punctuation, no unmatched `)`. */
function trimProse(url: string): string {
  let end = url.length;
  for (;;) {
    const last = url[end - 1];
    const body = url.slice(0, end);
    if (last !== undefined && ".,;:!?'*".includes(last)) end -= 1;
    else if (last === ')' && body.split('(').length < body.split(')').length) end -= 1;
    else if (last === ']' && body.split('[').length < body.split(']').length) end -= 1;
    else return url.slice(0, end);
  }
}

/**
 * Tracks a plain-text body (SMS, push, text email): bare http(s) URLs go through the click
 * redirect. A URL ends at whitespace, at a non-ASCII character, or before trailing punctuation
 * (`.` `,` `;` `:` `!` `?` `'` `*` and an unmatched `)` or `]`), so a link ending in one of those
 * is tracked without it. Our own links are left as written.
 */
export function decorateText(text: string, links: TrackingLinks): string {
  return text.replace(BARE_URL, (match) => {
    const url = trimProse(match);
    if (!isWebUrl(url) || isTrackingUrl(url, links)) return match;
    return links.click(url) + match.slice(url.length);
  });
}
