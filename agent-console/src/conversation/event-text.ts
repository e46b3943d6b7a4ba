/** A system event of the transcript in words. */
import type { Message } from '../../../shared/protocol';
import { fill, type Strings } from '../i18n';

export function eventText(m: Message, t: Strings): string {
  const e = m.event!;
  switch (e.type) {
    case 'opened':
      return t.eventOpened;
    case 'queued':
      return fill(t.eventQueued, { position: e.position });
    case 'assigned':
      return fill(t.eventAssigned, { agent: e.agentName });
    case 'transferred':
      if (e.reason === 'slow_answer') return t.eventTransferredSlow;
      {
        // To a department, the transcript names it: the console's head shows only the current one.
        const what = e.toDepartment ? fill(t.eventTransferredTo, { department: e.toDepartment.name }) : t.eventTransferred;
        return e.note ? `${what}: ${e.note}` : what;
      }
    case 'agent_disconnected':
      return t.eventDisconnected;
    case 'requeued':
      return t.eventRequeued;
    case 'closed': {
      const text = fill(t.eventClosed, { by: e.by === 'visitor' ? t.byVisitor : e.by === 'agent' ? t.byAgent : t.bySystem });
      return e.reason === 'faq_solved' ? `${text}: ${t.closedFaqSolved}` : e.reason === 'left_message' ? `${text}: ${t.closedLeftMessage}` : text;
    }
    case 'faq_offered':
      return fill(t.eventFaqOffered, { question: e.question });
    case 'faq_declined':
      return t.eventFaqDeclined;
  }
}
