/**
 * Property-based fuzz of every inbound socket event and REST body (issue 13): a few thousand
 * generated bad payloads (wrong types, missing and extra fields, huge strings, NUL and other
 * control characters, lone surrogates, `__proto__` / `constructor` keys, deep nesting, arrays
 * for objects). Each is answered with an error code of shared/errors.ts (never INTERNAL or a
 * 5xx), the connection stays usable, and the store is exactly as it was.
 *
 * The socket events come from the schema maps of server/transport/schemas.ts and the REST
 * routes from the Express app itself, so a new event or endpoint is fuzzed (or, for a route
 * with a body, must be given an example here) without anyone remembering to.
 */
import fc from 'fast-check';
import type { Application } from 'express';
import type { z } from 'zod';
import { ERRORS } from '../../shared/errors';
import { agentSchemas, visitorSchemas } from '../../server/transport/schemas';
import { DEFAULT_SETTINGS } from '../../server/domain/settings';
import { callRaw, chattingVisitor, ok, onlineAgent, TEST_TIER_SECRET, type AgentClient, type VisitorClient } from '../helpers/chat';
import { signTier } from '../../server/domain/tiers';
import { storeSnapshot } from '../helpers/store-snapshot';
import { useTestServer } from '../helpers/suite';

jest.setTimeout(180_000);

// Generated payloads are refused before any limit is counted; the few valid calls must not be.
const t = useTestServer({
  lifetime: 'block',
  limits: { visitorMessagesPerSecond: 1000, agentMessagesPerSecond: 1000, ipMessagesPerSecond: 1000, loginPerMinute: 100_000, loginFailuresPerAccount: 100_000 },
});

/** Payloads per socket event and per REST route (25 events and 11 routes today: 3,380 in all). */
const RUNS_PER_EVENT = 100;
const RUNS_PER_ROUTE = 80;
/** Socket payloads stay under the frame limit (17,024 B at the default message length): a bigger frame closes the socket by design. */
const MAX_FRAME_BYTES = 14_000;

const CODES = Object.keys(ERRORS);

// ------------------------------------------------------------------ generators

/** Characters no text field accepts: NUL, C0 and C1 controls, DEL, lone surrogates. */
const badChar = fc.constantFrom('\u0000', '\u0001', '\u0007', '\u000b', '\u001b', '\u007f', '\u0085', '\u009f', '\uD800', '\uDBFF', '\uDC00', '\uDFFF');
/** A string holding at least one character no text field accepts; sometimes huge. */
const badString = fc.oneof(
  fc.tuple(fc.string({ maxLength: 20 }), badChar, fc.string({ unit: 'binary', maxLength: 20 })).map(([a, c, b]) => a + c + b),
  fc.tuple(fc.integer({ min: 500, max: 3_000 }), badChar).map(([n, c]) => `${'x'.repeat(n)}${c}`),
);
/** Any string: ordinary text, any code point, or one of the bad ones; some longer than any field allows. */
const anyString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  badString,
  fc.integer({ min: 2_000, max: 4_000 }).map((n) => '字'.repeat(n)),
  fc.integer({ min: 4_001, max: 12_000 }).map((n) => 'y'.repeat(n)),
);
const oddNumber = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-1.5, 0.5, -1, 1e308, -0, 2 ** 53 + 2));
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '_placeholder', 'num'];

/** An object with these own keys, `__proto__` included as an own key (as JSON.parse makes it). */
function objectOf(entries: [string, unknown][]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

/** `depth` levels of arrays or objects around `leaf`. */
function nest(depth: number, arrays: boolean, leaf: unknown): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = arrays ? [v] : { a: v };
  return v;
}

/** Any JSON value, its object keys drawn from `keys`. */
const anyValue = (keys: fc.Arbitrary<string>) =>
  fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      anyString,
      oddNumber,
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.array(fc.tuple(keys, tie('value')), { maxLength: 4 }).map(objectOf),
    ),
  })).value;

const deep = (leaf: fc.Arbitrary<unknown>) =>
  fc.tuple(fc.integer({ min: 20, max: 500 }), fc.boolean(), leaf).map(([d, arrays, l]) => nest(d, arrays, l));

/** A value no field of any schema accepts: a bad string, a fraction, deep nesting, an array of bad strings, a prototype-keyed object. */
const invalidEverywhere = fc.oneof(
  badString,
  fc.constantFrom(-1.5, 0.5),
  deep(badString),
  fc.array(badString, { minLength: 1, maxLength: 3 }),
  fc.tuple(fc.constantFrom(...PROTO_KEYS.slice(0, 3)), badString).map(([k, v]) => objectOf([[k, v]])),
);

