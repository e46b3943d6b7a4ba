/** Closing a conversation with a category and an optional summary. */
import { useState } from 'preact/hooks';
import { CLOSE_CATEGORIES } from '../../../shared/protocol';
import { fill, type Strings } from '../i18n';
import type { Chat } from '../state/chats';
import type { ConsoleSession } from '../state/session';
import { Dialog } from './dialog';

export function CloseDialog({ t, session, chat, onDone }: { t: Strings; session: ConsoleSession; chat: Chat; onDone(): void }) {
  const [error, setError] = useState('');
  return (
    <Dialog title={t.closeTitle} onCancel={onDone}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const summary = String(f.get('summary') ?? '').trim();
          const r = await session.call('conversation:close', {
            conversationId: chat.view.id,
            category: CLOSE_CATEGORIES.find((c) => c === f.get('category')),
            ...(summary ? { summary } : {}),
          });
          if (r.ok) onDone();
          else setError(fill(t.error, { code: r.error.code }));
        }}
      >
        <label>
          {t.category}
          <select name="category">
            {CLOSE_CATEGORIES.map((c) => (
              <option key={c} value={c}>{t[`category.${c}`]}</option>
            ))}
          </select>
        </label>
        <label>
          {t.summary}
          <textarea name="summary" rows={3} maxLength={1000} />
        </label>
        {error && <p role="alert" class="error">{error}</p>}
        <div class="buttons">
          <button type="button" onClick={onDone}>{t.cancel}</button>
          <button type="submit" class="primary">{t.confirmClose}</button>
        </div>
      </form>
    </Dialog>
  );
}
