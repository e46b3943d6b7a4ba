/** System events as the messages they are stored as, and the outcomes that mean "closed meanwhile". */
import type { SystemEvent } from '../../../shared/protocol';
import { AppError } from '../../errors';
import type { NewMessage } from '../ports/records';

export const eventMessage = (conversationId: string, event: SystemEvent, at: number): NewMessage => ({
  conversationId, clientId: null, author: 'system', authorId: null, kind: 'event', text: '', event, at,
});

/**
 * A step of a pool change whose conversation a concurrent close has just ended: the close
 * releases it from the pool right after, so the other steps go on.
 */
export function unlessClosedMeanwhile(err: unknown): undefined {
  if (!(err instanceof AppError && err.code === 'CONVERSATION_CLOSED')) throw err;
}
