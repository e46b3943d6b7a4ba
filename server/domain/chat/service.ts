/**
 * The chat domain behind one facade: conversations, messages, routing and who must hear
 * about them. No Socket.IO, no Redis, no SQL here: the presence pool, the store and the
 * notifier are ports, so the same logic runs embedded or clustered. Each concern is a file
 * of this folder; this one only wires them together.
 */
import { createAgentUseCases } from './agents';
import { createAudience } from './audience';
import { createBackground } from './background';
import { createConversationSteps } from './conversations';
import { createFloor } from './floor';
import type { ChatServiceDeps } from './deps';
import { createLeadUseCases } from './leads';
import { createRoutineSweep } from './idle';
import { createLiveness } from './liveness';
import { createLookups } from './lookups';
import { createPreChat } from './pre-chat';
import { createPriorities } from './priority';
import { createPresenceUseCases } from './presence';
import { createQueueFaq } from './queue-faq';
import { createQueueWait } from './queue-wait';
import { createRoutines } from './routines';
import { createFollowUps } from './routines-followups';
import { createWrapUps } from './routines-wrapup';
import { createRouting } from './routing';
import { createSlowAnswerReroute } from './slow-answer';
import { createViews } from './views';
import { createVisitorPresence } from './visitor-presence';
import { createVisitorUseCases } from './visitors';

export type { Actor, ChatServiceDeps } from './deps';
export type ChatService = ReturnType<typeof createChatService>;

export function createChatService(deps: ChatServiceDeps) {
  const lookups = createLookups(deps);
  const views = createViews(deps, lookups);
  const floor = createFloor(deps, views);
  const queueWait = createQueueWait(deps);
  const audience = createAudience(deps, lookups, views, floor, queueWait);
  const background = createBackground(deps);
  const routines = createRoutines(deps, { lookups, views });
  const wrapUps = createWrapUps(deps, { routines, lookups, audience });
  const routing = createRouting(deps, lookups, views, audience, routines, queueWait);
  const priorities = createPriorities(deps, { routing, audience });
  const followUps = createFollowUps(deps, { routines, lookups, priorities });
  const conversations = createConversationSteps(deps, { lookups, views, audience, routing, routines, wrapUps });
  const queueFaq = createQueueFaq(deps, { audience, conversations });
  const visitorPresence = createVisitorPresence(deps, { conversations, routines });
  const slowAnswer = createSlowAnswerReroute(deps, conversations);
  const routineSweep = createRoutineSweep(deps, { routines, wrapUps, conversations, views, floor, queueWait, visitorPresence, slowAnswer });
  const presence = createPresenceUseCases(deps, { lookups, views, audience, routing });
  const liveness = createLiveness(deps, { presence, routing, audience });
  return {
    ...createVisitorUseCases(deps, {
      lookups, views, audience, routing, background, conversations, floor, followUps, preChat: createPreChat(deps), queueWait, queueFaq, priorities,
    }),
    ...createAgentUseCases(deps, { lookups, views, routing, background, conversations, presence, floor }),
    ...presence,
    reportVisitorPresence: visitorPresence.reportVisitorPresence,
    visitorDisconnected: visitorPresence.visitorDisconnected,
    /** The agent's session, with the presence epoch (a console compares it across reconnects). */
    async agentSession(...args: Parameters<typeof presence.agentSession>) {
      return { ...(await presence.agentSession(...args)), presenceEpoch: liveness.epoch() };
    },
    ...createLeadUseCases(deps, { lookups, views, floor, presence, conversations }),
    authorize: conversations.authorize,
    transfer: conversations.transfer,
    close: conversations.close,
    forgetUser: lookups.forgetUser,
    /** Today's figures may have changed outside a conversation (earlier chats counted): the floor recounts and pushes them. */
    floorFiguresChanged: floor.figuresChanged,
    repair: routing.repair,
    /** Conversations whose department wait is over go to any agent: one pass (the composition root runs it periodically). */
    sweepOverflow: routing.sweepOverflow,
    heartbeat: liveness.heartbeat,
    /** At start: puts the store's open conversations back when this process found the pool new. */
    restoreQueue: liveness.restoreAtStart,
    /** Idle prompts and closes, slow-answer flags and re-routes, expired wrap-ups, long queue waits: one pass (the composition root runs it periodically). */
    sweepRoutines: routineSweep.sweep,
    fileWrapUp: wrapUps.file,
    registerComplaint: followUps.registerComplaint,
    listComplaints: followUps.listComplaints,
    listFollowUps: followUps.listFollowUps,
    closeFollowUp: followUps.closeFollowUp,
    /** Resolves when work after acks and queue broadcasts are done; for shutdown and tests. */
    async idle() {
      await background.idle();
      await audience.idle();
      await background.idle();
      await floor.idle();
    },
  };
}
