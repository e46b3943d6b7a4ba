/**
 * FAQ match latency with 500 entries: the 34 demo entries plus product-specific variants of
 * them (half Chinese, half English), queried with the 52 shopper questions of the test set.
 * Run: `npx tsx bench/faq-match.ts`.
 *
 * Prints p50/p99 in milliseconds at three levels:
 *  - index:   the in-process BM25 index alone (what a match costs between version checks);
 *  - matcher: through the matcher with the version check (one aggregate over the table, on
 *             PGlite) forced on every call, i.e. the worst case; normally it runs once a second;
 *  - http:    POST /api/v1/faq/match on a real server over keep-alive, round trip (auth included).
 * And the time to rebuild the index after a write.
 */
import { performance } from 'node:perf_hooks';
import { DEMO_FAQ } from '../server/seed/faq';
import { createFaqMatcher } from '../server/domain/faq/matcher';
import { buildFaqIndex } from '../server/domain/faq/ranker';
import { systemClock } from '../server/domain/clock';
import type { NewFaqEntry } from '../server/domain/ports/faq';
import { createFaqStore } from '../server/store/sql/faq-store';
import { FAQ_QUESTIONS } from '../test/fixtures/faq-questions';
import { startTestServer } from '../test/helpers/chat';

const N = 500;
const ROUNDS = 40;

const ZH_PRODUCTS = ['手机', '耳机', '跑鞋', '羽绒服', '咖啡机', '床上四件套', '儿童座椅', '口红', '笔记本电脑', '电饭煲', '行李箱', '智能手表', '奶粉', '投影仪'];
const EN_PRODUCTS = ['phone', 'headphones', 'running shoes', 'down jacket', 'coffee machine', 'bedding set', 'car seat', 'lipstick', 'laptop', 'rice cooker', 'suitcase', 'smartwatch', 'baby formula', 'projector'];

function entries(): NewFaqEntry[] {
  const out: NewFaqEntry[] = DEMO_FAQ.map((e) => ({ ...e }));
  for (let p = 0; out.length < N; p++) {
    for (const e of DEMO_FAQ) {
      if (out.length >= N) break;
      const zh = e.language === 'zh-CN';
      const product = (zh ? ZH_PRODUCTS : EN_PRODUCTS)[p % ZH_PRODUCTS.length];
      const about = (s: string) => (zh ? `${product}：${s}` : `${s} (${product})`);
      out.push({
        question: about(e.question),
        phrasings: e.phrasings.map(about),
        answer: e.answer,
        language: e.language,
        category: e.category,
      });
    }
  }
  return out;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const fmt = (x: number) => x.toFixed(3).padStart(7);

async function measure(label: string, run: (text: string) => Promise<unknown> | unknown) {
  for (const q of FAQ_QUESTIONS) await run(q.text); // warm-up
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (const q of FAQ_QUESTIONS) {
      const t0 = performance.now();
      await run(q.text);
      times.push(performance.now() - t0);
    }
  }
  console.log(`${label.padEnd(8)} p50 ${fmt(pct(times, 50))} ms   p99 ${fmt(pct(times, 99))} ms   (${times.length} matches)`);
}

async function main() {
  const t = await startTestServer();
  try {
    const store = createFaqStore({ sql: t.sql });
    for (const e of entries()) await store.create(e);
    const all = await store.list();
    console.log(`FAQ match, ${all.length} entries (${all.filter((e) => e.language === 'zh-CN').length} zh-CN), ${FAQ_QUESTIONS.length} questions × ${ROUNDS} rounds, Node ${process.version}`);

    const builds: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      buildFaqIndex(all);
      builds.push(performance.now() - t0);
    }
    const index = buildFaqIndex(all);
    await measure('index', (text) => index.match(text, { limit: 3 }));

    const matcher = createFaqMatcher({ source: { version: () => store.version(), list: () => store.list() }, clock: systemClock, checkEveryMs: 0 });
    await measure('matcher', (text) => matcher.match(text, { limit: 3 }));

    const { token } = await t.createUser({ role: 'agent' });
    await measure('http', async (text) => {
      const res = await fetch(`${t.url}/api/v1/faq/match`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ text, limit: 3 }),
      });
      if (!res.ok) throw new Error(`match failed: ${res.status}`);
      await res.json();
    });

    const v: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      await store.version();
      v.push(performance.now() - t0);
    }
    console.log(`version  p50 ${fmt(pct(v, 50))} ms   p99 ${fmt(pct(v, 99))} ms   (the check, at most once a second)`);
    console.log(`rebuild  p50 ${fmt(pct(builds, 50))} ms   p99 ${fmt(pct(builds, 99))} ms   (index of ${all.length} entries, after a write)`);
  } finally {
    await t.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
