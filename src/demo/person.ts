import { DAY, localFields, localTime, startOfLocalDay } from './calendar.js';
import { STREAM, type GenContext } from './context.js';
import {
  APP_VERSIONS,
  BROWSERS,
  PHONE_MODELS,
  TABLET_MODELS,
  type Browser,
  type PhoneModel,
} from './data/devices.js';
import {
  ENGLISH_FEMALE,
  ENGLISH_MALE,
  FEMALE_GIVEN_CHARS,
  MALE_GIVEN_CHARS,
  NICK_SUFFIXES,
  NICK_WORDS,
  SURNAME_WEIGHTS,
  SURNAMES,
  WESTERN_SURNAMES,
  type NamePart,
} from './data/names.js';
import {
  CITIES,
  CITY_WEIGHTS,
  COMPOUND_PREFIXES,
  COMPOUND_SUFFIXES,
  IP_FIRST_OCTETS,
  type City,
} from './data/places.js';
import { CATEGORIES } from './data/products.js';
import { PHONE_SLOT } from './ids.js';
import { cumulative, Rng, weylFlag } from './prng.js';
import { TAG, type TagBits } from './tags.js';
import type { Archetype } from './types.js';

export type OnlineChannel = 'web' | 'app' | 'mini';
export type OrderChannel = OnlineChannel | 'pos' | 'tmall';
export const ORDER_CHANNELS: readonly OrderChannel[] = ['web', 'app', 'mini', 'pos', 'tmall'];

export interface PhonePeriod {
  readonly number: string;
  readonly from: number;
  readonly to: number;
  /** Hard-case tag carried by every record showing this number. */
  readonly tags: TagBits;
}

export interface Address {
  readonly city: City;
  readonly district: string;
  readonly street: string;
  /** House number and flat, e.g. `123号绿城花园3幢2单元501室`. */
  readonly detail: string;
  readonly postcode: string;
}

export interface WebBrowser {
  readonly anonymousId: string;
  readonly browser: Browser;
  readonly from: number;
  readonly to: number;
  readonly tags: TagBits;
}

export interface AppInstall {
  readonly deviceId: string;
  readonly anonymousId: string;
  readonly model: PhoneModel;
  readonly osVersion: string;
  readonly appVersion: { version: string; build: string };
  readonly tablet: boolean;
  readonly from: number;
  readonly to: number;
  readonly tags: TagBits;
}

/** A family device: one app install or one browser used by two people (persons 2k and 2k+1). */
export interface Household {
  readonly key: number;
  readonly kind: 'app' | 'web';
  readonly app: AppInstall | undefined;
  readonly web: WebBrowser | undefined;
  readonly address: Address;
}

/** Person 4b+j (j ∈ {0,1}) gives up a number that person 4b+j+2 receives later. */
export interface RecycledPhone {
  readonly role: 'previous' | 'next';
  readonly number: string;
  readonly at: number;
}

export interface Person {
  readonly index: number;
  readonly id: string;
  readonly gender: '女' | '男';
  readonly name: string;
  /** Latin spelling for e-mail local parts: `zhangwei`, `vivian.chen`. */
  readonly latin: string;
  readonly english: boolean;
  readonly birthday: number;
  readonly address: Address;
  /** Main numbers over time (more than one when the number changed). */
  readonly phones: readonly PhonePeriod[];
  readonly secondPhone: PhonePeriod | undefined;
  readonly email: string | undefined;
  readonly archetype: Archetype;
  readonly categoryWeights: readonly number[];
  readonly online: Readonly<Record<OnlineChannel, boolean>>;
  readonly orderChannelWeights: readonly number[];
  readonly userId: string;
  readonly memberNo: string;
  readonly openid: string;
  readonly unionid: string;
  readonly miniAnonymousId: string;
  readonly taobaoId: string;
  readonly browsers: readonly WebBrowser[];
  readonly apps: readonly AppInstall[];
  readonly household: Household | undefined;
  readonly recycled: RecycledPhone | undefined;
  readonly giftee: { readonly name: string; readonly phone: string; readonly address: Address };
  readonly homeIp: string;
}

const ARCHETYPE_LIST: readonly Archetype[] = [
  'browser',
  'one_time',
  'repeat',
  'loyal',
  'promo_hunter',
  'lapsed',
];
const ARCHETYPE_CUMULATIVE = cumulative([35, 20, 14, 6, 10, 15]);
const CITY_CUMULATIVE = cumulative(CITY_WEIGHTS);
const SURNAME_CUMULATIVE = cumulative(SURNAME_WEIGHTS);
const PHONE_MODEL_CUMULATIVE = cumulative(PHONE_MODELS.map((m) => m.weight));
const TABLET_CUMULATIVE = cumulative(TABLET_MODELS.map((m) => m.weight));
const BROWSER_CUMULATIVE = cumulative(BROWSERS.map((b) => b.weight));
const DESKTOP_BROWSERS = BROWSERS.filter((b) => b.deviceType === 'desktop');

