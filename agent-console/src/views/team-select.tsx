/** The team (for a lead): a hook that reads it once, and a labelled select of its active members. */
import { useEffect, useState } from 'preact/hooks';
import type { ColleagueView } from '../../../shared/rest';
import type { Api } from '../api';

/** Active members for a lead (`enabled`), else nobody. */
export function useTeam(api: Api, enabled: boolean): ColleagueView[] {
  const [team, setTeam] = useState<ColleagueView[]>([]);
  useEffect(() => {
    if (enabled) api.colleagues().then((r) => setTeam(r.users.filter((u) => !('active' in u) || u.active)), () => setTeam([]));
  }, [enabled]);
  return team;
}

/** A labelled select of team members, with a first option `none` (value ''). */
export function TeamSelect(p: { label: string; none: string; team: ColleagueView[]; value: string; onValue(id: string): void; name?: string; inline?: boolean }) {
  return (
    <label class={p.inline ? 'inline' : undefined}>
      {p.label}
      <select name={p.name} value={p.value} onChange={(e) => p.onValue(e.currentTarget.value)}>
        <option value="">{p.none}</option>
        {p.team.map((u) => (
          <option key={u.id} value={u.id}>
            {u.name}
          </option>
        ))}
      </select>
    </label>
  );
}
