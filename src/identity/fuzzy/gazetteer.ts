import { CITIES } from '../../demo/data/places.js';

/**
 * Place names an address parser recognises without their suffixes: every provincial-level
 * division of China, and the cities (with their districts and streets) of the demo brand's
 * customers from `src/demo/data/places.ts`. Places not listed here are still parsed by their
 * suffixes (省, 市, 区, 县, …) when the address writes them.
 */

export interface ProvinceEntry {
  readonly full: string;
  readonly short: string;
  /** 北京, 上海, 天津, 重庆: province and city at once. */
  readonly municipality: boolean;
}

export interface CityEntry {
  readonly full: string;
  readonly short: string;
  readonly province: string;
  /** Longest first, so that a prefix match takes the whole name. */
  readonly districts: readonly string[];
  /** `[name without suffix, full name]`, longest first: 罗湖 → 罗湖区, 浦东 → 浦东新区. */
  readonly districtCores: readonly (readonly [string, string])[];
  readonly streets: readonly string[];
}

const PROVINCE_NAMES = `北京市 天津市 上海市 重庆市 河北省 山西省 辽宁省 吉林省 黑龙江省 江苏省 浙江省 安徽省
福建省 江西省 山东省 河南省 湖北省 湖南省 广东省 海南省 四川省 贵州省 云南省 陕西省 甘肃省 青海省 台湾省
内蒙古自治区 广西壮族自治区 西藏自治区 宁夏回族自治区 新疆维吾尔自治区 香港特别行政区 澳门特别行政区`;

const MUNICIPALITIES = new Set(['北京市', '天津市', '上海市', '重庆市']);

/** 广西壮族自治区 → 广西, 浙江省 → 浙江, 上海市 → 上海. */
export function provinceCore(name: string): string {
  const core = name.replace(/(特别行政区|壮族自治区|回族自治区|维吾尔自治区|自治区|省|市)$/u, '');
  return core.length > 0 ? core : name;
}

/** 杭州市 → 杭州, 延边朝鲜族自治州 → 延边朝鲜族, 大兴安岭地区 → 大兴安岭. */
export function cityCore(name: string): string {
  const core = name.replace(/(自治州|地区|盟|市)$/u, '');
  return core.length > 0 ? core : name;
}

/** 浦东新区 → 浦东, 西湖区 → 西湖, 南城街道 → 南城, 昆山市 → 昆山. */
export function districtCore(name: string): string {
  const core = name.replace(/(新区|街道|区|县|旗|市)$/u, '');
  return core.length > 0 ? core : name;
}

export const PROVINCES: readonly ProvinceEntry[] = PROVINCE_NAMES.split(/\s+/u)
  .filter((s) => s.length > 0)
  .map((full) => ({ full, short: provinceCore(full), municipality: MUNICIPALITIES.has(full) }));

const byLengthDesc = (x: string, y: string): number => y.length - x.length;

export const KNOWN_CITIES: readonly CityEntry[] = CITIES.map((c) => ({
  full: c.city,
  short: cityCore(c.city),
  province: c.province,
  districts: [...c.districts].sort(byLengthDesc),
  districtCores: c.districts
    .map((d) => [districtCore(d), d] as const)
    .filter(([core, full]) => core !== full && core.length >= 2)
    .sort((x, y) => byLengthDesc(x[0], y[0])),
  streets: [...c.streets].sort(byLengthDesc),
}));

/** Full and short names → entry, longest names first for prefix matching. */
const PROVINCE_NAMES_DESC: readonly (readonly [string, ProvinceEntry])[] = PROVINCES.flatMap((p) => [
  [p.full, p] as const,
  [p.short, p] as const,
]).sort((x, y) => byLengthDesc(x[0], y[0]));

const CITY_NAMES_DESC: readonly (readonly [string, CityEntry])[] = KNOWN_CITIES.flatMap((c) => [
  [c.full, c] as const,
  [c.short, c] as const,
]).sort((x, y) => byLengthDesc(x[0], y[0]));

