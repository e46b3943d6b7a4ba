/** FAQ answers matching the visitor's last text, each insertable into the composer. */
import { useEffect, useState } from 'preact/hooks';
import type { Api, FaqMatchView } from '../api';
import type { Strings } from '../i18n';

export function FaqSuggestions({ t, api, text, onInsert }: { t: Strings; api: Api; text: string | undefined; onInsert(answer: string): void }) {
  const [faq, setFaq] = useState<FaqMatchView[]>([]);
  useEffect(() => {
    if (!text) return setFaq([]);
    api.faqMatch(text).then((r) => setFaq(r.matches), () => setFaq([]));
  }, [text]);
  return (
    <section aria-label={t.faqSuggestions}>
      <h3>{t.faqSuggestions}</h3>
      {faq.length === 0 && <p class="empty">{t.none}</p>}
      {faq.map((f) => (
        <div class="faq" key={f.entry.id}>
          <strong>{f.entry.question}</strong>
          <p>{f.entry.answer}</p>
          <button type="button" aria-label={`${t.insert}: ${f.entry.question}`} onClick={() => onInsert(f.entry.answer)}>
            {t.insert}
          </button>
        </div>
      ))}
    </section>
  );
}
