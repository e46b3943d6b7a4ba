/** Canned replies: the list (team replies and my own), and a form with a live preview of the variables. */
import { useState } from 'preact/hooks';
import type { CannedReplyView } from '../../../shared/rest';
import { fill, type Strings } from '../i18n';
import type { LibraryApi } from './api';
import { EditorForm, ItemActions, TabFrame } from './editor';
import { VariablePreview } from './preview';
import { languageName, LANGUAGES, type LibraryStrings } from './strings';
import { useEditableList } from './use-editable-list';

interface Props {
  s: LibraryStrings;
  t: Strings;
  calls: LibraryApi;
  language: string;
  agentName: string;
}

function ReplyForm({ s, reply, agentName, submit, cancel }: { s: LibraryStrings; reply: CannedReplyView | null; agentName: string; submit(f: FormData): void; cancel(): void }) {
  const [body, setBody] = useState(reply?.body ?? '');
  return (
    <EditorForm s={s} title={reply ? fill(s.editReply, { name: reply.title }) : s.newReply} isNew={!reply} submit={submit} cancel={cancel}>
      <label>
        {s.shortcut}
        <input name="shortcut" required maxLength={32} defaultValue={reply?.shortcut} />
      </label>
      <label>
        {s.replyTitle}
        <input name="title" required maxLength={120} defaultValue={reply?.title} />
      </label>
      <label>
        {s.language}
        <select name="language" defaultValue={reply?.language ?? 'en'}>
          {LANGUAGES.map((l) => (
            <option key={l} value={l}>{s[`lang.${l}`]}</option>
          ))}
        </select>
      </label>
      {!reply && (
        <label>
          {s.scope}
          <select name="scope">
            <option value="team">{s.team}</option>
            <option value="personal">{s.personal}</option>
          </select>
        </label>
      )}
      <label>
        {s.body}
        <textarea name="body" required maxLength={4000} rows={4} value={body} onInput={(e) => setBody(e.currentTarget.value)} aria-describedby="reply-vars" />
      </label>
      <p id="reply-vars" class="hint">{s.bodyHint}</p>
      <VariablePreview s={s} body={body} agentName={agentName} />
    </EditorForm>
  );
}

export function CannedTab({ s, t, calls, language, agentName }: Props) {
  const [total, setTotal] = useState(0);
  const list = useEditableList<CannedReplyView>(t, () => calls.replies(language).then((r) => (setTotal(r.total), r.replies)), [language]);
  const { items, editing } = list;
  const form = editing && (
    <ReplyForm
      key={editing === 'new' ? 'new' : editing.id}
      s={s}
      reply={editing === 'new' ? null : editing}
      agentName={agentName}
      cancel={() => list.setEditing(null)}
      submit={(f) => {
        const fields = {
          shortcut: String(f.get('shortcut')).trim(),
          title: String(f.get('title')).trim(),
          body: String(f.get('body')).trim(),
          language: String(f.get('language')),
        };
        void (editing === 'new'
          ? list.write(() => calls.createReply({ ...fields, scope: f.get('scope') === 'personal' ? 'personal' : 'team' }), s.created)
          : list.write(() => calls.updateReply(editing.id, fields), s.saved));
      }}
    />
  );
  return (
    <TabFrame s={s} label={s.cannedTab} list={list} newLabel={s.newReply} form={form} count={items && items.length}>
      <p class="hint">{fill(s.count, { shown: items?.length ?? 0, total })}</p>
      <ul class="library">
        {items?.map((r) => (
          <li key={r.id}>
            <div class="head">
              <strong>/{r.shortcut}</strong> {r.title}
              <span class="tag">{languageName(s, r.language)}</span>
              <span class="tag">{r.scope === 'team' ? s.team : s.personal}</span>
              {r.demo && <span class="tag">{s.demo}</span>}
            </div>
            <p class="body">{r.body}</p>
            <ItemActions s={s} name={r.title} edit={() => list.setEditing(r)} remove={() => void list.write(() => calls.deleteReply(r.id), s.deleted)} />
          </li>
        ))}
      </ul>
    </TabFrame>
  );
}
