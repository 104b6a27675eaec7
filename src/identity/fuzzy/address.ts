import { CHINESE_NUMERAL_CHARS, toArabic } from './chinese-numerals.js';
import {
  cityCore,
  districtCore,
  knownCity,
  knownProvince,
  KNOWN_DISTRICTS,
  matchDistrict,
  matchKnownCity,
  matchOneOf,
  matchProvince,
  provinceCore,
  type CityEntry,
} from './gazetteer.js';

/**
 * Chinese postal addresses as order reports and people write them:
 * `广东省 深圳市 罗湖区 科技园南路327号招商府30幢4单元1201室(518043)`, `深圳罗湖区 科技园南路 327号…`,
 * `广东深圳市罗湖区科技园南路327号招商府30栋四单元1201`, `…招商府30-4-1201`.
 */

export interface BuildingRef {
  /** Building (幢, 栋, 号楼, 座), as digits or an upper-case letter. */
  no?: string;
  unit?: string;
  room?: string;
}

export interface ParsedAddress {
  /** Full name when known (`广东省`), else as written with its suffix. */
  province?: string;
  /** Full name when known (`深圳市`); a municipality's city is the municipality. */
  city?: string;
  district?: string;
  /** Road and house number, e.g. `科技园南路327号`. */
  street?: string;
  building?: BuildingRef;
  postcode?: string;
  /** What is left: usually the name of the housing estate (`招商府`). */
  rest: string;
}

/** A parsed address reduced to comparable pieces (place names without suffixes). */
export interface PreparedAddress {
  readonly parsed: ParsedAddress;
  readonly province: string | undefined;
  readonly city: string | undefined;
  readonly district: string | undefined;
  readonly road: string | undefined;
  readonly number: string | undefined;
  readonly complex: string | undefined;
  readonly building: string | undefined;
  readonly unit: string | undefined;
  readonly room: string | undefined;
  readonly postcode: string | undefined;
}

export type AddressPart =
  | 'province'
  | 'city'
  | 'district'
  | 'road'
  | 'number'
  | 'complex'
  | 'building'
  | 'unit'
  | 'room'
  | 'postcode';

export interface AddressSimilarity {
  /** 0..1: how deep the addresses agree (1 = same flat, 0.65 = same house number, 0.15 = same city). */
  score: number;
  /** Parts present in both and equal, from the coarsest down. */
  agreements: AddressPart[];
  /** The first part present in both that differs (comparison stops there). */
  disagreement?: AddressPart;
}

const NOT_PLACE = '[^\\d路街道号巷弄]';
const CITY_BY_SUFFIX = new RegExp(`^(${NOT_PLACE}{2,7}?(?:自治州|地区|盟|市))`, 'u');
/** One character before 区 or 县 (沛县); two before 旗 or 市, or 红旗大街 would be a banner. */
const DISTRICT_BY_SUFFIX = [
  new RegExp(`^${NOT_PLACE}{1,7}?(?:新区|区|县)`, 'u'),
  new RegExp(`^${NOT_PLACE}{2,7}?(?:旗|市)`, 'u'),
];
/** 小区 (estate), 社区 (community) and 园区 (park) end in 区 but are not districts. */
const NOT_DISTRICT = /(小区|社区|园区)$/u;
const HOUSE_NUMBER = /^(\d+)号(?!楼|院)/u;
const ROAD_AND_NUMBER = /^([^\d]*?)(\d+)号(?!楼|院)/u;
const ROAD_BY_SUFFIX = /^([^\d]{1,12}?(?:大道|大街|路|街|道|巷|弄|胡同))/u;
const CN = CHINESE_NUMERAL_CHARS;
const COMPACT_BUILDING = /(\d+)-(\d+)-(\d+)(?:室|房|号)?/u;
const BUILDING_NO = new RegExp(`([A-Za-z]|\\d+|[${CN}]+)(?:幢|栋|号楼|座)`, 'u');
const UNIT_NO = new RegExp(`(\\d+|[${CN}]+)单元`, 'u');
/** A room in digits, or in Chinese numerals when 室 or 房 says it is one (一二零一室). */
const ROOM_AFTER = new RegExp(`^(?:(\\d+)(?:室|房|号)?|([${CN}]+)(?:室|房))`, 'u');
const ROOM_ANYWHERE = new RegExp(`(?:(\\d+)|([${CN}]+))(?:室|房)`, 'u');
const POSTCODE = [/\(\s*(\d{6})\s*\)\s*$/u, /(?:邮编|邮政编码)\s*[:：]?\s*(\d{6})\s*$/u, /\s(\d{6})\s*$/u];

