/**
 * The quality rules (docs/reports.md "Quality review"): pure functions from a closed
 * conversation's transcript and the lead's rule settings to one finding per enabled rule and a
 * score of 100 less the points of every failed rule (at least 0).
 *
 * "Typed" agent texts are those an agent wrote; texts a routine sent in their name (greeting,
 * closing, idle prompt) show that the routine ran but are neither an answer nor the agent's
 * own wording. A rule that cannot apply (no agent ever held the chat, nothing typed, a chat the
 * shopper ended is not the agent's to close) is `na` and takes nothing off.
 */
import { FAQ_LANGUAGES } from '../../../shared/faq';
import { QUALITY_RULES, type QualityDetails, type QualityFinding, type QualityOutcome, type QualityRuleId, type QualitySettings } from '../../../shared/quality';
import type { QualityTranscript } from '../ports/quality';
import { phraseMatcher, type PhraseMatcher } from './text-match';

export interface QualityResult {
  score: number;
  failed: QualityRuleId[];
  findings: QualityFinding[];
}

type Text = QualityTranscript['texts'][number];
type Finding<R extends QualityRuleId> = QualityDetails[R] & { outcome: QualityOutcome };

const seconds = (ms: number) => Math.round(ms / 1000);
const allLanguages = (p: Record<(typeof FAQ_LANGUAGES)[number], string[]>) => FAQ_LANGUAGES.flatMap((l) => p[l]);
const typed = (t: QualityTranscript) => t.texts.filter((m) => m.author === 'agent' && m.routine === null);

/** The rules' phrase lists, compiled once per scoring pass. */
interface Matchers {
  greeting: PhraseMatcher;
  closing: PhraseMatcher;
  forbiddenWords: PhraseMatcher;
  courtesy: PhraseMatcher;
}

/** The first phrase of the list found in `text`, or null. */
const firstPhrase = (matcher: PhraseMatcher, text: string | undefined) => (text === undefined ? null : (matcher.count(text)[0]?.phrase ?? null));

function scripted(t: QualityTranscript, routine: 'greeting' | 'closing', matcher: PhraseMatcher, text: string | undefined): Finding<typeof routine> {
  if (t.texts.some((m) => m.author === 'agent' && m.routine === routine)) return { outcome: 'pass', via: 'routine', phrase: null };
  const phrase = firstPhrase(matcher, text);
  return phrase === null ? { outcome: 'fail', via: null, phrase: null } : { outcome: 'pass', via: 'phrase', phrase };
}

/**
 * Each wait of the shopper for a typed answer, ms: from the first visitor text of a run (texts
 * in a row with no typed answer between them) to the next typed agent text. Runs never answered
 * give none.
 */
export function answeredWaits(t: QualityTranscript): number[] {
  const waits: number[] = [];
  let since: number | null = null;
  for (const m of t.texts) {
    if (m.author === 'visitor') since ??= m.at;
    else if (m.routine === null && since !== null) {
      waits.push(m.at - since);
      since = null;
    }
  }
  return waits;
}

/** The last visitor text has no typed agent text after it. */
const lastVisitorUnanswered = (texts: readonly Text[]) => {
  const lastVisitor = texts.findLastIndex((m) => m.author === 'visitor');
  return lastVisitor >= 0 && !texts.slice(lastVisitor + 1).some((m) => m.author === 'agent' && m.routine === null);
};

const RULES: { [R in QualityRuleId]: (t: QualityTranscript, s: QualitySettings, m: Matchers) => Finding<R> } = {
  greeting(t, _s, m) {
    if (!t.assigned) return { outcome: 'na', via: null, phrase: null };
    return scripted(t, 'greeting', m.greeting, typed(t)[0]?.text);
  },

  closing(t, _s, m) {
    if (t.closedBy !== 'agent') return { outcome: 'na', via: null, phrase: null };
    return scripted(t, 'closing', m.closing, typed(t).at(-1)?.text);
  },

  firstResponse(t, s) {
    const limitSeconds = s.firstResponse.seconds;
    if (!t.assigned) return { outcome: 'na', seconds: null, limitSeconds };
    const first = typed(t)[0];
    if (!first) return { outcome: 'fail', seconds: null, limitSeconds };
    const took = seconds(first.at - t.openedAt);
    return { outcome: took <= limitSeconds ? 'pass' : 'fail', seconds: took, limitSeconds };
  },

  longestWait(t, s) {
    const limitSeconds = s.longestWait.seconds;
    const waits = answeredWaits(t);
    if (!t.assigned || !waits.length) return { outcome: 'na', seconds: null, limitSeconds };
    const longest = seconds(Math.max(...waits));
    return { outcome: longest <= limitSeconds ? 'pass' : 'fail', seconds: longest, limitSeconds };
  },

  forbiddenWords(t, s, matchers) {
    const mine = typed(t);
    if (!mine.length || !s.forbiddenWords.words.some((w) => w.trim())) return { outcome: 'na', words: [] };
    const counts = new Map<string, number>();
    for (const m of mine) for (const { phrase, count } of matchers.forbiddenWords.count(m.text)) counts.set(phrase, (counts.get(phrase) ?? 0) + count);
    const words = [...counts].map(([word, count]) => ({ word, count }));
    return { outcome: words.length ? 'fail' : 'pass', words };
  },

  courtesy(t, _s, m) {
    const mine = typed(t);
    if (!mine.length) return { outcome: 'na', phrases: [] };
    const found = m.courtesy.count(mine.map((x) => x.text).join('\n'));
    return { outcome: found.length ? 'pass' : 'fail', phrases: found.map((f) => f.phrase) };
  },

  unresolved(t) {
    const reasons: ('no_category' | 'unanswered')[] = [];
    if (t.closeCategory === null) reasons.push('no_category');
    const leftOrIdle = t.closedBy === 'visitor' || t.closeReason === 'visitor_idle';
    if (leftOrIdle && lastVisitorUnanswered(t.texts)) reasons.push('unanswered');
    return { outcome: reasons.length ? 'fail' : 'pass', reasons };
  },
};

/** A scorer for these rules (their phrase lists compiled once), for a batch of conversations. */
export function qualityScorer(settings: QualitySettings): (t: QualityTranscript) => QualityResult {
  const matchers: Matchers = {
    greeting: phraseMatcher(allLanguages(settings.greeting.phrases)),
    closing: phraseMatcher(allLanguages(settings.closing.phrases)),
    forbiddenWords: phraseMatcher(settings.forbiddenWords.words),
    courtesy: phraseMatcher(allLanguages(settings.courtesy.phrases)),
  };
  const enabled = QUALITY_RULES.filter((rule) => settings[rule].enabled);
  return (t) => {
    const findings = enabled.map((rule) => {
      const f = (RULES[rule] as (t: QualityTranscript, s: QualitySettings, m: Matchers) => Finding<typeof rule>)(t, settings, matchers);
      const { points } = settings[rule];
      return { ...f, rule, deducted: f.outcome === 'fail' ? points : 0 } as QualityFinding;
    });
    const failed = findings.filter((f) => f.outcome === 'fail').map((f) => f.rule);
    const score = Math.max(0, 100 - findings.reduce((sum, f) => sum + f.deducted, 0));
    return { score, failed, findings };
  };
}

/** Scores one closed conversation with the rules that are switched on. */
export const scoreConversation = (t: QualityTranscript, settings: QualitySettings): QualityResult => qualityScorer(settings)(t);
