/**
 * Demo data for a fresh install (`npm start`): a small FAQ and a few canned replies in
 * Chinese and English, marked as demo data so a lead can find and remove them. Each
 * seeder inserts only when its table is empty, so restarts and several processes are safe.
 */
import type { Logger } from './logger';
import { seedDemoCannedReplies } from './store/sql/canned-reply-store';
import { seedDemoFaq } from './store/sql/faq-store';
import type { SqlClient } from './store/sql/types';

export async function seedDemoData(sql: SqlClient, logger: Logger): Promise<void> {
  // Seeders are added by the FAQ and canned-reply features.
  if (await seedDemoCannedReplies(sql)) logger.info('demo canned replies seeded');
  if (await seedDemoFaq(sql)) logger.info('demo FAQ seeded');
}