/** Multipliers of the low-discrepancy flags (different irrationals so they do not correlate). */
const GOLDEN = 0.6180339887498949;
const SILVER = 0.41421356237309515;
const PLASTIC = 0.7548776662466927;

const EMAIL_DOMAINS = [
  'qq.com',
  '163.com',
  '126.com',
  'foxmail.com',
  'sina.com',
  'icloud.com',
  'outlook.com',
  'gmail.com',
];
const EMAIL_DOMAIN_CUMULATIVE = cumulative([35, 20, 8, 5, 4, 10, 7, 5]);

/** Builds person `index` from its own PRNG stream plus the pair streams it belongs to. */
export function createPerson(ctx: GenContext, index: number): { person: Person; rng: Rng } {
  const rng = Rng.for(ctx.seed, STREAM.person, index);
  const { calendar, ids } = ctx;
  const start = calendar.start;
  const end = calendar.end;

  const gender: '女' | '男' = rng.chance(0.8) ? '女' : '男';
  const naming = makeName(rng, gender);
  const asOfYear = localFields(end).year;
  const age = 18 + Math.floor(Math.pow(rng.float(), 1.5) * 40);
  const birthday = localTime(asOfYear - age, 1, 1) + rng.int(365) * DAY;

  const household = householdOf(ctx, index);
  const address = household?.address ?? makeAddress(rng, rng.pickWeighted(CITIES, CITY_CUMULATIVE));

  // Main phone numbers over time; a recycled number splits the period at the hand-over.
  const recycled = recycledOf(ctx, index);
  const phones: PhonePeriod[] = [];
  if (recycled === undefined) {
    phones.push({ number: ids.phone(index, PHONE_SLOT.primary), from: start, to: end + DAY, tags: 0 });
  } else if (recycled.role === 'previous') {
    phones.push({ number: recycled.number, from: start, to: recycled.at, tags: TAG.recycled_phone });
    phones.push({
      number: ids.phone(index, PHONE_SLOT.replacement),
      from: recycled.at,
      to: end + DAY,
      tags: 0,
    });
  } else {
    phones.push({ number: ids.phone(index, PHONE_SLOT.primary), from: start, to: recycled.at, tags: 0 });
    phones.push({ number: recycled.number, from: recycled.at, to: end + DAY, tags: TAG.recycled_phone });
  }
  const secondPhone: PhonePeriod | undefined = weylFlag(
    index,
    ctx.proportions.secondPhone,
    PLASTIC,
    ctx.offsets.secondPhone,
  )
    ? { number: ids.phone(index, PHONE_SLOT.second), from: start, to: end + DAY, tags: TAG.second_phone }
    : undefined;

  const email = rng.chance(0.75) ? makeEmail(rng, ctx, index, naming) : undefined;
  const archetype = rng.pickWeighted(ARCHETYPE_LIST, ARCHETYPE_CUMULATIVE);

  // Category taste: one main category, one secondary, a little of everything else.
  const main = rng.int(CATEGORIES.length);
  const secondary = rng.int(CATEGORIES.length);
  const categoryWeights = cumulative(
    CATEGORIES.map((_, i) => (i === main ? 10 : 0) + (i === secondary ? 4 : 0) + 1),
  );

  // Channels: where the person browses and where they buy.
  const online = { web: rng.chance(0.4), app: rng.chance(0.35), mini: rng.chance(0.55) };
  const offlineOnly = archetype !== 'browser' && rng.chance(0.15);
  if (offlineOnly) {
    online.web = false;
    online.app = false;
    online.mini = false;
  } else if (!online.web && !online.app && !online.mini) {
    online.mini = true;
  }
  if (household !== undefined) online[household.kind === 'app' ? 'app' : 'web'] = true;
  const usesPos = offlineOnly ? rng.chance(0.6) : rng.chance(0.3);
  const usesTmall = archetype === 'promo_hunter' || offlineOnly ? true : rng.chance(0.35);
  const orderChannelWeights = cumulative([
    online.web ? 2 : 0,
    online.app ? 3 : 0,
    online.mini ? 3 : 0,
    usesPos || (!online.web && !online.app && !online.mini && !usesTmall) ? 3 : 0,
    usesTmall ? (archetype === 'promo_hunter' ? 8 : 4) : 0,
  ]);

  const browsers: WebBrowser[] = [];
  if (online.web) {
    const first: Browser = rng.pickWeighted(BROWSERS, BROWSER_CUMULATIVE);
    const switchAt = rng.chance(0.3) ? start + rng.int(end - start) : end + DAY;
    browsers.push({ anonymousId: rng.uuid(), browser: first, from: start, to: switchAt, tags: 0 });
    if (switchAt < end) {
      browsers.push({
        anonymousId: rng.uuid(),
        browser: rng.pickWeighted(BROWSERS, BROWSER_CUMULATIVE),
        from: switchAt,
        to: end + DAY,
        tags: 0,
      });
    }
  }
  const apps: AppInstall[] = [];
  if (online.app) {
    const switchAt = rng.chance(0.25) ? start + rng.int(end - start) : end + DAY;
    apps.push(
      makeAppInstall(rng, rng.pickWeighted(PHONE_MODELS, PHONE_MODEL_CUMULATIVE), start, switchAt, 0, false),
    );
    if (switchAt < end) {
      apps.push(
        makeAppInstall(
          rng,
          rng.pickWeighted(PHONE_MODELS, PHONE_MODEL_CUMULATIVE),
          switchAt,
          end + DAY,
          0,
          false,
        ),
      );
    }
  }

  const gifteeGender: '女' | '男' = rng.chance(0.85) ? '女' : '男';
  const giftee = {
    name: makeChineseName(rng, gifteeGender).name,
    phone: ids.phone(index, PHONE_SLOT.giftee),
    address: makeAddress(rng, rng.chance(0.5) ? address.city : rng.pickWeighted(CITIES, CITY_CUMULATIVE)),
  };

  const person: Person = {
    index,
    id: ids.personId(index),
    gender,
    name: naming.name,
    latin: naming.latin,
    english: naming.english,
    birthday,
    address,
    phones,
    secondPhone,
    email,
    archetype,
    categoryWeights,
    online,
    orderChannelWeights,
    userId: ids.userId(index),
    memberNo: ids.memberNo(index),
    openid: `o${rng.base62(5)}${rng.base62(22)}`,
    unionid: `o${rng.base62(5)}${rng.base62(22)}`,
    miniAnonymousId: rng.uuid(),
    taobaoId: makeTaobaoId(rng, ctx, index),
    browsers,
    apps,
    household,
    recycled,
    giftee,
    homeIp: randomIp(rng),
  };
  return { person, rng };
}

