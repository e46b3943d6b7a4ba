// npm run size: the bytes /widget.js and the console send over the wire (the build's precompressed
// .br and .gz twins, which the server picks by Accept-Encoding), and the widget's gzip size against
// its budget (24 KB).
import { readFileSync, statSync } from 'node:fs';

export const WIDGET_BUDGET_BYTES = 24 * 1024;
const dist = new URL('../dist/', import.meta.url);
const size = (file) => statSync(new URL(file, dist)).size;
const line = (file) => `${file}: ${size(file)} bytes, ${size(`${file}.br`)} brotli, ${size(`${file}.gz`)} gzip`;

const gz = size('widget.js.gz');
console.log(`${line('widget.js')} (budget ${WIDGET_BUDGET_BYTES} gzip, ${((gz / WIDGET_BUDGET_BYTES) * 100).toFixed(0)}%)`);
const manifest = JSON.parse(readFileSync(new URL('console/manifest.json', dist), 'utf8'));
for (const file of Object.values(manifest)) console.log(line(`console/${file}`));
if (gz > WIDGET_BUDGET_BYTES) process.exitCode = 1;
