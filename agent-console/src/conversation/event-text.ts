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
      return e.note ? `${t.eventTransferred}: ${e.note}` : t.eventTransferred;
    case 'agent_disconnected':
      return t.eventDisconnected;
    case 'requeued':
      return t.eventRequeued;
    case 'closed':
      return fill(t.eventClosed, { by: e.by === 'visitor' ? t.byVisitor : e.by === 'agent' ? t.byAgent : t.bySystem });
  }
}
