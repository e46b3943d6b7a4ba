/**
 * The lead's live floor: its state on request and the pushes that keep it current, to the
 * sockets watching it. A conversation's change is pushed with its times (changes within 100 ms
 * read in one query); visitor and agent texts are gathered for 250 ms; today's figures are
 * recounted after changes (and while earlier chats are counted in the background, and when that
 * ends), at most once per `figuresEveryMs`. Timers only pace the pushes:
 * nothing here decides by the wall clock.
 */
import type { ConversationView, FloorActivity, FloorConversation, FloorFigures, FloorState } from '../../../shared/protocol';
import type { ConversationTimes } from '../ports/floor';
import { dayIn, serverTimeZone } from './day';
import type { ChatServiceDeps } from './deps';
import type { Views } from './views';

export type Floor = ReturnType<typeof createFloor>;

/** `slowBefore`: an open conversation assigned before this time and not answered yet is slow (the routines' rule). */
function withTimes(v: ConversationView, t: ConversationTimes | undefined, slowBefore: number): FloorConversation {
  const assignedAt = v.status === 'open' ? (t?.assignedAt ?? null) : null;
  return {
    ...v,
    queuedAt: v.status === 'queued' ? (t?.queuedAt ?? v.openedAt) : null,
    assignedAt,
    waitingSince: v.status === 'closed' ? null : (t?.waitingSince ?? null),
    ...(assignedAt !== null && v.firstResponseAt === null && assignedAt <= slowBefore ? { slowAnswer: true as const } : {}),
  };
}

export function createFloor(deps: ChatServiceDeps, views: Views) {
  const { store, pool, notifier, clock } = deps;
  const reads = deps.floor;
  const everyMs = deps.floorFiguresEveryMs ?? 3000;
  /** Activity is gathered this long, then sent in one push: one packet (one stream entry with Redis) per window, not per message. */
  const activityMs = 250;
  const conversationsMs = 100;
  const log = deps.logger.child({ module: 'floor' });

  async function timesOf(ids: string[]): Promise<Map<string, ConversationTimes>> {
    const rows = reads && ids.length ? await reads.conversationTimes(ids) : [];
    return new Map(rows.map((t) => [t.conversationId, t]));
  }

  async function floorConversations(list: ConversationView[]): Promise<FloorConversation[]> {
    const [times, routines] = await Promise.all([timesOf(list.filter((v) => v.status !== 'closed').map((v) => v.id)), deps.routines?.()]);
    const slowBefore = routines ? clock.now() - routines.slowAnswerSeconds * 1000 : -Infinity;
    return list.map((v) => withTimes(v, times.get(v.id), slowBefore));
  }

  /**
   * Today's counts are the report's total for today: one definition of each figure
   * (domain/report-figures.ts), and the same word on whether earlier chats are still being counted.
   */
  async function today() {
    if (deps.reportToday) {
      const { day, dayStart, timeZone, total: t, counting } = await deps.reportToday();
      const counts = { started: t.started, closed: t.closed, missed: t.missed, medianFirstResponseMs: t.firstResponse.medianMs, averageRating: t.averageRating, ratings: t.rated };
      return { day, dayStart, timeZone, ...counts, counting };
    }
    const timeZone = deps.timeZone?.() || serverTimeZone();
    const { day, start } = dayIn(timeZone, clock.now());
    return { day, dayStart: start, timeZone, started: 0, closed: 0, missed: 0, medianFirstResponseMs: null, averageRating: null, ratings: 0, counting: null };
  }

  async function figures(): Promise<FloorFigures> {
    const queue = await pool.queue();
    const [counts, times] = await Promise.all([today(), timesOf(queue)]);
    const queuedAt = [...times.values()].map((t) => t.queuedAt);
    return { ...counts, waitingNow: queue.length, oldestQueuedAt: queuedAt.length ? Math.min(...queuedAt) : null };
  }

  // Conversation pushes: the latest view of each, gathered for `conversationsMs` and read in one
  // query (under a burst of assignments, a few queries a second rather than one per change).
  const pending = new Map<string, ConversationView>();
  let flushing: Promise<void> | null = null;
  async function flush() {
    while (pending.size) {
      const batch = [...pending.values()];
      pending.clear();
      for (const c of await floorConversations(batch)) notifier.agents({ floor: true }, 'floor:conversation', c);
    }
  }

  // Figures: recounted after changes, at most once per `everyMs` (real time: it only paces pushes).
  let timer: ReturnType<typeof setTimeout> | null = null;
  let counting: Promise<void> | null = null;
  let dirty = false;
  let last = 0;
  function count() {
    timer = null;
    last = Date.now();
    counting = figures()
      .then((f) => notifier.agents({ floor: true }, 'floor:figures', f))
      .catch((err) => log.error({ err }, 'floor figures failed'))
      .finally(() => {
        counting = null;
        if (dirty) figuresChanged();
      });
  }
  function figuresChanged() {
    dirty = false;
    if (timer || counting) {
      dirty = true;
      return;
    }
    timer = setTimeout(count, Math.max(0, last + everyMs - Date.now()));
    timer.unref?.();
  }

  // Activity: per conversation, an entry by the same author as the one before it changes nothing
  // the floor shows (the first unanswered message counts, and any answer), so it is dropped.
  let activity: FloorActivity[] = [];
  const lastAuthor = new Map<string, FloorActivity['author']>();
  let activityTimer: ReturnType<typeof setTimeout> | null = null;
  function sendActivity() {
    activityTimer = null;
    const batch = activity;
    activity = [];
    lastAuthor.clear();
    if (batch.length) notifier.agents({ floor: true }, 'floor:activity', { activity: batch });
  }

  return {
    figures,
    /** Today's figures may have changed (a conversation, or the background count of earlier chats): recount and push, paced. */
    figuresChanged,

    /** The whole floor, read now. */
    async state(): Promise<FloorState> {
      const [presences, queue, active, figs] = await Promise.all([pool.agents(), pool.queue(), store.listActiveConversations(), figures()]);
      const [agents, conversations] = await Promise.all([
        Promise.all(presences.map(views.presenceView)),
        Promise.all(active.map(views.conversationView)).then(floorConversations),
      ]);
      return { agents, queue, conversations, figures: figs, now: clock.now() };
    },

    /** A conversation's state changed (queued, assigned, moved, closed): push it with its times. */
    conversationChanged(view: ConversationView) {
      pending.set(view.id, view);
      flushing ??= new Promise<void>((resolve) => setTimeout(resolve, conversationsMs))
        .then(flush)
        .catch((err) => log.error({ err }, 'floor push failed'))
        .finally(() => {
          flushing = null;
        });
      figuresChanged();
    },

    /** A visitor wrote, or an agent answered: the floor's "waiting since" starts or ends. */
    activity(conversationId: string, author: FloorActivity['author'], at: number) {
      if (lastAuthor.get(conversationId) === author) return;
      lastAuthor.set(conversationId, author);
      activity.push({ conversationId, author, at });
      if (!activityTimer) {
        activityTimer = setTimeout(sendActivity, activityMs);
        activityTimer.unref?.();
      }
    },

    /** Resolves when no push is pending; a figures recount waiting for its turn runs now. */
    async idle() {
      if (activityTimer) {
        clearTimeout(activityTimer);
        sendActivity();
      }
      while (flushing || timer || counting) {
        if (timer) {
          clearTimeout(timer);
          count();
        }
        await (flushing ?? counting);
      }
    },
  };
}
