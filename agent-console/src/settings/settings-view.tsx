/**
 * Team settings (leads): greeting per language, business hours and time zone, the waiting
 * threshold, typing previews for agents, the close categories, the routines and the widget's pre-chat
 * form. One form, saved whole.
 */
import { useEffect, useState } from 'preact/hooks';
import { FAQ_LANGUAGES } from '../../../shared/faq';
import { WEEKDAYS, type TeamSettings } from '../../../shared/settings';
import { fill } from '../i18n';
import { errorText } from '../locales/error-text';
import type { ViewProps } from '../views/registry';
import { settingsApi } from './api';
import { PreChatFields } from './pre-chat-fields';
import { CategoryFields } from './category-fields';
import { RoutineFields } from './routine-fields';
import { readSettings } from './settings-form';
import { en, zhCN } from './strings';

/** Time zones for the input's suggestions, where the browser lists them. */
const TIME_ZONES: readonly string[] = (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];

export function SettingsView({ t, locale, api }: ViewProps) {
  const s = locale === 'zh-CN' ? zhCN : en;
  const calls = settingsApi(api);
  const [settings, setSettings] = useState<TeamSettings | null>(null);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  useEffect(() => {
    calls.get().then((r) => setSettings(r.settings), (e) => setError(errorText(t, e)));
  }, []);
  if (!settings) {
    return (
      <main class="admin settings">
        <h2>{s.title}</h2>
        {error ? <p role="alert" class="error">{error}</p> : <p>{s.loading}</p>}
      </main>
    );
  }
  return (
    <main class="admin settings" aria-labelledby="settings-title">
      <h2 id="settings-title">{s.title}</h2>
      <form
        class="stacked"
        onSubmit={async (e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const read = readSettings((n) => String(f.get(n) ?? ''), s);
          setNotice('');
          if ('problem' in read) return setError(read.problem);
          setError('');
          await calls.save(read.settings).then(
            (r) => {
              setSettings(r.settings);
              setNotice(s.saved);
            },
            (err) => setError(errorText(t, err)),
          );
        }}
      >
        <fieldset>
          <legend>{s.greeting}</legend>
          {FAQ_LANGUAGES.map((l) => (
            <label key={l}>
              {fill(s.greetingIn, { language: s[`lang.${l}`] })}
              <textarea name={`greeting-${l}`} rows={2} maxLength={500} defaultValue={settings.greeting[l]} />
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>{s.hours}</legend>
          <label class="check">
            <input type="checkbox" name="businessHoursOn" defaultChecked={settings.businessHoursOn} aria-describedby="hours-hint" />
            {s.hoursOn}
          </label>
          <p id="hours-hint" class="hint">{s.hoursHint}</p>
          <label>
            {s.timeZone}
            <input name="timeZone" list="time-zones" required maxLength={64} defaultValue={settings.businessHours.timeZone} />
            <datalist id="time-zones">
              {TIME_ZONES.map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
          </label>
          <table class="hours">
            <tbody>
              {WEEKDAYS.map((d) => {
                const h = settings.businessHours.days[d];
                const day = s[`day.${d}`];
                return (
                  <tr key={d}>
                    <th scope="row">{day}</th>
                    <td>
                      <label>
                        <input type="checkbox" name={`open-${d}`} defaultChecked={h !== null} aria-label={fill(s.openOn, { day })} />
                        {s.open}
                      </label>
                    </td>
                    <td>
                      <input type="time" name={`from-${d}`} defaultValue={h?.open ?? '09:00'} aria-label={fill(s.fromOn, { day })} />
                    </td>
                    <td>
                      <input type="time" name={`to-${d}`} defaultValue={h?.close ?? '18:00'} aria-label={fill(s.toOn, { day })} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </fieldset>
        <fieldset>
          <legend>{s.queue}</legend>
          <label>
            {s.waiting}
            <input name="waiting" type="number" min={10} max={3600} required defaultValue={String(settings.waitingThresholdSeconds)} aria-describedby="waiting-hint" />
          </label>
          <p id="waiting-hint" class="hint">{s.waitingHint}</p>
          <label class="check">
            <input type="checkbox" name="typingPreview" defaultChecked={settings.typingPreview} aria-describedby="typing-hint" />
            {s.typingPreview}
          </label>
          <p id="typing-hint" class="hint">{s.typingHint}</p>
        </fieldset>
        <fieldset>
          <legend>{s.departments}</legend>
          <label class="check">
            <input type="checkbox" name="offerDepartments" defaultChecked={settings.departments.offerChoice} aria-describedby="offer-hint" />
            {s.offerDepartments}
          </label>
          <p id="offer-hint" class="hint">{s.offerHint}</p>
          <label>
            {s.overflowSeconds}
            <input name="overflowSeconds" type="number" min={0} max={3600} required defaultValue={String(settings.departments.overflowSeconds)} aria-describedby="overflow-hint" />
          </label>
          <p id="overflow-hint" class="hint">{s.overflowHint}</p>
        </fieldset>
        {/* Keyed on the saved list, so new categories show the ids the server gave them. */}
        <CategoryFields key={JSON.stringify(settings.closeCategories)} s={s} locale={locale} categories={settings.closeCategories} />
        <RoutineFields s={s} routines={settings.routines} />
        <PreChatFields s={s} preChat={settings.preChat} />
        {error && <p role="alert" class="error">{error}</p>}
        {notice && <p role="status">{notice}</p>}
        <button type="submit" class="primary">{s.save}</button>
      </form>
    </main>
  );
}
