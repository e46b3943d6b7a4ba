/**
 * While queued, on the domain with in-memory fakes and a manual clock: the estimated wait from
 * the recent assignment rate (null until enough assignments, and while no agent is online),
 * pushed with every position change; the long-wait flag once the team's limit passes; and the
 * FAQ offer's "good enough" rule on the shopper test set, in Chinese and English.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { DEFAULT_LIMITS } from '../../server/config';
import { FAQ_OFFER_MIN_SCORE, offerable, questionLanguage } from '../../server/domain/chat/queue-faq';
import { createChatService, type ChatService } from '../../server/domain/chat/service';
import { buildFaqIndex } from '../../server/domain/faq/ranker';
import { DEFAULT_SETTINGS } from '../../server/domain/settings';
import { DEMO_FAQ } from '../../server/seed';
import { createMemoryPresencePool } from '../../server/store/presence/memory';
import type { VisitorConversationState } from '../../shared/protocol';
import { FAQ_QUESTIONS } from '../fixtures/faq-questions';
import { createMemoryChatStore, type MemoryChatStore } from './fakes/memory-chat-store';
import { createRecordingNotifier, manualClock } from './fakes/recording-notifier';

const MIN = 60_000;

function setup(queueWaitLimitMinutes = 5) {
  const clock = manualClock(Date.UTC(2026, 10, 30, 9, 0, 30));
  const store = createMemoryChatStore();
  const pool = createMemoryPresencePool({ defaultCapacity: 1 });
  const rec = createRecordingNotifier();
  const chat = createChatService({
    store,
    pool,
    notifier: rec.notifier,
    clock,
    logger: pino({ level: 'silent' }),
    limits: DEFAULT_LIMITS,
    routines: async () => ({ ...DEFAULT_SETTINGS.routines, queueWaitLimitMinutes }),
    waitEstimate: { windowMinutes: 10, minAssignments: 3 },
  });
  return { clock, store, pool, rec, chat };
}

async function agent(store: MemoryChatStore, chat: ChatService) {
  const r = await store.createUser({ email: `${randomUUID()}@example.test`, displayName: 'Ana', role: 'agent', capacity: 1, passwordHash: 'x' });
  if (r.status !== 'created') throw new Error('not created');
  await chat.agentConnected(r.user.id);
  await chat.setStatus(r.user.id, 'online');
  return r.user.id;
}

/** A visitor's first message; resolves once routing (and its broadcasts) are done. */
async function shopper(chat: ChatService, visitorId: string, text = 'hello') {
  const ack = await chat.visitorSend(visitorId, { clientId: randomUUID(), text });
  await chat.idle();
  return ack.conversationId;
}

/** The latest state pushed to a visitor. */
const lastState = (rec: ReturnType<typeof createRecordingNotifier>, visitorId: string): VisitorConversationState | undefined =>
  rec.toVisitor(visitorId, 'conversation:state').at(-1);

test('the estimated wait: unknown until three assignments, then position × the window over the assignments, pushed when positions change', async () => {
  const { clock, store, chat, rec } = setup();
  const ana = await agent(store, chat);
  const first = await shopper(chat, 'v1'); // assignment 1
  await shopper(chat, 'v2');
  // One assignment so far: honest about it.
  expect(lastState(rec, 'v2')).toEqual({ id: expect.any(String), status: 'queued', agentName: null, queuePosition: 1, estimatedWaitSec: null });

  clock.advance(2 * MIN);
  await chat.close(first, { by: 'agent', byId: ana }); // v2 assigned: 2
  await chat.idle();
  expect(lastState(rec, 'v2')).toMatchObject({ status: 'open', agentName: 'Ana' });
  expect(lastState(rec, 'v2')).not.toHaveProperty('estimatedWaitSec');
  clock.advance(2 * MIN);
  await chat.visitorClose('v2');
  await shopper(chat, 'v3'); // assignment 3, no queue
  const v4 = await shopper(chat, 'v4');
  await shopper(chat, 'v5');

  // 3 assignments in the minutes from 09:-9 to now (09:04:30): 9 whole minutes and 30 s, 190 s a place.
  const now = clock.now();
  const span = (now - (Math.floor(now / MIN) - 9) * MIN) / 1000;
  expect(span).toBe(570);
  expect(lastState(rec, 'v4')).toMatchObject({ queuePosition: 1, estimatedWaitSec: 190 });
  expect(lastState(rec, 'v5')).toMatchObject({ queuePosition: 2, estimatedWaitSec: 380 });
  // The session (a reload) says the same.
  const session = await chat.visitorSession('v5', 'token');
  expect(session.conversation).toMatchObject({ queuePosition: 2, estimatedWaitSec: 380 });

  // v3's chat ends: v4 is assigned (4 assignments), v5 moves up and is told at once.
  clock.advance(MIN);
  await chat.visitorClose('v3');
  await chat.idle();
  expect(lastState(rec, 'v4')).toMatchObject({ status: 'open', agentName: 'Ana' });
  expect(lastState(rec, 'v5')).toMatchObject({ queuePosition: 1, estimatedWaitSec: Math.round(570 / 4) }) // the window slid a minute too;
  expect(await chat.visitorSession('v4', 'token')).toMatchObject({ conversation: { id: v4, status: 'open' } });

  // Nobody online: no estimate, however many were assigned before.
  await chat.setStatus(ana, 'away');
  expect((await chat.visitorSession('v5', 'token')).conversation).toMatchObject({ queuePosition: 1, estimatedWaitSec: null });

  // Assignments older than the window no longer count: back online 20 minutes later, unknown again.
  await chat.setStatus(ana, 'online');
  clock.advance(20 * MIN);
  expect((await chat.visitorSession('v5', 'token')).conversation).toMatchObject({ queuePosition: 1, estimatedWaitSec: null });
});

