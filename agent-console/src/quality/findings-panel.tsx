/**
 * Beside a transcript: its automatic quality score with each rule's finding, and the lead's
 * review. A lead scores and comments; an agent reads their own chat's findings (the server
 * refuses agents' reviews, so they get no form).
 */
import { useEffect, useState } from 'preact/hooks';
import { QUALITY_RULE_NAMES, type ConversationQualityResponse, type QualityFinding } from '../../../shared/quality';
import type { Api } from '../api';
import { fill, type Locale } from '../i18n';
import { errorSentence } from '../views/error-sentence';
import { qualityApi } from './api';
import { en, zhCN, type QualityStrings } from './strings';

/** A finding's detail as a sentence. */
function detail(s: QualityStrings, f: QualityFinding): string {
  switch (f.rule) {
    case 'greeting':
    case 'closing':
      if (f.outcome === 'na') return '';
      return f.via === 'routine' ? s['detail.routine'] : f.via === 'phrase' ? fill(s['detail.phrase'], { phrase: f.phrase ?? '' }) : s['detail.noScript'];
    case 'firstResponse':
    case 'longestWait':
      if (f.seconds === null) return f.outcome === 'na' ? (f.rule === 'longestWait' ? s['detail.noWait'] : '') : fill(s['detail.never'], { limit: f.limitSeconds });
      return fill(s['detail.seconds'], { seconds: f.seconds, limit: f.limitSeconds });
    case 'forbiddenWords':
      if (f.outcome === 'na') return '';
      return f.words.length ? fill(s['detail.words'], { words: f.words.map((w) => (w.count > 1 ? `${w.word} ×${w.count}` : w.word)).join(s.separator) }) : s['detail.noWords'];
    case 'courtesy':
      if (f.outcome === 'na') return '';
      return f.phrases.length ? fill(s['detail.phrases'], { phrases: f.phrases.join(s.separator) }) : s['detail.noPhrases'];
    case 'unresolved':
      return f.reasons.length ? f.reasons.map((r) => s[`detail.${r}`]).join(' ') : s['detail.resolved'];
  }
}

export function FindingsPanel({ id, api, locale, lead }: { id: string; api: Api; locale: Locale; lead: boolean }) {
  const s = locale === 'zh-CN' ? zhCN : en;
  const calls = qualityApi(api);
  const [data, setData] = useState<ConversationQualityResponse | null>(null);
  const [score, setScore] = useState('');
  const [comment, setComment] = useState('');
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const time = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' });

  const show = (r: ConversationQualityResponse) => {
    setData(r);
    setScore(r.review ? String(r.review.score) : '');
    setComment(r.review?.comment ?? '');
  };
  useEffect(() => {
    calls.conversation(id).then(show, (e) => setError(errorSentence(s.errors, e)));
  }, [id]);

  const save = async (e: Event) => {
    e.preventDefault();
    setNotice('');
    setError('');
    try {
      show(await calls.review(id, { score: Number(score), comment }));
      setNotice(s.reviewSaved);
    } catch (err) {
      setError(errorSentence(s.errors, err));
    }
  };

  const names = QUALITY_RULE_NAMES[locale];
  return (
    <section class="quality-panel" aria-label={s.findings}>
      <h3>{s.findings}</h3>
      {!data ? (
        !error && <p>{s.loading}</p>
      ) : (
        <>
          {data.automatic ? (
            <>
              <p class="quality-score">
                {s.automaticIs}
                <strong>{fill(s.scoreOf, { score: data.automatic.score })}</strong>
              </p>
              <ul class="findings" aria-label={s.automatic}>
                {data.automatic.findings.map((f) => (
                  <li key={f.rule} class={`finding ${f.outcome}`}>
                    <span class="rule">{names[f.rule]}</span>
                    <span class="outcome">
                      {s[`outcome.${f.outcome}`]}
                      {f.deducted ? ` ${fill(s.deducted, { points: f.deducted })}` : ''}
                    </span>
                    <span class="detail">{detail(s, f)}</span>
                  </li>
                ))}
              </ul>
              <p class="hint">{fill(s.scoredAt, { time: time.format(data.automatic.scoredAt) })}</p>
            </>
          ) : (
            <p class="hint">{s.notScored}</p>
          )}
          <h4>{s.review}</h4>
          {data.review ? (
            <p class="review">
              {fill(s.reviewBy, { score: data.review.score, name: data.review.reviewerName ?? '—', time: time.format(data.review.reviewedAt) })}
              {data.review.comment && <span class="comment">{data.review.comment}</span>}
            </p>
          ) : (
            <p class="hint">{s.noReview}</p>
          )}
          {lead && data.automatic !== null && (
            <form class="review-form" aria-label={s.review} onSubmit={save}>
              <label>
                {s.reviewScore}
                <input type="number" name="score" min={0} max={100} step={1} required value={score} onInput={(e) => setScore(e.currentTarget.value)} />
              </label>
              <label>
                {s.reviewComment}
                <textarea name="comment" rows={3} maxLength={2000} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
              </label>
              <div class="buttons">
                <button type="submit" class="primary">
                  {s.saveReview}
                </button>
              </div>
            </form>
          )}
        </>
      )}
      {error && <p role="alert" class="error">{error}</p>}
      {notice && <p role="status">{notice}</p>}
    </section>
  );
}
