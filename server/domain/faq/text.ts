/**
 * Text normalisation and tokenisation for FAQ matching, in Chinese and English. No I/O.
 *
 * `normalize`: NFKC (full-width letters, digits and punctuation become half-width), lower
 * case, Traditional characters mapped to Simplified through a small table, punctuation and
 * symbols of both scripts replaced by spaces.
 *
 * `tokenize` then splits the text into runs of Han characters and runs of other letters
 * and digits:
 * - a Latin/digit word becomes one term, lightly stemmed (`orders` `ordered` `ordering` →
 *   `order`); negative contractions become `not`; stop words are dropped;
 * - a Han run is segmented into words with `Intl.Segmenter('zh')`; stop words are dropped;
 *   each remaining stretch of adjacent words gives its character bigrams, plus the
 *   segmenter's one-character words (unigrams) and its words of three or more characters.
 *   Two-character words are exactly bigrams, so they are counted once. Bigrams make
 *   matching robust to segmentation that differs between two sentences (`怎么|退|货` vs
 *   `退货`) and to one wrong character; whole words reward a proper segmentation.
 */

// ---------------------------------------------------------------- Traditional → Simplified

/**
 * Pairs of (Traditional, Simplified) characters common in shop and customer-service
 * questions. Character by character: enough for orders, delivery, returns, payment,
 * accounts and invoices, not a general converter (no word-level variants like 甚麼).
 */
const T2S_PAIRS =
  '訂订單单貨货運运費费換换還还錢钱帳账賬账號号碼码發发問问題题請请麼么麽么嗎吗這这個个們们為为' +
  '會会時时間间達达給给與与後后裡里裏里沒没無无對对動动態态進进選选擇择車车購购買买賣卖價价優优' +
  '員员務务關关開开閉闭註注冊册錄录護护戶户網网頁页線线郵邮遞递遲迟過过當当電电話话機机專专東东' +
  '壞坏損损質质樣样顏颜變变轉转經经實实際际幾几點点鐘钟內内處处辦办說说訴诉聯联繫系係系應应該该' +
  '錯错誤误據据稅税額额納纳紙纸寫写認认證证驗验綁绑銀银寶宝億亿萬万筆笔張张條条項项類类別别區区' +
  '門门倉仓庫库補补償偿賠赔僅仅讓让從从來来確确統统計计劃划減减滿满紅红領领積积級级憑凭遺遗掛挂' +
  '記记舊旧齊齐裝装簽签攬揽圖图視视頻频聽听見见覺觉長长誰谁贈赠禮礼備备鎖锁凍冻結结異异擔担陸陆' +
  '鄉乡鎮镇縣县廣广淨净準准嚴严惡恶騙骗詐诈舉举報报評评論论傳传適适試试襪袜衛卫療疗醫医藥药書书' +
  '頭头腦脑幣币匯汇險险週周夠够隻只隨随讀读數数設设歸归調调廠厂產产製制輸输訊讯簡简體体漢汉語语' +
  '講讲幫帮謝谢煩烦復复複复貴贵總总兩两塊块鈔钞銷销貸贷紀纪歷历詳详細细狀状顯显權权刪删資资隱隐' +
  '標标預预揀拣獎奖勵励餘余財财業业識识編编撥拨規规則则檢检測测維维絡络歡欢謂谓臺台灣湾華华習习' +
  '慣惯將将須须緊紧層层於于氣气壓压現现場场邊边離离龍龙戲戏響响綠绿藍蓝鬆松啟启漲涨滯滞' +
  '櫃柜寬宽鏈链鍵键搶抢聲声鋪铺攤摊貼贴擊击顧顾饋馈負负責责決决';

const T2S: ReadonlyMap<string, string> = new Map(
  Array.from({ length: T2S_PAIRS.length / 2 }, (_, i) => [T2S_PAIRS[2 * i], T2S_PAIRS[2 * i + 1]] as const).filter(
    ([t, s]) => t !== s,
  ),
);

/** Maps the Traditional characters of the table to Simplified; leaves everything else. */
export function toSimplified(text: string): string {
  let out = '';
  for (const ch of text) out += T2S.get(ch) ?? ch;
  return out;
}

// ---------------------------------------------------------------- normalisation

// A final 's goes (`where's` → `where`, `order's` → `order`); other apostrophes and hyphens
// inside a word join it (`don't` → `dont`, `e-mail` → `email`).
const APOSTROPHE_S = /(?<=\p{L})['’]s(?![\p{L}\p{N}])/gu;
const JOINERS = /(?<=[\p{L}\p{N}])['’-](?=[\p{L}\p{N}])/gu;
const PUNCTUATION = /[\p{P}\p{S}\p{Z}\p{C}]+/gu;

/** NFKC, lower case, Traditional → Simplified, punctuation and symbols as single spaces. */
export function normalize(text: string): string {
  return toSimplified(text.normalize('NFKC').toLowerCase())
    .replace(APOSTROPHE_S, '')
    .replace(JOINERS, '')
    .replace(PUNCTUATION, ' ')
    .trim();
}

// ---------------------------------------------------------------- stop words and stemming

/** Function words carrying no topic, after normalisation (and stemming for English). */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an the is are was were be been am do does did to of in on at for from by with about as into onto and or ' +
    'but if so than then that this these those it its i im ive id me my mine we our us you your yours he she ' +
    'they them their what which who how when where why can could would should will shall may might must have ' +
    'has had please hi hello hey thank thanks there here just also get got any some all want wanted need like ' +
    'yet still ok okay youre theyre'
  ).split(' '),
);

