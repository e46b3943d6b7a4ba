/** The cap on concurrent connections per IP address. */
import { AppError } from '../errors';

/**
 * Counts open engine.io connections per IP address in this process (not across a cluster).
 * `allowRequest` (an engine.io option) refuses the HTTP handshake when the address already
 * holds more than `max`, so raw connections that never join a namespace are bounded too; the
 * one connection over `max` it lets through is refused by the namespace middleware
 * (`refuseOverCap`) with connect_error TOO_MANY_CONNECTIONS, which a client can act on.
 */
export function connectionsPerIp(max: number) {
  const open = new Map<string, number>();
  return {
    allowRequest(req: { socket: { remoteAddress?: string } }, callback: (err: string | null | undefined, success: boolean) => void) {
      const n = open.get(req.socket.remoteAddress ?? '') ?? 0;
      callback(n > max ? 'TOO_MANY_CONNECTIONS' : null, n <= max);
    },
    attach(engine: { on(event: 'connection', listener: (conn: { remoteAddress: string; once(event: 'close', l: () => void): unknown }) => void): unknown }) {
      engine.on('connection', (conn) => {
        const ip = conn.remoteAddress;
        open.set(ip, (open.get(ip) ?? 0) + 1);
        conn.once('close', () => {
          const n = (open.get(ip) ?? 1) - 1;
          if (n > 0) open.set(ip, n);
          else open.delete(ip);
        });
      });
    },
    /** Namespace middleware's check: throws TOO_MANY_CONNECTIONS when the address is over the cap. */
    refuseOverCap(ip: string) {
      if ((open.get(ip) ?? 0) > max) throw new AppError('TOO_MANY_CONNECTIONS');
    },
    /** Open connections of an address (tests). */
    count: (ip: string) => open.get(ip) ?? 0,
  };
}
export type ConnectionsPerIp = ReturnType<typeof connectionsPerIp>;
