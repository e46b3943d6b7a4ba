/**
 * The fault suite: three server processes on one Redis and one PostgreSQL database, shoppers
 * and agents chatting, one fault per scenario, then every invariant (invariants.ts) within a
 * bounded recovery time. Adding a scenario is one `test` with a `w.scenario(...)`.
 */
import { Redis } from 'ioredis';
import { CRASH_STEPS } from '../../server/testing/crash-seam';
import { until } from '../helpers/chat';
import { resumeFrom, type FaultAgent } from './clients';
import { useFaultWorld } from './world';

jest.setTimeout(120_000);

const w = useFaultWorld();

describe('SIGKILL of a process holding shoppers, at each step of a message’s life', () => {
  test.each(CRASH_STEPS)('%s', (step) =>
    w.scenario(`SIGKILL ${step}`, async () => {
      await w.procs.start(0, { CHAT_CRASH_AT: step });
      const bystanders = await w.chatting(1, 2);
      const shoppers = await Promise.all([w.visitor(0), w.visitor(0)]);
      if (step === 'after-store-message') {
        shoppers.forEach((v) => v.say('Hello'));
        await until(() => shoppers.every((v) => v.routed), 20_000, 'shoppers routed');
      }
      shoppers.forEach((v) => v.say('Where is my order?'));
      bystanders.forEach((v) => v.say('Still there?'));
      const how = await w.procs.get(0).exited;
      expect(how).toBe('SIGKILL');
      return Date.now();
    }),
  );
});

test('SIGKILL of a process holding shoppers at a random moment mid-burst', () =>
  w.scenario('SIGKILL mid-burst', async () => {
    const shoppers = await Promise.all(Array.from({ length: 6 }, () => w.visitor(0)));
    const total = shoppers.length * 4;
    const at = 1 + Math.floor(Math.random() * (total - 2));
    console.log(`mid-burst: SIGKILL after ${at} of ${total} messages acknowledged`);
    shoppers.forEach((v, i) => [0, 1, 2, 3].forEach((k) => v.say(`shopper ${i} message ${k}`)));
    const acked = () => shoppers.reduce((n, v) => n + v.acked.size, 0);
    await until(() => acked() >= at, 20_000, `${at} messages acknowledged`);
    return w.kill(0, 'SIGKILL');
  }));

test('Redis paused for 5 s', () =>
  w.scenario('Redis paused 5 s', async () => {
    const shoppers = await w.chatting(0, 2);
    const more = await w.chatting(2, 2);
    const pid = await redisPid(w.redis.url);
    process.kill(pid, 'SIGSTOP');
    const pausedAt = Date.now();
    // The fault lasts 5 s (a duration, not a wait for something to happen); nothing here waits on Redis.
    const resumed = new Promise((r) => setTimeout(r, 5000)).then(() => process.kill(pid, 'SIGCONT'));
    [...shoppers, ...more].forEach((v) => v.say('Is anyone there?'));
    const late = w.visitor(1).then((v) => v.say('Hello, new here'));
    await resumed;
    await late;
    return pausedAt;
  }));

test('PostgreSQL writes failing for a moment', () =>
  w.scenario('PostgreSQL writes failing', async () => {
    const shoppers = await w.chatting(0, 2);
    const others = await w.chatting(1, 2);
    await w.failWrites(true);
    const failedAt = Date.now();
    try {
      [...shoppers, ...others].forEach((v) => v.say('Did you get this?'));
      const fresh = await w.visitor(2);
      fresh.say('A first message while writes fail');
      // Senders are refused (an error in the ack, nothing stored) and keep re-sending the same clientId.
      await until(() => [...shoppers, ...others, fresh].every((v) => v.failures > 0), 20_000, 'every sender refused');
      expect([...shoppers, ...others, fresh].map((v) => v.acked.size)).toEqual([1, 1, 1, 1, 0]);
    } finally {
      await w.failWrites(false);
    }
    return failedAt;
  }));

