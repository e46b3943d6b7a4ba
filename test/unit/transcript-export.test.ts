/**
 * The transcript export reads every match in chunks on the keyset cursor (never one big read,
 * never one page), an agent's search is narrowed to their own conversations, and CSV cells a
 * spreadsheet would run as formulas are escaped, and categories are written by their names.
 */
import { createTranscriptSearchService, EXPORT_CHUNK } from '../../server/domain/transcript-search';
import type { TranscriptFilter, TranscriptRow, TranscriptSearchStore } from '../../server/domain/ports/transcript-search';
import { transcriptExportRow } from '../../server/transport/api/transcripts';
import { csvCell, csvLine } from '../../server/transport/csv';

function row(i: number): TranscriptRow {
  return {
    id: `c-${String(i).padStart(5, '0')}`, visitorId: 'v', status: 'closed', agentId: i % 2 ? 'a1' : 'a2', openedAt: 1_000_000 - i,
    firstResponseAt: null, closedAt: null, closedBy: null, closeCategory: null, closeSummary: null, lastSeq: 1, priority: 0, departmentId: null,
    visitorName: null, agentName: null, visitorEmail: null, assignedAt: null, rating: null, ratingComment: null,
  };
}

/** Newest first, keyset on (openedAt desc, id desc), recording every read. */
function fakeStore(n: number) {
  const all = Array.from({ length: n }, (_, i) => row(i));
  const reads: { filter: TranscriptFilter; limit: number; after?: { openedAt: number; id: string } }[] = [];
  const store: TranscriptSearchStore = {
    async search(filter, page) {
      reads.push({ filter, ...page });
      const after = page.after;
      return all
        .filter((r) => filter.agentId === undefined || r.agentId === filter.agentId)
        .filter((r) => !after || r.openedAt < after.openedAt || (r.openedAt === after.openedAt && r.id < after.id))
        .slice(0, page.limit);
    },
  };
  return { store, reads };
}

test('the export reads every match in chunks of EXPORT_CHUNK, resuming after the last row', async () => {
  const { store, reads } = fakeStore(EXPORT_CHUNK * 2 + 7);
  const service = createTranscriptSearchService({ store });
  const chunks: TranscriptRow[][] = [];
  for await (const c of service.export({ id: 'lead', role: 'lead' }, {})) chunks.push(c);
  expect(chunks.map((c) => c.length)).toEqual([EXPORT_CHUNK, EXPORT_CHUNK, 7]);
  expect(new Set(chunks.flat().map((r) => r.id)).size).toBe(EXPORT_CHUNK * 2 + 7);
  expect(reads.every((r) => r.limit === EXPORT_CHUNK)).toBe(true);
  expect(reads[1].after).toEqual({ openedAt: chunks[0].at(-1)!.openedAt, id: chunks[0].at(-1)!.id });
});

test("an agent's search and export are narrowed to their conversations; asking for another agent's is refused", async () => {
  const { store, reads } = fakeStore(40);
  const service = createTranscriptSearchService({ store });
  const agent = { id: 'a1', role: 'agent' as const };
  const page = await service.search(agent, { text: 'x' }, { limit: 100 });
  expect(page.items.every((r) => r.agentId === 'a1')).toBe(true);
  expect(reads[0].filter).toEqual({ text: 'x', agentId: 'a1' });
  await expect(service.search(agent, { agentId: 'a2' }, { limit: 10 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  expect(() => service.export(agent, { agentId: 'a2' })).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  const rows: TranscriptRow[] = [];
  for await (const c of service.export(agent, {})) rows.push(...c);
  expect(rows.length).toBe(20);
});

test.each([
  ['=1+1', "'=1+1"],
  ['+8613800000000', "'+8613800000000"],
  ['-退货', "'-退货"],
  ['@SUM(A1)', "'@SUM(A1)"],
  ['\tcmd', "'\tcmd"],
  ['a "quoted", text', '"a ""quoted"", text"'],
  ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
  ['line\nbreak', '"line\nbreak"'],
  ['收到的商品有质量问题', '收到的商品有质量问题'],
])('csvCell(%j) is %j', (input, out) => {
  expect(csvCell(input)).toBe(out);
});

test('numbers and nulls are written as they are, lines end with CRLF', () => {
  expect(csvLine([-5, null, 'x'])).toBe('-5,,x\r\n');
});

test("an exported row names its category in the export's language, a removed one too, keeping the id", () => {
  const categories = [
    { id: 'c-1', name: { en: 'Refund', 'zh-CN': '退款' }, removed: false },
    { id: 'c-2', name: { en: '', 'zh-CN': '物流' }, removed: true },
  ];
  const named = (closeCategory: string | null, lang: 'en' | 'zh-CN') => transcriptExportRow({ ...row(1), closeCategory }, categories, lang);
  expect(named('c-1', 'zh-CN')).toMatchObject({ closeCategory: 'c-1', closeCategoryName: '退款' });
  expect(named('c-1', 'en')).toMatchObject({ closeCategory: 'c-1', closeCategoryName: 'Refund' });
  // Removed, and named in Chinese only: the Chinese name rather than nothing.
  expect(named('c-2', 'en')).toMatchObject({ closeCategory: 'c-2', closeCategoryName: '物流' });
  // An id the settings never knew stays readable as itself; uncategorised stays empty.
  expect(named('gone', 'en').closeCategoryName).toBe('gone');
  expect(named(null, 'zh-CN').closeCategoryName).toBeNull();
});