/** What the receiving side parses: JSON drops undefined, makes NaN null and -0 0, keeps `__proto__` an own key. */
const wire = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

/** The keys of the object a schema parses, through optional/default/pipe wrappers. */
function fieldsOf(schema: z.ZodType): string[] {
  let def = (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
  for (let i = 0; i < 10 && def; i++) {
    if (def.type === 'object') return Object.keys(def.shape as object);
    const inner = (def.innerType ?? def.in) as { _zod: { def: Record<string, unknown> } } | undefined;
    def = inner?._zod.def as Record<string, unknown>;
  }
  return [];
}

/** Keys for generated objects: the known fields, prototype names, anything. */
const keysFor = (fields: string[]) => fc.oneof(fc.constantFrom(...fields, ...PROTO_KEYS), fc.string({ unit: 'binary', maxLength: 12 }));

/**
 * A valid example broken: a key no strict schema knows added, or some fields replaced by
 * values no field accepts and others left out.
 */
function brokenExample(example: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.keys(example);
  const keys = keysFor(fields);
  const extraKey = fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.string({ unit: 'binary', minLength: 1, maxLength: 12 })).filter((k) => !fields.includes(k));
  const withExtra = fc.tuple(extraKey, anyValue(keys)).map(([k, v]) => objectOf([...Object.entries(example), [k, v]]));
  if (fields.length === 0) return withExtra;
  return fc.oneof(
    withExtra,
    fc
      .tuple(fc.subarray(fields, { minLength: 1 }), fc.subarray(fields))
      .chain(([broken, dropped]) =>
        fc.tuple(...broken.map((f) => fc.tuple(fc.constant(f), invalidEverywhere))).map((bad) => {
          const kept = Object.entries(example).filter(([f]) => !broken.includes(f) && !dropped.includes(f));
          return objectOf([...kept, ...bad]);
        }),
      ),
  );
}

/**
 * Payloads `schema` refuses, as they arrive (the server parses `payload ?? {}`): any value,
 * deep nesting and objects of the schema's fields (some, with any values, plus strangers),
 * kept when the schema refuses them; and the event's valid example broken, invalid by
 * construction, so that a schema that accepted one (a field that is not a `text()`, an object
 * that is not strict) would fail here rather than be trusted.
 */
function badSocketPayloads(schema: z.ZodType, example: Record<string, unknown>): fc.Arbitrary<unknown> {
  const fields = fieldsOf(schema);
  const keys = keysFor(fields);
  const value = anyValue(keys);
  const someFields = fc
    .tuple(fc.subarray(fields), fc.array(fc.tuple(keys, value), { maxLength: 2 }))
    .chain(([chosen, extra]) => fc.tuple(fc.tuple(...chosen.map((f) => fc.tuple(fc.constant(f), value))), fc.constant(extra)))
    .map(([known, extra]) => objectOf([...known, ...extra]));
  const refused = fc
    .oneof(value, deep(value), someFields)
    .map(wire)
    .filter((p) => !schema.safeParse(p ?? {}).success);
  return fc
    .oneof(refused, brokenExample(example).map(wire))
    .filter((p) => Buffer.byteLength(JSON.stringify(p)) < MAX_FRAME_BYTES);
}

/** Bodies no route accepts, as raw request bodies: not an object, not JSON at all, over the size limit, or the example broken. */
function badBodies(example: Record<string, unknown>): fc.Arbitrary<string> {
  const keys = keysFor(Object.keys(example));
  const notAnObject = fc.oneof(anyString, oddNumber, fc.boolean(), fc.constant(null), fc.array(anyValue(keys), { maxLength: 4 }), deep(anyValue(keys)));
  return fc.oneof(
    notAnObject.map((v) => JSON.stringify(v)),
    // Not JSON: a truncated object, stray bytes; then a body over the 64 KB limit.
    fc.string({ unit: 'binary', maxLength: 40 }).map((s) => `{${s}`),
    fc.integer({ min: 66_000, max: 80_000 }).map((n) => JSON.stringify({ ...example, [Object.keys(example)[0]]: 'z'.repeat(n) })),
    brokenExample(example).map((b) => JSON.stringify(b)),
    brokenExample(example).map((b) => JSON.stringify(b)),
  );
}

// ------------------------------------------------------------------ the parties