/** After a place's short name, these make it a street name (北京路, 温州大道, 四川北路). */
const ROAD_WORD = /^[东南西北中]?(?:大道|大街|路|街|道|巷)/u;
/** A road name comes next. */
const ROAD_AHEAD = /^[^\d]{1,12}?(?:大道|大街|路|街|道|巷|弄|胡同)/u;

const CITY_BY_CORE = new Map<string, CityEntry>(KNOWN_CITIES.map((c) => [c.short, c]));
const PROVINCE_BY_CORE = new Map<string, ProvinceEntry>(PROVINCES.map((p) => [p.short, p]));

/**
 * The province `s` starts with, and how many characters name it. A short name followed by 市 is
 * a city of the same name (吉林市 in 吉林省), and one followed by a road word is a street
 * (北京路 in 昆明), so neither counts.
 */
export function matchProvince(s: string): { entry: ProvinceEntry; length: number } | undefined {
  for (const [name, entry] of PROVINCE_NAMES_DESC) {
    if (!s.startsWith(name)) continue;
    const next = s.charAt(name.length);
    if (name === entry.short && (next === '市' || ROAD_WORD.test(s.slice(name.length)))) continue;
    return { entry, length: name.length };
  }
  return undefined;
}

/**
 * The known city `s` starts with (full or short name). When a district of the city follows the
 * short name, the short name wins: 青岛市南区 is 青岛 + 市南区, and 哈尔滨道里区 is no road. A short
 * name followed by a road word and no district is a street (北京路, 温州大道).
 */
export function matchKnownCity(s: string): { entry: CityEntry; length: number } | undefined {
  for (const [name, entry] of CITY_NAMES_DESC) {
    if (!s.startsWith(name)) continue;
    const afterShort = s.slice(entry.short.length);
    if (s.startsWith(entry.short) && matchOneOf(afterShort, entry.districts) !== undefined) {
      return { entry, length: entry.short.length };
    }
    if (name === entry.short && ROAD_WORD.test(afterShort)) continue;
    return { entry, length: name.length };
  }
  return undefined;
}

/** Every district of the known cities, longest first (for addresses that omit the city). */
export const KNOWN_DISTRICTS: readonly string[] = [...new Set(KNOWN_CITIES.flatMap((c) => c.districts))].sort(
  byLengthDesc,
);

/**
 * The district of a known city that `s` starts with, written in full or without its suffix
 * (深圳罗湖科技园南路 → 罗湖区), as its full name. A short name counts only before a street, and
 * not when it is the start of one (天河路).
 */
export function matchDistrict(s: string, city: CityEntry): { name: string; length: number } | undefined {
  const full = matchOneOf(s, city.districts);
  if (full !== undefined) return { name: full, length: full.length };
  for (const [core, name] of city.districtCores) {
    if (!s.startsWith(core)) continue;
    const rest = s.slice(core.length);
    // Only before a street: 杭州滨江国际 is an estate called 滨江国际, not 滨江区 + 国际.
    if (ROAD_WORD.test(rest) || (matchOneOf(rest, city.streets) === undefined && !ROAD_AHEAD.test(rest)))
      continue;
    return { name, length: core.length };
  }
  return undefined;
}

/** The longest of `names` that `s` starts with. `names` must be sorted longest first. */
export function matchOneOf(s: string, names: readonly string[]): string | undefined {
  for (const name of names) if (s.startsWith(name)) return name;
  return undefined;
}

/** The known city with this name (any form), for its province and districts. */
export function knownCity(name: string): CityEntry | undefined {
  return CITY_BY_CORE.get(cityCore(name));
}

/** The province with this name (any form). */
export function knownProvince(name: string): ProvinceEntry | undefined {
  return PROVINCE_BY_CORE.get(provinceCore(name));
}
