/**
 * Socket.IO transport: authenticates every handshake, validates every event
 * with zod, applies rate limits, calls the chat domain and acks a result union.
 */
import { randomUUID } from 'node:crypto';
import type { Server, Socket, Namespace } from 'socket.io';
import type { z } from 'zod';
import {
  AGENT_NAMESPACE,
  VISITOR_NAMESPACE,
  type AgentClientToServerEvents,
  type AgentServerToClientEvents,
  type Result,
  type VisitorClientToServerEvents,
  type VisitorServerToClientEvents,
} from '../../shared/protocol';
import type { ChatLimits } from '../config';
import type { Actor, ChatService, Notifier } from '../domain/chat-service';
import type { TokenService } from '../domain/auth';
import { AppError, toErrorBody } from '../errors';
import type { Logger } from '../logger';
import type { ServerMetrics } from '../metrics';
import type { RateLimiter } from '../store/rate-limit';
import type { ChatStore } from '../store/sql/types';
import { agentSchemas, visitorSchemas } from './schemas';

interface VisitorData {
  visitorId: string;
  token: string;
  ip: string;
  /** The handshake's User-Agent header, stored with the page context. */
  userAgent: string | undefined;
}
interface AgentData {
  actor: Actor;
  ip: string;
}

type VisitorSocket = Socket<VisitorClientToServerEvents, VisitorServerToClientEvents, object, VisitorData>;
type AgentSocket = Socket<AgentClientToServerEvents, AgentServerToClientEvents, object, AgentData>;
export type VisitorNamespace = Namespace<VisitorClientToServerEvents, VisitorServerToClientEvents, object, VisitorData>;
export type AgentNamespace = Namespace<AgentClientToServerEvents, AgentServerToClientEvents, object, AgentData>;

export const rooms = {
  visitor: (id: string) => `visitor:${id}`,
  agent: (id: string) => `agent:${id}`,
  watchers: (conversationId: string) => `watch:${conversationId}`,
  leads: 'leads',
};

/** The domain's notifier on top of Socket.IO rooms; with the Redis adapter, rooms span processes. */
export function createSocketNotifier(visitors: VisitorNamespace, agents: AgentNamespace): Notifier {
  return {
    visitor(to, event, ...args) {
      if (typeof to === 'string') visitors.to(rooms.visitor(to)).emit(event, ...args);
      else if (to.except) visitors.to(rooms.visitor(to.visitorId)).except(to.except).emit(event, ...args);
      else visitors.to(rooms.visitor(to.visitorId)).emit(event, ...args);
    },
    agents(to, event, ...args) {
      const targets = (to.agentIds ?? []).map(rooms.agent);
      if (to.watchersOf) targets.push(rooms.watchers(to.watchersOf));
      if (to.leads) targets.push(rooms.leads);
      if (!targets.length) return;
      const op = to.except ? agents.to(targets).except(to.except) : agents.to(targets);
      op.emit(event, ...args);
    },
  };
}

export interface SocketTransportDeps {
  io: Server;
  chat: ChatService;
  store: ChatStore;
  tokens: TokenService;
  limiter: RateLimiter;
  limits: ChatLimits;
  logger: Logger;
  metrics: ServerMetrics;
  visitorTokenSeconds: number;
}

/** A refused handshake: `err.message` is the code, `err.data` the error body. */
function connectError(err: unknown): Error {
  const body = toErrorBody(err);
  return Object.assign(new Error(body.code), { data: body });
}

function clientIp(socket: Socket): string {
  return socket.handshake.address;
}

/**
 * Promises still running, so a later step can wait for them: shutdown waits for every event's
 * work; a socket's close waits for the messages it sent before it (handlers run concurrently,
 * and a one-statement close could otherwise overtake a message sent just before it, which the
 * store would then refuse as too late).
 */
function inFlightSet() {
  const running = new Set<Promise<unknown>>();
  return {
    track<T>(work: Promise<T>): Promise<T> {
      running.add(work);
      work.finally(() => running.delete(work)).catch(() => {});
      return work;
    },
    settled: () => Promise.allSettled([...running]),
    size: () => running.size,
  };
}

