/**
 * What the scripts' integer answers mean, in one place (BullMQ's enums/error-code.ts and
 * finished-errors.ts): expected refusals are negative codes, each documented in the header
 * of the script that returns it, and cross the domain's port as values. A code outside this
 * table is a bug in a script or a mismatched deployment: it throws, never turning into a
 * plausible answer.
 */
import type { TransferResult } from '../../domain/ports/presence';

export const PoolRefusalCode = {
  NotFound: -1,
  AgentUnavailable: -2,
  SameAgent: -3,
  UnknownAgent: -4,
  HolderChanged: -5,
} as const;

export type PoolRefusal = Exclude<TransferResult['status'], 'moved'>;

const POOL_REFUSALS: Record<number, PoolRefusal> = {
  [PoolRefusalCode.NotFound]: 'not_found',
  [PoolRefusalCode.AgentUnavailable]: 'agent_unavailable',
  [PoolRefusalCode.SameAgent]: 'same_agent',
  [PoolRefusalCode.UnknownAgent]: 'unknown_agent',
  [PoolRefusalCode.HolderChanged]: 'holder_changed',
};

/** An answer a script's header does not document. */
export function unexpectedReply(command: string, reply: unknown): Error {
  return new Error(`Redis script ${command} returned ${JSON.stringify(reply)}, which it does not document`);
}

/** The refusal a presence script's code stands for; throws for any other code. */
export function poolRefusalFor(command: string, code: number): PoolRefusal {
  const reason = POOL_REFUSALS[code];
  if (reason === undefined) throw unexpectedReply(command, code);
  return reason;
}
