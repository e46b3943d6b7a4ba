/**
 * Demo data for a fresh install (`npm start`): a small FAQ and a few canned replies in
 * Chinese and English, marked as demo data so a lead can find and remove them. Each
 * seeder inserts only when its table was never written, so restarts and several processes
 * are safe. The data lives here, apart from the domain and the store.
 */
import type { Logger } from '../logger';
import { createCannedReplyStore } from '../store/sql/canned-reply-store';
import { seedDemoFaq as seedFaq } from '../store/sql/faq-store';
import type { SqlClient } from '../store/sql/types';
import { DEMO_CANNED_REPLIES } from './canned-replies';
import { DEMO_FAQ } from './faq';

export { DEMO_CANNED_REPLIES, DEMO_FAQ };

/** Seeds the demo replies on a database whose canned replies were never written; returns how many. */
export function seedDemoCannedReplies(sql: SqlClient, at = Date.now()): Promise<number> {
  return createCannedReplyStore({ sql }).seedDemo(DEMO_CANNED_REPLIES, at);
}

/** Seeds the demo FAQ once per install; returns how many entries. */
export function seedDemoFaq(sql: SqlClient): Promise<number> {
  return seedFaq(sql, DEMO_FAQ);
}

export async function seedDemoData(sql: SqlClient, logger: Logger): Promise<void> {
  if (await seedDemoCannedReplies(sql)) logger.info('demo canned replies seeded');
  if (await seedDemoFaq(sql)) logger.info('demo FAQ seeded');
}
