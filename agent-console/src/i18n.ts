import { en, type Strings } from './locales/en';
import { zhCN } from './locales/zh-CN';

export type Locale = 'en' | 'zh-CN';
export type { Strings };

export const strings = (locale: Locale): Strings => (locale === 'zh-CN' ? zhCN : en);

/** Chinese when the browser prefers it, else English. */
export const chooseLocale = (languages: readonly string[]): Locale =>
  languages.find((l) => /^(zh|en)/i.test(l))?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';

export { fill } from '../../shared/client/format';
