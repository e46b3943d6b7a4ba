/** What the chat use cases are built from: the domain's ports and its settings. */
import type { DepartmentSettings, RoutineSettings } from '../../../shared/settings';
import type { ChatLimits } from '../../config';
import type { Logger } from '../../logger';
import type { Clock } from '../clock';
import type { ChatStore } from '../ports/chat-store';
import type { FloorStore } from '../ports/floor';
import type { ChatMetrics } from '../ports/metrics';
import type { Notifier } from '../ports/notifier';
import type { PresencePool } from '../ports/presence';
import type { TierVerifier } from '../tiers';

/** An agent or lead acting through the console. */
export interface Actor {
  kind: 'agent' | 'lead';
  id: string;
  /** The socket that acted, so its own echo can be skipped. */
  socketId?: string;
}

export interface ChatServiceDeps {
  store: ChatStore;
  pool: PresencePool;
  notifier: Notifier;
  clock: Clock;
  logger: Logger;
  limits: ChatLimits;
  metrics?: ChatMetrics;
  /** The floor's reads (conversation times, today's counts). @default none: times null, counts 0 */
  floor?: FloorStore;
  /** The site's IANA time zone, read when today's figures are counted. @default the server's */
  timeZone?: () => string | null | undefined;
  /** Least time between two pushes of the floor's figures, ms. @default 3000 */
  floorFiguresEveryMs?: number;
  /** This server process in the presence pool (heartbeats, socket counts, leases). @default 'local' */
  processId?: string;
  /** The routines' current settings (greeting, closing, idle, slow answer). @default none: routines off */
  routines?: () => Promise<RoutineSettings>;
  /** The departments' current settings. @default no choice offered, 60 s overflow */
  departments?: () => Promise<DepartmentSettings>;
  /** Checks a customer tier token. @default none: every tier is refused (TIER_INVALID) */
  tiers?: TierVerifier;
}
