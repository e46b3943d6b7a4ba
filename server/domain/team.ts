/**
 * The team: leads create and edit agents and leads, and hand out one-time links with
 * which a user sets their own password (an invitation, or a reset). Only the sha256 of a
 * link's token is stored; the token itself is shown once, to the lead who asked for it.
 *
 * Routing effects go through the chat service (capacity, deactivation); ending live
 * sessions is injected (`signOut`), since sockets belong to the transport.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../../shared/protocol';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { ChatService } from './chat/service';
import type { Clock } from './clock';
import type { UserRepository } from './ports/chat-store';
import type { LinkMailer } from './ports/link-mailer';
import type { PasswordHasher } from './ports/passwords';
import type { UserRecord } from './ports/records';

export interface TeamServiceDeps {
  store: UserRepository;
  passwords: PasswordHasher;
  chat: Pick<ChatService, 'setCapacity' | 'deactivate' | 'forgetUser'>;
  clock: Clock;
  logger: Logger;
  /** Ends every live session of the user, in every process. */
  signOut(userId: string): void;
  /**
   * E-mails each new invitation or reset link to its user (SMTP). Without it, or when sending
   * fails, the link is only shown to the lead, who passes it on. @default undefined
   */
  mailer?: LinkMailer;
  /** How long a link is valid. @default 86_400_000 (24 h) */
  linkTtlMs?: number;
}

export interface NewMember {
  email: string;
  name: string;
  role: Role;
  capacity: number;
  languages: string[];
  active: boolean;
}

export interface MemberPatch {
  name?: string;
  role?: Role;
  capacity?: number;
  languages?: string[];
  active?: boolean;
}

/** A link's secret part, shown once; `expiresAt` in ms since the epoch. */
export interface OneTimeLink {
  token: string;
  purpose: 'invite' | 'reset';
  expiresAt: number;
}

/** A link as issued to a lead: `emailed` says whether the mailer also sent it to the user. */
export type IssuedLink = OneTimeLink & { emailed: boolean };

export type TeamService = ReturnType<typeof createTeamService>;

