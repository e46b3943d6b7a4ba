/**
 * The team page (leads): every user with role, status, load and capacity; inviting someone
 * (the one-time link is shown to copy; the server also e-mails it when SMTP is configured,
 * see `emailed`); editing name, role and capacity; deactivating (the server signs them out and
 * re-routes their chats); a password reset link; the departments (add, rename, delete) and each
 * agent's departments.
 */
import { useEffect, useState } from 'preact/hooks';
import type { DepartmentView, InvitationLink, MemberView, PatchUserRequest } from '../../../shared/rest';
import { fill } from '../i18n';
import { errorText } from '../locales/error-text';
import type { ViewProps } from '../views/registry';
import { teamApi } from './api';
import { DepartmentsCard } from './departments-card';
import { LinkBox } from './link-box';
import { MemberRow } from './member-row';
import { RoleCapacityFields, roleOf } from './role-capacity';
import { en, zhCN } from './strings';

export function TeamView({ t, locale, api, me }: ViewProps) {
  const s = locale === 'zh-CN' ? zhCN : en;
  const calls = teamApi(api);
  const [members, setMembers] = useState<MemberView[] | null>(null);
  const [departments, setDepartments] = useState<DepartmentView[]>([]);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [link, setLink] = useState<{ title: string; link: InvitationLink } | null>(null);

  const fail = (e: unknown) => setError(errorText(t, e));
  const load = () =>
    Promise.all([calls.list(), calls.departments()]).then(([r, d]) => {
      setMembers(r.users);
      setDepartments(d.departments);
    }, fail);

  /** Runs a change, then shows "Saved." and reloads; false (the error shown) when the server refused it. */
  async function change(run: () => Promise<unknown>) {
    setError('');
    setNotice('');
    try {
      await run();
      setNotice(s.saved);
      await load();
      return true;
    } catch (e) {
      fail(e);
      return false;
    }
  }
  useEffect(() => void load(), []);

  const departmentIdsOf = (m: MemberView) => departments.filter((d) => d.agentIds.includes(m.id)).map((d) => d.id);

  /** The edit form's patch, then the member's departments when they changed. */
  const save = (m: MemberView, patch: PatchUserRequest, departmentIds?: string[]) =>
    change(async () => {
      if (Object.keys(patch).length) await calls.update(m.id, patch);
      const before = departmentIdsOf(m);
      if (departmentIds && (departmentIds.length !== before.length || departmentIds.some((id) => !before.includes(id)))) {
        await calls.setDepartments(m.id, departmentIds);
      }
    });

  return (
    <main class="admin team" aria-labelledby="team-title">
      <h2 id="team-title">{s.title}</h2>
      <form
        class="inline card"
        aria-label={s.invite}
        onSubmit={async (e) => {
          e.preventDefault();
          const form = e.currentTarget;
          const f = new FormData(form);
          setError('');
          setNotice('');
          try {
            const r = await calls.invite({
              email: String(f.get('email')).trim(),
              name: String(f.get('name')).trim(),
              role: roleOf(f),
              capacity: Number(f.get('capacity')),
            });
            setLink({ title: fill(s.inviteLinkFor, { name: r.user.name }), link: r.invitation });
            form.reset();
            await load();
          } catch (err) {
            fail(err);
          }
        }}
      >
        <h3>{s.invite}</h3>
        <label>
          {s.email}
          <input name="email" type="email" required maxLength={254} autoComplete="off" />
        </label>
        <label>
          {s.name}
          <input name="name" required maxLength={100} autoComplete="off" />
        </label>
        <RoleCapacityFields s={s} />
        <button type="submit" class="primary">{s.inviteButton}</button>
      </form>
      {error && <p role="alert" class="error">{error}</p>}
      {notice && <p role="status">{notice}</p>}
      {link && <LinkBox s={s} locale={locale} title={link.title} link={link.link} />}
      <DepartmentsCard
        s={s}
        departments={departments}
        add={(name) => change(() => calls.addDepartment(name))}
        rename={(d, name) => change(() => calls.renameDepartment(d.id, name))}
        remove={(d) => change(() => calls.deleteDepartment(d.id))}
      />
      {members === null ? (
        <p>{s.loading}</p>
      ) : (
        <table>
          <caption>{s.members}</caption>
          <thead>
            <tr>
              <th scope="col">{s.name}</th>
              <th scope="col">{s.email}</th>
              <th scope="col">{s.role}</th>
              <th scope="col">{s.departments}</th>
              <th scope="col">{s.status}</th>
              <th scope="col">{s.chats}</th>
              <th scope="col">{s.account}</th>
              <th scope="col">{s.actions}</th>
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <MemberRow
                key={m.id}
                s={s}
                t={t}
                m={m}
                isMe={m.id === me.id}
                departments={departments}
                save={(patch, departmentIds) => save(m, patch, departmentIds)}
                resetPassword={() => {
                  setError('');
                  calls.resetPassword(m.id).then((r) => setLink({ title: fill(s.resetLinkFor, { name: m.name }), link: r.invitation }), fail);
                }}
              />
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
