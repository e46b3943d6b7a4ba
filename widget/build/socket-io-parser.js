// Stands in for `socket.io-parser` in the widget bundle (see esbuild.config.mjs): the same packet
// format (`<type>[<nsp>,][<id>][<json>]`) for text packets only. The visitor namespace carries
// JSON alone, so the binary machinery (attachments, placeholders, reconstruction) would be ~1.5 KB
// gzip spent on nothing. A binary packet is refused like any malformed one: the manager closes
// with "parse error" and reconnects.
import { Emitter } from '@socket.io/component-emitter';

export const protocol = 5;
export const PacketType = { CONNECT: 0, DISCONNECT: 1, EVENT: 2, ACK: 3, CONNECT_ERROR: 4, BINARY_EVENT: 5, BINARY_ACK: 6 };

export class Encoder {
  encode(p) {
    return [`${p.type}${p.nsp && p.nsp !== '/' ? `${p.nsp},` : ''}${p.id ?? ''}${p.data == null ? '' : JSON.stringify(p.data)}`];
  }
}

// type, then the namespace up to a comma, then the ack id's digits, then the JSON payload.
const PACKET = /^([0-4])(\/[^,]*,)?(\d*)([^]*)$/;

export class Decoder extends Emitter {
  add(text) {
    const m = typeof text === 'string' && PACKET.exec(text);
    if (!m) throw new Error('unsupported packet');
    const p = { type: +m[1], nsp: m[2] ? m[2].slice(0, -1) : '/' };
    if (m[3]) p.id = +m[3];
    if (m[4]) p.data = JSON.parse(m[4]);
    if (p.type === PacketType.EVENT ? !Array.isArray(p.data) || typeof p.data[0] !== 'string' : p.type === PacketType.ACK && !Array.isArray(p.data)) {
      throw new Error('invalid payload');
    }
    this.emitReserved('decoded', p);
  }

  destroy() {}
}
