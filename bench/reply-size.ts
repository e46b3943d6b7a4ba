/**
 * What one reply costs, before and after paging (issue 13): the review's case, a visitor whose
 * conversation holds about 40 long messages, made each 31-byte `session:sync` return 166 KB.
 * Run: `npx tsx bench/reply-size.ts`.
 *
 * Writes, through the real protocol on a real server (embedded PGlite, in-process presence):
 *  - "long": 40 visitor messages of ~4000 characters (ASCII), then 40 of ~4000 Chinese characters;
 *  - "many": 1000 short agent replies.
 * Then, for a visitor and for an agent that know nothing (afterSeq 0, since 0), prints the bytes
 * of the first reply (JSON as sent), the largest reply, how many replies fetching everything
 * takes, and the total transcript size (what one unpaged reply used to be).
 */
import { randomUUID } from 'node:crypto';
import type { Page } from '../shared/protocol';
import { chattingVisitor, ok, onlineAgent, next, startTestServer, type AgentClient, type VisitorClient } from '../test/helpers/chat';

const bytes = (x: unknown) => Buffer.byteLength(JSON.stringify(x));

/** Pages forward from the first reply; returns every reply's size and the messages' total size. */
async function pageAll(socket: AgentClient | VisitorClient, conversationId: string, first: Page<{ seq: number }>, firstBytes: number) {
  const sizes = [firstBytes];
  let messageBytes = bytes(first.messages);
  for (let page = first; page.hasMore; ) {
    page = await ok(socket as AgentClient, 'conversation:history', { conversationId, afterSeq: page.messages.at(-1)!.seq });
    sizes.push(bytes(page));
    messageBytes += bytes(page.messages);
  }
  return { sizes, messageBytes };
}

function report(label: string, r: { sizes: number[]; messageBytes: number }) {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  console.log(
    `| ${label} | ${kb(r.sizes[0])} | ${kb(Math.max(...r.sizes))} | ${r.sizes.length} | ${kb(r.messageBytes)} |`,
  );
}

async function main() {
  const t = await startTestServer({
    limits: { visitorMessagesPerSecond: 1e6, agentMessagesPerSecond: 1e6, ipMessagesPerSecond: 1e6, maxMessageLength: 4000 },
  });
  try {
    console.log(`Reply sizes, Node ${process.version}; JSON bytes as sent (UTF-8)\n`);
    console.log('| transcript, reader | first reply | largest reply | replies to fetch all | whole transcript (one unpaged reply) |');
    console.log('|---|---|---|---|---|');
    for (const kind of ['long', 'many'] as const) {
      const agent = await onlineAgent(t);
      const assigned = next(agent.socket, 'conversation:assigned');
      const v = await chattingVisitor(t, 'hello');
      await assigned;
      const id = v.conversationId;
      if (kind === 'long') {
        for (let i = 0; i < 40; i++) await ok(v.socket, 'message:send', { clientId: randomUUID(), text: `${i} ${'y'.repeat(3990)}` });
        for (let i = 0; i < 40; i++) await ok(v.socket, 'message:send', { clientId: randomUUID(), text: `${i} ${'货'.repeat(3990)}` });
      } else {
        for (let i = 0; i < 1000; i++) await ok(agent.socket, 'message:send', { conversationId: id, clientId: randomUUID(), text: `Reply number ${i}, about your order.` });
      }
      const session = await ok(v.socket, 'session:sync', { afterSeq: 0 });
      report(`${kind}, visitor`, await pageAll(v.socket, id, session, bytes(session)));
      const agentSync = await ok(agent.socket, 'session:sync', { since: { [id]: 0 } });
      report(`${kind}, agent`, await pageAll(agent.socket, id, agentSync.conversations[0], bytes(agentSync)));
      agent.socket.disconnect();
    }
  } finally {
    await t.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
