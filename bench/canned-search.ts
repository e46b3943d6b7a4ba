/**
 * Canned-reply search on 2,000 replies (half English, half Chinese), as the composer runs it
 * on every keystroke. Run: `npx tsx bench/canned-search.ts`.
 *
 * Prints p50/p99 in milliseconds for typical queries at three levels:
 *  - index:   the in-process search alone (what a request costs between version checks);
 *  - service: search through the service, with the at-most-once-per-second version check
 *             (one primary-key read) forced on every call, i.e. the worst case;
 *  - http:    GET /api/v1/canned-replies on a real server over keep-alive: the server time
 *             of the search (Server-Timing) and the whole round trip (auth included).
 * And the time to rebuild the index after a write.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { buildCannedReplyIndex, createCannedReplyService } from '../server/domain/canned-replies';
import { systemClock } from '../server/domain/clock';
import type { NewCannedReply } from '../server/domain/ports/canned-replies';
import { createCannedReplyStore } from '../server/store/sql/canned-reply-store';
import { openTestStore, startTestServer } from '../test/helpers/chat';

const N = 2000;
const ROUNDS = 500;

const EN_TOPICS = ['refund', 'return', 'shipping', 'delivery', 'tracking', 'invoice', 'payment', 'coupon', 'account', 'password', 'warranty', 'exchange', 'size', 'stock', 'cancel', 'address', 'discount', 'gift', 'order', 'complaint'];
const ZH_TOPICS = ['退货', '退款', '物流', '发票', '支付', '优惠券', '账户', '密码', '保修', '换货', '尺码', '库存', '取消', '地址', '折扣', '礼品', '订单', '投诉', '发货', '售后'];
const EN_SENTENCES = [
  'Thanks for reaching out, {visitor.name}.',
  'I have checked your order and everything looks fine on our side.',
  'Please allow 3 to 5 business days for the change to show up.',
  'You can find this under "My orders" in your account.',
  'If anything else comes up, just reply here and {agent.name} will help.',
  'Our warehouse ships every weekday before 4 pm.',
  'We are sorry for the trouble this caused.',
];
const ZH_SENTENCES = [
  '{visitor.name}您好，感谢您的耐心等待。',
  '我已经为您查询了订单，目前一切正常。',
  '一般需要3到5个工作日处理完成。',
  '您可以在“我的订单”页面查看详情。',
  '如有其他问题，请随时联系客服{agent.name}。',
  '仓库每个工作日下午四点前发货。',
  '给您带来不便，我们深表歉意。',
];

function replies(ownerId: string): NewCannedReply[] {
  const out: NewCannedReply[] = [];
  for (let i = 0; out.length < N; i++) {
    const en = i % 2 === 0;
    const k = Math.floor(i / 2);
    const topics = en ? EN_TOPICS : ZH_TOPICS;
    const sentences = en ? EN_SENTENCES : ZH_SENTENCES;
    const topic = topics[k % topics.length];
    const variant = Math.floor(k / topics.length);
    const body = Array.from({ length: 4 }, (_, j) => sentences[(k + j * 3) % sentences.length]).join(en ? ' ' : '');
    out.push({
      shortcut: en ? `${topic}-${variant}` : `${topic}${variant}`,
      title: en ? `${topic[0].toUpperCase()}${topic.slice(1)} question #${variant}` : `${topic}问题 第${variant}条`,
      body: `${body} (${topic} ${variant})`,
      language: en ? 'en' : 'zh-CN',
      tags: [topic],
      // One in twenty is someone's personal reply.
      ownerId: i % 20 === 19 ? ownerId : null,
    });
  }
  return out;
}

const QUERIES = ['', 'r', 're', 'ref', 'refund', 'refund-3', 'ship', 'question', 'business days', 'zzz', '退', '退货', '物流1', '问题', '工作日', '深表歉意', '无此内容'];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const fmt = (x: number) => x.toFixed(3).padStart(7);

async function measure(label: string, run: (q: string) => Promise<unknown> | unknown, rounds = ROUNDS) {
  const all: number[] = [];
  const rows: string[] = [];
  for (const q of QUERIES) {
    for (let i = 0; i < 20; i++) await run(q); // warm-up
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      await run(q);
      times.push(performance.now() - t0);
    }
    all.push(...times);
    rows.push(`  ${JSON.stringify(q).padEnd(18)} p50 ${fmt(pct(times, 50))}  p99 ${fmt(pct(times, 99))}`);
  }
  console.log(`\n${label}\n${rows.join('\n')}\n  ${'all queries'.padEnd(18)} p50 ${fmt(pct(all, 50))}  p99 ${fmt(pct(all, 99))}`);
  return all;
}

async function main() {
  const db = await openTestStore();
  const owner = await db.store.upsertUser({ email: 'bench@example.test', displayName: 'Bench', role: 'agent', passwordHash: 'x', capacity: 5 });
  const store = createCannedReplyStore({ sql: db.sql });
  const data = replies(owner.id);
  for (const r of data) await store.create(r, Date.now());
  const { replies: stored } = await store.all();
  console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (p99 is sensitive to other work on the machine)`);
  console.log(`canned-reply search: ${stored.length} replies (${stored.filter((r) => r.language === 'en').length} en, ${stored.filter((r) => r.language !== 'en').length} zh-CN), ${ROUNDS} runs per query, limit 8 (http: 200 runs), ms`);

  const builds: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    buildCannedReplyIndex(stored);
    builds.push(performance.now() - t0);
  }
  console.log(`\nindex rebuild after a write: p50 ${fmt(pct(builds, 50))}  p99 ${fmt(pct(builds, 99))}`);

  const index = buildCannedReplyIndex(stored);
  await measure('index (in-process search only)', (q) => index.search(owner.id, { q, limit: 8 }));

  const logger = pino({ level: 'silent' });
  const worst = createCannedReplyService({ store, clock: systemClock, logger, checkEveryMs: 0 });
  await measure('service, version check on every call (worst case; normally at most once a second)', (q) =>
    worst.search({ id: owner.id, role: 'agent' }, { q, limit: 8 }),
  );

  const t = await startTestServer({ store: db });
  const user = await t.createUser({ role: 'agent' });
  const serverTimes: number[] = [];
  const roundTrips = await measure('http round trip (GET /api/v1/canned-replies, auth included, keep-alive)', async (q) => {
    const res = await fetch(`${t.url}/api/v1/canned-replies?q=${encodeURIComponent(q)}&limit=8`, {
      headers: { authorization: `Bearer ${user.token}` },
    });
    const timing = /dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '');
    serverTimes.push(Number(timing?.[1]));
    await res.arrayBuffer();
  }, 200);
  console.log(`\nhttp server time of the search (Server-Timing, all queries): p50 ${fmt(pct(serverTimes, 50))}  p99 ${fmt(pct(serverTimes, 99))}`);
  console.log(`http round trip, all queries:                               p50 ${fmt(pct(roundTrips, 50))}  p99 ${fmt(pct(roundTrips, 99))}`);

  await t.close();
  await db.store.close();
  await db.sql.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
