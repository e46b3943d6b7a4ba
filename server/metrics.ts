/**
 * Prometheus metrics, one registry per server instance (no global registry, so
 * several servers can live in one test process).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ChatMetrics } from './domain/ports/metrics';
import type { PresencePool } from './domain/ports/presence';

export interface ServerMetrics extends ChatMetrics {
  registry: Registry;
  visitorsConnected: Gauge;
  agentsConnected: Gauge;
  rejected: Counter<'code'>;
}

export function createMetrics(pool: PresencePool): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'livesupport_process_' });

  const messages = new Counter({
    name: 'livesupport_messages_total',
    help: 'Messages stored, by author and kind',
    labelNames: ['author', 'kind'] as const,
    registers: [registry],
  });
  const assignment = new Histogram({
    name: 'livesupport_assignment_latency_seconds',
    help: 'From routing a conversation to notifying its agent (queued: from joining the queue)',
    labelNames: ['queued'] as const,
    buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600],
    registers: [registry],
  });
  const repairs = new Counter({
    name: 'livesupport_reconcile_repairs_total',
    help: 'Agents whose load counter drifted from their assignments and was repaired',
    registers: [registry],
  });
  const driftRepairs = new Counter({
    name: 'livesupport_repairs_total',
    help: 'Conversations whose pool state and stored state disagreed and were put right, by kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const fanOutFailures = new Counter({
    name: 'livesupport_fanout_failures_total',
    help: 'Routing or delivery after an acknowledged write that failed (the repair finishes it)',
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'livesupport_rejected_total',
    help: 'Inbound events and requests refused, by error code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const visitorsConnected = new Gauge({
    name: 'livesupport_visitors_connected',
    help: 'Visitor sockets connected to this process',
    registers: [registry],
  });
  const agentsConnected = new Gauge({
    name: 'livesupport_agents_connected',
    help: 'Agent and lead sockets connected to this process',
    registers: [registry],
  });
  new Gauge({
    name: 'livesupport_queue_length',
    help: 'Conversations waiting for an agent (shared by all processes)',
    registers: [registry],
    async collect() {
      this.set((await pool.queue()).length);
    },
  });
  new Gauge({
    name: 'livesupport_agents_online',
    help: 'Agents with status online (shared by all processes)',
    registers: [registry],
    async collect() {
      this.set((await pool.agents()).filter((a) => a.status === 'online').length);
    },
  });

  return {
    registry,
    visitorsConnected,
    agentsConnected,
    rejected,
    messageStored: (author, kind) => messages.inc({ author, kind }),
    assigned: (seconds, fromQueue) => assignment.observe({ queued: String(fromQueue) }, seconds),
    reconciled: (n) => repairs.inc(n),
    repaired: (kind, n) => driftRepairs.inc({ kind }, n),
    fanOutFailed: () => fanOutFailures.inc(),
  };
}
