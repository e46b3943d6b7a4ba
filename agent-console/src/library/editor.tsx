/** The pieces both library tabs share: the edit form's frame, an item's buttons, and the tab's frame. */
import type { ComponentChildren } from 'preact';
import type { FaqLanguage } from '../../../shared/faq';
import { fill, type Locale, type Strings } from '../i18n';
import type { LibraryApi } from './api';
import type { LibraryStrings } from './strings';

/** What the FAQ tab and its "try" box receive. */
export interface FaqTabProps {
  s: LibraryStrings;
  t: Strings;
  locale: Locale;
  calls: LibraryApi;
  /** Only entries in this language; '' for any. */
  language: FaqLanguage | '';
}

interface EditorFormProps {
  s: LibraryStrings;
  title: string;
  isNew: boolean;
  submit(f: FormData): void;
  cancel(): void;
  children: ComponentChildren;
}

export function EditorForm({ s, title, isNew, submit, cancel, children }: EditorFormProps) {
  return (
    <form
      class="card stacked"
      aria-label={title}
      onSubmit={(e) => {
        e.preventDefault();
        submit(new FormData(e.currentTarget));
      }}
    >
      <h3>{title}</h3>
      {children}
      <div class="buttons">
        <button type="button" onClick={cancel}>{s.cancel}</button>
        <button type="submit" class="primary">{isNew ? s.create : s.save}</button>
      </div>
    </form>
  );
}

/** Edit and delete (after a confirmation) for one item, named for screen readers. */
export function ItemActions({ s, name, edit, remove }: { s: LibraryStrings; name: string; edit(): void; remove(): void }) {
  return (
    <div class="buttons">
      <button type="button" aria-label={fill(s.editOf, { name })} onClick={edit}>{s.edit}</button>
      <button type="button" class="danger" aria-label={fill(s.deleteOf, { name })} onClick={() => confirm(fill(s.confirmDelete, { name })) && remove()}>
        {s.delete}
      </button>
    </div>
  );
}

interface TabFrameProps {
  s: LibraryStrings;
  label: string;
  list: { error: string; notice: string; editing: unknown; setEditing(v: 'new'): void };
  newLabel: string;
  /** The form, while one is open. */
  form: ComponentChildren;
  /** null while loading. */
  count: number | null;
  children: ComponentChildren;
}

/** A tab: messages, the form or a "new" button, then the list (or loading / empty). */
export function TabFrame({ s, label, list, newLabel, form, count, children }: TabFrameProps) {
  return (
    <div role="tabpanel" aria-label={label} class="stacked">
      {list.error && <p role="alert" class="error">{list.error}</p>}
      {list.notice && <p role="status">{list.notice}</p>}
      {list.editing ? form : (
        <div>
          <button type="button" class="primary" onClick={() => list.setEditing('new')}>{newLabel}</button>
        </div>
      )}
      {count === null ? <p>{s.loading}</p> : count === 0 ? <p class="empty">{s.empty}</p> : children}
    </div>
  );
}
