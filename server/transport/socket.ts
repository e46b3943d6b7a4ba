/**
 * Socket.IO transport: authenticates every handshake, validates every event
 * with zod, applies rate limits, calls the chat domain and acks a result union.
 * The rooms and the Notifier on them are in notifier.ts.
 */
import { randomUUID } from 'node:crypto';
import type { Server, Socket } from 'socket.io';
import {
  AGENT_NAMESPACE,
  VISITOR_NAMESPACE,
  type AgentClientToServerEvents,
  type VisitorClientToServerEvents,
} from '../../shared/protocol';
import type { ChatLimits } from '../config';
import type { AuthService } from '../domain/auth';
import type { ChatService } from '../domain/chat/service';
import type { SettingsService } from '../domain/settings';
import { AppError, toErrorBody } from '../errors';
import type { Logger } from '../logger';
import type { ServerMetrics } from '../metrics';
import type { RateLimiter } from '../store/rate-limit';
import { bindHandlers, type HandlerMap, type Payload } from './handlers';
import { inFlightSet } from './in-flight';
import { guardOutput } from './output-guard';
import type { ConnectionsPerIp } from './connections-per-ip';
import { rooms, type AgentNamespace, type AgentSocket, type VisitorNamespace, type VisitorSocket } from './notifier';
import { agentSchemas, visitorSchemas } from './schemas';

