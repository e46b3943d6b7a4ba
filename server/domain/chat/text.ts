/** The text rule every chat message and left message follows. */
import type { ChatLimits } from '../../config';
import { AppError } from '../../errors';

export function messageText(text: string, limits: Pick<ChatLimits, 'maxMessageLength'>): string {
  if (text.length > limits.maxMessageLength) throw new AppError('MESSAGE_TOO_LONG');
  if (!text.trim()) throw new AppError('VALIDATION_FAILED', 'Message text is empty');
  return text;
}
