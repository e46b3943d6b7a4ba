/**
 * Closing a conversation with one of the team's close categories (settings) and an optional
 * summary; for a chat the visitor ended, filing its wrap-up the same way (`conversation:wrapup`).
 */
import { useEffect, useState } from 'preact/hooks';
import { BUILT_IN_CATEGORIES, categoryName, type CloseCategoryDef } from '../../../shared/settings';
import type { Api } from '../api';
import type { Locale, Strings } from '../i18n';
import { errorText } from '../locales/error-text';
import { settingsApi } from '../settings/api';
import type { Chat } from '../state/chats';
import type { ConsoleSession } from '../state/session';
import { Dialog } from './dialog';

interface CloseDialogProps {
  t: Strings;
  locale: Locale;
  api: Api;
  session: ConsoleSession;
  chat: Chat;
  onDone(): void;
}

export function CloseDialog({ t, locale, api, session, chat, onDone }: CloseDialogProps) {
  const [error, setError] = useState('');
  // Until the settings arrive, no category is offered rather than one the team has switched off.
  const [categories, setCategories] = useState<readonly CloseCategoryDef[] | null>(null);
  useEffect(() => {
    settingsApi(api).get().then((r) => setCategories(r.settings.closeCategories), () => setCategories(BUILT_IN_CATEGORIES));
  }, []);
  const offered = (categories ?? []).filter((c) => !c.removed);
  return (
    <Dialog title={chat.ended ? t.wrapUpTitle : t.closeTitle} onCancel={onDone}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const summary = String(f.get('summary') ?? '').trim();
          const category = offered.find((c) => c.id === f.get('category'))?.id;
          const filing = { conversationId: chat.view.id, ...(summary ? { summary } : {}) };
          const r = chat.ended
            ? category
              ? await session.call('conversation:wrapup', { ...filing, category })
              : null
            : await session.call('conversation:close', { ...filing, category });
          if (!r) return;
          if (r.ok) onDone();
          else setError(errorText(t, r.error));
        }}
      >
        <label>
          {t.category}
          <select name="category" aria-busy={categories === null}>
            {offered.map((c) => (
              <option key={c.id} value={c.id}>{categoryName(offered, c.id, locale)}</option>
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
          <button type="submit" class="primary">{chat.ended ? t.confirmWrapUp : t.confirmClose}</button>
        </div>
      </form>
    </Dialog>
  );
}
