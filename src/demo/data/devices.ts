/**
 * Devices, operating systems and user agents as the brand's trackers report them
 * (Segment `context.device` / `context.os` / `context.userAgent`).
 */

export interface PhoneModel {
  readonly manufacturer: string;
  /** The hardware model string an SDK reports (e.g. `iPhone15,2`, `ELS-AN00`). */
  readonly model: string;
  readonly os: 'iOS' | 'Android';
  readonly osVersions: readonly string[];
  readonly weight: number;
}

export const PHONE_MODELS: readonly PhoneModel[] = [
  {
    manufacturer: 'Apple',
    model: 'iPhone14,5',
    os: 'iOS',
    osVersions: ['16.6', '17.4', '17.6.1'],
    weight: 10,
  },
  {
    manufacturer: 'Apple',
    model: 'iPhone15,2',
    os: 'iOS',
    osVersions: ['17.5.1', '18.0', '18.1'],
    weight: 10,
  },
  {
    manufacturer: 'Apple',
    model: 'iPhone15,4',
    os: 'iOS',
    osVersions: ['17.6.1', '18.1', '18.3'],
    weight: 9,
  },
  { manufacturer: 'Apple', model: 'iPhone16,1', os: 'iOS', osVersions: ['18.1', '18.3', '18.5'], weight: 8 },
  { manufacturer: 'Apple', model: 'iPhone13,2', os: 'iOS', osVersions: ['16.7', '17.2'], weight: 5 },
  { manufacturer: 'HUAWEI', model: 'ALN-AL00', os: 'Android', osVersions: ['12'], weight: 7 },
  { manufacturer: 'HUAWEI', model: 'ELS-AN00', os: 'Android', osVersions: ['10', '12'], weight: 4 },
  { manufacturer: 'Xiaomi', model: '2211133C', os: 'Android', osVersions: ['13', '14'], weight: 6 },
  { manufacturer: 'Xiaomi', model: '23127PN0CC', os: 'Android', osVersions: ['14'], weight: 5 },
  { manufacturer: 'OPPO', model: 'PHB110', os: 'Android', osVersions: ['13', '14'], weight: 5 },
  { manufacturer: 'vivo', model: 'V2227A', os: 'Android', osVersions: ['13', '14'], weight: 5 },
  { manufacturer: 'HONOR', model: 'PGT-AN10', os: 'Android', osVersions: ['13', '14'], weight: 4 },
  { manufacturer: 'OnePlus', model: 'PJD110', os: 'Android', osVersions: ['14'], weight: 2 },
];

export const TABLET_MODELS: readonly PhoneModel[] = [
  { manufacturer: 'Apple', model: 'iPad13,18', os: 'iOS', osVersions: ['17.5', '18.1'], weight: 6 },
  { manufacturer: 'HUAWEI', model: 'DBY2-W00', os: 'Android', osVersions: ['12'], weight: 3 },
  { manufacturer: 'Xiaomi', model: '23043RP34C', os: 'Android', osVersions: ['13'], weight: 3 },
];

export interface Browser {
  readonly userAgent: string;
  readonly deviceType: 'desktop' | 'mobile';
  readonly manufacturer: string;
  readonly model: string;
  readonly os: string;
  readonly osVersion: string;
  readonly weight: number;
}

export const BROWSERS: readonly Browser[] = [
  {
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
    deviceType: 'desktop',
    manufacturer: 'PC',
    model: 'Windows',
    os: 'Windows',
    osVersion: '10',
    weight: 8,
  },
  {
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
    deviceType: 'desktop',
    manufacturer: 'PC',
    model: 'Windows',
    os: 'Windows',
    osVersion: '11',
    weight: 4,
  },
  {
    userAgent:
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
    deviceType: 'desktop',
    manufacturer: 'Apple',
    model: 'Macintosh',
    os: 'Mac OS X',
    osVersion: '10.15.7',
    weight: 5,
  },
  {
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    deviceType: 'mobile',
    manufacturer: 'Apple',
    model: 'iPhone',
    os: 'iOS',
    osVersion: '17.5',
    weight: 7,
  },
  {
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x1800323c) NetType/WIFI Language/zh_CN',
    deviceType: 'mobile',
    manufacturer: 'Apple',
    model: 'iPhone',
    os: 'iOS',
    osVersion: '18.1',
    weight: 6,
  },
  {
    userAgent:
      'Mozilla/5.0 (Linux; Android 12; ALN-AL00 Build/HUAWEIALN-AL00; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/114.0.5735.196 Mobile Safari/537.36 MicroMessenger/8.0.49.2600(0x28003133) NetType/5G Language/zh_CN',
    deviceType: 'mobile',
    manufacturer: 'HUAWEI',
    model: 'ALN-AL00',
    os: 'Android',
    osVersion: '12',
    weight: 5,
  },
  {
    userAgent:
      'Mozilla/5.0 (Linux; U; Android 14; zh-cn; 23127PN0CC Build/UKQ1.230804.001) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/109.0.5414.118 Mobile Safari/537.36 XiaoMi/MiuiBrowser/18.5.40902',
    deviceType: 'mobile',
    manufacturer: 'Xiaomi',
    model: '23127PN0CC',
    os: 'Android',
    osVersion: '14',
    weight: 4,
  },
];

/** App user agents per OS as the native SDKs send them. */
export function appUserAgent(
  os: 'iOS' | 'Android',
  osVersion: string,
  appVersion: string,
  model: string,
): string {
  return os === 'iOS'
    ? `QingyanBeauty/${appVersion} (iPhone; iOS ${osVersion}; Scale/3.00)`
    : `Dalvik/2.1.0 (Linux; U; Android ${osVersion}; ${model} Build/UP1A) QingyanBeauty/${appVersion}`;
}

export const APP_VERSIONS: readonly { version: string; build: string }[] = [
  { version: '3.2.0', build: '320' },
  { version: '3.4.1', build: '341' },
  { version: '3.6.0', build: '360' },
  { version: '4.0.2', build: '402' },
];

export const MINIPROGRAM_VERSION = '2.8.5';
