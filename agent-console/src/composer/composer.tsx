/**
 * The reply box: Enter sends (not while an IME composes), Shift+Enter breaks the line,
 * "/" opens canned replies, the note toggle makes an internal note instead.
 */
import type { RefObject } from 'preact';
import { CannedList } from '../canned/canned-list';
import { useCannedPicker } from '../canned/use-canned-picker';
import type { Api } from '../api';
import type { Strings } from '../i18n';

/** What is typed in a conversation's composer, kept across switches. */
export interface Draft {
  text: string;
  note: boolean;
}

interface ComposerProps {
  t: Strings;
  api: Api;
  draft: Draft;
  onDraft(d: Draft): void;
  boxRef: RefObject<HTMLTextAreaElement | null>;
  /** Fills a canned reply's variables into the draft. */
  insert(body: string): void;
  send(): void;
  typing(typing: boolean): void;
}

export function Composer({ t, api, draft, onDraft, boxRef, insert, send, typing }: ComposerProps) {
  const { text, note } = draft;
  const picker = useCannedPicker(api, text, insert);
  return (
    <form
      class={`composer${note ? ' noting' : ''}`}
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <CannedList t={t} picker={picker} />
      <textarea
        ref={boxRef}
        aria-label={note ? t.internalNote : t.reply}
        placeholder={note ? t.notePlaceholder : t.replyPlaceholder}
        rows={3}
        value={text}
        onInput={(e) => {
          onDraft({ text: e.currentTarget.value, note });
          if (!note) typing(e.currentTarget.value.length > 0);
        }}
        onKeyDown={(e) => {
          if (picker.onKey(e)) return;
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
            e.preventDefault();
            send();
          }
        }}
      />
      <div class="actions">
        <label class="notetoggle">
          <input type="checkbox" checked={note} onChange={(e) => onDraft({ text, note: e.currentTarget.checked })} />
          {t.internalNote}
        </label>
        <button type="submit" class="primary">{note ? t.addNote : t.send}</button>
      </div>
    </form>
  );
}