/**
 * Splits an address into province, city, district, street (road and number), building, unit,
 * room, postcode and the rest. Full-width characters, missing spaces, missing suffixes
 * (广东 深圳 罗湖区), municipalities written once or twice (上海 上海市), 幢/栋/号楼, Chinese
 * numerals (四单元) and the compact `3-2-501` are understood. Never throws: what it does not
 * recognise stays in `rest`.
 */
export function parseAddress(raw: string): ParsedAddress {
  let s = raw.normalize('NFKC');
  let postcode: string | undefined;
  for (const re of POSTCODE) {
    const m = re.exec(s);
    if (m?.[1] !== undefined) {
      postcode = m[1];
      s = s.slice(0, m.index);
      break;
    }
  }
  s = s.replace(/[\s\p{Cf},，、]+/gu, '');
  const region = takeRegion(s);
  const district = takeDistrict(region.rest, region);
  const street = takeStreet(district.rest, region.known);
  const { building, rest } = parseBuilding(street.rest);
  const out: ParsedAddress = { rest };
  if (region.province !== undefined) out.province = region.province;
  if (region.city !== undefined) out.city = region.city;
  if (district.value !== undefined) out.district = district.value;
  if (street.value !== undefined) out.street = street.value;
  if (building !== undefined) out.building = building;
  if (postcode !== undefined) out.postcode = postcode;
  return out;
}

interface Region {
  province: string | undefined;
  city: string | undefined;
  /** The city when the gazetteer knows it (its districts and streets). */
  known: CityEntry | undefined;
  rest: string;
}

/** Province and city, by name (with or without suffix) or by suffix. */
function takeRegion(s: string): Region {
  const province = matchProvince(s);
  let rest = province !== undefined ? s.slice(province.length) : s;
  if (province?.entry.municipality === true) {
    // 上海 上海市 浦东新区: the municipality may be written twice.
    const again = [province.entry.full, province.entry.short].find((n) => rest.startsWith(n));
    if (again !== undefined) rest = rest.slice(again.length);
    const full = province.entry.full;
    return { province: full, city: full, known: knownCity(full), rest };
  }
  const city = matchKnownCity(rest);
  if (city !== undefined) {
    // 上海浦东新区 with no province before it: the city is the municipality.
    const municipality = knownProvince(city.entry.full)?.municipality === true;
    return {
      province: province?.entry.full ?? (municipality ? city.entry.full : undefined),
      city: city.entry.full,
      known: city.entry,
      rest: rest.slice(city.length),
    };
  }
  const bySuffix = CITY_BY_SUFFIX.exec(rest)?.[0];
  return {
    province: province?.entry.full,
    city: bySuffix,
    known: undefined,
    rest: bySuffix !== undefined ? rest.slice(bySuffix.length) : rest,
  };
}

interface Taken {
  value: string | undefined;
  rest: string;
}

