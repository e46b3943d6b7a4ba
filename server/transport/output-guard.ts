import type { Logger } from '../logger';

/** What the output guard reads of an engine.io connection (its types do not show the transport's ws). */
interface EngineConnection {
  on(event: 'packetCreate', listener: (packet: { data?: unknown }) => void): unknown;
  on(event: 'flush', listener: () => void): unknown;
  close(discard?: boolean): unknown;
  readyState: string;
  transport: { name: string; socket?: { bufferedAmount?: number; terminate?(): void } };
}

/**
 * Closes a connection whose unsent output passes `maxBytes`: a client that stops reading
 * would otherwise make the server hold every reply it asks for. Checked as each packet is
 * created, against what is already pending: the packets engine.io queued since its last flush
 * to the transport, plus what the WebSocket still buffers (`bufferedAmount`: its sender and the
 * TCP socket's user-space buffer; the kernel's buffers are not counted). So one reply larger
 * than the limit is still sent when little is pending. Closing discards the queue and
 * terminates the WebSocket at once (a closing handshake would keep the buffers 30 s).
 */
export function guardOutput(engine: { on(event: 'connection', listener: (conn: EngineConnection) => void): unknown }, maxBytes: number, logger: Logger) {
  const log = logger.child({ module: 'socket' });
  engine.on('connection', (conn) => {
    let queued = 0;
    let closing = false;
    conn.on('flush', () => (queued = 0)); // engine.io hands its whole queue to the transport
    conn.on('packetCreate', (packet) => {
      if (closing) return;
      const pending = queued + (conn.transport.socket?.bufferedAmount ?? 0);
      if (pending > maxBytes) {
        closing = true;
        log.warn({ pending, maxBytes, transport: conn.transport.name }, 'closing a connection that does not read its output');
        // After the packet being created is queued: closing inside engine.io's send is not safe.
        process.nextTick(() => {
          const ws = conn.transport.socket;
          conn.close(true);
          ws?.terminate?.();
        });
        return;
      }
      const d = packet.data;
      queued += typeof d === 'string' ? Buffer.byteLength(d) : Buffer.isBuffer(d) ? d.length : 0;
    });
  });
}