export interface SocketTransportDeps {
  io: Server;
  chat: ChatService;
  /** Close categories and typing previews follow the team settings. */
  settings: Pick<SettingsService, 'checkCloseCategory' | 'typingPreview'>;
  auth: AuthService;
  limiter: RateLimiter;
  limits: ChatLimits;
  /** Open connections per IP; the server's `allowRequest` and engine are already wired to it. */
  connections: ConnectionsPerIp;
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

export function attachSocketTransport(deps: SocketTransportDeps) {
  const { io, chat, settings, auth, limiter, limits, metrics } = deps;
  const log = deps.logger.child({ module: 'socket' });
  // One map per namespace (shared/protocol.ts), which a single Server type cannot carry.
  const visitors = io.of(VISITOR_NAMESPACE) as VisitorNamespace;
  const agents = io.of(AGENT_NAMESPACE) as AgentNamespace;
  guardOutput(io.engine as unknown as Parameters<typeof guardOutput>[0], limits.maxSocketBufferBytes, deps.logger);

  // Work started by events, so shutdown can wait for it before the backends close.
  const work = inFlightSet();
  const bindOptions = {
    track: work.track,
    rejected: (code: string) => metrics.rejected.inc({ code }),
    failed: (err: unknown, event: string) => log.error({ err, event }, 'handler failed'),
  };

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
    try {
      deps.connections.refuseOverCap(clientIp(socket));
      const visitorId = auth.visitor(socket.handshake.auth?.token, randomUUID);
      socket.data = {
        visitorId,
        token: auth.tokens.sign(visitorId, 'visitor', deps.visitorTokenSeconds),
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
    socket.on('disconnect', (reason) => {
      metrics.visitorsConnected.dec();
      // The shopper's last socket anywhere closed (tab closed, network lost, heartbeat missed): gone,
      // and left unless they come back within the grace. A server shutting down is not the shopper leaving.
      if (reason.startsWith('server')) return;
      const others = async () => (await visitors.in(rooms.visitor(visitorId)).fetchSockets()).length > 0;
      void work.track(chat.visitorDisconnected(visitorId, others)).catch((err) => log.warn({ err, visitorId }, 'could not record a visitor gone'));
    });

    // Messages this socket sent and not yet stored: its close waits for them (see inFlightSet).
    const sends = inFlightSet();
    /** The cap on new conversations: charged only when a message would open one. */
    const opening = async () => {
      const within = await limiter.hitAll([
        { key: `open:v:${visitorId}`, limit: limits.newConversationsPerMinute, windowMs: 60_000 },
        { key: `open:ip:${ip}`, limit: limits.ipNewConversationsPerMinute, windowMs: 60_000 },
      ]);
      if (!within) throw new AppError('RATE_LIMITED', 'Too many new conversations; try again in a minute');
    };
    const send = async (p: Payload<VisitorClientToServerEvents, 'message:send'>) => {
      await allow([`msg:v:${visitorId}`, limits.visitorMessagesPerSecond], [`msg:ip:${ip}`, limits.ipMessagesPerSecond]);
      return chat.visitorSend(visitorId, p, socket.id, opening);
    };
    const handlers: HandlerMap<VisitorClientToServerEvents> = {
      'session:sync': async (p) => {
        await allowPerMinute([`sync:v:${visitorId}`, limits.syncPerMinute], [`sync:ip:${ip}`, limits.ipSyncPerMinute]);
        return chat.visitorSession(visitorId, socket.data.token, p.afterSeq, p.conversationId);
      },
      'conversation:history': async (p) => {
        await allow([`hist:v:${visitorId}`, limits.visitorMessagesPerSecond * 2], [`hist:ip:${ip}`, limits.ipMessagesPerSecond]);
        return chat.visitorHistory(visitorId, p);
      },
      'message:send': (p) => sends.track(send(p)),
      'typing': async (p) => {
        await allow([`typ:v:${visitorId}`, limits.visitorMessagesPerSecond * 2]);
        await chat.visitorTyping(visitorId, p.typing, p.typing ? await settings.typingPreview(p.text) : undefined);
      },
      'visitor:presence': async (p) => {
        await allow([`pres:v:${visitorId}`, limits.visitorMessagesPerSecond]);
        await chat.reportVisitorPresence(visitorId, p.state);
      },
      'conversation:close': async () => {
        await allow([`close:v:${visitorId}`, limits.visitorMessagesPerSecond]);
        await sends.settled();
        return chat.visitorClose(visitorId);
      },
      'visitor:profile': async (p) => {
        await allow([`prof:v:${visitorId}`, limits.visitorMessagesPerSecond]);
        return chat.setVisitorProfile(visitorId, p);
      },
      'visitor:context': async (p) => {
        await allow([`ctx:v:${visitorId}`, limits.visitorMessagesPerSecond]);
        return chat.setVisitorContext(visitorId, p, socket.data.userAgent);
      },
      'offline:message': async (p) => {
        await allowPerMinute(
          [`off:v:${visitorId}`, limits.offlineMessagesPerMinute],
          [`off:ip:${ip}`, limits.ipOfflineMessagesPerMinute],
        );
        return chat.leaveMessage(visitorId, p);
      },
      'conversation:rate': async (p) => {
        await allow([`rate:v:${visitorId}`, limits.visitorMessagesPerSecond]);
        return chat.rateConversation(visitorId, p);
      },
      'faq:feedback': async (p) => {
        await allow([`faq:v:${visitorId}`, limits.visitorMessagesPerSecond]);
        return chat.faqFeedback(visitorId, p);
      },
    };
    bindHandlers<VisitorClientToServerEvents>(socket, visitorSchemas, handlers, bindOptions);
  });

  // ------------------------------------------------------------ agents and leads

  agents.use(async (socket, next) => {
    try {
      deps.connections.refuseOverCap(clientIp(socket));
      const user = await auth.staff(socket.handshake.auth?.token);
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
    const connected = work.track(chat.agentConnected(agentId).catch((err) => log.error({ err }, 'agent connect failed')));
    socket.on('disconnect', () => {
      metrics.agentsConnected.dec();
      work.track(
        connected
          .then(() => chat.agentDisconnected(agentId))
          .catch((err) => log.error({ err }, 'agent disconnect failed')),
      );
    });

    const leadOnly = () => {
      if (actor.kind !== 'lead') throw new AppError('FORBIDDEN');
    };
    const sends = inFlightSet();
    /** Each event its own key per agent (all their sockets), so one cannot starve another. */
    const read = (event: string) => allow([`read:${event}:a:${agentId}`, limits.agentReadsPerSecond]);
    const act = (event: string) => allow([`act:${event}:a:${agentId}`, limits.agentActionsPerSecond]);
    const handlers: HandlerMap<AgentClientToServerEvents> = {
      'session:sync': async (p) => {
        await allowPerMinute([`sync:a:${agentId}`, limits.syncPerMinute]);
        return chat.agentSession(agentId, p.since);
      },
      'agent:status': async (p) => {
        await act('status');
        return chat.setStatus(agentId, p.status);
      },
      'message:send': (p) => sends.track(chat.agentSend(actor, p, allow([`msg:a:${agentId}`, limits.agentMessagesPerSecond]))),
      'typing': async (p) => {
        await allow([`typ:a:${agentId}`, limits.agentMessagesPerSecond * 2]);
        await chat.agentTyping(actor, p.conversationId, p.typing);
      },
      'conversation:history': async (p) => {
        await read('history');
        return chat.conversationHistory(actor, p);
      },
      'conversation:transfer': async (p) => {
        await act('transfer');
        return chat.transfer(actor, p.conversationId, p.toAgentId, p.note, p.toDepartmentId);
      },
      'conversation:close': async (p) => {
        await act('close');
        await sends.settled();
        await chat.authorize(actor, p.conversationId);
        await settings.checkCloseCategory(p.category);
        return chat.close(p.conversationId, { by: 'agent', byId: agentId }, { category: p.category, summary: p.summary || undefined });
      },
      'conversation:wrapup': async (p) => {
        await act('wrapup');
        await settings.checkCloseCategory(p.category);
        return chat.fileWrapUp(actor, p);
      },
      'visitor:info': async (p) => {
        await read('info');
        return chat.visitorInfo(actor, p.conversationId);
      },
      'agent:handover': async (p) => {
        await act('handover');
        return chat.handover(actor, p.toAgentId, p.note);
      },
      'conversation:watch': async (p) => {
        leadOnly();
        await read('watch');
        const view = await chat.watch(p.conversationId);
        socket.join(rooms.watchers(p.conversationId));
        return view;
      },
      'conversation:unwatch': async (p) => {
        leadOnly();
        await read('unwatch');
        socket.leave(rooms.watchers(p.conversationId));
        return { conversationId: p.conversationId };
      },
      'lead:snapshot': async () => {
        leadOnly();
        await read('snapshot');
        return chat.leadSnapshot();
      },
      'agent:capacity': async (p) => {
        leadOnly();
        await act('capacity');
        return chat.setCapacity(p.agentId, p.capacity);
      },
      // The lead's floor and stepping in (watching and whispering are above: watch, message:send).
      'agent:set-status': async (p) => {
        leadOnly();
        await act('set-status');
        return chat.setAgentStatus(p.agentId, p.status);
      },
      'floor:watch': async () => {
        leadOnly();
        await read('floor');
        // Joined before the read: a change made meanwhile is pushed too (clients apply pushes after the state).
        socket.join(rooms.floor);
        return chat.floorState();
      },
      'floor:unwatch': async () => {
        leadOnly();
        await read('unfloor');
        socket.leave(rooms.floor);
        return { watching: false as const };
      },
      'conversation:takeover': async (p) => {
        leadOnly();
        await act('takeover');
        return chat.takeover(actor, p.conversationId, p.toAgentId);
      },
    };
    // Every event waits for the connection to be counted in the pool.
    bindHandlers<AgentClientToServerEvents>(socket, agentSchemas, handlers, { ...bindOptions, ready: connected });
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
