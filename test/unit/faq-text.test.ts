/** FAQ text normalisation, tokenisation, ranking and index refresh: no I/O. */
import { createFaqMatcher, type FaqSource } from '../../server/domain/faq/matcher';
import { buildFaqIndex, withinOneEdit, type FaqDocument } from '../../server/domain/faq/ranker';
import { normalize, stem, toSimplified, tokenize } from '../../server/domain/faq/text';

describe('normalize', () => {
  test('full-width letters, digits and punctuation become half-width, then lower case', () => {
    expect(normalize('ＩＰｈｏｎｅ　１５，ＯＫ？')).toBe('iphone 15 ok');
  });

  test('Traditional characters of the table become Simplified', () => {
    expect(toSimplified('訂單什麼時候發貨？運費怎麼算')).toBe('订单什么时候发货？运费怎么算');
    expect(normalize('我的帳號登不進去，請問還能退款嗎')).toBe('我的账号登不进去 请问还能退款吗');
    // Characters outside the table, Simplified text and Latin text are left alone.
    expect(toSimplified('退货 refund 我们')).toBe('退货 refund 我们');
  });

  test('punctuation and symbols of both scripts become single spaces', () => {
    expect(normalize('退货？？退款！！「急」…【在线等】')).toBe('退货 退款 急 在线等');
    expect(normalize('Refund?!  (order #123) — thanks :)')).toBe('refund order 123 thanks');
    expect(normalize('价格：¥99／件～')).toBe('价格 99 件');
  });

  test("apostrophes and hyphens inside words join them; a final 's goes", () => {
    expect(normalize("Don't know where's my e-mail")).toBe('dont know where my email');
    expect(normalize("the order's status")).toBe('the order status');
  });
});

describe('stem', () => {
  test.each([
    ['orders', 'order'],
    ['ordered', 'order'],
    ['ordering', 'order'],
    ['shipping', 'ship'],
    ['shipped', 'ship'],
    ['ships', 'ship'],
    ['refunds', 'refund'],
    ['refunded', 'refund'],
    ['deliveries', 'deliver'],
    ['delivery', 'deliver'],
    ['delivered', 'deliver'],
    ['charged', 'charg'],
    ['charge', 'charg'],
    ['cancelled', 'cancel'],
    ['canceled', 'cancel'],
    ['boxes', 'box'],
    ['address', 'address'],
    ['status', 'status'],
    ['iphone15', 'iphone15'],
  ])('%s → %s', (word, stemmed) => {
    expect(stem(word)).toBe(stemmed);
  });
});

describe('tokenize', () => {
  test('Chinese without spaces: segmenter words and character bigrams, stop words dropped', () => {
    const terms = tokenize('收到的商品有质量问题可以退吗');
    // Bigrams of each stretch between stop words (的, 吗 are dropped and break the stretch).
    expect(terms).toEqual(expect.arrayContaining(['收到', '商品', '质量', '问题', '可以', '品有']));
    expect(terms).not.toContain('到的');
    expect(terms).not.toContain('的');
    expect(terms).not.toContain('吗');
    // One-character words are unigrams.
    expect(terms).toContain('退');
  });

  test('a segmentation that splits a word is still matched by its bigram', () => {
    // The segmenter gives 怎么|退|货 here but 退货 elsewhere: the bigram 退货 is in both.
    expect(tokenize('怎么退货')).toEqual(expect.arrayContaining(['退', '货', '退货']));
    expect(tokenize('退货流程')).toContain('退货');
  });

  test('words of three or more characters are kept whole beside their bigrams', () => {
    expect(tokenize('订单什么时候发货')).toEqual(expect.arrayContaining(['什么时候', '什么', '时候', '发货', '订单']));
  });

  test('mixed script: Latin words, numbers and Chinese terms', () => {
    expect(tokenize('iPhone 15 怎么退货')).toEqual(['iphon', '15', '退', '货', '怎么', '么退', '退货']);
    // Full-width and glued together: the same terms.
    expect(tokenize('ＩＰＨＯＮＥ１５怎麼退貨？')).toEqual(tokenize('iPhone 15 怎么退货'));
  });

  test('Traditional and Simplified forms of a question give the same terms', () => {
    expect(tokenize('收到的貨是壞的怎麼辦')).toEqual(tokenize('收到的货是坏的怎么办'));
    expect(tokenize('發票抬頭寫錯了')).toEqual(tokenize('发票抬头写错了'));
  });

  test('English: stop words dropped, words stemmed, negative contractions read as not', () => {
    expect(tokenize('How do I track my orders?')).toEqual(['track', 'order']);
    expect(tokenize("I haven't received the parcel")).toEqual(['not', 'receiv', 'parcel']);
    expect(tokenize('Where is it?')).toEqual([]);
  });

  test('punctuation never becomes a term', () => {
    expect(tokenize('！？。，、；：“”‘’（）《》【】!?.,;:"\'()[]{}<>…—-~@#$%^&*_+=|\\/')).toEqual([]);
  });
});