/** A district of the known city, any known district when no city is written, else by suffix. */
function takeDistrict(s: string, region: Region): Taken {
  let name: string | undefined;
  let length = 0;
  if (region.known !== undefined) {
    const m = matchDistrict(s, region.known);
    if (m !== undefined) [name, length] = [m.name, m.length];
  } else if (region.city === undefined) {
    name = matchOneOf(s, KNOWN_DISTRICTS);
    length = name?.length ?? 0;
  }
  if (name === undefined) {
    // The shortest name that ends like a district: 喀什市 in 喀什市阳光小区.
    for (const re of DISTRICT_BY_SUFFIX) {
      const m = re.exec(s)?.[0];
      if (m !== undefined && !NOT_DISTRICT.test(m) && (name === undefined || m.length < name.length))
        name = m;
    }
    length = name?.length ?? 0;
  }
  return { value: name, rest: s.slice(length) };
}

/** Road and house number (`科技园南路327号`): a known road of the city, or up to `<n>号`, or a road word. */
function takeStreet(s: string, city: CityEntry | undefined): Taken {
  const road = city !== undefined ? matchOneOf(s, city.streets) : undefined;
  if (road !== undefined) {
    const n = HOUSE_NUMBER.exec(s.slice(road.length));
    if (n?.[1] === undefined) return { value: road, rest: s.slice(road.length) };
    return { value: `${road}${toArabic(n[1]) ?? n[1]}号`, rest: s.slice(road.length + n[0].length) };
  }
  const m = ROAD_AND_NUMBER.exec(s) ?? ROAD_BY_SUFFIX.exec(s);
  if (m?.[1] === undefined) return { value: undefined, rest: s };
  const number = m[2];
  return {
    value: number !== undefined ? `${m[1]}${toArabic(number) ?? number}号` : m[1],
    rest: s.slice(m[0].length),
  };
}

function parseBuilding(s: string): { building: BuildingRef | undefined; rest: string } {
  const spans: (readonly [number, number])[] = [];
  const building: BuildingRef = {};
  const compact = COMPACT_BUILDING.exec(s);
  if (compact !== null) {
    building.no = canonicalNumber(compact[1] ?? '');
    building.unit = canonicalNumber(compact[2] ?? '');
    building.room = canonicalNumber(compact[3] ?? '');
    spans.push([compact.index, compact.index + compact[0].length]);
  } else {
    let after = 0;
    const b = BUILDING_NO.exec(s);
    if (b !== null) {
      building.no = canonicalNumber(b[1] ?? '');
      after = b.index + b[0].length;
      spans.push([b.index, after]);
    }
    const u = UNIT_NO.exec(s.slice(after));
    if (u !== null) {
      building.unit = canonicalNumber(u[1] ?? '');
      const start = after + u.index;
      after = start + u[0].length;
      spans.push([start, after]);
    }
    const r = b !== null || u !== null ? ROOM_AFTER.exec(s.slice(after)) : ROOM_ANYWHERE.exec(s);
    if (r !== null) {
      building.room = canonicalNumber(r[1] ?? r[2] ?? '');
      const start = b !== null || u !== null ? after : r.index;
      spans.push([start, start + r[0].length]);
    }
  }
  let rest = '';
  let at = 0;
  for (const [start, end] of spans.sort((x, y) => x[0] - y[0])) {
    rest += s.slice(at, start);
    at = end;
  }
  rest = (rest + s.slice(at)).replace(/^[\p{P}]+|[\p{P}]+$/gu, '');
  const found = building.no !== undefined || building.unit !== undefined || building.room !== undefined;
  return { building: found ? building : undefined, rest };
}

function canonicalNumber(s: string): string {
  return /^[A-Za-z]$/u.test(s) ? s.toUpperCase() : (toArabic(s) ?? s);
}

/**
 * Writes a parsed address in the seller-report layout: `广东省 深圳市 罗湖区 科技园南路327号招商府
 * 30幢4单元1201室(518043)` (a municipality once). `parseAddress` reads it back.
 */
