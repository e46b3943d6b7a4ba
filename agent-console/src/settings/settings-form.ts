/** Reads the settings form into `TeamSettings`, or the first problem as a sentence (apart from the form, so it is tested without a DOM). */
import { FAQ_LANGUAGES, type FaqLanguage } from '../../../shared/faq';
import { PRE_CHAT_FIELDS } from '../../../shared/protocol';
import type { PutSettingsRequest } from '../../../shared/rest';
import { PRE_CHAT_MODES, WEEKDAYS, type OpeningHours, type PreChatMode, type PreChatSettings, type RoutineSettings, type TeamSettings } from '../../../shared/settings';

type CategoryInput = NonNullable<PutSettingsRequest['closeCategories']>[number];
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
export function readSettings(get: (name: string) => string, s: SettingsStrings): { settings: Omit<Required<PutSettingsRequest>, 'quality'> } | { problem: string } {
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
  const closeCategories = readCategories(get);
  if (!closeCategories) return { problem: s.unnamedCategory };
  if (!closeCategories.some((c) => !c.removed)) return { problem: s.noCategory };
  const routines = readRoutines(get);
  if (!routines) return { problem: s.badRoutineTime };
  const overflowSeconds = whole(get('overflowSeconds'), 0, 3600);
  if (overflowSeconds === null) return { problem: s.badOverflow };
  return {
    settings: {
      greeting: Object.fromEntries(FAQ_LANGUAGES.map((l) => [l, get(`greeting-${l}`).trim()])) as TeamSettings['greeting'],
      businessHours: { timeZone, days },
      businessHoursOn: get('businessHoursOn') !== '',
      waitingThresholdSeconds: Math.round(Number(get('waiting'))),
      typingPreview: get('typingPreview') !== '',
      closeCategories,
      routines,
      preChat: Object.fromEntries(PRE_CHAT_FIELDS.map((f) => [f, mode(get(`preChat-${f}`))])) as PreChatSettings,
      departments: { offerChoice: get('offerDepartments') !== '', overflowSeconds },
    },
  };
}

/** A select's value; anything unknown (or absent) is off. */
const mode = (v: string): PreChatMode => ((PRE_CHAT_MODES as readonly string[]).includes(v) ? (v as PreChatMode) : 'off');

/** The category rows (category-fields.tsx); a new row left blank is dropped; null when a kept one has no name. */
function readCategories(get: (name: string) => string): CategoryInput[] | null {
  const out: CategoryInput[] = [];
  for (let i = 0; i < Number(get('category-count') || 0); i++) {
    const id = get(`category-${i}-id`);
    const name = perLanguage(get, `category-${i}`);
    const removed = get(`category-${i}-removed`) !== '';
    if (!Object.values(name).some(Boolean)) {
      if (!id) continue;
      return null;
    }
    out.push({ ...(id ? { id } : {}), name, removed });
  }
  return out;
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
  const missedAfterSeconds = whole(get('missedAfterSeconds'), 0, 3600);
  const wrapUpMinutes = whole(get('wrapUpMinutes'), 1, 1440);
  const complaintDueHours = whole(get('complaintDueHours'), 1, 720);
  const followUpDueDays = whole(get('followUpDueDays'), 1, 60);
  const queueWaitLimitMinutes = whole(get('queueWaitLimitMinutes'), 0, 120);
  const times = [idlePromptMinutes, idleCloseMinutes, slowAnswerSeconds, missedAfterSeconds, wrapUpMinutes, complaintDueHours, followUpDueDays, queueWaitLimitMinutes];
  if (times.some((n) => n === null)) return null;
  return {
    greeting: perLanguage(get, 'routine-greeting'),
    closing: perLanguage(get, 'routine-closing'),
    idlePrompt: perLanguage(get, 'routine-idlePrompt'),
    idlePromptMinutes: idlePromptMinutes!,
    idleCloseMinutes: idleCloseMinutes!,
    slowAnswerSeconds: slowAnswerSeconds!,
    missedAfterSeconds: missedAfterSeconds!,
    wrapUpMinutes: wrapUpMinutes!,
    complaintDueHours: complaintDueHours!,
    followUpDueDays: followUpDueDays!,
    queueWaitLimitMinutes: queueWaitLimitMinutes!,
    slowAnswerReroute: get('slowAnswerReroute') !== '',
  };
}
