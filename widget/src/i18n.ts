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

import { fill } from '../../shared/client/format';

export { fill };

/**
 * "We're back at …" in the shopper's time: the time alone when that is today, with the weekday
 * otherwise. `timeZone`: the shopper's own unless given (tests).
 */
export function backAt(t: Strings, at: number, now: number, locale: Locale, timeZone?: string): string {
  const f = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale, { timeZone, ...o }).format(at);
  const date = (d: number) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(d);
  const time = f({ hour: '2-digit', minute: '2-digit' });
  return date(at) === date(now) ? fill(t.backToday, { time }) : fill(t.backOn, { day: f({ weekday: 'long' }), time });
}
