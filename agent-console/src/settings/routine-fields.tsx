/** The routines' part of the settings form: the automatic texts per language and their times. */
import { FAQ_LANGUAGES } from '../../../shared/faq';
import { ROUTINE_SUGGESTIONS, type RoutineSettings } from '../../../shared/settings';
import { fill } from '../i18n';
import type { SettingsStrings } from './strings';

const TEXTS = ['greeting', 'closing', 'idlePrompt'] as const;
const TIMES = [
  ['idlePromptMinutes', 0, 120],
  ['idleCloseMinutes', 1, 120],
  ['slowAnswerSeconds', 10, 3600],
  ['missedAfterSeconds', 0, 3600],
  ['wrapUpMinutes', 1, 1440],
  ['complaintDueHours', 1, 720],
  ['followUpDueDays', 1, 60],
  ['queueWaitLimitMinutes', 0, 120],
] as const;

export function RoutineFields({ s, routines }: { s: SettingsStrings; routines: RoutineSettings }) {
  return (
    <fieldset>
      <legend>{s.routines}</legend>
      <p class="hint">{s.routinesHint}</p>
      {TEXTS.map((k) =>
        FAQ_LANGUAGES.map((l) => (
          <label key={`${k}-${l}`}>
            {fill(s[`routine.${k}`], { language: s[`lang.${l}`] })}
            <textarea
              name={`routine-${k}-${l}`}
              rows={2}
              maxLength={500}
              defaultValue={routines[k][l]}
              placeholder={k === 'idlePrompt' ? undefined : ROUTINE_SUGGESTIONS[k][l]}
            />
          </label>
        )),
      )}
      {TIMES.map(([k, min, max]) => (
        <label key={k}>
          {s[k]}
          <input name={k} type="number" min={min} max={max} required defaultValue={String(routines[k])} />
        </label>
      ))}
      <label class="check">
        <input type="checkbox" name="slowAnswerReroute" defaultChecked={routines.slowAnswerReroute} />
        {s.slowAnswerReroute}
      </label>
    </fieldset>
  );
}
