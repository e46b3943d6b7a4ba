/** FAQ entries: the list, a form with a preview of the answer, and "try a shopper's question". */
import { useState } from 'preact/hooks';
import type { FaqEntryView } from '../../../shared/faq';
import { fill } from '../i18n';
import { EditorForm, ItemActions, TabFrame, type FaqTabProps } from './editor';
import { VariablePreview } from './preview';
import { languageName, LANGUAGES, type LibraryStrings } from './strings';
import { TryQuestion } from './try-question';
import { useEditableList } from './use-editable-list';

type Props = FaqTabProps & { agentName: string };

const lines = (v: FormDataEntryValue | null) =>
  String(v ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

function EntryForm({ s, entry, agentName, submit, cancel }: { s: LibraryStrings; entry: FaqEntryView | null; agentName: string; submit(f: FormData): void; cancel(): void }) {
  const [answer, setAnswer] = useState(entry?.answer ?? '');
  return (
    <EditorForm s={s} title={entry ? fill(s.editEntry, { name: entry.question }) : s.newEntry} isNew={!entry} submit={submit} cancel={cancel}>
      <label>
        {s.question}
        <input name="question" required maxLength={300} defaultValue={entry?.question} />
      </label>
      <label>
        {s.phrasings}
        <textarea name="phrasings" rows={3} defaultValue={entry?.phrasings.join('\n')} />
      </label>
      <label>
        {s.language}
        <select name="language" defaultValue={entry?.language ?? 'en'}>
          {LANGUAGES.map((l) => (
            <option key={l} value={l}>{s[`lang.${l}`]}</option>
          ))}
        </select>
      </label>
      <label>
        {s.category}
        <input name="category" maxLength={50} defaultValue={entry?.category ?? 'general'} />
      </label>
      <label>
        {s.answer}
        <textarea name="answer" required maxLength={4000} rows={4} value={answer} onInput={(e) => setAnswer(e.currentTarget.value)} aria-describedby="faq-vars" />
      </label>
      <p id="faq-vars" class="hint">{s.bodyHint}</p>
      <VariablePreview s={s} body={answer} agentName={agentName} />
    </EditorForm>
  );
}

export function FaqTab({ s, t, locale, calls, language, agentName }: Props) {
  const list = useEditableList<FaqEntryView>(t, () => calls.entries(language).then((r) => r.entries), [language]);
  const { items, editing } = list;
  const form = editing && (
    <EntryForm
      key={editing === 'new' ? 'new' : editing.id}
      s={s}
      entry={editing === 'new' ? null : editing}
      agentName={agentName}
      cancel={() => list.setEditing(null)}
      submit={(f) => {
        const fields = {
          question: String(f.get('question')).trim(),
          phrasings: lines(f.get('phrasings')),
          answer: String(f.get('answer')).trim(),
          language: f.get('language') === 'zh-CN' ? ('zh-CN' as const) : ('en' as const),
          category: String(f.get('category')).trim() || 'general',
        };
        void (editing === 'new'
          ? list.write(() => calls.createEntry(fields), s.created)
          : list.write(() => calls.updateEntry(editing.id, fields), s.saved));
      }}
    />
  );
  return (
    <>
      <TryQuestion s={s} t={t} locale={locale} calls={calls} language={language} />
      <TabFrame s={s} label={s.faqTab} list={list} newLabel={s.newEntry} form={form} count={items && items.length}>
        <ul class="library">
          {items?.map((e) => (
            <li key={e.id}>
              <div class="head">
                <strong>{e.question}</strong>
                <span class="tag">{languageName(s, e.language)}</span>
                <span class="tag">{e.category}</span>
                {e.demo && <span class="tag">{s.demo}</span>}
              </div>
              {e.phrasings.length > 0 && <p class="hint">{e.phrasings.join(' · ')}</p>}
              <p class="body">{e.answer}</p>
              <ItemActions s={s} name={e.question} edit={() => list.setEditing(e)} remove={() => void list.write(() => calls.deleteEntry(e.id), s.deleted)} />
            </li>
          ))}
        </ul>
      </TabFrame>
    </>
  );
}
