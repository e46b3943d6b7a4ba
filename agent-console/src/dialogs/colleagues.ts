/** Colleagues to move chats to: not me, and only those who can take one now (online, with a free place). */
import { useEffect, useState } from 'preact/hooks';
import type { Api, ColleagueView } from '../api';
import { fill, type Strings } from '../i18n';

/** What the server accepts for a transfer (else AGENT_UNAVAILABLE): online, and load below capacity. */
export const canTakeChat = (c: ColleagueView) => c.status === 'online' && c.load < c.capacity;

export function useColleagues(api: Api, meId?: string) {
  const [list, setList] = useState<ColleagueView[] | null>(null);
  useEffect(() => {
    api.colleagues().then((r) => setList(r.users.filter((u) => u.id !== meId && canTakeChat(u))), () => setList([]));
  }, []);
  return list;
}

export function colleagueLabel(c: ColleagueView, t: Strings) {
  return fill(t.colleagueLoad, { name: c.name, load: c.load, capacity: c.capacity });
}
