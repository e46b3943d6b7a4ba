/**
 * Follow-up tasks (回访): open ones oldest due first, overdue ones highlighted (in words too,
 * not colour alone); each is closed with an outcome note. Closed ones can be listed.
 */
import { useEffect, useState } from 'preact/hooks';
import type { FollowUpView } from '../../../shared/rest';
import { fill } from '../i18n';
import { errorText } from '../locales/error-text';
import type { ViewProps } from '../views/registry';
import { followUpsApi } from './api';
import { en, zhCN, type FollowUpStrings } from './strings';

export function FollowUpsView({ t, locale, api, me }: ViewProps) {
  const s = locale === 'zh-CN' ? zhCN : en;
  const calls = followUpsApi(api);
  const [status, setStatus] = useState<'open' | 'closed'>('open');
  const [tasks, setTasks] = useState<FollowUpView[] | null>(null);
  const [error, setError] = useState('');
  const load = () => calls.list(status).then((r) => setTasks(r.followUps), (e) => setError(errorText(t, e)));
  useEffect(() => {
    setTasks(null);
    void load();
  }, [status]);
  const when = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  const now = Date.now();

  return (
    <main class="admin followups" aria-labelledby="followups-title">
      <h2 id="followups-title">{s.title}</h2>
      <p class="hint">{s.hint}</p>
      <label>
        {s.show}{' '}
        <select value={status} onChange={(e) => setStatus(e.currentTarget.value === 'closed' ? 'closed' : 'open')}>
          <option value="open">{s.open}</option>
          <option value="closed">{s.closed}</option>
        </select>
      </label>
      {error && <p role="alert" class="error">{error}</p>}
      {!tasks ? (
        <p>{s.loading}</p>
      ) : !tasks.length ? (
        <p class="muted">{s.none}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{s.source}</th>
              <th scope="col">{s.subject}</th>
              <th scope="col">{s.assignee}</th>
              <th scope="col">{s.due}</th>
              <th scope="col">{status === 'open' ? s.outcome : s.closedAt}</th>
            </tr>
          </thead>
          <tbody>
            {tasks.map((f) => {
              const overdue = f.closedAt === null && f.dueAt < now;
              return (
                <tr key={f.id} class={overdue ? 'overdue' : undefined}>
                  <td>{s[`source.${f.source}`]}</td>
                  <th scope="row">{f.subject}</th>
                  <td>{f.assigneeId === null ? s.anyone : f.assigneeId === me.id ? s.you : f.assigneeId}</td>
                  <td>
                    {when.format(f.dueAt)}
                    {overdue && <span class="badge overdue"> {s.overdue}</span>}
                  </td>
                  <td>
                    {f.closedAt === null ? (
                      <CloseTask s={s} task={f} onClose={(outcome) => calls.close(f.id, { outcome }).then(load, (e) => setError(errorText(t, e)))} />
                    ) : (
                      <>
                        {when.format(f.closedAt)}: {f.outcome}
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </main>
  );
}

function CloseTask({ s, task, onClose }: { s: FollowUpStrings; task: FollowUpView; onClose(outcome: string): Promise<unknown> }) {
  const [outcome, setOutcome] = useState('');
  return (
    <form
      class="inline"
      onSubmit={async (e) => {
        e.preventDefault();
        if (outcome.trim()) await onClose(outcome.trim());
      }}
    >
      <input
        value={outcome}
        maxLength={2000}
        required
        aria-label={fill(s.outcomeFor, { subject: task.subject })}
        onInput={(e) => setOutcome(e.currentTarget.value)}
      />
      <button type="submit">{s.closeTask}</button>
    </form>
  );
}