let visitor: { socket: VisitorClient; conversationId: string };
let agent: { id: string; token: string; email: string; socket: AgentClient };
let lead: { id: string; token: string; socket: AgentClient };
let replyId: string;
let faqId: string;
let leftId: string;
let departmentId: string;

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
async function rest(method: string, path: string, body: string | undefined, headers: Record<string, string> = {}) {
  const res = await fetch(`${t().url}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  let json: { error?: { code?: string } } | undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, code: json?.error?.code, text };
}

beforeAll(async () => {
  agent = await onlineAgent(t(), { capacity: 10 });
  visitor = await chattingVisitor(t());
  const l = await t().createUser({ role: 'lead' });
  lead = { ...l, socket: await t().agent(l.token) };
  await ok(lead.socket, 'session:sync', {});
  const created = async (path: string, body: object) => {
    const res = await rest('POST', path, JSON.stringify(body), bearer(lead.token));
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${res.text}`);
    return JSON.parse(res.text);
  };
  replyId = (await created('/api/v1/canned-replies', { shortcut: 'hi', title: 'Hi', body: 'Hello', language: 'en' })).reply.id;
  faqId = (await created('/api/v1/faq', { question: 'Where is my order?', answer: 'On its way.', language: 'en' })).entry.id;
  await ok(visitor.socket, 'visitor:context', { url: 'https://shop.example/cart', title: 'Cart', data: { cart: '2 items' } });
  departmentId = (await created('/api/v1/departments', { name: '售后 After-sales' })).department.id;
  leftId = (await ok(visitor.socket, 'offline:message', { name: 'Ana', email: 'ana@example.com', text: 'Call me back' })).id;
});

// ------------------------------------------------------------------ sockets

/**
 * A valid payload of every event, to be broken. The ids are real (the visitor's open
 * conversation, the agent), so that a broken payload a schema let through would reach the
 * store rather than stop at "not found".
 */
const socketExamples = (c = visitor.conversationId, a = agent.id): Record<'visitor' | 'agent', Record<string, Record<string, unknown>>> => ({
  visitor: {
    'session:sync': { afterSeq: 0 },
    'conversation:history': { conversationId: c, afterSeq: 0 },
    'message:send': { clientId: 'c1', text: 'Hello' },
    'typing': { typing: true },
    'visitor:presence': { state: 'hidden' },
    'conversation:close': {},
    'visitor:profile': { name: 'Li Wei', email: 'li@example.com', tier: signTier(TEST_TIER_SECRET, 'vip', Date.now() + 3_600_000), department: departmentId },
    'visitor:context': { url: 'https://shop.example/', title: 'Shop', referrer: '', language: 'zh-CN', timeZone: 'Asia/Shanghai', data: { cart: '2' } },
    'offline:message': { name: 'Ana', email: 'ana@example.com', text: 'Call me' },
    'conversation:rate': { conversationId: c, score: 5, comment: 'Great' },
    'faq:feedback': { conversationId: c, solved: false },
  },
  agent: {
    'session:sync': { since: { [c]: 0 } },
    'agent:status': { status: 'online' },
    'message:send': { conversationId: c, clientId: 'c1', text: 'Hi', note: false },
    'typing': { conversationId: c, typing: true },
    'conversation:history': { conversationId: c, afterSeq: 0, limit: 50 },
    'conversation:transfer': { conversationId: c, toAgentId: null, toDepartmentId: departmentId, note: 'Over to you' },
    'conversation:close': { conversationId: c, category: 'order', summary: 'Done' },
    'conversation:wrapup': { conversationId: c, category: 'order', summary: 'Filed' },
    'visitor:info': { conversationId: c },
    'agent:handover': { toAgentId: null, note: 'Bye' },
    'conversation:watch': { conversationId: c },
    'conversation:unwatch': { conversationId: c },
    'lead:snapshot': {},
    'agent:capacity': { agentId: a, capacity: 3 },
    'agent:set-status': { agentId: a, status: 'away' },
    'floor:watch': {},
    'floor:unwatch': {},
    'conversation:takeover': { conversationId: c, toAgentId: a },
  },
});

const NAMESPACES = [
  { namespace: 'visitor' as const, schemas: visitorSchemas as Record<string, z.ZodType>, socket: () => visitor.socket },
  // A lead's socket: lead-only events reach their validation too.
  { namespace: 'agent' as const, schemas: agentSchemas as Record<string, z.ZodType>, socket: () => lead.socket },
];

test.each(NAMESPACES)('every $namespace event has a valid example to break', ({ namespace, schemas }) => {
  const examples = socketExamples()[namespace];
  expect(Object.keys(examples).sort()).toEqual(Object.keys(schemas).sort());
  for (const [event, example] of Object.entries(examples)) expect([event, schemas[event].safeParse(example).success]).toEqual([event, true]);
});

