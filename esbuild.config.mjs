// Builds the server bundle (dist/server.js, with the Lua scripts copied next to it and the
// PGlite worker thread's entry, dist/pglite-worker.js, beside it) and the
// embeddable widget (dist/widget.js: one minified IIFE, CSS inlined as text) and the agent
// console (dist/console.js and dist/console-styles.css, served at /console).
import { build, transform } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/**
 * The widget speaks WebSocket only: `engine.io-client` resolves to a slim entry and its
 * transport table to one holding WebSocket alone (widget/build/), saving ~2.5 KB gzip.
 */
/** CSS imported as a minified string, for the shadow root's constructed stylesheet. */
const cssAsText = {
  name: 'css-as-text',
  setup(b) {
    b.onLoad({ filter: /\.css$/ }, async (args) => {
      const { code } = await transform(await readFile(args.path, 'utf8'), { loader: 'css', minify: true });
      return { contents: code, loader: 'text' };
    });
  },
};

const engineDir = path.resolve('node_modules/engine.io-client/build/esm');
const websocketOnly = {
  name: 'websocket-only',
  setup(b) {
    b.onResolve({ filter: /^engine\.io-client$/ }, () => ({ path: path.resolve('widget/build/engine-io-client.js') }));
    b.onResolve({ filter: /\/transports\/index\.js$/ }, (args) =>
      args.importer.startsWith(engineDir) ? { path: path.resolve('widget/build/transports.js') } : undefined,
    );
    // Deep imports of engine.io-client files, which its package exports map would refuse.
    b.onResolve({ filter: /^engine\.io-client\/build\/esm\// }, (args) => ({
      path: path.join(engineDir, args.path.slice('engine.io-client/build/esm/'.length)),
    }));
  },
};

/** What both browser bundles (widget and console) share. */
const browser = {
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: ['chrome100', 'firefox100', 'safari15'],
  minify: true,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  define: { 'process.env.NODE_ENV': '"production"' },
  legalComments: 'none',
  logLevel: 'warning',
};

const builds = [
  {
    // The worker is found at run time beside the bundle (server/store/sql/client.ts).
    entryPoints: { server: 'server/main.ts', 'pglite-worker': 'server/store/sql/pglite-worker.ts' },
    outdir: 'dist',
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // Dependencies stay in node_modules: PGlite loads its WebAssembly from there.
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  },
  {
    entryPoints: ['widget/src/index.tsx'],
    outfile: 'dist/widget.js',
    ...browser,
    plugins: [websocketOnly, cssAsText],
  },
  {
    entryPoints: { console: 'agent-console/src/index.tsx', 'console-styles': 'agent-console/src/styles.css' },
    outdir: 'dist',
    ...browser,
  },
];

mkdirSync('dist', { recursive: true });
await Promise.all(builds.map((options) => build(options)));
cpSync('server/store/redis/lua', 'dist/lua', { recursive: true });
