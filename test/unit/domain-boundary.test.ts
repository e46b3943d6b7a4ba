/**
 * The domain declares its ports and knows no I/O: no file under server/domain/ may import
 * the store, the transport, or an I/O library. The store and transport depend on the
 * domain, never the reverse.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const DOMAIN = path.resolve(__dirname, '../../server/domain');
const FORBIDDEN_PACKAGES = ['socket.io', 'ioredis', 'pg', 'express', '@electric-sql/pglite', '@node-rs/argon2', 'prom-client'];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

/** Every module specifier a file imports or re-exports, statically or dynamically. */
function specifiers(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g)) {
    found.push(m[1] ?? m[2] ?? m[3]);
  }
  return found;
}

function violation(file: string, spec: string): string | null {
  if (spec.startsWith('.')) {
    const target = path.resolve(path.dirname(file), spec);
    const server = path.resolve(DOMAIN, '..');
    for (const layer of ['store', 'transport']) {
      const dir = path.join(server, layer);
      if (target === dir || target.startsWith(dir + path.sep)) return `${layer}/`;
    }
    return null;
  }
  const pkg = FORBIDDEN_PACKAGES.find((p) => spec === p || spec.startsWith(`${p}/`));
  return pkg ?? null;
}

test('no file under server/domain imports the store, the transport or an I/O library', () => {
  const all = files(DOMAIN);
  expect(all.length).toBeGreaterThan(20);
  const bad: string[] = [];
  for (const file of all) {
    for (const spec of specifiers(readFileSync(file, 'utf8'))) {
      const why = violation(file, spec);
      if (why) bad.push(`${path.relative(DOMAIN, file)} imports ${spec} (${why})`);
    }
  }
  expect(bad).toEqual([]);
});

test('the check itself catches each kind of forbidden import', () => {
  const file = path.join(DOMAIN, 'chat', 'x.ts');
  const src = `import type { X } from '../../store/sql/types';\nimport { Server } from 'socket.io';\nexport * from '../../transport/socket';\nconst r = await import('ioredis');\nimport pg from 'pg';`;
  expect(specifiers(src).map((s) => violation(file, s))).toEqual(['store/', 'socket.io', 'transport/', 'ioredis', 'pg']);
  expect(violation(file, '../ports/records')).toBeNull();
});
