/** The pre-chat form's part of the settings form: each field off, optional or required. */
import { PRE_CHAT_FIELDS } from '../../../shared/protocol';
import { PRE_CHAT_MODES, type PreChatSettings } from '../../../shared/settings';
import type { SettingsStrings } from './strings';

export function PreChatFields({ s, preChat }: { s: SettingsStrings; preChat: PreChatSettings }) {
  return (
    <fieldset>
      <legend>{s.preChat}</legend>
      <p class="hint">{s.preChatHint}</p>
      {PRE_CHAT_FIELDS.map((f) => (
        <label key={f}>
          {s[`preChat.${f}`]}
          {/* Named by the field alone: a label around a select would add the chosen option to its name. */}
          <select name={`preChat-${f}`} aria-label={s[`preChat.${f}`]} defaultValue={preChat[f]}>
            {PRE_CHAT_MODES.map((m) => (
              <option key={m} value={m}>
                {s[`preChat.${m}`]}
              </option>
            ))}
          </select>
        </label>
      ))}
    </fieldset>
  );
}
