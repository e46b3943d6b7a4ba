/**
 * The one error catalogue. Socket acks, `connect_error` and REST responses all
 * carry these codes, so a client handles a failure the same way wherever it
 * came from. `status` is the HTTP status used by REST; the message is a default
 * English text for logs and developers (clients localise by code).
 */
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, message: 'The payload is malformed or a field is out of range' },
  MESSAGE_TOO_LONG: { status: 413, message: 'The message text is longer than the server allows' },
  UNAUTHENTICATED: { status: 401, message: 'A valid token is required' },
  TOKEN_INVALID: { status: 401, message: 'The token is malformed or its signature does not match' },
  TOKEN_EXPIRED: { status: 401, message: 'The token has expired; log in again' },
  INVALID_CREDENTIALS: { status: 401, message: 'Email or password is wrong' },
  ACCOUNT_DISABLED: { status: 403, message: 'This account is deactivated' },
  FORBIDDEN: { status: 403, message: 'Your role may not do this' },
  CONVERSATION_NOT_FOUND: { status: 404, message: 'No such conversation, or it is not yours' },
  CONVERSATION_CLOSED: { status: 409, message: 'The conversation is closed' },
  CONVERSATION_NOT_CLOSED: { status: 409, message: 'The conversation is still going on; rate it once it is closed' },
  FAQ_NOT_OFFERED: { status: 409, message: 'No FAQ answer is on offer in this conversation: none was offered, it was answered, or the conversation is no longer queued' },
  NOT_ASSIGNED: { status: 409, message: 'The conversation is not assigned to you' },
  AGENT_NOT_FOUND: { status: 404, message: 'No such agent' },
  AGENT_UNAVAILABLE: { status: 409, message: 'The agent is not online or has no free capacity' },
  NO_CONVERSATION: { status: 409, message: 'There is no open conversation yet; send a message first' },
  PRE_CHAT_REQUIRED: { status: 409, message: 'The pre-chat form requires a name, email or department first; send it with visitor:profile' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; slow down' },
  TOO_MANY_ATTEMPTS: { status: 429, message: 'Too many failed sign-in attempts for this account or from this address; wait and try again' },
  TOO_MANY_CONNECTIONS: { status: 429, message: 'Too many connections from this address; close some and try again' },
  USER_NOT_FOUND: { status: 404, message: 'No such user' },
  EMAIL_TAKEN: { status: 409, message: 'A user with this email already exists' },
  INVITATION_INVALID: { status: 400, message: 'This link is not valid (mistyped, or replaced by a newer one); ask a lead for a new link' },
  INVITATION_EXPIRED: { status: 410, message: 'This link has expired; ask a lead for a new one' },
  INVITATION_USED: { status: 410, message: 'This link has already been used; ask a lead for a new one' },
  CANNED_REPLY_NOT_FOUND: { status: 404, message: 'No such canned reply, or it is not yours' },
  SHORTCUT_TAKEN: { status: 409, message: 'Another canned reply in the same scope already has this shortcut' },
  UNKNOWN_VARIABLE: { status: 400, message: 'The body uses a variable that does not exist; allowed: {visitor.name}, {agent.name}, {conversation.id}' },
  LEFT_MESSAGE_NOT_FOUND: { status: 404, message: 'No such left message, or it is not assigned to you' },
  LEFT_MESSAGE_NOT_OPEN: { status: 409, message: 'This left message has already been answered or closed' },
  TEAM_CLOSED: { status: 409, message: 'The team is closed now (business hours); leave a message instead' },
  TIER_INVALID: { status: 403, message: 'The customer tier is not signed by this site, or it has expired' },
  DEPARTMENT_NOT_FOUND: { status: 404, message: 'No such department' },
  DEPARTMENT_NAME_TAKEN: { status: 409, message: 'Another department already has this name' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  INTERNAL: { status: 500, message: 'Something went wrong on the server' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}
