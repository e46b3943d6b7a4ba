// Stands in for `engine.io-parser` in the widget bundle (see esbuild.config.mjs): text frames only,
// as the WebSocket transport sends and receives them for JSON packets. The binary and base64 paths
// (Blob, ArrayBuffer, FileReader) never run for the widget. A binary frame decodes as an error
// packet, which closes the transport and reconnects.
const TYPES = ['open', 'close', 'ping', 'pong', 'message', 'upgrade', 'noop'];

export const protocol = 4;

export const encodePacket = ({ type, data }, _binary, callback) => callback(TYPES.indexOf(type) + (data || ''));

export const decodePacket = (text) => {
  const type = typeof text === 'string' && TYPES[text[0]];
  if (!type) return { type: 'error', data: 'parser error' };
  return text.length > 1 ? { type, data: text.slice(1) } : { type };
};