export function formatAddress(p: ParsedAddress): string {
  const parts: string[] = [];
  if (p.province !== undefined && p.province !== p.city) parts.push(p.province);
  if (p.city !== undefined) parts.push(p.city);
  if (p.district !== undefined) parts.push(p.district);
  const b = p.building;
  const tail =
    (p.street ?? '') +
    p.rest +
    (b?.no !== undefined ? `${b.no}幢` : '') +
    (b?.unit !== undefined ? `${b.unit}单元` : '') +
    (b?.room !== undefined ? `${b.room}室` : '');
  if (tail.length > 0) parts.push(tail);
  return parts.join(' ') + (p.postcode !== undefined ? `(${p.postcode})` : '');
}

/** Parses (unless already parsed) and reduces an address to comparable pieces, once. */
export function prepareAddress(a: string | ParsedAddress): PreparedAddress {
  const parsed = typeof a === 'string' ? parseAddress(a) : a;
  const known = parsed.city !== undefined ? knownCity(parsed.city) : undefined;
  const province = parsed.province ?? known?.province;
  const street = parsed.street !== undefined ? /^(.*?)(?:(\d+)号)?$/u.exec(parsed.street) : null;
  const road = street?.[1];
  const complex = parsed.rest.replace(/[\s\p{P}\p{S}]/gu, '');
  return {
    parsed,
    province: province !== undefined ? provinceCore(province) : undefined,
    city: parsed.city !== undefined ? cityCore(parsed.city) : undefined,
    district: parsed.district !== undefined ? districtCore(parsed.district) : undefined,
    road: road !== undefined && road.length > 0 ? road : undefined,
    number: street?.[2],
    complex: complex.length > 0 ? complex : undefined,
    building: parsed.building?.no,
    unit: parsed.building?.unit,
    room: parsed.building?.room,
    postcode: parsed.postcode,
  };
}

/** Compared coarsest first; a part's score is reached when it and everything compared above agree. */
const LEVELS: readonly (readonly [Exclude<AddressPart, 'postcode'>, number])[] = [
  ['province', 0.05],
  ['city', 0.15],
  ['district', 0.3],
  ['road', 0.45],
  ['number', 0.65],
  ['complex', 0.65],
  ['building', 0.8],
  ['unit', 0.88],
  ['room', 1],
];

/**
 * Compares two addresses from the province down: parts missing on either side are skipped, the
 * first part that differs ends the comparison, and the score is that of the deepest part agreed
 * on. Building, unit and room only count once the house number or the estate has agreed (two
 * `3幢2单元501室` in one district are not the same flat). Exactly symmetric.
 */
export function addressSimilarity(
  a: string | ParsedAddress | PreparedAddress,
  b: string | ParsedAddress | PreparedAddress,
): AddressSimilarity {
  const pa = isPrepared(a) ? a : prepareAddress(a);
  const pb = isPrepared(b) ? b : prepareAddress(b);
  const agreements: AddressPart[] = [];
  let score = 0;
  let siteAgreed = false;
  let disagreement: AddressPart | undefined;
  for (const [part, value] of LEVELS) {
    const x = pa[part];
    const y = pb[part];
    if (x === undefined || y === undefined) continue;
    const same = part === 'complex' ? complexAgrees(x, y) : x === y;
    if (!same) {
      disagreement = part;
      break;
    }
    agreements.push(part);
    if (part === 'number' || part === 'complex') siteAgreed = true;
    if (value <= 0.65 || siteAgreed) score = value;
  }
  if (pa.postcode !== undefined && pa.postcode === pb.postcode) agreements.push('postcode');
  return disagreement === undefined ? { score, agreements } : { score, agreements, disagreement };
}

/** Estate names agree when equal or when one contains the other (招商府 / 招商府小区). */
function complexAgrees(x: string, y: string): boolean {
  return x === y || (Math.min(x.length, y.length) >= 2 && (x.includes(y) || y.includes(x)));
}

function isPrepared(a: string | ParsedAddress | PreparedAddress): a is PreparedAddress {
  return typeof a !== 'string' && 'parsed' in a;
}