test('SIGTERM of a process holding shoppers and an agent (a deploy)', () =>
  w.scenario('SIGTERM', async () => {
    // The agent's console reconnects elsewhere within the grace period and keeps their chats.
    await w.agent(0);
    const shoppers = await w.chatting(0, 3);
    shoppers.forEach((v) => v.say('One more thing'));
    const at = await w.kill(0, 'SIGTERM');
    expect(w.procs.alive(0)).toBe(false);
    return at;
  }));

/** The redis-server's process id, from INFO (the suite's own server, never the shared one). */
async function redisPid(url: string): Promise<number> {
  const r = new Redis(url);
  try {
    const info = await r.info('server');
    return Number(/process_id:(\d+)/.exec(info)![1]);
  } finally {
    r.disconnect();
  }
}

describe('resume by what the client is missing', () => {
  /** The agent client holding the shopper's conversation, once it has been told and has greeted. */
  async function agentOf(conversationId: string) {
    let agent: FaultAgent | undefined;
    await until(() => !!(agent = w.agents.find((a) => a.chats.has(conversationId))) && agent.unsent === 0 && agent.acked.size > 0, 20_000, 'the agent told and greeting');
    return agent!;
  }
  const seqsOf = (r: { ok: boolean; data?: { conversations: { messages: { seq: number }[] }[] } }) =>
    r.ok ? r.data!.conversations.flatMap((c) => c.messages.map((m) => m.seq)) : [];

  test('seqs become visible in order: while two processes write one conversation, no snapshot has a hole', () =>
    w.scenario('in-order visibility across processes', async () => {
      const [shopper] = await w.chatting(0, 1);
      const agent = await agentOf(shopper.conversationId!);
      for (let i = 0; i < 20; i++) {
        shopper.say(`shopper ${i}`);
        agent.say(shopper.conversationId!, `agent ${i}`);
      }
      const holes: number[][] = [];
      let snapshots = 0;
      // Read while they write: seqs are allocated under the conversation's row lock and committed
      // with it, so whatever seq a reader sees, every smaller one is already visible.
      await until(async () => {
        const { rows } = await w.db.sql.query<{ seq: number }>('select seq::int as seq from messages where conversation_id = $1 order by seq', [shopper.conversationId]);
        snapshots++;
        const seqs = rows.map((r) => r.seq);
        if (seqs.some((s, i) => s !== i + 1)) holes.push(seqs);
        return shopper.unsent === 0 && agent.unsent === 0;
      }, 30_000, 'both bursts acknowledged');
      expect(snapshots).toBeGreaterThan(1);
      expect(holes).toEqual([]);
      return Date.now();
    }));

  test('a message stored by a process that died before fanning it out: the highest seq skips it, what is missing finds it', () =>
    w.scenario('resume after a lost fan-out', async () => {
      const [shopper] = await w.chatting(0, 1);
      const conversationId = shopper.conversationId!;
      const agent = await agentOf(conversationId);
      // Stored, never fanned out: what a process leaves when it dies between its store and its
      // fan-out (the crash seam's after-store-message; written here directly, so no ack can race).
      const orphan = await w.db.store.appendMessage({
        conversationId, clientId: null, author: 'visitor', authorId: shopper.visitorId!, kind: 'text', text: 'stored, never delivered live', at: Date.now(),
      });
      if (orphan.status !== 'stored') throw new Error(orphan.status);
      // The agent answers through another process: a later seq reaches the agent by its own ack.
      agent.say(conversationId, 'Anything else?');
      await until(() => agent.unsent === 0 && [...agent.chats.get(conversationId)!.keys()].some((s) => s > orphan.message.seq), 10_000, 'the later reply');
      const chat = agent.chats.get(conversationId)!;
      expect(chat.has(orphan.message.seq)).toBe(false);

      const highest = Math.max(...chat.keys());
      const byHighest = await agent.socket!.timeout(8000).emitWithAck('session:sync', { since: { [conversationId]: highest } });
      expect(seqsOf(byHighest)).not.toContain(orphan.message.seq);
      const byMissing = await agent.socket!.timeout(8000).emitWithAck('session:sync', { since: { [conversationId]: resumeFrom(chat) } });
      expect(seqsOf(byMissing)).toContain(orphan.message.seq);
      return Date.now();
    }));
});