/** The main phone period in force at `t`. */
export function phoneAt(person: Person, t: number): PhonePeriod {
  for (const p of person.phones) if (t >= p.from && t < p.to) return p;
  const last = person.phones[person.phones.length - 1];
  if (last === undefined) throw new Error(`person ${person.id} has no phone`);
  return last;
}

/** The phone a record at `t` shows: mostly the main one, sometimes the second phone. */
export function phoneForRecord(person: Person, t: number, rng: Rng): PhonePeriod {
  if (person.secondPhone !== undefined && rng.chance(0.3)) return person.secondPhone;
  return phoneAt(person, t);
}

export function randomIp(rng: Rng): string {
  return `${rng.pick(IP_FIRST_OCTETS)}.${rng.int(256)}.${rng.int(256)}.${1 + rng.int(254)}`;
}

/** The household pair (2k, 2k+1) of `index`, when that pair shares a device. */
function householdOf(ctx: GenContext, index: number): Household | undefined {
  const key = index >>> 1;
  const partner = index ^ 1;
  if (partner >= ctx.people) return undefined;
  if (!weylFlag(key, ctx.proportions.sharedDevice, GOLDEN, ctx.offsets.household)) return undefined;
  const rng = Rng.for(ctx.seed, STREAM.household, key);
  const address = makeAddress(rng, rng.pickWeighted(CITIES, CITY_CUMULATIVE));
  const start = ctx.calendar.start;
  const to = ctx.calendar.end + DAY;
  if (rng.chance(0.6)) {
    const model = rng.pickWeighted(TABLET_MODELS, TABLET_CUMULATIVE);
    return {
      key,
      kind: 'app',
      app: makeAppInstall(rng, model, start, to, TAG.shared_device, true),
      web: undefined,
      address,
    };
  }
  return {
    key,
    kind: 'web',
    app: undefined,
    web: {
      anonymousId: rng.uuid(),
      browser: rng.pick(DESKTOP_BROWSERS),
      from: start,
      to,
      tags: TAG.shared_device,
    },
    address,
  };
}

