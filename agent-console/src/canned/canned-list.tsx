/** The canned-reply picker above the composer; a mouse press chooses without taking focus from the textarea. */
import type { Strings } from '../i18n';
import type { CannedPicker } from './use-canned-picker';

export function CannedList({ t, picker }: { t: Strings; picker: CannedPicker }) {
  const { replies, pick, choose } = picker;
  if (!replies) return null;
  return (
    <ul class="picker" role="listbox" aria-label={t.cannedReplies}>
      {replies.length === 0 && <li class="empty">{t.noCanned}</li>}
      {replies.map((r, i) => (
        <li
          key={r.id}
          role="option"
          aria-selected={i === pick}
          class={i === pick ? 'picked' : ''}
          onMouseDown={(e) => {
            e.preventDefault();
            choose(r);
          }}
        >
          <strong>/{r.shortcut}</strong> {r.title}
        </li>
      ))}
    </ul>
  );
}
