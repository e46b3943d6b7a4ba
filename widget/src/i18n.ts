import { en, type Strings } from './locales/en';
import { zhCN } from './locales/zh-CN';

export type Locale = 'en' | 'zh-CN';
export type { Strings };

const tables: Record<Locale, Strings> = { en, 'zh-CN': zhCN };

/** The snippet's `data-lang` wins; otherwise the browser's languages, first match; English by default. */
export function chooseLocale(requested: string | undefined, browser: readonly string[]): Locale {
  for (const tag of [requested, ...browser]) {
    const t = tag?.toLowerCase();
    if (!t) continue;
    if (t.startsWith('zh')) return 'zh-CN';
    if (t.startsWith('en')) return 'en';
    if (tag === requested) continue; // an unsupported explicit choice falls back to the browser
  }
  return 'en';
}

export function strings(locale: Locale): Strings {
  return tables[locale];
}

export { fill } from '../../shared/client/format';
