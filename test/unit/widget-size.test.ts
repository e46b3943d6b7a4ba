/** The widget's size budget: 24 KB gzip (`npm run size` prints the figure). `npm test` builds first. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

test('dist/widget.js is within 24 KB gzip', () => {
  const bundle = readFileSync(path.join(__dirname, '../../dist/widget.js'));
  const gz = gzipSync(bundle, { level: 9 }).length;
  console.log(`dist/widget.js: ${bundle.length} bytes, ${gz} bytes gzip`);
  expect(gz).toBeLessThanOrEqual(24 * 1024);
  // One IIFE with no other requests: no dynamic imports, no chunk loading, no source map reference.
  const text = bundle.toString('utf8');
  expect(text).not.toMatch(/\bimport\(/);
  expect(text).not.toMatch(/sourceMappingURL/);
});