export function attachSocketTransport(deps: SocketTransportDeps) {
  const { io, chat, store, tokens, limiter, limits, metrics } = deps;
  const log = deps.logger.child({ module: 'socket' });
  const visitors = io.of(VISITOR_NAMESPACE) as VisitorNamespace;
  const agents = io.of(AGENT_NAMESPACE) as AgentNamespace;

  // Work started by events, so shutdown can wait for it before the backends close.
  const work = inFlightSet();
  const track = work.track;

  /**
   * Wraps a handler: parse with zod, run, ack `{ ok, data }` or `{ ok: false, error }`.
   * An event sent without an ack callback is still validated; its result is dropped.
   */
  function handler<S extends z.ZodType, T>(schema: S, fn: (payload: z.output<S>) => Promise<T>) {
    return async (payload: unknown, ack?: unknown) => {
      const reply = typeof ack === 'function' ? (ack as (r: Result<T>) => void) : () => {};
      const parsed = schema.safeParse(payload ?? {});
      if (!parsed.success) {
        metrics.rejected.inc({ code: 'VALIDATION_FAILED' });
        const issue = parsed.error.issues[0];
        return reply({
          ok: false,
          error: { code: 'VALIDATION_FAILED', message: `${issue.path.join('.') || 'payload'}: ${issue.message}` },
        });
      }
      try {
        reply({ ok: true, data: await track(fn(parsed.data)) });
      } catch (err) {
        const body = toErrorBody(err);
        metrics.rejected.inc({ code: body.code });
        if (body.code === 'INTERNAL') log.error({ err }, 'handler failed');
        reply({ ok: false, error: body });
      }
    };
  }

  /** One limiter call (one Redis round trip) for all of an event's limits. */
  async function allow(...checks: [key: string, perSecond: number][]) {
    if (!(await limiter.hitAll(checks.map(([key, limit]) => ({ key, limit, windowMs: 1000 }))))) {
      throw new AppError('RATE_LIMITED');
    }
  }

  async function allowPerMinute(...checks: [key: string, perMinute: number][]) {
    if (!(await limiter.hitAll(checks.map(([key, limit]) => ({ key, limit, windowMs: 60_000 }))))) {
      throw new AppError('RATE_LIMITED');
    }
  }

  // ------------------------------------------------------------ visitors

  visitors.use((socket, next) => {
    const token = socket.handshake.auth?.token;
    try {
      let visitorId: string;
      if (token === undefined || token === null || token === '') {
        visitorId = randomUUID();
      } else {
        const claims = tokens.verify(token);
        if (claims.role !== 'visitor') throw new AppError('TOKEN_INVALID');
        visitorId = claims.sub;
      }
      socket.data = {
        visitorId,
        token: tokens.sign(visitorId, 'visitor', deps.visitorTokenSeconds),
        ip: clientIp(socket),
        userAgent: socket.handshake.headers['user-agent'],
      };
      next();
    } catch (err) {
      next(connectError(err));
    }
  });

  visitors.on('connection', (socket: VisitorSocket) => {
    const { visitorId, ip } = socket.data;
    socket.join(rooms.visitor(visitorId));
    metrics.visitorsConnected.inc();
    socket.on('disconnect', () => metrics.visitorsConnected.dec());

    socket.on('session:sync', handler(visitorSchemas['session:sync'], (p) =>
      chat.visitorSession(visitorId, socket.data.token, p.afterSeq),
    ));
    // Messages this socket sent and not yet stored: its close waits for them (see inFlightSet).
    const sends = inFlightSet();
    const send = async (p: z.output<(typeof visitorSchemas)['message:send']>) => {
      await allow([`msg:v:${visitorId}`, limits.visitorMessagesPerSecond], [`msg:ip:${ip}`, limits.ipMessagesPerSecond]);
      return chat.visitorSend(visitorId, p, socket.id);
    };
    socket.on('message:send', handler(visitorSchemas['message:send'], (p) => sends.track(send(p))));
    socket.on('typing', handler(visitorSchemas['typing'], async (p) => {
      await allow([`typ:v:${visitorId}`, limits.visitorMessagesPerSecond * 2]);
      await chat.visitorTyping(visitorId, p.typing);
    }));
    socket.on('conversation:close', handler(visitorSchemas['conversation:close'], async () => {
      await sends.settled();
      return chat.visitorClose(visitorId);
    }));
    socket.on('visitor:profile', handler(visitorSchemas['visitor:profile'], async (p) => {
      await allow([`prof:v:${visitorId}`, limits.visitorMessagesPerSecond]);
      return chat.setVisitorProfile(visitorId, p);
    }));
    socket.on('visitor:context', handler(visitorSchemas['visitor:context'], async (p) => {
      await allow([`ctx:v:${visitorId}`, limits.visitorMessagesPerSecond]);
      return chat.setVisitorContext(visitorId, p, socket.data.userAgent);
    }));
    socket.on('offline:message', handler(visitorSchemas['offline:message'], async (p) => {
      await allowPerMinute(
        [`off:v:${visitorId}`, limits.offlineMessagesPerMinute],
        [`off:ip:${ip}`, limits.ipOfflineMessagesPerMinute],
      );
      return chat.leaveMessage(visitorId, p);
    }));
    socket.on('conversation:rate', handler(visitorSchemas['conversation:rate'], async (p) => {
      await allow([`rate:v:${visitorId}`, limits.visitorMessagesPerSecond]);
      return chat.rateConversation(visitorId, p);
    }));
  });

  // ------------------------------------------------------------ agents and leads

  agents.use(async (socket, next) => {
    try {
      const token = socket.handshake.auth?.token;
      if (!token) throw new AppError('UNAUTHENTICATED');
      const claims = tokens.verify(token);
      if (claims.role !== 'agent' && claims.role !== 'lead') throw new AppError('TOKEN_INVALID');
      const user = await store.getUser(claims.sub);
      if (!user) throw new AppError('TOKEN_INVALID');
      if (!user.active) throw new AppError('ACCOUNT_DISABLED');
      socket.data = { actor: { kind: user.role, id: user.id, socketId: socket.id }, ip: clientIp(socket) };
      next();
    } catch (err) {
      next(connectError(err));
    }
  });

  agents.on('connection', (socket: AgentSocket) => {
    const { actor } = socket.data;
    const agentId = actor.id;
    socket.join(rooms.agent(agentId));
    if (actor.kind === 'lead') socket.join(rooms.leads);
    metrics.agentsConnected.inc();
    // Counted in the pool before any event is handled, so a quick disconnect cannot race it.
    const connected = track(chat.agentConnected(agentId).catch((err) => log.error({ err }, 'agent connect failed')));
    socket.on('disconnect', () => {
      metrics.agentsConnected.dec();
      track(
        connected
          .then(() => chat.agentDisconnected(agentId))
          .catch((err) => log.error({ err }, 'agent disconnect failed')),
      );
    });

    const leadOnly = () => {
      if (actor.kind !== 'lead') throw new AppError('FORBIDDEN');
    };
    const on = <E extends keyof typeof agentSchemas, T>(
      event: E,
      fn: (p: z.output<(typeof agentSchemas)[E]>) => Promise<T>,
    ) => socket.on(event as never, handler(agentSchemas[event], async (p) => {
      await connected;
      return fn(p as z.output<(typeof agentSchemas)[E]>);
    }) as never);

    on('session:sync', (p) => chat.agentSession(agentId, p.since));
    on('agent:status', (p) => chat.setStatus(agentId, p.status));
    const sends = inFlightSet();
    on('message:send', (p) => sends.track(chat.agentSend(actor, p, allow([`msg:a:${agentId}`, limits.agentMessagesPerSecond]))));
    on('typing', async (p) => {
      await allow([`typ:a:${agentId}`, limits.agentMessagesPerSecond * 2]);
      await chat.agentTyping(actor, p.conversationId, p.typing);
    });
    on('conversation:history', (p) => chat.conversationHistory(actor, p.conversationId, p.afterSeq, p.limit));
    on('conversation:transfer', (p) => chat.transfer(actor, p.conversationId, p.toAgentId, p.note));
    on('conversation:close', async (p) => {
      await sends.settled();
      await chat.authorize(actor, p.conversationId);
      return chat.close(p.conversationId, { by: 'agent', byId: agentId }, { category: p.category, summary: p.summary || undefined });
    });
    on('visitor:info', (p) => chat.visitorInfo(actor, p.conversationId));
    on('agent:handover', (p) => chat.handover(actor, p.toAgentId, p.note));
    on('conversation:watch', async (p) => {
      leadOnly();
      const view = await chat.watch(p.conversationId);
      socket.join(rooms.watchers(p.conversationId));
      return view;
    });
    on('conversation:unwatch', async (p) => {
      leadOnly();
      socket.leave(rooms.watchers(p.conversationId));
      return { conversationId: p.conversationId };
    });
    on('lead:snapshot', async () => {
      leadOnly();
      return chat.leadSnapshot();
    });
    on('agent:capacity', async (p) => {
      leadOnly();
      return chat.setCapacity(p.agentId, p.capacity);
    });
  });

  return {
    visitors,
    agents,
    /** Resolves when no event handler is running (handlers may start others, hence the loop). */
    async idle() {
      while (work.size()) await work.settled();
    },
  };
}
