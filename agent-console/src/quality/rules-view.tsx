/**
 * The quality rules (leads): each rule switched on or off, the points it takes off, its limit
 * in seconds or its phrase lists per language. Saved as the team settings' `quality` part.
 */
import { useEffect, useState } from 'preact/hooks';
import { FAQ_LANGUAGES } from '../../../shared/faq';
import { QUALITY_RULE_NAMES, QUALITY_RULES, type QualitySettings } from '../../../shared/quality';
import { fill } from '../i18n';
import { errorSentence } from '../views/error-sentence';
import type { ViewProps } from '../views/registry';
import { rulesApi } from './api';
import { field, PHRASE_RULES, readRules, TIMED_RULES } from './rules-form';
import { en, zhCN } from './strings';

const has = <T extends string>(list: readonly T[], v: string): v is T => (list as readonly string[]).includes(v);

export function QualityRulesView({ locale, api }: ViewProps) {
  const s = locale === 'zh-CN' ? zhCN : en;
  const calls = rulesApi(api);
  const [rules, setRules] = useState<QualitySettings | null>(null);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  // Remounts the form's uncontrolled fields with what was saved.
  const [version, setVersion] = useState(0);
  useEffect(() => {
    calls.get().then(setRules, (e) => setError(errorSentence(s.errors, e)));
  }, []);
  const names = QUALITY_RULE_NAMES[locale];

  if (!rules) {
    return (
      <main class="admin quality-rules">
        <h2>{s.rulesTitle}</h2>
        {error ? <p role="alert" class="error">{error}</p> : <p>{s.loading}</p>}
      </main>
    );
  }
  return (
    <main class="admin quality-rules" aria-labelledby="quality-rules-title">
      <h2 id="quality-rules-title">{s.rulesTitle}</h2>
      <p class="hint">{s.rulesHint}</p>
      <form
        key={version}
        class="stacked"
        aria-labelledby="quality-rules-title"
        onSubmit={async (e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const read = readRules((n) => String(f.get(n) ?? ''), s);
          setNotice('');
          if ('problem' in read) return setError(read.problem);
          setError('');
          try {
            setRules(await calls.save(read.rules));
            setVersion((v) => v + 1);
            setNotice(s.saved);
          } catch (err) {
            setError(errorSentence(s.errors, err));
          }
        }}
      >
        {QUALITY_RULES.map((rule) => {
          const r = rules[rule];
          const name = names[rule];
          return (
            <fieldset key={rule}>
              <legend>{name}</legend>
              <p class="hint">{s[`rule.${rule}`]}</p>
              <div class="rule-row">
                <label class="check">
                  <input type="checkbox" name={field.enabled(rule)} defaultChecked={r.enabled} aria-label={fill(s.enabledLabel, { rule: name })} />
                  {s.enabled}
                </label>
                <label>
                  {s.points}
                  <input type="number" name={field.points(rule)} min={0} max={100} step={1} required defaultValue={String(r.points)} aria-label={fill(s.pointsLabel, { rule: name })} />
                </label>
                {has(TIMED_RULES, rule) && (
                  <label>
                    {s.seconds}
                    <input type="number" name={field.seconds(rule)} min={1} max={3600} step={1} required defaultValue={String(rules[rule].seconds)} aria-label={fill(s.secondsLabel, { rule: name })} />
                  </label>
                )}
              </div>
              {has(PHRASE_RULES, rule) && (
                <div class="rule-row">
                  {FAQ_LANGUAGES.map((l) => (
                    <label key={l}>
                      {fill(s.phrasesIn, { language: s[`lang.${l}`] })}
                      <textarea
                        name={field.phrases(rule, l)}
                        rows={4}
                        defaultValue={rules[rule].phrases[l].join('\n')}
                        aria-label={fill(s.phrasesLabel, { rule: name, language: s[`lang.${l}`] })}
                      />
                    </label>
                  ))}
                </div>
              )}
              {rule === 'forbiddenWords' && (
                <label>
                  {s.words}
                  <textarea name={field.words} rows={5} defaultValue={rules.forbiddenWords.words.join('\n')} aria-label={fill(s.wordsLabel, { rule: name })} />
                </label>
              )}
            </fieldset>
          );
        })}
        {error && <p role="alert" class="error">{error}</p>}
        {notice && <p role="status">{notice}</p>}
        <button type="submit" class="primary">
          {s.save}
        </button>
      </form>
    </main>
  );
}
