/**
 * Team settings: defaults, what a lead saved over them, and the two rules that read them at
 * once (which close categories are allowed, whether a visitor's draft reaches agents).
 *
 * Every process caches the settings for `cacheMs`, so a lead's save made through another
 * process applies everywhere within that time (this process's own saves apply at once).
 */
import type { CloseCategory } from '../../shared/protocol';
import type { PutSettingsRequest } from '../../shared/rest';
import { BUILT_IN_CATEGORIES, type CloseCategoryDef, type TeamSettings } from '../../shared/settings';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { Clock } from './clock';
import type { SettingsStore } from './ports/settings';
import { DEFAULT_QUALITY_SETTINGS } from './quality/defaults';

const weekday = { open: '09:00', close: '18:00' };

export const DEFAULT_SETTINGS: TeamSettings = {
  greeting: { en: 'Hi! How can we help you today?', 'zh-CN': '您好！请问有什么可以帮您？' },
  businessHours: {
    timeZone: 'Asia/Shanghai',
    days: { mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday, sat: null, sun: null },
  },
  // Off until a lead turns it on: an upgrade never closes a team that was open around the clock.
  businessHoursOn: false,
  waitingThresholdSeconds: 60,
  typingPreview: true,
  closeCategories: BUILT_IN_CATEGORIES,
  routines: {
    // Off until a lead writes them (the settings page suggests ROUTINE_SUGGESTIONS): an upgrade
    // adds no message to anyone's chats unasked.
    greeting: { en: '', 'zh-CN': '' },
    closing: { en: '', 'zh-CN': '' },
    idlePrompt: { en: 'Are you still there?', 'zh-CN': '请问您还在吗？' },
    idlePromptMinutes: 3,
    idleCloseMinutes: 5,
    slowAnswerSeconds: 60,
    slowAnswerReroute: false,
    missedAfterSeconds: 120,
    wrapUpMinutes: 10,
    complaintDueHours: 24,
    followUpDueDays: 3,
    queueWaitLimitMinutes: 5,
  },
  // Off until a lead switches fields on: an upgrade asks shoppers nothing new.
  preChat: { name: 'off', email: 'off', department: 'off', question: 'off' },
  departments: { offerChoice: false, overflowSeconds: 60 },
  quality: DEFAULT_QUALITY_SETTINGS,
};

/** The most of a visitor's draft forwarded to agents: its end, where the typing happens. */
export const TYPING_PREVIEW_CHARS = 500;

export interface SettingsServiceDeps {
  store: SettingsStore;
  clock: Clock;
  logger: Logger;
  /** How long a process trusts what it read. @default 1000 */
  cacheMs?: number;
  /** An id for a category a lead adds. @default a random UUID */
  newId?: () => string;
}

export type SettingsService = ReturnType<typeof createSettingsService>;

export function createSettingsService(deps: SettingsServiceDeps) {
  const { store, clock } = deps;
  const log = deps.logger.child({ module: 'settings' });
  const cacheMs = deps.cacheMs ?? 1000;
  let cached: { value: TeamSettings; at: number } | null = null;

  async function current(): Promise<TeamSettings> {
    if (cached && clock.now() - cached.at < cacheMs) return cached.value;
    const stored = await store.read();
    // Values were validated when saved; keys this version does not know are ignored.
    const value = Object.fromEntries(
      Object.entries(DEFAULT_SETTINGS).map(([k, d]) => [k, k in stored ? stored[k] : d]),
    ) as unknown as TeamSettings;
    // Routines saved before a field existed get its default.
    value.routines = { ...DEFAULT_SETTINGS.routines, ...value.routines };
    cached = { value, at: clock.now() };
    return value;
  }

  const newId = deps.newId ?? (() => globalThis.crypto.randomUUID());

  /** The list to store: ids for new entries, then every known category the lead left out, as removed. */
  async function withIds(given: NonNullable<PutSettingsRequest['closeCategories']>): Promise<CloseCategoryDef[]> {
    const known = ((await store.read()).closeCategories as CloseCategoryDef[] | undefined) ?? BUILT_IN_CATEGORIES;
    const named = given.map((c) => ({ id: c.id ?? `c-${newId().slice(0, 8)}`, name: c.name, removed: c.removed }));
    const kept = new Set(named.map((c) => c.id));
    return [...named, ...known.filter((c) => !kept.has(c.id)).map((c) => ({ ...c, removed: true }))];
  }

  return {
    current,

    /**
     * Replaces the settings given (already validated by the caller), keeps the others. New close
     * categories get their id; a known one left out of the list stays in it as removed, so every
     * id a conversation may hold keeps its name.
     */
    async update(patch: PutSettingsRequest, byUserId: string): Promise<TeamSettings> {
      const { closeCategories, ...rest } = patch;
      const values: Partial<TeamSettings> = closeCategories ? { ...rest, closeCategories: await withIds(closeCategories) } : rest;
      await store.write(values, byUserId, clock.now());
      cached = null;
      log.info({ userId: byUserId, keys: Object.keys(patch) }, 'settings saved');
      return current();
    },

    /** Refuses a close category the lead has not enabled (no category is always fine). */
    async checkCloseCategory(category: CloseCategory | undefined): Promise<void> {
      if (category === undefined) return;
      const allowed = (await current()).closeCategories.filter((c) => !c.removed).map((c) => c.id);
      if (!allowed.includes(category)) {
        throw new AppError('VALIDATION_FAILED', `category: not one of the team's close categories (${allowed.join(', ')})`);
      }
    },

    /** What agents may see of a visitor's draft: its end when previews are on, else nothing. */
    async typingPreview(draft: string | undefined): Promise<string | undefined> {
      if (!draft || !(await current()).typingPreview) return undefined;
      return draft.slice(-TYPING_PREVIEW_CHARS);
    },
  };
}
