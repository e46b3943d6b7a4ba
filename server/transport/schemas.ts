/**
 * zod schemas for every inbound payload. Message length is checked by the
 * domain against the configured limit, so here text only has a hard ceiling.
 */
import { z } from 'zod';

const id = z.string().min(1).max(64);
/** Client-generated idempotency key (a UUID is recommended). */
const clientId = z.string().min(1).max(64);
const text = z.string().max(100_000);
const seq = z.number().int().nonnegative();
const empty = z.object({}).strict().optional().default({});

export const visitorSchemas = {
  'session:sync': z.object({ afterSeq: seq.optional() }).strict(),
  'message:send': z.object({ clientId, text }).strict(),
  'typing': z.object({ typing: z.boolean() }).strict(),
  'conversation:close': empty,
};

export const agentSchemas = {
  'session:sync': z.object({ since: z.record(id, seq).optional() }).strict(),
  'agent:status': z.object({ status: z.enum(['online', 'away', 'offline']) }).strict(),
  'message:send': z.object({ conversationId: id, clientId, text, note: z.boolean().optional() }).strict(),
  'typing': z.object({ conversationId: id, typing: z.boolean() }).strict(),
  'conversation:history': z
    .object({ conversationId: id, afterSeq: seq.optional(), limit: z.number().int().min(1).max(1000).optional() })
    .strict(),
  'conversation:transfer': z
    .object({ conversationId: id, toAgentId: id.nullable(), note: z.string().max(1000).optional() })
    .strict(),
  'conversation:close': z.object({ conversationId: id }).strict(),
  'conversation:watch': z.object({ conversationId: id }).strict(),
  'conversation:unwatch': z.object({ conversationId: id }).strict(),
  'lead:snapshot': empty,
  'agent:capacity': z.object({ agentId: id, capacity: z.number().int().min(0).max(100) }).strict(),
};

export const loginSchema = z
  .object({ email: z.string().email().max(254), password: z.string().min(1).max(200) })
  .strict();
