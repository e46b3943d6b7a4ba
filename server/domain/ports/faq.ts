/** Stored FAQ entries: what the FAQ use cases need (server/store/sql/faq-store.ts implements it). */
import type { FaqEntryView, FaqLanguage } from '../../../shared/faq';

/** A stored entry is exactly what the API returns. */
export type FaqEntry = FaqEntryView;

export interface NewFaqEntry {
  /** @default a random UUID */
  id?: string;
  question: string;
  /** @default [] */
  phrasings?: string[];
  answer: string;
  language: FaqLanguage;
  category: string;
  /** @default false */
  demo?: boolean;
}

/** The fields given are replaced; the others keep their value. */
export type FaqPatch = Partial<Pick<FaqEntry, 'question' | 'phrasings' | 'answer' | 'language' | 'category'>>;

export interface FaqStore {
  create(e: NewFaqEntry): Promise<FaqEntry>;
  get(id: string): Promise<FaqEntry | null>;
  /** Null when there is no such entry. */
  update(id: string, patch: FaqPatch): Promise<FaqEntry | null>;
  /** False when there was no such entry. */
  remove(id: string): Promise<boolean>;
  /** By language, category, then question. */
  list(filter?: { language?: FaqLanguage; category?: string }): Promise<FaqEntry[]>;
  /**
   * A string that changes whenever any entry is created, edited or deleted, by any
   * process: the entry count and an md5 of every (id, updated_at). One aggregate over
   * the table, cheap for the few thousand entries an FAQ has. Count and max(updated_at)
   * alone would miss an edit stamped earlier than the newest entry: `now()` is the
   * transaction's start, so of two concurrent edits the earlier-stamped may commit last.
   */
  version(): Promise<string>;
}
