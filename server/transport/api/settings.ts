/**
 * /api/v1/settings: every signed-in agent or lead reads the team settings (the close dialog
 * needs the categories); a lead saves any of them. Values are checked in full here, so the
 * domain stores only valid settings.
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import { FAQ_LANGUAGES } from '../../../shared/faq';
import { PRE_CHAT_FIELDS } from '../../../shared/protocol';
import { PRE_CHAT_MODES, WEEKDAYS } from '../../../shared/settings';
import type { SettingsResponse } from '../../../shared/rest';
import { DEFAULT_SETTINGS } from '../../domain/settings';
import { parse, requireUser, type AuthedLocals } from '../rest';
import { text } from '../text';
import type { ApiDeps } from './index';

const clock = text(5).regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Expected a time HH:MM (24-hour)');
const hours = z
  .object({ open: clock, close: clock })
  .strict()
  .refine((h) => h.open < h.close, 'open must be before close');

/** An IANA time zone this server's ICU knows (the widget computes opening hours with it). */
const timeZone = text(64, { min: 1 }).refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'Expected an IANA time zone such as Asia/Shanghai or Europe/Berlin');

const perLanguage = z.object(Object.fromEntries(FAQ_LANGUAGES.map((l) => [l, text(500, { trim: true })])) as Record<(typeof FAQ_LANGUAGES)[number], z.ZodString>).strict();
const minutes = z.number().int().min(0).max(120);

const routinesSchema = z
  .object({
    greeting: perLanguage,
    closing: perLanguage,
    idlePrompt: perLanguage,
    idlePromptMinutes: minutes,
    idleCloseMinutes: minutes.min(1),
    slowAnswerSeconds: z.number().int().min(10).max(3600),
    missedAfterSeconds: z.number().int().min(0).max(3600),
    wrapUpMinutes: z.number().int().min(1).max(1440),
    complaintDueHours: z.number().int().min(1).max(720),
    followUpDueDays: z.number().int().min(1).max(60),
    // Added after the others: clients that send only those still save it (as the default).
    queueWaitLimitMinutes: minutes.default(DEFAULT_SETTINGS.routines.queueWaitLimitMinutes),
    slowAnswerReroute: z.boolean().default(DEFAULT_SETTINGS.routines.slowAnswerReroute),
  })
  .strict();

/** Most close categories a team keeps, removed ones included. */
export const MAX_CLOSE_CATEGORIES = 50;

/** A close category: `id` absent when new; its names (one may be empty), whether it is removed. */
const categorySchema = z
  .object({
    id: text(64, { min: 1 }).regex(/^[A-Za-z0-9_-]+$/, 'Expected letters, digits, _ or -').optional(),
    name: z.object(Object.fromEntries(FAQ_LANGUAGES.map((l) => [l, text(60, { trim: true })])) as Record<(typeof FAQ_LANGUAGES)[number], z.ZodString>).strict()
      .refine((n) => Object.values(n).some(Boolean), 'Give a name in at least one language'),
    removed: z.boolean().default(false),
  })

const preChatSchema = z
  .object(Object.fromEntries(PRE_CHAT_FIELDS.map((f) => [f, z.enum(PRE_CHAT_MODES)])) as Record<(typeof PRE_CHAT_FIELDS)[number], z.ZodEnum<{ [M in (typeof PRE_CHAT_MODES)[number]]: M }>>)
  .strict();

const points = z.number().int().min(0).max(100);
const threshold = z.number().int().min(1).max(3600);
/** A phrase list: at most 50 phrases of up to 50 characters. */
const phrases = z.array(text(50, { trim: true, min: 1 })).max(50);
const phrasesPerLanguage = z.object(Object.fromEntries(FAQ_LANGUAGES.map((l) => [l, phrases])) as Record<(typeof FAQ_LANGUAGES)[number], typeof phrases>).strict();
const rule = <S extends z.ZodRawShape>(shape: S) => z.object({ enabled: z.boolean(), points, ...shape }).strict();

const qualitySchema = z
  .object({
    greeting: rule({ phrases: phrasesPerLanguage }),
    closing: rule({ phrases: phrasesPerLanguage }),
    firstResponse: rule({ seconds: threshold }),
    longestWait: rule({ seconds: threshold }),
    forbiddenWords: rule({ words: phrases }),
    courtesy: rule({ phrases: phrasesPerLanguage }),
    unresolved: rule({}),
  })
  .strict();

const settingsSchema = z
  .object({
    greeting: perLanguage,
    businessHours: z
      .object({
        timeZone,
        days: z.object(Object.fromEntries(WEEKDAYS.map((d) => [d, hours.nullable()])) as Record<(typeof WEEKDAYS)[number], z.ZodNullable<typeof hours>>).strict(),
      })
      .strict(),
    businessHoursOn: z.boolean(),
    waitingThresholdSeconds: z.number().int().min(10).max(3600),
    typingPreview: z.boolean(),
    closeCategories: z
      .array(categorySchema)
      .min(1)
      .max(MAX_CLOSE_CATEGORIES)
      .refine((c) => c.some((x) => !x.removed), 'Keep at least one category that is not removed')
      .refine((c) => {
        const ids = c.flatMap((x) => (x.id ? [x.id] : []));
        return new Set(ids).size === ids.length;
      }, 'Each category at most once'),
    routines: routinesSchema,
    preChat: preChatSchema,
    departments: z.object({ offerChoice: z.boolean(), overflowSeconds: z.number().int().min(0).max(3600) }).strict(),
    quality: qualitySchema,
  })
  .strict()
  .partial()
  .refine((p) => Object.keys(p).length > 0, 'Give at least one setting');

export function createSettingsRouter(deps: ApiDeps): Router {
  const { settings } = deps;
  const router = Router();

  router.get('/', requireUser(deps.auth), async (_req, res) => {
    res.json({ settings: await settings.current() } satisfies SettingsResponse);
  });

  router.put('/', requireUser(deps.auth, ['lead']), async (req, res: Response<unknown, AuthedLocals>) => {
    const saved = await settings.update(parse(settingsSchema, req.body), res.locals.user.id);
    res.json({ settings: saved } satisfies SettingsResponse);
  });

  return router;
}
