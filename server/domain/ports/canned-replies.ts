/** Stored canned replies: what the canned-reply use cases need (server/store/sql/canned-reply-store.ts implements it). */

export interface CannedReplyRecord {
  id: string;
  /** Typed after `/` in the composer (`refund`, `退货`); unique per scope, case-insensitively. */
  shortcut: string;
  title: string;
  /** May hold `{visitor.name}`, `{agent.name}`, `{conversation.id}`. */
  body: string;
  /** BCP 47 tag, e.g. `zh-CN`, `en`. */
  language: string;
  tags: string[];
  /** null: a team reply; otherwise the agent or lead whose personal reply it is. */
  ownerId: string | null;
  /** Seeded demo data, removable in one call. */
  demo: boolean;
  createdAt: number;
  updatedAt: number;
}

export type NewCannedReply = Pick<CannedReplyRecord, 'shortcut' | 'title' | 'body' | 'language' | 'tags' | 'ownerId'> & {
  /** @default false */
  demo?: boolean;
};

/** The fields given are replaced; the others keep their value. Scope (owner) never changes. */
export type CannedReplyPatch = Partial<Pick<CannedReplyRecord, 'shortcut' | 'title' | 'body' | 'language' | 'tags'>>;

/** A write's outcome: `shortcut_taken` when another reply in the same scope (team, or the owner's) has it. */
export type CannedReplyWrite = { status: 'saved'; reply: CannedReplyRecord } | { status: 'shortcut_taken' };

export interface CannedReplyStore {
  /** Changes with every write by any process. */
  version(): Promise<number>;
  /** Every reply, team and personal, with the version read before them (so a later write is never missed). */
  all(): Promise<{ version: number; replies: CannedReplyRecord[] }>;
  get(id: string): Promise<CannedReplyRecord | null>;
  /** `at` is ms since the epoch. */
  create(r: NewCannedReply, at: number): Promise<CannedReplyWrite>;
  /** Null when there is no such reply. */
  update(id: string, patch: CannedReplyPatch, at: number): Promise<CannedReplyWrite | null>;
  /** False when there was no such reply. */
  remove(id: string): Promise<boolean>;
  /** Deletes the demo team replies; returns how many. */
  removeDemo(): Promise<number>;
  /**
   * Inserts `replies` as demo data only if the table has never been written (version 0), so
   * restarts, several processes at once and a lead who deleted the demo replies are all safe.
   * Returns how many were inserted.
   */
  seedDemo(replies: Omit<NewCannedReply, 'ownerId' | 'demo'>[], at: number): Promise<number>;
}