/** Recycled-number pairs are (4b+j, 4b+j+2), j ∈ {0, 1}: the lower index held the number first. */
function recycledOf(ctx: GenContext, index: number): RecycledPhone | undefined {
  const upper = (index & 2) !== 0;
  const previous = upper ? index - 2 : index;
  const next = previous + 2;
  if (next >= ctx.people) return undefined;
  const key = (previous >>> 2) * 2 + (previous & 1);
  if (!weylFlag(key, ctx.proportions.recycledPhone, SILVER, ctx.offsets.recycle)) return undefined;
  const rng = Rng.for(ctx.seed, STREAM.recycle, key);
  const { start, end } = ctx.calendar;
  // At a local midnight, so even date-only exports fall on the right side of the hand-over.
  const at = startOfLocalDay(start + Math.floor((0.3 + 0.4 * rng.float()) * (end - start)));
  return { role: upper ? 'next' : 'previous', number: ctx.ids.phone(previous, PHONE_SLOT.primary), at };
}

function makeAppInstall(
  rng: Rng,
  model: PhoneModel,
  from: number,
  to: number,
  tags: TagBits,
  tablet: boolean,
): AppInstall {
  // iOS reports identifierForVendor (an upper-case UUID); Android an ANDROID_ID (16 hex digits).
  const deviceId = model.os === 'iOS' ? rng.uuid().toUpperCase() : rng.hex(16);
  return {
    deviceId,
    anonymousId: rng.uuid(),
    model,
    osVersion: rng.pick(model.osVersions),
    appVersion: rng.pick(APP_VERSIONS),
    tablet,
    from,
    to,
    tags,
  };
}

interface Naming {
  name: string;
  latin: string;
  english: boolean;
}

function makeName(rng: Rng, gender: '女' | '男'): Naming {
  if (rng.chance(0.85)) return makeChineseName(rng, gender);
  const first = rng.pick(gender === '女' ? ENGLISH_FEMALE : ENGLISH_MALE);
  if (rng.chance(0.7)) {
    const surname = rng.pickWeighted(SURNAMES, SURNAME_CUMULATIVE).pinyin;
    const last = surname.charAt(0).toUpperCase() + surname.slice(1);
    return { name: `${first} ${last}`, latin: `${first}.${last}`.toLowerCase(), english: true };
  }
  const last = rng.pick(WESTERN_SURNAMES);
  return {
    name: `${first} ${last}`,
    latin: `${first}.${last}`.toLowerCase().replace(/ü/gu, 'ue'),
    english: true,
  };
}

function makeChineseName(rng: Rng, gender: '女' | '男'): Naming {
  const surname = rng.pickWeighted(SURNAMES, SURNAME_CUMULATIVE);
  const chars: readonly NamePart[] = gender === '女' ? FEMALE_GIVEN_CHARS : MALE_GIVEN_CHARS;
  const given = rng.chance(0.3) ? [rng.pick(chars)] : [rng.pick(chars), rng.pick(chars)];
  return {
    name: surname.text + given.map((g) => g.text).join(''),
    latin: surname.pinyin + given.map((g) => g.pinyin).join(''),
    english: false,
  };
}

export function makeAddress(rng: Rng, city: City): Address {
  const compound = rng.pick(COMPOUND_PREFIXES) + rng.pick(COMPOUND_SUFFIXES);
  const detail = `${1 + rng.int(999)}号${compound}${1 + rng.int(30)}幢${1 + rng.int(4)}单元${1 + rng.int(32)}0${1 + rng.int(4)}室`;
  return {
    city,
    district: rng.pick(city.districts),
    street: rng.pick(city.streets),
    detail,
    postcode: city.postcode.slice(0, 4) + String(rng.int(100)).padStart(2, '0'),
  };
}

function makeEmail(rng: Rng, ctx: GenContext, index: number, naming: Naming): string {
  const domain = rng.pickWeighted(EMAIL_DOMAINS, EMAIL_DOMAIN_CUMULATIVE);
  if (domain === 'qq.com' && !naming.english) return `${ctx.ids.qqNumber(index)}@qq.com`;
  const sep = naming.english ? '' : rng.pick(['', '', '_']);
  return `${naming.latin}${sep}${ctx.ids.code(index)}@${domain === 'qq.com' ? 'foxmail.com' : domain}`;
}

function makeTaobaoId(rng: Rng, ctx: GenContext, index: number): string {
  const code = ctx.ids.code(index);
  return rng.chance(0.4) ? `tb${code}` : `${rng.pick(NICK_WORDS)}${rng.pick(NICK_SUFFIXES)}${code}`;
}
