/**
 * REST shapes of the FAQ (`/api/v1/faq`), shared by the server and the agent console.
 * Times are ms since the epoch, as everywhere in the protocol.
 */

export const FAQ_LANGUAGES = ['zh-CN', 'en'] as const;
export type FaqLanguage = (typeof FAQ_LANGUAGES)[number];

export interface FaqEntryView {
  id: string;
  question: string;
  /** Other ways shoppers ask the same question; matched like the question itself. */
  phrasings: string[];
  answer: string;
  language: FaqLanguage;
  category: string;
  /** Seeded on a fresh install; a lead may edit or delete it like any other entry. */
  demo: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface FaqMatchView {
  entry: FaqEntryView;
  /** BM25 score over the question and phrasings: higher is better; compare scores within one answer only. */
  score: number;
  /** What the text shares with the entry, most contributing first: English words and Chinese stretches of the text. */
  matched: string[];
}
