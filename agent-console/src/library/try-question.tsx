/**
 * "Try a shopper's question": what the FAQ matcher would suggest to an agent for this text, with
 * the score and the words that made each entry match (POST /faq/match says both).
 */
import { useState } from 'preact/hooks';
import type { FaqMatchView } from '../../../shared/faq';
import { fill } from '../i18n';
import { errorText } from '../locales/error-text';
import type { FaqTabProps } from './editor';

export function TryQuestion({ s, t, locale, calls, language }: FaqTabProps) {
  const [matches, setMatches] = useState<FaqMatchView[] | null>(null);
  const [error, setError] = useState('');
  const list = new Intl.ListFormat(locale, { type: 'unit' });
  return (
    <section class="card try" aria-labelledby="try-title">
      <h3 id="try-title">{s.tryTitle}</h3>
      <form
        class="inline"
        onSubmit={async (e) => {
          e.preventDefault();
          const text = String(new FormData(e.currentTarget).get('text')).trim();
          if (!text) return;
          setError('');
          await calls.match(text, language || undefined).then(
            (r) => setMatches(r.matches),
            (err) => setError(errorText(t, err)),
          );
        }}
      >
        <label>
          {s.tryLabel}
          <input name="text" required maxLength={2000} />
        </label>
        <button type="submit">{s.tryButton}</button>
      </form>
      {error && <p role="alert" class="error">{error}</p>}
      {matches !== null && (
        <div role="status" aria-label={s.tryTitle}>
          {matches.length === 0 ? (
            <p>{s.tryNone}</p>
          ) : (
            <>
              <p class="hint">{s.tryWhy}</p>
              <ol class="matches">
                {matches.map((m) => (
                  <li key={m.entry.id}>
                    <strong>{m.entry.question}</strong>
                    <span class="tag">{fill(s.tryScore, { score: m.score.toFixed(1) })}</span>
                    <p>{fill(s.tryMatched, { terms: list.format(m.matched) })}</p>
                  </li>
                ))}
              </ol>
            </>
          )}
        </div>
      )}
    </section>
  );
}