describe.each(NAMESPACES)('$namespace namespace: every event refuses bad payloads with an error code', ({ namespace, schemas, socket }) => {
  test.each(Object.keys(schemas))('%s', async (event) => {
    const before = await storeSnapshot(t().sql);
    await fc.assert(
      fc.asyncProperty(badSocketPayloads(schemas[event], socketExamples()[namespace][event] ?? {}), async (payload) => {
        const r = await callRaw(socket(), event, payload);
        expect(r.ok).toBe(false);
        if (r.ok) return;
        expect(CODES).toContain(r.error.code);
        expect(r.error.code).not.toBe('INTERNAL');
      }),
      { numRuns: RUNS_PER_EVENT },
    );
    expect(socket().connected).toBe(true);
    expect(await storeSnapshot(t().sql)).toEqual(before);
  });
});

// ------------------------------------------------------------------ REST

/** Every route that reads a body, with a valid example and who may call it. */
const BODY_ROUTES: Record<string, () => { path: string; example: Record<string, unknown>; token?: string }> = {
  'POST /api/v1/auth/login': () => ({ path: '/api/v1/auth/login', example: { email: agent.email, password: 'password123' } }),
  'POST /api/v1/users': () => ({
    path: '/api/v1/users',
    example: { email: 'new@example.test', name: 'New', role: 'agent', capacity: 3, languages: ['en'], active: true },
    token: lead.token,
  }),
  'PATCH /api/v1/users/:id': () => ({
    path: `/api/v1/users/${agent.id}`,
    example: { name: 'Renamed', role: 'agent', capacity: 4, languages: ['zh-CN'], active: true },
    token: lead.token,
  }),
  'POST /api/v1/me/password': () => ({ path: '/api/v1/me/password', example: { currentPassword: 'password123', newPassword: 'a-new-password-123' }, token: agent.token }),
  'POST /api/v1/invitations/:token': () => ({ path: `/api/v1/invitations/${'A'.repeat(43)}`, example: { password: 'a long enough password' } }),
  'POST /api/v1/canned-replies': () => ({
    path: '/api/v1/canned-replies',
    example: { shortcut: 'thanks', title: 'Thanks', body: 'Thank you!', language: 'en', tags: ['polite'], scope: 'team' },
    token: lead.token,
  }),
  'PATCH /api/v1/canned-replies/:id': () => ({
    path: `/api/v1/canned-replies/${replyId}`,
    example: { shortcut: 'hey', title: 'Hey', body: 'Hey there', language: 'en', tags: ['x'] },
    token: lead.token,
  }),
  'POST /api/v1/faq/match': () => ({ path: '/api/v1/faq/match', example: { text: 'where is my order', language: 'en', limit: 3 }, token: agent.token }),
  'POST /api/v1/faq': () => ({
    path: '/api/v1/faq',
    example: { question: 'Q?', phrasings: ['P?'], answer: 'A.', language: 'en', category: 'general' },
    token: lead.token,
  }),
  'PATCH /api/v1/faq/:id': () => ({
    path: `/api/v1/faq/${faqId}`,
    example: { question: 'Q2?', phrasings: ['P2?'], answer: 'A2.', language: 'en', category: 'orders' },
    token: lead.token,
  }),
  'POST /api/v1/complaints': () => ({
    path: '/api/v1/complaints',
    example: { conversationId: visitor.conversationId, category: 'delivery', severity: 'high', ownerId: lead.id },
    token: lead.token,
  }),
  'POST /api/v1/departments': () => ({ path: '/api/v1/departments', example: { name: '售前 Pre-sales' }, token: lead.token }),
  'PATCH /api/v1/departments/:id': () => ({ path: `/api/v1/departments/${departmentId}`, example: { name: '售后服务' }, token: lead.token }),
  'PUT /api/v1/users/:id/departments': () => ({ path: `/api/v1/users/${agent.id}/departments`, example: { departmentIds: [departmentId] }, token: lead.token }),
  'POST /api/v1/follow-ups/:id/close': () => ({ path: '/api/v1/follow-ups/no-such-task/close', example: { outcome: 'Called back, refunded' }, token: lead.token }),
  'PUT /api/v1/settings': () => ({
    path: '/api/v1/settings',
    example: {
      greeting: { 'zh-CN': '您好，有什么可以帮您？', en: 'Hi, how can we help?' },
      businessHours: { timeZone: 'Asia/Shanghai', days: { mon: { open: '09:00', close: '18:00' }, tue: null, wed: null, thu: null, fri: null, sat: null, sun: null } },
      waitingThresholdSeconds: 120,
      typingPreview: false,
      businessHoursOn: true,
      closeCategories: [{ id: 'order', name: { en: 'Order', 'zh-CN': '订单' }, removed: false }, { name: { en: '', 'zh-CN': '退款' }, removed: false }],
      routines: {
        greeting: { 'zh-CN': '{visitor.name}您好', en: 'Hi {visitor.name}' },
        closing: { 'zh-CN': '再见', en: 'Bye' },
        idlePrompt: { 'zh-CN': '还在吗？', en: 'Still there?' },
        idlePromptMinutes: 3,
        idleCloseMinutes: 5,
        slowAnswerSeconds: 60,
        missedAfterSeconds: 120,
        wrapUpMinutes: 10,
        complaintDueHours: 24,
        followUpDueDays: 3,
        queueWaitLimitMinutes: 5,
        slowAnswerReroute: true,
      },
      departments: { offerChoice: true, overflowSeconds: 60 },
      quality: DEFAULT_SETTINGS.quality,
    },
    token: lead.token,
  }),
  'PUT /api/v1/quality/conversations/:id/review': () => ({
    path: `/api/v1/quality/conversations/${visitor.conversationId}/review`,
    example: { score: 80, comment: '回复及时，用语规范' },
    token: lead.token,
  }),
  'POST /api/v1/left-messages/:id/assign': () => ({ path: `/api/v1/left-messages/${leftId}/assign`, example: { assigneeId: agent.id }, token: lead.token }),
  'POST /api/v1/left-messages/:id/answer': () => ({ path: `/api/v1/left-messages/${leftId}/answer`, example: { text: 'We called you back.' }, token: lead.token }),
};
/** POST routes that read no body (it is ignored). */
const NO_BODY = ['POST /api/v1/users/:id/reset-password', 'POST /api/v1/left-messages/:id/close'];

