/**
 * The quality rules (server/domain/quality/rules.ts) on crafted transcripts, Chinese and
 * English: each rule's pass, fail and not-applicable cases, the thresholds and lists a lead
 * tunes, switching rules off, and the score.
 */
import type { QualitySettings } from '../../shared/quality';
import type { QualityTranscript } from '../../server/domain/ports/quality';
import { DEFAULT_QUALITY_SETTINGS } from '../../server/domain/quality/defaults';
import { answeredWaits, scoreConversation } from '../../server/domain/quality/rules';
import { phraseMatcher } from '../../server/domain/quality/text-match';

const T0 = Date.UTC(2026, 2, 2, 2, 0, 0);

type Line = [seconds: number, who: 'v' | 'a' | 'greeting' | 'closing' | 'idle', text: string];

/** A closed chat: lines at seconds after opening; by default assigned, categorised, closed by the agent. */
function chat(lines: Line[], over: Partial<QualityTranscript> = {}): QualityTranscript {
  return {
    conversationId: 'c',
    agentId: 'ann',
    openedAt: T0,
    closedAt: T0 + 600_000,
    settledAt: T0 + 600_000,
    assigned: true,
    closedBy: 'agent',
    closeReason: null,
    closeCategory: 'order',
    texts: lines.map(([s, who, text]) => ({
      author: who === 'v' ? 'visitor' : 'agent',
      text,
      at: T0 + s * 1000,
      routine: who === 'v' || who === 'a' ? null : who,
    })),
    ...over,
  };
}

/** Only `rule` switched on (with these changes), worth 10 points. */
function only<R extends keyof QualitySettings>(rule: R, change: Partial<QualitySettings[R]> = {}): QualitySettings {
  const off = Object.fromEntries(Object.entries(DEFAULT_QUALITY_SETTINGS).map(([k, v]) => [k, { ...v, enabled: false }])) as unknown as QualitySettings;
  return { ...off, [rule]: { ...DEFAULT_QUALITY_SETTINGS[rule], enabled: true, points: 10, ...change } };
}

const finding = (t: QualityTranscript, s: QualitySettings) => {
  const r = scoreConversation(t, s);
  expect(r.findings).toHaveLength(1);
  return { ...r.findings[0], score: r.score, failed: r.failed };
};

describe('phrase matching', () => {
  const m = phraseMatcher(['hell', 'Thank you', '请', '不知道', 'ＯＫ']);
  test('English matches whole words in any case; Chinese matches inside words', () => {
    expect(m.count('Hello, THANK YOU! 请稍等，我不知道。')).toEqual([
      { phrase: 'Thank you', count: 1 },
      { phrase: '请', count: 1 },
      { phrase: '不知道', count: 1 },
    ]);
    expect(m.count('hell, go to hell')).toEqual([{ phrase: 'hell', count: 2 }]);
  });
  test('full-width letters match their ASCII form, both ways', () => {
    expect(m.count('ok 好的')).toEqual([{ phrase: 'ＯＫ', count: 1 }]);
    expect(phraseMatcher(['ok']).count('ＯＫ，马上处理')).toEqual([{ phrase: 'ok', count: 1 }]);
  });
  test('an English word next to Chinese characters is a whole word', () => {
    expect(phraseMatcher(['stupid']).count('你真stupid啊')).toEqual([{ phrase: 'stupid', count: 1 }]);
  });
  test('blank phrases and repeats are ignored', () => {
    expect(phraseMatcher(['', '  ', 'a', 'A']).count('a b a')).toEqual([{ phrase: 'a', count: 2 }]);
  });
});

describe('greeting', () => {
  const s = only('greeting');
  test('the greeting routine passes', () => {
    expect(finding(chat([[0, 'v', '在吗'], [5, 'greeting', '您好，我是客服小王'], [20, 'a', '订单号是多少']]), s)).toMatchObject({ outcome: 'pass', via: 'routine', deducted: 0, score: 100 });
  });
  test('a greeting phrase in the first typed text passes (Chinese and English)', () => {
    expect(finding(chat([[0, 'v', '在吗'], [20, 'a', '您好！请问有什么可以帮您？']]), s)).toMatchObject({ outcome: 'pass', via: 'phrase', phrase: '您好' });
    expect(finding(chat([[0, 'v', 'hi'], [20, 'a', 'Hello there, how can I help?']]), s)).toMatchObject({ outcome: 'pass', via: 'phrase', phrase: 'hello' });
  });
  test('no greeting fails and takes its points off; a greeting only later does not count', () => {
    expect(finding(chat([[0, 'v', '在吗'], [20, 'a', '订单号？'], [40, 'a', '您好']]), s)).toMatchObject({ outcome: 'fail', deducted: 10, score: 90, failed: ['greeting'] });
  });
  test('a chat nobody was assigned does not apply', () => {
    expect(finding(chat([[0, 'v', '在吗']], { assigned: false, agentId: null }), s)).toMatchObject({ outcome: 'na', deducted: 0, score: 100 });
  });
  test("the lead's own phrases", () => {
    expect(finding(chat([[0, 'v', 'yo'], [20, 'a', 'Howdy!']]), only('greeting', { phrases: { en: ['howdy'], 'zh-CN': [] } }))).toMatchObject({ outcome: 'pass', phrase: 'howdy' });
  });
});

