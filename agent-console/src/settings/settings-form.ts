/** Reads the settings form into `TeamSettings`, or the first problem as a sentence (apart from the form, so it is tested without a DOM). */
import { FAQ_LANGUAGES, type FaqLanguage } from '../../../shared/faq';
import { CLOSE_CATEGORIES } from '../../../shared/protocol';
import { WEEKDAYS, type OpeningHours, type RoutineSettings, type TeamSettings } from '../../../shared/settings';
import { fill } from '../i18n';
import type { SettingsStrings } from './strings';

const knownTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz.length > 0;
  } catch {
    return false;
  }
};

/** `get(name)` is a form field's value ('' when absent or unchecked). The quality rules have their own page (quality/). */
export function readSettings(get: (name: string) => string, s: SettingsStrings): { settings: Omit<TeamSettings, 'quality'> } | { problem: string } {
  const days = {} as Record<(typeof WEEKDAYS)[number], OpeningHours | null>;
  for (const d of WEEKDAYS) {
    if (!get(`open-${d}`)) {
      days[d] = null;
      continue;
    }
    const hours = { open: get(`from-${d}`), close: get(`to-${d}`) };
    if (!(hours.open < hours.close)) return { problem: fill(s.badHours, { day: s[`day.${d}`] }) };
    days[d] = hours;
  }
  const timeZone = get('timeZone').trim();
  if (!knownTimeZone(timeZone)) return { problem: s.badTimeZone };
  const closeCategories = CLOSE_CATEGORIES.filter((c) => get(`category-${c}`));
  if (!closeCategories.length) return { problem: s.noCategory };
  const routines = readRoutines(get);
  if (!routines) return { problem: s.badRoutineTime };
  return {
    settings: {
      greeting: Object.fromEntries(FAQ_LANGUAGES.map((l) => [l, get(`greeting-${l}`).trim()])) as TeamSettings['greeting'],
      businessHours: { timeZone, days },
      waitingThresholdSeconds: Math.round(Number(get('waiting'))),
      typingPreview: get('typingPreview') !== '',
      closeCategories,
      routines,
    },
  };
}

const perLanguage = (get: (name: string) => string, name: string) =>
  Object.fromEntries(FAQ_LANGUAGES.map((l) => [l, get(`${name}-${l}`).trim()])) as Record<FaqLanguage, string>;

const whole = (v: string, min: number, max: number) => {
  const n = Number(v);
  return v.trim() !== '' && Number.isInteger(n) && n >= min && n <= max ? n : null;
};

/** The routines' fields, or null when a time is out of range. */
function readRoutines(get: (name: string) => string): RoutineSettings | null {
  const idlePromptMinutes = whole(get('idlePromptMinutes'), 0, 120);
  const idleCloseMinutes = whole(get('idleCloseMinutes'), 1, 120);
  const slowAnswerSeconds = whole(get('slowAnswerSeconds'), 10, 3600);
  const wrapUpMinutes = whole(get('wrapUpMinutes'), 1, 1440);
  const complaintDueHours = whole(get('complaintDueHours'), 1, 720);
  const followUpDueDays = whole(get('followUpDueDays'), 1, 60);
  const times = [idlePromptMinutes, idleCloseMinutes, slowAnswerSeconds, wrapUpMinutes, complaintDueHours, followUpDueDays];
  if (times.some((n) => n === null)) return null;
  return {
    greeting: perLanguage(get, 'routine-greeting'),
    closing: perLanguage(get, 'routine-closing'),
    idlePrompt: perLanguage(get, 'routine-idlePrompt'),
    idlePromptMinutes: idlePromptMinutes!,
    idleCloseMinutes: idleCloseMinutes!,
    slowAnswerSeconds: slowAnswerSeconds!,
    wrapUpMinutes: wrapUpMinutes!,
    complaintDueHours: complaintDueHours!,
    followUpDueDays: followUpDueDays!,
  };
}
