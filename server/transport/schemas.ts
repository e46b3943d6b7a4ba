/**
 * zod schemas for every inbound payload. Message length is checked by the
 * domain against the configured limit, so here text only has a hard ceiling.
 * Every string is a `text(max)` and every record a `record()` (./text.ts): no NUL,
 * control characters or unpaired surrogates, no prototype keys.
 */
import { z } from 'zod';
import { PAGE_MESSAGES, type AgentClientToServerEvents, type VisitorClientToServerEvents } from '../../shared/protocol';
import type { SchemaMap } from './handlers';
import { record, text } from './text';

const id = text(64, { min: 1 });
/** Client-generated idempotency key (a UUID is recommended). */
// The 'auto:' prefix is the routines' (their messages are marked automatic by it).
const clientId = text(64, { min: 1 }).refine((c) => !c.startsWith('auto:'), "clientId: the prefix 'auto:' is reserved");
const messageText = text(100_000);
const seq = z.number().int().nonnegative();
const empty = z.object({}).strict().optional().default({});
/** A person's name as typed in a form: surrounding spaces dropped, then 1 to 100 characters. */
const personName = text(100, { trim: true, min: 1 });
/** Surrounding spaces dropped; case kept as typed. */
const email = text(254, { trim: true }).email();

/** A page of history: after `afterSeq` or before `beforeSeq` (not both), at most PAGE_MESSAGES. */
const historyQuery = (() => {
  const base = { conversationId: id, limit: z.number().int().min(1).max(PAGE_MESSAGES).optional() };
  return z.union([
    z.object({ ...base, afterSeq: seq.optional() }).strict(),
    z.object({ ...base, beforeSeq: z.number().int().min(1) }).strict(),
  ]);
})();

/** Limits match what the widget truncates to; strings may be empty (e.g. no referrer). */
const pageContext = z
  .object({
    url: text(2000).optional(),
    title: text(300).optional(),
    referrer: text(2000).optional(),
    language: text(35).optional(),
    timeZone: text(64).optional(),
    data: record(text(50, { min: 1 }), text(200))
      .refine((d) => Object.keys(d).length <= 20, 'At most 20 keys')
      .optional(),
  })
  .strict();

export const visitorSchemas = {
  'session:sync': z.object({ afterSeq: seq.optional(), conversationId: id.optional() }).strict(),
  'conversation:history': historyQuery,
  'message:send': z.object({ clientId, text: messageText }).strict(),
  'typing': z.object({ typing: z.boolean(), text: messageText.optional() }).strict(),
  'visitor:presence': z.object({ state: z.enum(['visible', 'hidden', 'gone']) }).strict(),
  'conversation:close': empty,
  'visitor:profile': z
    .object({ name: personName.optional(), email: email.optional(), tier: text(200, { min: 1 }).optional(), department: id.optional() })
    .strict()
    .refine((p) => Object.keys(p).length > 0, 'Give a name, an email, a tier or a department'),
  'visitor:context': pageContext,
  'offline:message': z.object({ name: personName, email, text: messageText }).strict(),
  'conversation:rate': z
    .object({ conversationId: id, score: z.number().int().min(1).max(5), comment: text(1000).optional() })
    .strict(),
  'faq:feedback': z.object({ conversationId: id, solved: z.boolean() }).strict(),
} satisfies SchemaMap<VisitorClientToServerEvents>;

export const agentSchemas = {
  'session:sync': z.object({ since: record(id, seq).optional() }).strict(),
  'agent:status': z.object({ status: z.enum(['online', 'away', 'offline']) }).strict(),
  'message:send': z.object({ conversationId: id, clientId, text: messageText, note: z.boolean().optional() }).strict(),
  'typing': z.object({ conversationId: id, typing: z.boolean() }).strict(),
  'conversation:history': historyQuery,
  'conversation:transfer': z
    .object({ conversationId: id, toAgentId: id.nullable(), toDepartmentId: id.optional(), note: text(1000).optional() })
    .strict()
    .refine((p) => p.toAgentId === null || p.toDepartmentId === undefined, 'toDepartmentId: only with toAgentId null (to the queue)'),
  'conversation:close': z
    .object({ conversationId: id, category: text(64, { min: 1 }).optional(), summary: text(1000, { trim: true }).optional() })
    .strict(),
  'conversation:wrapup': z
    .object({ conversationId: id, category: text(64, { min: 1 }), summary: text(1000, { trim: true }).optional() })
    .strict(),
  'visitor:info': z.object({ conversationId: id }).strict(),
  'agent:handover': z.object({ toAgentId: id.nullable(), note: text(1000).optional() }).strict(),
  'conversation:watch': z.object({ conversationId: id }).strict(),
  'conversation:unwatch': z.object({ conversationId: id }).strict(),
  'lead:snapshot': empty,
  'agent:capacity': z.object({ agentId: id, capacity: z.number().int().min(0).max(100) }).strict(),
  // The lead's floor and stepping in.
  'agent:set-status': z.object({ agentId: id, status: z.enum(['online', 'away', 'offline']) }).strict(),
  'floor:watch': empty,
  'floor:unwatch': empty,
  'conversation:takeover': z.object({ conversationId: id, toAgentId: id.optional() }).strict(),
} satisfies SchemaMap<AgentClientToServerEvents>;

export const loginSchema = z
  .object({ email: text(254).email(), password: text(200, { min: 1 }) })
  .strict();
