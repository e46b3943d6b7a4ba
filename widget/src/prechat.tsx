/**
 * The pre-chat form: the fields the session's `preChat` asks before a first message, less what
 * this page already gave (`setVisitor`, an earlier submit; chosen by prechat-fields.ts). Name, email and department go with
 * `visitor:profile`, then the question is sent as the first message. Markup and classes are the
 * leave-a-message form's.
 */
import { useState } from 'preact/hooks';
import type { PreChatField } from '../../shared/protocol';
import type { Chat, ChatState } from './chat';
import type { Strings } from './i18n';

export function PreChat({ chat, s, t, fields }: { chat: Pick<Chat, 'setProfile' | 'send'>; s: ChatState; t: Strings; fields: PreChatField[] }) {
  const [failed, setFailed] = useState(false);
  return (
    <form
      class="ls-form"
      aria-label={t.preChatTitle}
      onSubmit={async (e) => {
        e.preventDefault();
        const { question, ...profile } = Object.fromEntries(new FormData(e.currentTarget)) as Record<PreChatField, string>;
        const r = await chat.setProfile(profile).catch(() => null);
        setFailed(!r?.ok);
        if (r?.ok && question) chat.send(question);
      }}
    >
      <h3>{t.preChatTitle}</h3>
      {fields.map((k) => (
        <label key={k}>
          {t[k]}
          {k == 'name' ? (
            <input name="name" required={s.preChat![k] == 'required'} maxLength={100} autoComplete="name" />
          ) : k == 'email' ? (
            <input name="email" type="email" required={s.preChat![k] == 'required'} maxLength={254} autoComplete="email" />
          ) : k == 'question' ? (
            <textarea name={k} required={s.preChat![k] == 'required'} maxLength={s.max} rows={3} />
          ) : (
            <select name={k} required={s.preChat![k] == 'required'}>
              <option value="" />
              {s.departments!.map((d) => (
                <option value={d.id}>{d.name}</option>
              ))}
            </select>
          )}
        </label>
      ))}
      {failed && <p class="ls-notice" role="alert">{t.error}</p>}
      <button type="submit" class="ls-send">
        {t.send}
      </button>
    </form>
  );
}