/** The only form of a token that is stored or compared. */
export const hashLinkToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function createTeamService(deps: TeamServiceDeps) {
  const { store, chat, clock } = deps;
  const log = deps.logger.child({ module: 'team' });
  const ttl = deps.linkTtlMs ?? 86_400_000;

  async function issueLink(userId: string, purpose: OneTimeLink['purpose']): Promise<OneTimeLink> {
    const token = randomBytes(32).toString('base64url');
    const at = clock.now();
    await store.createInvitation({ tokenHash: hashLinkToken(token), userId, purpose, at, expiresAt: at + ttl });
    log.info({ userId, purpose }, 'one-time link issued');
    return { token, purpose, expiresAt: at + ttl };
  }

  /** A link for `user`, e-mailed when a mailer is configured (a failed mail never fails the request). */
  async function issueAndSend(user: UserRecord, purpose: OneTimeLink['purpose']): Promise<IssuedLink> {
    const link = await issueLink(user.id, purpose);
    if (!deps.mailer) return { ...link, emailed: false };
    const emailed = await deps.mailer.send(user, link).catch((err: unknown) => {
      log.warn({ err, userId: user.id, purpose }, 'one-time link not e-mailed');
      return false;
    });
    return { ...link, emailed };
  }

  async function userOrThrow(id: string): Promise<UserRecord> {
    const u = await store.getUser(id);
    if (!u) throw new AppError('USER_NOT_FOUND');
    return u;
  }

  /** A link that can still be used, or the error that says why not. */
  async function usableInvitation(token: string) {
    const inv = await store.getInvitation(hashLinkToken(token));
    if (!inv) throw new AppError('INVITATION_INVALID');
    if (inv.usedAt !== null) throw new AppError('INVITATION_USED');
    if (inv.expiresAt <= clock.now()) throw new AppError('INVITATION_EXPIRED');
    return inv;
  }

  return {
    list: () => store.listUsers(),

    get: userOrThrow,

    /**
     * Creates the user with an unusable password (the hash of a random one nobody knows, so a
     * login attempt costs the same time as any other) and an invitation link.
     */
    async create(m: NewMember): Promise<{ user: UserRecord; link: IssuedLink }> {
      const passwordHash = await deps.passwords.hash(randomBytes(32).toString('base64url'));
      const created = await store.createUser({
        email: m.email,
        displayName: m.name,
        role: m.role,
        capacity: m.capacity,
        languages: m.languages,
        active: m.active,
        passwordHash,
      });
      if (created.status === 'email_taken') throw new AppError('EMAIL_TAKEN');
      const { user } = created;
      log.info({ userId: user.id, role: user.role }, 'user created');
      return { user, link: await issueAndSend(user, 'invite') };
    },

    /**
     * Applies a lead's edit. Capacity goes through the routing interface (the queue drains at
     * once if it grew). Deactivation: the account is refused from now on (the store is checked
     * on every request and handshake), live sessions end everywhere, and the user's open
     * conversations are requeued at the front and drained. A role change also ends live
     * sessions, since a socket keeps the role it connected with.
     */
    async update(actorId: string, id: string, patch: MemberPatch): Promise<UserRecord> {
      const before = await userOrThrow(id);
      if (id === actorId && (patch.active === false || (patch.role !== undefined && patch.role !== 'lead'))) {
        throw new AppError('FORBIDDEN', 'You cannot deactivate or demote yourself; ask another lead');
      }
      let user =
        (await store.updateUser(id, {
          displayName: patch.name,
          role: patch.role,
          languages: patch.languages,
          active: patch.active,
        })) ?? before;
      chat.forgetUser(id);
      // Always through the pool when given: it may hold another value than the store.
      if (patch.capacity !== undefined) {
        await chat.setCapacity(id, patch.capacity);
        user = { ...user, capacity: patch.capacity };
      }
      const deactivated = before.active && !user.active;
      if (deactivated || user.role !== before.role) deps.signOut(id);
      if (deactivated) await chat.deactivate(id);
      log.info({ userId: id, fields: Object.keys(patch), deactivated }, 'user updated');
      return user;
    },

    /** A new one-time link for an active user; it replaces their earlier unused links. */
    async resetLink(id: string): Promise<IssuedLink> {
      const user = await userOrThrow(id);
      if (!user.active) throw new AppError('ACCOUNT_DISABLED', 'Reactivate the account before sending it a link');
      return issueAndSend(user, 'reset');
    },

    /** What the set-password page shows before the user types anything. */
    async describeLink(token: string) {
      const inv = await usableInvitation(token);
      const user = await userOrThrow(inv.userId);
      if (!user.active) throw new AppError('ACCOUNT_DISABLED');
      return { purpose: inv.purpose, expiresAt: inv.expiresAt, user };
    },

    /**
     * A user changes their own password: the current one must be right. Every session opened
     * before ends (tokens refused, live sockets signed out); the caller issues a new token.
     */
    async changeOwnPassword(userId: string, current: string, next: string): Promise<UserRecord> {
      const user = await userOrThrow(userId);
      const withHash = await store.findUserByEmail(user.email);
      if (!withHash || !(await deps.passwords.verify(withHash.passwordHash, current))) throw new AppError('INVALID_CREDENTIALS');
      const updated = await store.setPassword(userId, await deps.passwords.hash(next), clock.now());
      if (!updated) throw new AppError('USER_NOT_FOUND');
      deps.signOut(userId);
      log.info({ userId }, 'password changed by its user; earlier sessions ended');
      return updated;
    },

    /** Sets the password and uses up the link (exactly once, even when two requests race). */
    async accept(token: string, password: string): Promise<UserRecord> {
      // Checked first so that a bad link costs no password hashing.
      await usableInvitation(token);
      const result = await store.acceptInvitation(hashLinkToken(token), await deps.passwords.hash(password), clock.now());
      switch (result.outcome) {
        case 'accepted':
          // Sessions opened before the reset end: their tokens are refused, live sockets signed out.
          deps.signOut(result.user.id);
          log.info({ userId: result.user.id }, 'password set from a one-time link; earlier sessions ended');
          return result.user;
        case 'used':
          throw new AppError('INVITATION_USED');
        case 'expired':
          throw new AppError('INVITATION_EXPIRED');
        case 'inactive':
          throw new AppError('ACCOUNT_DISABLED');
        default:
          throw new AppError('INVITATION_INVALID');
      }
    },
  };
}
