/**
 * The left-message inbox: what shoppers wrote with the widget's offline form, for the team.
 * A lead sees every message and assigns them; an agent sees only those assigned to them.
 * The assignee (or any lead) answers: the answer becomes the visitor's conversation, shown
 * the next time they open the widget, and is e-mailed to them when a Mailer is configured.
 * A message someone may not see looks like a missing one.
 */
import type { Role } from '../../shared/protocol';
import type { LeftMessageView } from '../../shared/rest';
import type { ChatLimits } from '../config';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { messageText } from './chat/text';
import type { Clock } from './clock';
import { answerMail, mailLanguage, trySend } from './mail';
import type { UserRepository } from './ports/chat-store';
import type { InboxFilter, InboxMessageRecord, InboxWrite, LeftMessageInbox } from './ports/left-messages';
import type { Mailer, MailOutcome } from './ports/mailer';
import type { Notifier } from './ports/notifier';

export interface LeftMessageServiceDeps {
  inbox: LeftMessageInbox;
  users: Pick<UserRepository, 'getUser'>;
  /** undefined: no SMTP server configured, nothing is mailed. */
  mailer?: Mailer;
  clock: Clock;
  logger: Logger;
  limits: Pick<ChatLimits, 'maxMessageLength'>;
  /** Shows an answer's conversation in the visitor's open widgets (the chat service's `showAnswer`). */
  showAnswer?(conversationId: string): Promise<void>;
  /** Pushes new and changed messages to the leads' consoles. @default none: nothing pushed */
  notifier?: Pick<Notifier, 'agents'>;
}

const person = (pid: string | null, name: string | null) => (pid ? { id: pid, name: name ?? pid } : null);

/** What clients see of a left message (REST §9.10 and the leads' pushes). */
export function leftMessageView(m: InboxMessageRecord): LeftMessageView {
  return {
    id: m.id,
    visitorId: m.visitorId,
    name: m.name,
    email: m.email,
    text: m.text,
    page: m.context ? { url: m.context.url ?? null, title: m.context.title ?? null } : null,
    language: m.context?.language ?? null,
    createdAt: m.createdAt,
    status: m.status,
    assignee: person(m.assigneeId, m.assigneeName),
    answer: m.answer,
    answeredBy: person(m.answeredBy, m.answeredByName),
    answeredAt: m.answeredAt,
    closedAt: m.closedAt,
    conversationId: m.conversationId,
  };
}

export type StaffViewer = { id: string; role: Role };

export type LeftMessageService = ReturnType<typeof createLeftMessageService>;

export function createLeftMessageService(deps: LeftMessageServiceDeps) {
  const { inbox, clock } = deps;
  const log = deps.logger.child({ module: 'left-messages' });

  /** The message if this viewer may see it: a lead any, an agent those assigned to them. */
  async function visible(viewer: StaffViewer, id: string): Promise<InboxMessageRecord> {
    const m = await inbox.get(id);
    if (!m || (viewer.role !== 'lead' && m.assigneeId !== viewer.id)) throw new AppError('LEFT_MESSAGE_NOT_FOUND');
    return m;
  }

  function saved(w: InboxWrite): InboxMessageRecord {
    switch (w.status) {
      case 'saved':
        return w.message;
      case 'not_open':
        throw new AppError('LEFT_MESSAGE_NOT_OPEN');
      // Reassigned or gone meanwhile: for this viewer it is no longer there.
      default:
        throw new AppError('LEFT_MESSAGE_NOT_FOUND');
    }
  }

  /** To every lead's console, with the open count for the inbox badge; after the write, never failing it. */
  async function push(event: 'left-message:new' | 'left-message:updated', m: InboxMessageRecord) {
    if (!deps.notifier) return;
    try {
      deps.notifier.agents({ leads: true }, event, { leftMessage: leftMessageView(m), openCount: await inbox.countOpen() });
    } catch (err) {
      log.warn({ err, leftMessageId: m.id }, 'left message not pushed');
    }
  }

  return {
    /** One page, newest first; an agent's is always narrowed to messages assigned to them. */
    async list(viewer: StaffViewer, filter: Omit<InboxFilter, 'assigneeId' | 'limit'>, limit: number) {
      const assigneeId = viewer.role === 'lead' ? undefined : viewer.id;
      const [rows, openCount] = await Promise.all([inbox.list({ ...filter, assigneeId, limit: limit + 1 }), inbox.countOpen(assigneeId)]);
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return { items, next: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null, openCount };
    },

    /** A shopper left this message (stored already): the leads' inboxes show it at once. */
    async added(id: string) {
      const m = await inbox.get(id);
      if (m) await push('left-message:new', m);
    },

    get: visible,

    /** A lead gives an open message to an active agent or lead (null: nobody). */
    async assign(viewer: StaffViewer, id: string, assigneeId: string | null) {
      if (viewer.role !== 'lead') throw new AppError('FORBIDDEN');
      if (assigneeId !== null) {
        const u = await deps.users.getUser(assigneeId);
        if (!u || !u.active) throw new AppError('USER_NOT_FOUND', 'No such active user');
      }
      const m = saved(await inbox.assign(id, assigneeId));
      log.info({ leftMessageId: id, assigneeId, by: viewer.id }, 'left message assigned');
      await push('left-message:updated', m);
      return m;
    },

    /**
     * The assignee or a lead answers an open message. Stored first (with the conversation the
     * shopper will see), then mailed; the outcome of the mail is reported, never an error.
     */
    async answer(viewer: StaffViewer, id: string, text: string): Promise<{ message: InboxMessageRecord; email: MailOutcome }> {
      const answer = messageText(text, deps.limits).trim();
      await visible(viewer, id);
      const me = await deps.users.getUser(viewer.id);
      if (!me) throw new AppError('USER_NOT_FOUND');
      const message = saved(
        await inbox.answer({
          id,
          agentId: me.id,
          agentName: me.displayName,
          text: answer,
          at: clock.now(),
          assignedTo: viewer.role === 'lead' ? undefined : viewer.id,
        }),
      );
      log.info({ leftMessageId: id, conversationId: message.conversationId, by: viewer.id }, 'left message answered');
      await push('left-message:updated', message);
      // Stored: whoever has the widget open now sees it; a failure here only delays that to their next sync.
      await deps.showAnswer?.(message.conversationId!).catch((err: unknown) => log.warn({ err }, 'answer not shown live'));
      const email = await trySend(
        deps.mailer,
        answerMail({
          to: message.email,
          name: message.name,
          message: message.text,
          answer,
          agentName: me.displayName,
          page: message.context?.url ?? null,
          language: mailLanguage(message.context?.language),
        }),
        log,
      );
      return { message, email };
    },

    /** The assignee or a lead closes an open or answered message (no reply needed, spam, done). */
    async close(viewer: StaffViewer, id: string) {
      await visible(viewer, id);
      const m = saved(await inbox.close(id, clock.now(), viewer.role === 'lead' ? undefined : viewer.id));
      log.info({ leftMessageId: id, by: viewer.id }, 'left message closed');
      await push('left-message:updated', m);
      return m;
    },
  };
}
