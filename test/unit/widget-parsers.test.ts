/**
 * The widget's text-only packet parsers (widget/build/, swapped in by esbuild.config.mjs) read and
 * write exactly what the real socket.io-parser and engine.io-parser do for JSON packets, and
 * refuse binary ones instead of misreading them.
 */
import * as real from 'socket.io-parser';
import * as eio from 'engine.io-parser';
// @ts-expect-error plain JS build shims, without declarations
import * as slim from '../../widget/build/socket-io-parser.js';
// @ts-expect-error plain JS build shims, without declarations
import * as slimEio from '../../widget/build/engine-io-parser.js';

const packets = [
  { type: 0, nsp: '/visitor', data: { token: 'a.b.c' } },
  { type: 0, nsp: '/visitor', data: { sid: 'x', pid: 'y' } },
  { type: 1, nsp: '/visitor' },
  { type: 2, nsp: '/visitor', data: ['message', { text: '你好, "world"\n', seq: 3 }] },
  { type: 2, nsp: '/visitor', id: 12, data: ['session:sync', { afterSeq: 0 }] },
  { type: 3, nsp: '/visitor', id: 12, data: [{ ok: true, data: { n: 1 } }] },
  { type: 4, nsp: '/visitor', data: { message: 'no', data: { code: 'TOKEN_INVALID' } } },
  { type: 2, nsp: '/', data: ['typing', { typing: true }] },
];

const decodeAll = (Decoder: new () => { on(e: string, f: (p: unknown) => void): void; add(s: string): void }, text: string) => {
  const d = new Decoder();
  const out: unknown[] = [];
  d.on('decoded', (p) => out.push(p));
  d.add(text);
  return out;
};

test('socket.io packets encode and decode as the real parser does', () => {
  for (const p of packets) {
    const [text] = new real.Encoder().encode(p as real.Packet);
    expect(new slim.Encoder().encode(p)).toEqual([text]);
    expect(decodeAll(slim.Decoder, text)).toEqual(decodeAll(real.Decoder as never, text));
  }
  expect(slim.PacketType).toMatchObject({ CONNECT: 0, DISCONNECT: 1, EVENT: 2, ACK: 3, CONNECT_ERROR: 4 });
});

test('binary, malformed and invalid socket.io packets are refused', () => {
  for (const text of ['51-/visitor,["x",{"_placeholder":true,"num":0}]', '9', '2/visitor,{"not":"an array"}', '2/visitor,[bad json', '']) {
    expect(() => decodeAll(slim.Decoder, text)).toThrow();
  }
});

test('engine.io text packets encode and decode as the real parser does', () => {
  for (const packet of [{ type: 'message', data: '2/visitor,["x"]' }, { type: 'ping' }, { type: 'pong' }, { type: 'open', data: '{"sid":"s"}' }, { type: 'close' }] as eio.Packet[]) {
    let a = '', b = '';
    eio.encodePacket(packet, true, (s) => (a = s as string));
    slimEio.encodePacket(packet, true, (s: string) => (b = s));
    expect(b).toBe(a);
    expect(slimEio.decodePacket(a)).toEqual(eio.decodePacket(a));
  }
  expect(slimEio.decodePacket('bAAAA')).toEqual({ type: 'error', data: 'parser error' });
  expect(slimEio.decodePacket(new ArrayBuffer(2))).toEqual({ type: 'error', data: 'parser error' });
  expect(slimEio.protocol).toBe(eio.protocol);
});
