/**
 * The bare baseline: a minimal Socket.IO relay and nothing else. A client joins the rooms it
 * names in its handshake (`auth.rooms`); `m { to, text }` is forwarded as is to room `to`
 * (never back to the sender). With REDIS_URL set, rooms span processes through the same
 * `@socket.io/redis-streams-adapter`, with the same options, as the product.
 *
 * Environment: PORT (0: a free port), HOST, REDIS_URL, REDIS_PREFIX. Prints the same JSON
 * "listening" line as the product, so the bench starts both the same way.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { Redis } from 'ioredis';
import { createAdapter } from '@socket.io/redis-streams-adapter';

interface RelayPacket {
  to: string;
  text: string;
}

const port = Number(process.env.PORT ?? 0);
const host = process.env.HOST ?? '127.0.0.1';
const prefix = process.env.REDIS_PREFIX ?? 'relay';
const redis = process.env.REDIS_URL ? new Redis(process.env.REDIS_URL) : undefined;

const httpServer = createServer();
const io = new Server(httpServer, {
  serveClient: false,
  ...(redis
    ? {
        adapter: createAdapter(redis, {
          streamName: `${prefix}:socket.io`,
          channelPrefix: `${prefix}:socket.io`,
          sessionKeyPrefix: `${prefix}:sio:session:`,
          blockTimeInMs: 1000,
        }),
      }
    : {}),
});

io.on('connection', (socket) => {
  const rooms = socket.handshake.auth?.rooms;
  if (Array.isArray(rooms)) socket.join(rooms.filter((r): r is string => typeof r === 'string'));
  socket.on('m', (p: RelayPacket) => {
    socket.to(p.to).emit('m', p);
  });
});

httpServer.listen(port, host, () => {
  const { port: actual } = httpServer.address() as AddressInfo;
  console.log(JSON.stringify({ level: 30, pid: process.pid, port: actual, adapter: redis ? 'redis-streams' : 'memory', msg: 'Bare relay listening' }));
});

const stop = () => {
  io.close(() => {
    void redis?.quit().finally(() => process.exit(0));
    if (!redis) process.exit(0);
  });
  setTimeout(() => process.exit(0), 3000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