describe('closing', () => {
  const s = only('closing');
  test('the closing routine or a closing phrase in the last typed text passes', () => {
    expect(finding(chat([[0, 'v', '好的'], [20, 'a', '已处理'], [30, 'closing', '感谢您的咨询']]), s)).toMatchObject({ outcome: 'pass', via: 'routine' });
    expect(finding(chat([[0, 'v', '好的'], [20, 'a', '感谢您的耐心，再见！']]), s)).toMatchObject({ outcome: 'pass', via: 'phrase', phrase: '感谢' });
    expect(finding(chat([[0, 'v', 'ok'], [20, 'a', 'Thanks, bye!']]), s)).toMatchObject({ outcome: 'pass', phrase: 'thanks' });
  });
  test('an agent close without one fails', () => {
    expect(finding(chat([[0, 'v', '好的'], [20, 'a', '谢谢'], [30, 'a', '已处理']]), s)).toMatchObject({ outcome: 'fail', deducted: 10 });
  });
  test('a chat the shopper ended or the idle routine closed is not the agent’s to close', () => {
    expect(finding(chat([[0, 'v', '好的'], [20, 'a', '已处理']], { closedBy: 'visitor' }), s)).toMatchObject({ outcome: 'na' });
    expect(finding(chat([[0, 'v', '好的'], [20, 'a', '已处理']], { closedBy: 'system', closeReason: 'visitor_idle' }), s)).toMatchObject({ outcome: 'na' });
  });
});

describe('first response', () => {
  test('the first typed answer within the limit passes, at the limit too; the greeting routine is no answer', () => {
    const s = only('firstResponse', { seconds: 30 });
    expect(finding(chat([[0, 'v', '在吗'], [1, 'greeting', '您好'], [30, 'a', '在的']]), s)).toMatchObject({ outcome: 'pass', seconds: 30, limitSeconds: 30 });
    expect(finding(chat([[0, 'v', '在吗'], [1, 'greeting', '您好'], [31, 'a', '在的']]), s)).toMatchObject({ outcome: 'fail', seconds: 31, deducted: 10 });
  });
  test('never answered fails; never assigned does not apply', () => {
    const s = only('firstResponse');
    expect(finding(chat([[0, 'v', 'hello?'], [1, 'greeting', 'Hi']]), s)).toMatchObject({ outcome: 'fail', seconds: null });
    expect(finding(chat([[0, 'v', 'hello?']], { assigned: false }), s)).toMatchObject({ outcome: 'na' });
  });
});

describe('longest wait', () => {
  // Runs: 0 (answered at 20: 20 s), 60+70+80 (answered at 200: 140 s from the run's first), 300 (never answered).
  const lines: Line[] = [[0, 'v', '在吗'], [20, 'a', '在'], [60, 'v', '我的订单'], [70, 'v', '还没到'], [75, 'idle', '请问您还在吗？'], [80, 'v', '急'], [200, 'a', '查到了'], [300, 'v', '谢谢']];
  test('each run waits from its first message to the next typed answer; routines do not answer', () => {
    expect(answeredWaits(chat(lines))).toEqual([20_000, 140_000]);
  });
  test('the longest wait against the limit', () => {
    expect(finding(chat(lines), only('longestWait', { seconds: 140 }))).toMatchObject({ outcome: 'pass', seconds: 140 });
    expect(finding(chat(lines), only('longestWait', { seconds: 139 }))).toMatchObject({ outcome: 'fail', seconds: 140, limitSeconds: 139, deducted: 10 });
  });
  test('no answered run does not apply', () => {
    expect(finding(chat([[0, 'v', '在吗']]), only('longestWait'))).toMatchObject({ outcome: 'na', seconds: null });
  });
});

describe('forbidden words', () => {
  const s = only('forbiddenWords', { words: ['不知道', 'stupid', 'Shut up', 'hell'] });
  test('Chinese inside a sentence, English in any case, counted over the typed texts', () => {
    const f = finding(chat([[0, 'v', '?'], [5, 'a', '我不知道，你自己看'], [9, 'a', 'SHUT UP, stupid question. Really STUPID.']]), s);
    expect(f).toMatchObject({ outcome: 'fail', deducted: 10, score: 90 });
    expect(f.rule === 'forbiddenWords' && f.words).toEqual([
      { word: '不知道', count: 1 },
      { word: 'stupid', count: 2 },
      { word: 'Shut up', count: 1 },
    ]);
  });
  test('parts of longer English words, the visitor’s words and routine texts do not count', () => {
    const f = finding(chat([[0, 'v', 'you are stupid'], [1, 'greeting', '不知道'], [5, 'a', 'Hello, shellfish is on sale!']]), s);
    expect(f).toMatchObject({ outcome: 'pass', words: [] });
  });
  test('nothing typed, or an empty list, does not apply', () => {
    expect(finding(chat([[0, 'v', '?']]), s)).toMatchObject({ outcome: 'na' });
    expect(finding(chat([[0, 'v', '?'], [5, 'a', 'stupid']]), only('forbiddenWords', { words: ['  '] }))).toMatchObject({ outcome: 'na' });
  });
});