export const CHINESE_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    '的 了 吗 呢 吧 啊 呀 哦 嘛 哈 嗯 呃 么 我 你 您 他 她 它 我们 你们 他们 我的 你们的 是 在 就 都 也 又 和 与 及 ' +
    '或 还 这 那 这个 那个 个 一下 请 请问 麻烦 你好 您好 谢谢 想 要 我想 我要 一个 啦 哎 喂'
  ).split(' '),
);

/** Negative contractions after joining: they all mean `not` for matching. */
const NEGATIONS = new Set(['dont', 'doesnt', 'didnt', 'havent', 'hasnt', 'hadnt', 'cant', 'cannot', 'wont', 'isnt', 'arent', 'wasnt', 'werent', 'couldnt', 'wouldnt', 'shouldnt', 'never']);

const VOWEL = /[aeiouy]/;
const DOUBLE_END = /([bdfgkmnprt])\1$/;

/**
 * Light English stemming, applied alike to questions and entries: plurals, -ing, -ed,
 * -ery → -er (`delivery` meets `deliver`), a final -e dropped (`charge` meets `charged`),
 * doubled final consonants undone after a suffix (`shipped` → `ship`), and a final -ll
 * shortened (`cancelled` and `canceled` → `cancel`). Not Porter: fewer rules, fewer surprises.
 */
export function stem(word: string): string {
  let w = word;
  if (w.length <= 3 || /\d/.test(w)) return w;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses') || /(?:ch|sh|x|z)es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(?:ss|us|is)$/.test(w)) w = w.slice(0, -1);
  let suffix = false;
  if (w.endsWith('ing') && w.length >= 6 && VOWEL.test(w.slice(0, -3))) {
    w = w.slice(0, -3);
    suffix = true;
  } else if (w.endsWith('ed') && w.length >= 5 && VOWEL.test(w.slice(0, -2))) {
    w = w.slice(0, -2);
    suffix = true;
  }
  if (suffix && w.length >= 4 && DOUBLE_END.test(w)) w = w.slice(0, -1);
  if (w.endsWith('ery') && w.length >= 6) w = w.slice(0, -1);
  if (w.endsWith('e') && w.length >= 5) w = w.slice(0, -1);
  if (w.endsWith('ll') && w.length >= 6) w = w.slice(0, -1);
  return w;
}

// ---------------------------------------------------------------- tokenisation

const SEGMENTER = new Intl.Segmenter('zh', { granularity: 'word' });
// A run of Han characters, a run of digits, or a run of other letters (`iphone15` is two words).
const RUNS = /(\p{Script=Han}+)|(\p{N}+|(?:(?!\p{Script=Han})[\p{L}\p{M}])+)/gu;

/** A term and the normalised word it came from (the same as the term for Chinese). */
export interface Token {
  term: string;
  surface: string;
}

/** Normalises, then returns the tokens of `text` in order (repeats kept: they count as term frequency). */
export function analyze(text: string): Token[] {
  const tokens: Token[] = [];
  for (const m of normalize(text).matchAll(RUNS)) {
    if (m[1]) hanTerms(m[1], tokens);
    else latinTerm(m[2], tokens);
  }
  return tokens;
}

/** The terms of `text`, as `analyze` gives them. */
export function tokenize(text: string): string[] {
  return analyze(text).map((t) => t.term);
}

function latinTerm(word: string, out: Token[]): void {
  if (NEGATIONS.has(word)) {
    out.push({ term: 'not', surface: word });
    return;
  }
  if (ENGLISH_STOP_WORDS.has(word)) return;
  const term = stem(word);
  if (!ENGLISH_STOP_WORDS.has(term)) out.push({ term, surface: word });
}

function hanTerms(run: string, out: Token[]): void {
  let stretch = '';
  const push = (term: string) => out.push({ term, surface: term });
  const flush = () => {
    for (let i = 0; i + 2 <= stretch.length; i++) push(stretch.slice(i, i + 2));
    stretch = '';
  };
  for (const { segment } of SEGMENTER.segment(run)) {
    if (CHINESE_STOP_WORDS.has(segment)) {
      flush();
      continue;
    }
    if (segment.length !== 2) push(segment);
    stretch += segment;
  }
  flush();
}
