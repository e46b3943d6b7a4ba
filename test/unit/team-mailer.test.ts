/**
 * The team's mailer hook: with a LinkMailer configured, invitation and reset links are also
 * e-mailed (`emailed: true`); a failing mailer never fails the lead's request (`emailed: false`,
 * the link is still issued to copy). Without one, nothing is sent.
 */
import pino from 'pino';
import type { LinkMailer } from '../../server/domain/ports/link-mailer';
import { createTeamService } from '../../server/domain/team';
import { manualClock } from '../helpers/clock';
import { createMemoryChatStore } from './fakes/memory-chat-store';

const passwords = { hash: async (p: string) => `hashed:${p}`, verify: async (h: string, p: string) => h === `hashed:${p}` };
const chat = { setCapacity: async () => undefined as never, deactivate: async () => undefined as never, forgetUser: () => {} };

function team(mailer?: LinkMailer) {
  return createTeamService({ store: createMemoryChatStore(), passwords, chat, clock: manualClock(), logger: pino({ level: 'silent' }), signOut: () => {}, mailer });
}
const member = { email: 'nia@example.test', name: 'Nia', role: 'agent' as const, capacity: 3, languages: [], active: true };

test('a configured mailer gets each new link with its user', async () => {
  const sent: { to: string; purpose: string; token: string }[] = [];
  const service = team({ send: async (user, link) => (sent.push({ to: user.email, purpose: link.purpose, token: link.token }), true) });
  const { user, link } = await service.create(member);
  expect(link.emailed).toBe(true);
  const reset = await service.resetLink(user.id);
  expect(reset.emailed).toBe(true);
  expect(sent).toEqual([
    { to: 'nia@example.test', purpose: 'invite', token: link.token },
    { to: 'nia@example.test', purpose: 'reset', token: reset.token },
  ]);
});

test('a failing mailer leaves the link to be copied; no mailer sends nothing', async () => {
  const failing = team({ send: async () => Promise.reject(new Error('SMTP down')) });
  const { link } = await failing.create(member);
  expect(link).toMatchObject({ purpose: 'invite', emailed: false, token: expect.stringMatching(/^[\w-]{43}$/) });
  const refusing = team({ send: async () => false });
  expect((await refusing.create(member)).link.emailed).toBe(false);
  expect((await team().create(member)).link.emailed).toBe(false);
});