describe('courtesy', () => {
  const s = only('courtesy');
  test('any phrase of either language passes, and the phrases found are listed', () => {
    expect(finding(chat([[0, 'v', '?'], [5, 'a', '请稍等，马上为您查询，谢谢']]), s)).toMatchObject({ outcome: 'pass', phrases: ['请', '谢谢'] });
    expect(finding(chat([[0, 'v', '?'], [5, 'a', 'Please wait a moment.']]), s)).toMatchObject({ outcome: 'pass', phrases: ['please'] });
  });
  test('none fails; a routine’s polite text does not count for the agent', () => {
    expect(finding(chat([[0, 'v', '?'], [1, 'greeting', '您好'], [5, 'a', '等着']]), s)).toMatchObject({ outcome: 'fail', phrases: [], deducted: 10 });
    expect(finding(chat([[0, 'v', '?'], [1, 'greeting', '您好']]), s)).toMatchObject({ outcome: 'na' });
  });
});

describe('unresolved', () => {
  const s = only('unresolved');
  test('closed with a category and answered passes', () => {
    expect(finding(chat([[0, 'v', '?'], [5, 'a', '好的']]), s)).toMatchObject({ outcome: 'pass', reasons: [] });
  });
  test('no category fails', () => {
    expect(finding(chat([[0, 'v', '?'], [5, 'a', '好的']], { closeCategory: null }), s)).toMatchObject({ outcome: 'fail', reasons: ['no_category'], deducted: 10 });
  });
  test('the shopper left, or the idle routine closed, with their last message unanswered', () => {
    const lines: Line[] = [[0, 'v', '在吗'], [5, 'a', '在'], [10, 'v', '退款呢？'], [60, 'idle', '请问您还在吗？']];
    expect(finding(chat(lines, { closedBy: 'visitor' }), s)).toMatchObject({ outcome: 'fail', reasons: ['unanswered'] });
    expect(finding(chat(lines, { closedBy: 'system', closeReason: 'visitor_idle', closeCategory: null }), s)).toMatchObject({ outcome: 'fail', reasons: ['no_category', 'unanswered'] });
    // An agent who closes on an unanswered message is caught by the other rules, not this one.
    expect(finding(chat(lines, { closedBy: 'agent' }), s)).toMatchObject({ outcome: 'pass' });
    expect(finding(chat([...lines, [70, 'a', '已退款']], { closedBy: 'visitor' }), s)).toMatchObject({ outcome: 'pass' });
  });
});

describe('the score', () => {
  test('100 less the points of every failed rule, never below 0; rules switched off are not listed', () => {
    // Default rules: greeting 10, closing 10, first response 20 (60 s), longest wait 15 (180 s),
    // forbidden words 30, courtesy 10, unresolved 20.
    const bad = chat([[0, 'v', '在吗'], [100, 'a', '不知道，自己看'], [400, 'v', '？？']], { closedBy: 'visitor', closeCategory: null });
    const r = scoreConversation(bad, DEFAULT_QUALITY_SETTINGS);
    expect(r.findings.map((f) => [f.rule, f.outcome, f.deducted])).toEqual([
      ['greeting', 'fail', 10],
      ['closing', 'na', 0],
      ['firstResponse', 'fail', 20],
      ['longestWait', 'pass', 0],
      ['forbiddenWords', 'fail', 30],
      ['courtesy', 'fail', 10],
      ['unresolved', 'fail', 20],
    ]);
    expect(r.score).toBe(10);
    expect(r.failed).toEqual(['greeting', 'firstResponse', 'forbiddenWords', 'courtesy', 'unresolved']);
    const harsh = { ...DEFAULT_QUALITY_SETTINGS, forbiddenWords: { ...DEFAULT_QUALITY_SETTINGS.forbiddenWords, points: 100 } };
    expect(scoreConversation(bad, harsh).score).toBe(0);
    const lenient = { ...DEFAULT_QUALITY_SETTINGS, forbiddenWords: { ...DEFAULT_QUALITY_SETTINGS.forbiddenWords, enabled: false } };
    const l = scoreConversation(bad, lenient);
    expect(l.findings.map((f) => f.rule)).not.toContain('forbiddenWords');
    expect(l.score).toBe(40);
  });

  test('a good chat in Chinese scores 100', () => {
    const good = chat([[0, 'v', '在吗'], [2, 'greeting', '您好，我是客服小王'], [15, 'a', '请问您的订单号是多少？'], [40, 'v', 'A-1234'], [60, 'a', '已为您加急处理，谢谢'], [70, 'closing', '感谢您的咨询，祝您生活愉快！']]);
    const r = scoreConversation(good, DEFAULT_QUALITY_SETTINGS);
    expect(r.findings.every((f) => f.outcome === 'pass')).toBe(true);
    expect(r.score).toBe(100);
  });
});
