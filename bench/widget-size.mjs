// npm run size: the gzip size of dist/widget.js against its budget (24 KB).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export const WIDGET_BUDGET_BYTES = 24 * 1024;
const raw = readFileSync(new URL('../dist/widget.js', import.meta.url));
const gz = gzipSync(raw, { level: 9 }).length;
console.log(`dist/widget.js: ${raw.length} bytes, ${gz} bytes gzip -9 (budget ${WIDGET_BUDGET_BYTES}, ${((gz / WIDGET_BUDGET_BYTES) * 100).toFixed(0)}%)`);
if (gz > WIDGET_BUDGET_BYTES) process.exitCode = 1;
