/** Colleagues to move chats to (not me), with their status and load. */
import { useEffect, useState } from 'preact/hooks';
import type { Api, ColleagueView } from '../api';
import type { Strings } from '../i18n';

export function useColleagues(api: Api, meId?: string) {
  const [list, setList] = useState<ColleagueView[]>([]);
  useEffect(() => {
    api.colleagues().then((r) => setList(r.users.filter((u) => u.id !== meId)), () => setList([]));
  }, []);
  return list;
}

export function colleagueLabel(c: ColleagueView, t: Strings) {
  return `${c.name} (${t[c.status]}) — ${c.load} / ${c.capacity}`;
}
