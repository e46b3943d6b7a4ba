/** The limits a server enforces come with every session:sync reply, so clients can keep within them. */
import { ok } from '../helpers/chat';
import { useTestServer } from '../helpers/suite';

const t = useTestServer({ limits: { maxMessageLength: 200, visitorMessagesPerSecond: 7, agentMessagesPerSecond: 9 } });

test('visitors and agents learn the message length and rate in force', async () => {
  const visitor = await t().visitor();
  expect((await ok(visitor, 'session:sync', {})).limits).toEqual({ maxMessageLength: 200, messagesPerSecond: 7 });
  const user = await t().createUser();
  const agent = await t().agent(user.token);
  expect((await ok(agent, 'session:sync', {})).limits).toEqual({ maxMessageLength: 200, messagesPerSecond: 9 });
});
