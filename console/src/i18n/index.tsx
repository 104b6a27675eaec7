import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en, zhCN, type MessageKey, type Messages } from './messages';

export type { MessageKey } from './messages';

export type Lang = 'zh-CN' | 'en';
export const LANGS: readonly Lang[] = ['zh-CN', 'en'];
const DICTIONARIES: Record<Lang, Messages> = { 'zh-CN': zhCN, en };
const STORAGE_KEY = 'tessera.lang';

export type Vars = Record<string, string | number>;

const fill = (template: string, vars: Vars | undefined): string =>
  vars ? template.replace(/\{(\w+)\}/g, (m, name: string) => String(vars[name] ?? m)) : template;

const isLang = (v: unknown): v is Lang => typeof v === 'string' && (LANGS as readonly string[]).includes(v);

function storedLang(): Lang {
  try {
    const v = window.localStorage.getItem(STORAGE_KEY);
    return isLang(v) ? v : 'zh-CN';
  } catch (err) {
    // Storage can be off (private mode, policies): the default language then, every time.
    console.warn('language preference unavailable', err);
    return 'zh-CN';
  }
}

export interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  /** The text of a key in the current language, with `{name}` placeholders filled. */
  t: (key: MessageKey, vars?: Vars) => string;
  /**
   * The text of a key built from data (a status, a tag value), or undefined when the dictionary
   * has no such key: callers show the raw value then.
   */
  tryT: (key: string, vars?: Vars) => string | undefined;
  formatDate: (iso: string | number | null | undefined) => string;
  formatNumber: (n: number, options?: Intl.NumberFormatOptions) => string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }): React.JSX.Element {
  const [lang, setLangState] = useState<Lang>(storedLang);
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch (err) {
      console.warn('language preference not saved', err);
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const value = useMemo<I18n>(() => {
    const dict = DICTIONARIES[lang];
    const dates = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'medium' });
    return {
      lang,
      setLang,
      t: (key, vars) => fill(dict[key], vars),
      tryT: (key, vars) => (Object.hasOwn(dict, key) ? fill(dict[key as MessageKey], vars) : undefined),
      formatDate: (iso) => {
        if (iso === null || iso === undefined || iso === '') return '—';
        const d = new Date(iso);
        return Number.isNaN(d.getTime()) ? String(iso) : dates.format(d);
      },
      formatNumber: (n, options) => new Intl.NumberFormat(lang, options).format(n),
    };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside I18nProvider');
  return i18n;
}