/** `METHOD /path` of every route of the app that takes a body (POST, PUT, PATCH). */
function bodyRoutes(app: Application): string[] {
  interface Layer {
    rawPath?: string;
    route?: { path: string; methods: Record<string, boolean> };
    handle?: { stack?: Layer[] };
  }
  const out: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const path = `${prefix}${layer.route.path}`.replace(/(.)\/$/, '$1');
        for (const m of Object.keys(layer.route.methods)) if (['post', 'put', 'patch'].includes(m)) out.push(`${m.toUpperCase()} ${path}`);
      } else if (layer.handle?.stack) walk(layer.handle.stack, prefix + (layer.rawPath ?? ''));
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return out.sort();
}

test('every route that takes a body is fuzzed below (or declared to read none)', () => {
  expect(bodyRoutes(t().server.app)).toEqual([...Object.keys(BODY_ROUTES), ...NO_BODY].sort());
});

describe('REST: every body endpoint refuses bad bodies with an error code', () => {
  let n = 0;
  test.each(Object.keys(BODY_ROUTES))('%s', async (route) => {
    const method = route.split(' ')[0];
    const { path, example, token } = BODY_ROUTES[route]();
    const before = await storeSnapshot(t().sql);
    await fc.assert(
      fc.asyncProperty(badBodies(example), async (body) => {
        // A client address per request: the invitation route counts every request per IP.
        const ip = `198.51.100.${++n % 250}`;
        const res = await rest(method, path, body, { ...(token ? bearer(token) : {}), 'x-forwarded-for': ip });
        expect({ status: res.status >= 400 && res.status < 500, code: res.code }).toEqual({ status: true, code: expect.any(String) });
        expect(CODES).toContain(res.code);
        expect(res.code).not.toBe('INTERNAL');
      }),
      { numRuns: RUNS_PER_ROUTE },
    );
    expect(await storeSnapshot(t().sql)).toEqual(before);
  });
});

test('afterwards every connection still works: valid calls succeed', async () => {
  expect(visitor.socket.connected && agent.socket.connected && lead.socket.connected).toBe(true);
  await ok(visitor.socket, 'session:sync', {});
  await ok(visitor.socket, 'message:send', { clientId: 'after-the-fuzz', text: 'still here' });
  await ok(agent.socket, 'message:send', { conversationId: visitor.conversationId, clientId: 'after-the-fuzz', text: 'so am I' });
  await ok(lead.socket, 'lead:snapshot', {});
  const res = await rest('POST', '/api/v1/faq/match', JSON.stringify({ text: 'where is my order' }), bearer(agent.token));
  expect(res.status).toBe(200);
});
