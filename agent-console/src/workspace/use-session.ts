/**
 * The composition root of a signed-in console: the session on a real socket, a chime and
 * a desktop notification for each new chat, a softer chime for each visitor message (unless
 * turned off on the account page), and its state as it changes.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { io } from 'socket.io-client';
import { AGENT_NAMESPACE } from '../../../shared/protocol';
import { chime } from '../../../shared/ui/chime';
import { messageSoundOn } from '../account/sounds';
import type { Strings } from '../i18n';
import { createConsoleSession, type ConsoleSession, type ConsoleState } from '../state/session';

export function useSession(token: string, t: Strings): [ConsoleSession, ConsoleState] {
  const session = useMemo(
    () =>
      createConsoleSession({
        connect: (auth) => io(`${location.origin}${AGENT_NAMESPACE}`, { auth, transports: ['websocket'] }),
        token,
        onAssigned: (c) => {
          chime(660, 0.1, 0.4);
          if ('Notification' in window && Notification.permission === 'granted' && document.hidden) {
            new Notification(t.newChat, { body: c.messages.filter((m) => m.kind === 'text').at(-1)?.text ?? '' });
          }
        },
        onVisitorMessage: () => {
          if (messageSoundOn()) chime(880, 0.05, 0.15);
        },
      }),
    [token],
  );
  const [state, setState] = useState<ConsoleState>(session.state);
  useEffect(() => {
    const off = session.subscribe(setState);
    return () => {
      off();
      session.disconnect();
    };
  }, [session]);
  return [session, state];
}
