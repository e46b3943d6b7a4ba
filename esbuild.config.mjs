// Builds the server bundle (dist/server.js) and copies the Lua scripts next to it.
// Later bundles (widget, console) are added to `builds`.
import { build } from 'esbuild';
import { cpSync, mkdirSync } from 'node:fs';

const builds = [
  {
    entryPoints: ['server/main.ts'],
    outfile: 'dist/server.js',
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // Dependencies stay in node_modules: PGlite loads its WebAssembly from there.
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  },
];

mkdirSync('dist', { recursive: true });
await Promise.all(builds.map((options) => build(options)));
for (const dir of ['server/store/presence/lua', 'server/store/lua']) cpSync(dir, 'dist/lua', { recursive: true });
