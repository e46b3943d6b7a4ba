/** Reads the quality rules form into `QualitySettings`, or the first problem as a sentence (apart from the form, so it is tested without a DOM). */
import { FAQ_LANGUAGES, type FaqLanguage } from '../../../shared/faq';
import { QUALITY_RULES, type QualityRuleId, type QualitySettings } from '../../../shared/quality';
import type { QualityStrings } from './strings';

/** The rules with phrase lists per language, and the one with a single word list. */
export const PHRASE_RULES = ['greeting', 'closing', 'courtesy'] as const;
export const TIMED_RULES = ['firstResponse', 'longestWait'] as const;

/** One phrase per line; blank lines dropped. */
export const lines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

const whole = (v: string, min: number, max: number) => {
  const n = Number(v);
  return v.trim() !== '' && Number.isInteger(n) && n >= min && n <= max ? n : null;
};

/** Form field names, shared with the view. */
export const field = {
  enabled: (r: QualityRuleId) => `${r}-enabled`,
  points: (r: QualityRuleId) => `${r}-points`,
  seconds: (r: QualityRuleId) => `${r}-seconds`,
  phrases: (r: QualityRuleId, l: FaqLanguage) => `${r}-phrases-${l}`,
  words: 'forbiddenWords-words',
};

/** `get(name)` is a form field's value ('' when absent or unchecked). */
export function readRules(get: (name: string) => string, s: QualityStrings): { rules: QualitySettings } | { problem: string } {
  const out = {} as Record<QualityRuleId, Record<string, unknown>>;
  for (const rule of QUALITY_RULES) {
    const points = whole(get(field.points(rule)), 0, 100);
    if (points === null) return { problem: s.badNumber };
    out[rule] = { enabled: get(field.enabled(rule)) !== '', points };
  }
  for (const rule of TIMED_RULES) {
    const seconds = whole(get(field.seconds(rule)), 1, 3600);
    if (seconds === null) return { problem: s.badNumber };
    out[rule].seconds = seconds;
  }
  for (const rule of PHRASE_RULES) out[rule].phrases = Object.fromEntries(FAQ_LANGUAGES.map((l) => [l, lines(get(field.phrases(rule, l)))]));
  out.forbiddenWords.words = lines(get(field.words));
  return { rules: out as unknown as QualitySettings };
}