test('withinOneEdit: insertion, deletion, substitution, adjacent swap', () => {
  expect(withinOneEdit('adress', 'address')).toBe(true);
  expect(withinOneEdit('address', 'adress')).toBe(true);
  expect(withinOneEdit('reciev', 'receiv')).toBe(true);
  expect(withinOneEdit('refund', 'refind')).toBe(true);
  expect(withinOneEdit('refund', 'refund')).toBe(true);
  expect(withinOneEdit('refund', 'rfeund')).toBe(true);
  expect(withinOneEdit('refund', 'fernud')).toBe(false);
  expect(withinOneEdit('ship', 'shipment')).toBe(false);
});

describe('buildFaqIndex', () => {
  const entries: FaqDocument[] = [
    { id: 'return-zh', question: '怎么申请退货？', phrasings: ['七天无理由退货怎么操作', '退货地址是哪里'], language: 'zh-CN' },
    { id: 'invoice-zh', question: '怎么开发票？', phrasings: ['电子发票在哪里下载'], language: 'zh-CN' },
    { id: 'return-en', question: 'How do I return an item?', phrasings: ['Start a return'], language: 'en' },
    { id: 'address-en', question: 'Can I change my delivery address?', phrasings: ['I entered the wrong address'], language: 'en' },
  ];
  const index = buildFaqIndex(entries);

  test('ranks by BM25 and explains with the shopper’s words and Chinese stretches', () => {
    const [top] = index.match('iPhone 15 怎么退货');
    expect(top.entry.id).toBe('return-zh');
    expect(top.matched).toEqual(['怎么退货']);
    const [en] = index.match('I want to return my shoes');
    expect(en).toMatchObject({ entry: { id: 'return-en' }, matched: ['return'] });
    expect(en.score).toBeGreaterThan(0);
  });

  test('Traditional text matches Simplified entries', () => {
    expect(index.match('發票在哪裡下載')[0].entry.id).toBe('invoice-zh');
  });

  test('an English typo one edit from a known word still matches, for less', () => {
    const typo = index.match('change my adress')[0];
    const right = index.match('change my address')[0];
    expect(typo.entry.id).toBe('address-en');
    expect(typo.matched).toContain('adress');
    expect(typo.score).toBeLessThan(right.score);
  });

  test('language filter, limit, and nothing for text without known terms', () => {
    expect(index.match('return 退货', { language: 'en' }).map((m) => m.entry.id)).toEqual(['return-en']);
    expect(index.match('退货 return', { limit: 1 })).toHaveLength(1);
    expect(index.match('你好，在吗？')).toEqual([]);
    expect(index.match('hello?')).toEqual([]);
  });
});

describe('createFaqMatcher', () => {
  function fakeSource() {
    let entries: FaqDocument[] = [{ id: 'a', question: 'How do I return an item?', phrasings: [], language: 'en' }];
    let version = 1;
    const source: FaqSource<FaqDocument> & { versionReads: number; listReads: number } = {
      versionReads: 0,
      listReads: 0,
      async version() {
        source.versionReads++;
        return String(version);
      },
      async list() {
        source.listReads++;
        return entries;
      },
    };
    /** Another process's write: only the version tells. */
    const write = (next: FaqDocument[]) => {
      entries = next;
      version++;
    };
    return { source, write };
  }

  test('reads the version at most once per interval and rebuilds only when it changed', async () => {
    const clock = { t: 0, now: () => clock.t };
    const { source, write } = fakeSource();
    const matcher = createFaqMatcher({ source, clock, checkEveryMs: 1000 });

    expect((await matcher.match('return'))[0].entry.id).toBe('a');
    await Promise.all([matcher.match('return'), matcher.match('return')]);
    expect(source).toMatchObject({ versionReads: 1, listReads: 1 });

    write([{ id: 'b', question: 'Start a return', phrasings: [], language: 'en' }]);
    clock.t = 999;
    expect((await matcher.match('return'))[0].entry.id).toBe('a');
    clock.t = 1000;
    expect((await matcher.match('return'))[0].entry.id).toBe('b');
    expect(source).toMatchObject({ versionReads: 2, listReads: 2 });

    // Unchanged version: the index is kept.
    clock.t = 2500;
    await matcher.match('return');
    expect(source).toMatchObject({ versionReads: 3, listReads: 2 });
  });

  test('checkEveryMs 0 checks on every match', async () => {
    const { source } = fakeSource();
    const matcher = createFaqMatcher({ source, clock: { now: () => 0 }, checkEveryMs: 0 });
    for (let i = 0; i < 3; i++) await matcher.match('return');
    expect(source).toMatchObject({ versionReads: 3, listReads: 1 });
  });

  test('invalidate() makes the next match check at once, even during a check', async () => {
    const clock = { now: () => 0 };
    const { source, write } = fakeSource();
    const matcher = createFaqMatcher({ source, clock });
    await matcher.match('return');

    write([]);
    matcher.invalidate();
    expect(await matcher.match('return')).toEqual([]);

    // A write (and invalidate) landing while a check holds the old entries: that check does not count as fresh.
    const other = fakeSource();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const gated = createFaqMatcher({
      source: {
        version: () => other.source.version(),
        async list() {
          const entries = await other.source.list();
          await gate;
          return entries;
        },
      },
      clock,
    });
    const inFlight = gated.match('return');
    await new Promise((r) => setImmediate(r));
    other.write([{ id: 'c', question: 'Return policy', phrasings: [], language: 'en' }]);
    gated.invalidate();
    release();
    expect((await inFlight).map((m) => m.entry.id)).toEqual(['c']);
  });
});
