/**
 * The widget's size budget: 24 KB gzip, measured on the .gz twin the server sends (`npm run size`
 * prints the figures). `npm test` builds first.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

test('dist/widget.js is within 24 KB gzip', () => {
  const bundle = readFileSync(path.join(__dirname, '../../dist/widget.js'));
  const gz = readFileSync(path.join(__dirname, '../../dist/widget.js.gz')).length;
  console.log(`dist/widget.js: ${bundle.length} bytes, ${gz} bytes gzip as sent`);
  expect(gz).toBeLessThanOrEqual(24 * 1024);
  // One IIFE with no other requests: no dynamic imports, no chunk loading, no source map reference.
  const text = bundle.toString('utf8');
  expect(text).not.toMatch(/\bimport\(/);
  expect(text).not.toMatch(/sourceMappingURL/);
});
