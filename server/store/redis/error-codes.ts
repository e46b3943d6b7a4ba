/**
 * What the scripts' integer answers mean, in one place (BullMQ's enums/error-code.ts and
 * finished-errors.ts): expected failures are negative codes, each documented in the header
 * of the script that returns it. A code outside this table is a bug in a script or a
 * mismatched deployment: it throws, never turning into a plausible answer.
 */
import { PoolError } from '../presence/types';

export const PoolErrorCode = {
  NotFound: -1,
  AgentUnavailable: -2,
  SameAgent: -3,
  UnknownAgent: -4,
} as const;

const POOL_ERRORS: Record<number, PoolError['reason']> = {
  [PoolErrorCode.NotFound]: 'not_found',
  [PoolErrorCode.AgentUnavailable]: 'agent_unavailable',
  [PoolErrorCode.SameAgent]: 'same_agent',
  [PoolErrorCode.UnknownAgent]: 'unknown_agent',
};

/** An answer a script's header does not document. */
export function unexpectedReply(command: string, reply: unknown): Error {
  return new Error(`Redis script ${command} returned ${JSON.stringify(reply)}, which it does not document`);
}

/** The PoolError a presence script's code stands for; throws for any other code. */
export function poolErrorFor(command: string, code: number): PoolError {
  const reason = POOL_ERRORS[code];
  if (reason === undefined) throw unexpectedReply(command, code);
  return new PoolError(reason);
}
