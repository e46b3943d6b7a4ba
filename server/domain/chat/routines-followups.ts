/**
 * Complaints (投诉登记) and follow-up tasks (回访). A conversation registered as a complaint gets
 * a due time (`complaintDueHours`) and the leads are alerted at once; a follow-up task is created
 * for every complaint, every rating of 1 or 2 and every left message, due in `followUpDueDays`,
 * and closed with an outcome note. Creation is idempotent in the store (one complaint per
 * conversation, one follow-up per source).
 */
import type { ComplaintSeverity, FollowUpView } from '../../../shared/rest';
import { AppError } from '../../errors';
import type { RoutineSettings } from '../../../shared/settings';
import { DEFAULT_SETTINGS } from '../settings';
import type { Actor, ChatServiceDeps } from './deps';
import type { Lookups } from './lookups';
import { PRIORITY, type Priorities } from './priority';
import type { Routines } from './routines';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** How much of a text a follow-up's subject line keeps. */
const SUBJECT_CHARS = 120;

export type FollowUps = ReturnType<typeof createFollowUps>;

export function createFollowUps(deps: ChatServiceDeps, parts: { routines: Routines; lookups: Lookups; priorities: Priorities }) {
  const { store, notifier, clock } = deps;
  const { routines, lookups } = parts;
  const log = deps.logger.child({ module: 'follow-ups' });
  // Routines off (a service built without settings): the default times still apply.
  const times = async (): Promise<RoutineSettings> => (await routines.settings()) ?? DEFAULT_SETTINGS.routines;

  async function create(f: Pick<FollowUpView, 'source' | 'sourceId' | 'conversationId' | 'visitorId' | 'assigneeId' | 'subject'>) {
    const now = clock.now();
    const created = await store.addFollowUp({ ...f, subject: f.subject.slice(0, SUBJECT_CHARS), createdAt: now, dueAt: now + (await times()).followUpDueDays * DAY });
    if (created) log.info({ followUpId: created.id, source: f.source }, 'follow-up created');
    return created;
  }

  return {
    /** An agent who holds or held the conversation, or a lead, registers it as a complaint. */
    async registerComplaint(actor: Actor, p: { conversationId: string; category: string; severity: ComplaintSeverity; ownerId?: string }) {
      const c = await lookups.conversationOrThrow(p.conversationId);
      if (actor.kind !== 'lead' && c.agentId !== actor.id) throw new AppError('CONVERSATION_NOT_FOUND');
      const ownerId = p.ownerId ?? actor.id;
      if (!(await lookups.user(ownerId))) throw new AppError('USER_NOT_FOUND');
      const now = clock.now();
      const t = await times();
      const r = await store.addComplaint(
        { conversationId: c.id, category: p.category, severity: p.severity, ownerId, createdBy: actor.id, createdAt: now, dueAt: now + t.complaintDueHours * HOUR },
        { conversationId: c.id, visitorId: c.visitorId, assigneeId: ownerId, subject: `${p.severity}: ${p.category}`, createdAt: now, dueAt: now + t.followUpDueDays * DAY },
      );
      if (r.status === 'exists') throw new AppError('VALIDATION_FAILED', 'conversationId: this conversation is registered as a complaint already');
      notifier.agents({ leads: true }, 'complaint:registered', r.complaint);
      log.info({ complaintId: r.complaint.id, severity: p.severity }, 'complaint registered');
      // A complaint still going on (waiting, or handed back to the queue later) goes first.
      await parts.priorities.raise(c.id, PRIORITY.complaint);
      return { complaint: r.complaint, followUp: r.followUp };
    },

    listComplaints: (limit = 200) => store.listComplaints(limit),

    /** A rating of 1 or 2: the conversation's agent calls the shopper back. */
    async rated(conversationId: string, score: number, comment: string | null) {
      if (score > 2) return;
      const c = await lookups.conversationOrThrow(conversationId);
      await create({ source: 'rating', sourceId: c.id, conversationId: c.id, visitorId: c.visitorId, assigneeId: c.agentId, subject: `${score}★ ${comment ?? ''}`.trim() });
    },

    /** A left message: anyone may take it. */
    async leftMessage(m: { id: string; visitorId: string; text: string }) {
      await create({ source: 'left_message', sourceId: m.id, conversationId: null, visitorId: m.visitorId, assigneeId: null, subject: m.text });
    },

    /** Open (or closed) follow-ups: a lead's all, an agent's own and unassigned ones. */
    listFollowUps(actor: Actor, open: boolean) {
      return store.listFollowUps({ open, limit: 500, ...(actor.kind === 'lead' ? {} : { assigneeOrUnassigned: actor.id }) });
    },

    async closeFollowUp(actor: Actor, id: string, outcome: string) {
      const f = await store.getFollowUp(id);
      if (!f || (actor.kind !== 'lead' && f.assigneeId !== null && f.assigneeId !== actor.id)) throw new AppError('NOT_FOUND');
      const closed = await store.closeFollowUp(id, outcome, clock.now());
      if (!closed) throw new AppError('VALIDATION_FAILED', 'This follow-up is closed already');
      return closed;
    },
  };
}
