/** What the widget and the console share (shared/client/): merge by seq, the outbox, formatting. */
import { clockTime, fill, linkParts } from '../../shared/client/format';
import { mergeBySeq } from '../../shared/client/merge';
import { drain, resent, retryable, withoutStored, withState, type Outgoing } from '../../shared/client/outbox';
import { ERRORS, type ErrorCode } from '../../shared/errors';
import type { Result } from '../../shared/protocol';

describe('mergeBySeq', () => {
  const m = (seq: number) => ({ seq, text: `m${seq}` });

  test('adds new messages in seq order and drops ones already known or repeated', () => {
    const known = [m(1), m(3)];
    const { messages, added } = mergeBySeq(known, [m(3), m(5), m(2), m(5)]);
    expect(messages.map((x) => x.seq)).toEqual([1, 2, 3, 5]);
    expect(added.map((x) => x.seq)).toEqual([5, 2]);
    expect(known.map((x) => x.seq)).toEqual([1, 3]); // never changed in place
  });

  test('returns the same array when nothing is new', () => {
    const known = [m(1)];
    expect(mergeBySeq(known, [m(1)]).messages).toBe(known);
  });

  test('any interleaving of duplicates and reorders gives one sorted copy of each', () => {
    for (let run = 0; run < 200; run++) {
      const seqs = Array.from({ length: 30 }, () => 1 + Math.floor(Math.random() * 20));
      let list: { seq: number; text: string }[] = [];
      for (let i = 0; i < seqs.length; i += 3) list = mergeBySeq(list, seqs.slice(i, i + 3).map(m)).messages;
      expect(list.map((x) => x.seq)).toEqual([...new Set(seqs)].sort((a, b) => a - b));
    }
  });
});

describe('outbox', () => {
  const p = (clientId: string, state: Outgoing['state'] = 'sending'): Outgoing => ({ clientId, text: clientId, state });

  test('withState and withoutStored return new lists', () => {
    const box = [p('a'), p('b')];
    const failed = withState(box, 'b', 'failed');
    expect(failed.map((x) => x.state)).toEqual(['sending', 'failed']);
    expect(box[1].state).toBe('sending');
    expect(withoutStored(box, [{ clientId: 'a' }, { clientId: null }]).map((x) => x.clientId)).toEqual(['b']);
  });

  /** An outbox driven by drain() against a scripted server. */
  function run(answers: (Result<number> | 'timeout')[], connected = true) {
    let box = [p('a'), p('b'), p('c')];
    const sent: string[] = [];
    const stored: string[] = [];
    const refused: [string, ErrorCode][] = [];
    const done = drain<Outgoing, number>({
      next: () => box.find((x) => x.state === 'sending'),
      send: async (x) => {
        sent.push(x.clientId);
        const a = answers.shift();
        if (!a || a === 'timeout') throw new Error('timeout');
        return a;
      },
      stored: (x) => {
        stored.push(x.clientId);
        box = withoutStored(box, [x]);
      },
      failed: (x) => (box = withState(box, x.clientId, 'failed')),
      refused: (x, code) => {
        refused.push([x.clientId, code]);
        box = box.filter((y) => y !== x);
      },
      connected: () => connected,
    });
    return done.then(() => ({ box, sent, stored, refused }));
  }

  test('a final refusal takes the entry out of the outbox with its code; later entries still go', async () => {
    const r = await run([{ ok: false, error: { code: 'MESSAGE_TOO_LONG', message: '' } }, { ok: false, error: { code: 'VALIDATION_FAILED', message: '' } }, { ok: true, data: 3 }]);
    expect(r.sent).toEqual(['a', 'b', 'c']);
    expect(r.refused).toEqual([['a', 'MESSAGE_TOO_LONG'], ['b', 'VALIDATION_FAILED']]);
    expect(r.box).toEqual([]);
    // Nothing is left to send again on the next connect.
    expect(resent(r.box)).toEqual([]);
  });

  test('only RATE_LIMITED and INTERNAL are worth retrying; every other code is final', async () => {
    const codes = Object.keys(ERRORS) as ErrorCode[];
    expect(codes.filter(retryable)).toEqual(['RATE_LIMITED', 'INTERNAL']);
    const r = await run([{ ok: false, error: { code: 'INTERNAL', message: '' } }, { ok: false, error: { code: 'CONVERSATION_CLOSED', message: '' } }, 'timeout']);
    expect(r.box).toEqual([p('a', 'failed'), p('c', 'failed')]);
    expect(r.refused).toEqual([['b', 'CONVERSATION_CLOSED']]);
    // Retryable failures are sent again after a reconnect, with the same client ids.
    expect(resent(r.box)).toEqual([p('a'), p('c')]);
  });

  test('sends oldest first, one at a time; a retryable refusal (RATE_LIMITED) fails that entry and goes on', async () => {
    const r = await run([{ ok: true, data: 1 }, { ok: false, error: { code: 'RATE_LIMITED', message: '' } }, { ok: true, data: 3 }]);
    expect(r.sent).toEqual(['a', 'b', 'c']);
    expect(r.stored).toEqual(['a', 'c']);
    expect(r.box).toEqual([p('b', 'failed')]);
  });

  test('no ack while connected: that entry fails and sending stops', async () => {
    const r = await run([{ ok: true, data: 1 }, 'timeout']);
    expect(r.sent).toEqual(['a', 'b']);
    expect(r.box).toEqual([p('b', 'failed'), p('c')]);
  });

  test('no ack because the connection dropped: the entry stays sending, for the next connect', async () => {
    const r = await run(['timeout'], false);
    expect(r.box).toEqual([p('a'), p('b'), p('c')]);
  });
});

describe('format', () => {
  test('fill replaces known placeholders and keeps unknown ones', () => {
    expect(fill('{n} new · {x}', { n: 3 })).toBe('3 new · {x}');
  });

  test('clockTime shows hours and minutes', () => {
    expect(clockTime('en').format(Date.UTC(2024, 0, 1, 8, 5))).toMatch(/\d{2}:05/);
  });

  test('links: only http(s), trailing punctuation left out, markup stays text', () => {
    expect(linkParts('see https://example.com/a?b=1. ok')).toEqual(['see ', 'https://example.com/a?b=1', '. ok']);
    expect(linkParts('订单：https://shop.cn/o/1。')).toEqual(['订单：', 'https://shop.cn/o/1', '。']);
    expect(linkParts('<b>javascript:alert(1)</b> ftp://x')).toEqual(['<b>javascript:alert(1)</b> ftp://x']);
    expect(linkParts('a http://x.io b https://y.io')).toEqual(['a ', 'http://x.io', ' b ', 'https://y.io', '']);
  });
});
