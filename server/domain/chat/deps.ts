/** What the chat use cases are built from: the domain's ports and its settings. */
import type { FaqEntryView, FaqLanguage } from '../../../shared/faq';
import type { DepartmentSettings, PreChatSettings, RoutineSettings, TeamSettings } from '../../../shared/settings';
import type { ChatLimits } from '../../config';
import type { Logger } from '../../logger';
import type { Clock } from '../clock';
import type { ChatStore } from '../ports/chat-store';
import type { FloorStore } from '../ports/floor';
import type { ChatMetrics } from '../ports/metrics';
import type { Notifier } from '../ports/notifier';
import type { PresencePool } from '../ports/presence';
import type { ReportService } from '../reports';
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
  /** The floor's reads (conversation times). @default none: times null */
  floor?: FloorStore;
  /** Today's figures by the reports' definitions (docs/reports.md), for the floor. @default none: counts 0 */
  reportToday?: ReportService['today'];
  /** The site's IANA time zone, read when today's figures are counted. @default the server's */
  timeZone?: () => string | null | undefined;
  /** Least time between two pushes of the floor's figures, ms. @default 3000 */
  floorFiguresEveryMs?: number;
  /** This server process in the presence pool (heartbeats, socket counts, leases). @default 'local' */
  processId?: string;
  /** After a shopper's left message is stored (the leads' inboxes are told). @default none */
  leftMessageAdded?: (id: string) => Promise<void>;
  /** The team's business hours when a lead switched them on, else null. @default none: always open */
  businessHours?: () => Promise<TeamSettings['businessHours'] | null>;
  /** The routines' current settings (greeting, closing, idle, slow answer). @default none: routines off */
  routines?: () => Promise<RoutineSettings>;
  /** The pre-chat form's current settings. @default none: no form, nothing required */
  preChat?: () => Promise<PreChatSettings>;
  /**
   * Matches a shopper's text against the FAQ, best first (the FAQ service's `match`).
   * @default none: no FAQ answer is offered while queued
   */
  faq?: (text: string, opts: { language: FaqLanguage; limit: number }) => Promise<{ entry: FaqEntryView; score: number }[]>;
  /** How queued visitors' estimated wait is computed (queue-wait.ts). */
  waitEstimate?: {
    /** The assignment rate is measured over this many minutes, the current one included. @default 15 */
    windowMinutes?: number;
    /** Fewer assignments than this in the window: the wait cannot be estimated yet. @default 3 */
    minAssignments?: number;
  };
  /** The departments' current settings. @default no choice offered, 60 s overflow */
  departments?: () => Promise<DepartmentSettings>;
  /** Checks a customer tier token. @default none: every tier is refused (TIER_INVALID) */
  tiers?: TierVerifier;
}