test('a queued wait past the limit is told once by the sweep and kept in every later state; 0 turns it off', async () => {
  const { clock, store, chat, rec } = setup(5);
  await agent(store, chat);
  await shopper(chat, 'v1');
  const waiting = await shopper(chat, 'v2');
  clock.advance(5 * MIN - 1);
  expect((await chat.sweepRoutines()).longWaits).toBe(0);
  expect(lastState(rec, 'v2')).not.toHaveProperty('longWait');

  clock.advance(1);
  const pushes = rec.toVisitor('v2', 'conversation:state').length;
  expect((await chat.sweepRoutines()).longWaits).toBe(1);
  expect(lastState(rec, 'v2')).toMatchObject({ id: waiting, status: 'queued', queuePosition: 1, longWait: true });
  // Told once per process; the session and later broadcasts carry it.
  expect((await chat.sweepRoutines()).longWaits).toBe(0);
  expect(rec.toVisitor('v2', 'conversation:state')).toHaveLength(pushes + 1);
  expect((await chat.visitorSession('v2', 'token')).conversation).toMatchObject({ queuePosition: 1, longWait: true });
  await shopper(chat, 'v3'); // the queue changes: a broadcast to both
  expect(lastState(rec, 'v2')).toMatchObject({ queuePosition: 1, longWait: true });
  expect(lastState(rec, 'v3')).toMatchObject({ queuePosition: 2 });
  expect(lastState(rec, 'v3')).not.toHaveProperty('longWait');

  const off = setup(0);
  await agent(off.store, off.chat);
  await shopper(off.chat, 'v1');
  await shopper(off.chat, 'v2');
  off.clock.advance(120 * MIN);
  expect((await off.chat.sweepRoutines()).longWaits).toBe(0);
  expect((await off.chat.visitorSession('v2', 'token')).conversation).not.toHaveProperty('longWait');
});

test('the FAQ offer rule on the shopper test set: mostly the right answer, rarely a wrong one, none for greetings', () => {
  const index = buildFaqIndex(DEMO_FAQ.map((e) => ({ ...e })));
  const offered = (text: string) => offerable(index.match(text, { language: questionLanguage(text), limit: 2 }));
  let right = 0;
  let wrong = 0;
  for (const q of FAQ_QUESTIONS) {
    const entry = offered(q.text);
    if (entry?.id === q.expected) right++;
    else if (entry) wrong++;
  }
  // 45 of 52 right and 1 wrong with the constants as tuned; a change of the ranker shows here.
  expect(right / FAQ_QUESTIONS.length).toBeGreaterThanOrEqual(0.8);
  expect(wrong).toBeLessThanOrEqual(2);
  for (const lang of ['zh-CN', 'en']) {
    const qs = FAQ_QUESTIONS.filter((q) => q.language === lang);
    expect(qs.filter((q) => offered(q.text)?.id === q.expected).length / qs.length).toBeGreaterThanOrEqual(0.75);
  }
  for (const text of ['hello', 'hi there', '你好', '在吗', 'thanks', 'hello I have a question', 'I want to talk to a human', 'order']) {
    expect([text, offered(text)]).toEqual([text, null]);
  }
  expect(questionLanguage('ipad还没发货')).toBe('zh-CN');
  expect(questionLanguage('where is my parcel')).toBe('en');
  expect(offerable([{ entry: 'a', score: FAQ_OFFER_MIN_SCORE }, { entry: 'b', score: FAQ_OFFER_MIN_SCORE }])).toBeNull(); // no clear winner
});
