import { roleAllows, type Role } from './roles.js';

/**
 * Personal data, classified per field and masked by role (DESIGN.md "Governance and security"):
 * identifier types and trait or property keys each have a kind, and callers below the workspace's
 * `piiRole` see masked values — 138****5678, l***@163.com, 王**, 浙江省杭州市****, 33****12.
 * What is masked stays recognisable enough to tell people apart in a list, never enough to
 * contact them.
 */

export const PII_KINDS = ['phone', 'email', 'name', 'address', 'id', 'date', 'none'] as const;
export type PiiKind = (typeof PII_KINDS)[number];

/** The fields that hold personal data unless configuration says otherwise. */
export const DEFAULT_PII: Readonly<Record<string, PiiKind>> = {
  phone: 'phone',
  mobile: 'phone',
  email: 'email',
  name: 'name',
  real_name: 'name',
  first_name: 'name',
  last_name: 'name',
  full_name: 'name',
  contact_name: 'name',
  address: 'address',
  street: 'address',
  shipping_address: 'address',
  id_card: 'id',
  id_number: 'id',
  passport: 'id',
  wechat_openid: 'id',
  wechat_unionid: 'id',
  taobao_id: 'id',
  ip: 'id',
  birthday: 'date',
  // The column names of Chinese exports (CRM members, Tmall orders), as rejected import rows keep them.
  手机号: 'phone',
  手机: 'phone',
  手机号码: 'phone',
  联系电话: 'phone',
  联系手机: 'phone',
  邮箱: 'email',
  电子邮箱: 'email',
  姓名: 'name',
  收货人姓名: 'name',
  收货人: 'name',
  地址: 'address',
  收货地址: 'address',
  详细地址: 'address',
  身份证号: 'id',
  买家会员名: 'id',
  生日: 'date',
};

const STAR = '*';

function maskPhone(v: string): string {
  const digits = v.replace(/\D/g, '');
  if (digits.length < 7) return STAR.repeat(v.length);
  // A mainland number keeps +86 and then reads as people write it: 138****5678.
  const [prefix, local] = v.startsWith('+86')
    ? ['+86', digits.slice(2)]
    : [v.startsWith('+') ? '+' : '', digits];
  return `${prefix}${local.slice(0, 3)}${STAR.repeat(Math.max(1, local.length - 7))}${local.slice(-4)}`;
}

function maskEmail(v: string): string {
  const at = v.lastIndexOf('@');
  if (at <= 0) return STAR.repeat(Math.min(8, v.length));
  return `${v[0]}***${v.slice(at)}`;
}

function maskName(v: string): string {
  const chars = [...v];
  return chars.length <= 1 ? STAR : chars[0] + STAR.repeat(chars.length - 1);
}

function maskAddress(v: string): string {
  const chars = [...v];
  return chars.length <= 6 ? STAR.repeat(chars.length) : `${chars.slice(0, 6).join('')}****`;
}

function maskId(v: string): string {
  const chars = [...v];
  return chars.length <= 6
    ? STAR.repeat(chars.length)
    : `${chars.slice(0, 2).join('')}****${chars.slice(-2).join('')}`;
}

function maskDate(v: string): string {
  // The year stays (an age band), the day does not: 1990-**-**; a yearless birthday is all stars.
  return /^\d{4}-/.test(v) ? `${v.slice(0, 4)}-**-**` : '**-**';
}

/** One value masked as its kind asks; non-text values of a personal field are hidden whole. */
export function maskValue(kind: PiiKind, value: unknown): unknown {
  if (kind === 'none' || value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map((x) => maskValue(kind, x));
  if (typeof value !== 'string') return typeof value === 'number' ? STAR.repeat(4) : value;
  switch (kind) {
    case 'phone':
      return maskPhone(value);
    case 'email':
      return maskEmail(value);
    case 'name':
      return maskName(value);
    case 'address':
      return maskAddress(value);
    case 'id':
      return maskId(value);
    case 'date':
      return maskDate(value);
  }
}

export interface PiiConfig {
  pii: Readonly<Record<string, PiiKind>>;
  piiRole: Role;
}

/** A caller's view of personal data: in the clear, or masked by field. */
export class PiiView {
  private constructor(
    private readonly kinds: ReadonlyMap<string, PiiKind>,
    readonly clear: boolean,
  ) {}

  static for(role: Role, config: PiiConfig): PiiView {
    return new PiiView(
      new Map(Object.entries({ ...DEFAULT_PII, ...config.pii })),
      roleAllows(role, config.piiRole),
    );
  }

  kindOf(field: string): PiiKind {
    return this.kinds.get(field) ?? this.kinds.get(field.toLowerCase()) ?? 'none';
  }

  /** A value of a field (an identifier type, a trait or property key). */
  value(field: string, value: unknown): unknown {
    return this.clear ? value : maskValue(this.kindOf(field), value);
  }

  /** An object of fields (traits, properties), nested objects included. */
  fields<T extends Record<string, unknown> | null | undefined>(o: T): T {
    if (this.clear || o === null || o === undefined) return o;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
      const kind = this.kindOf(k);
      out[k] =
        kind !== 'none'
          ? maskValue(kind, v)
          : v !== null && typeof v === 'object' && !Array.isArray(v)
            ? this.fields(v as Record<string, unknown>)
            : v;
    }
    return out as T;
  }

  /**
   * A rejected record's payload: a message (masked as an event), or an import row (its columns
   * masked by name). A line that could not even be read is hidden whole from a masked view.
   */
  rejectedPayload(payload: unknown): unknown {
    if (this.clear || payload === null || typeof payload !== 'object' || Array.isArray(payload))
      return this.clear || typeof payload !== 'string' ? payload : '[hidden]';
    const p = payload as Record<string, unknown>;
    const row =
      p.record && typeof p.record === 'object'
        ? { record: this.fields(p.record as Record<string, unknown>) }
        : {};
    const raw = typeof p.raw === 'string' ? { raw: '[hidden]' } : {};
    return 'record' in p || 'raw' in p ? { ...p, ...row, ...raw } : this.event(p);
  }

  /** Identifiers as `{ type, value, … }` rows. */
  identifiers<T extends { type: string; value: string }>(rows: readonly T[] | null): T[] | null {
    if (rows === null) return null;
    return this.clear ? [...rows] : rows.map((r) => ({ ...r, value: this.value(r.type, r.value) as string }));
  }

  /** A stored event as the events API lists it: its traits, properties and context traits and external ids. */
  event<T extends Record<string, unknown>>(e: T): T {
    if (this.clear) return e;
    const out: Record<string, unknown> = { ...e };
    for (const k of ['traits', 'properties'] as const)
      if (out[k] && typeof out[k] === 'object') out[k] = this.fields(out[k] as Record<string, unknown>);
    const context = out.context as Record<string, unknown> | undefined;
    if (context && typeof context === 'object') {
      const c: Record<string, unknown> = { ...context };
      if (c.traits && typeof c.traits === 'object')
        c.traits = this.fields(c.traits as Record<string, unknown>);
      if (Array.isArray(c.externalIds))
        c.externalIds = (c.externalIds as Array<{ type?: unknown; id?: unknown }>).map((x) =>
          typeof x?.type === 'string' ? { ...x, id: this.value(x.type, x.id) } : x,
        );
      if (typeof c.ip === 'string') c.ip = this.value('ip', c.ip);
      out.context = c;
    }
    return out as T;
  }
}
