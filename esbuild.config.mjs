// Builds the server bundle (dist/server.js, with the Lua scripts copied next to it and the
// PGlite worker thread's entry, dist/pglite-worker.js, beside it) and the
// embeddable widget (dist/widget.js: one minified IIFE, CSS inlined as text) and the agent
// console (dist/console/console-<hash>.js and console-styles-<hash>.css, named by
// dist/console/manifest.json, served under /console). Every browser bundle gets `.br` and `.gz`
// twins, compressed once here at the highest levels, which server/transport/assets.ts sends.
import { build, transform } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/**
 * The widget speaks WebSocket only: `engine.io-client` resolves to a slim entry and its
 * transport table to one holding WebSocket alone (widget/build/), saving ~2.5 KB gzip. It speaks
 * JSON only: both packet parsers resolve to text-only twins (widget/build/*-io-parser.js), ~2.3 KB.
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

// By its real path: esbuild resolves the package's own imports through symlinks (a worktree whose
// node_modules links to another checkout), and a second spelling would bundle those files twice.
const engineDir = realpathSync(path.resolve('node_modules/engine.io-client/build/esm'));
const websocketOnly = {
  name: 'websocket-only',
  setup(b) {
    b.onResolve({ filter: /^engine\.io-client$/ }, () => ({ path: path.resolve('widget/build/engine-io-client.js') }));
    b.onResolve({ filter: /^(socket|engine)\.io-parser$/ }, (args) => ({ path: path.resolve(`widget/build/${args.path.replace('.', '-')}.js`) }));
    b.onResolve({ filter: /\/transports\/index\.js$/ }, (args) =>
      args.importer.startsWith(engineDir) ? { path: path.resolve('widget/build/transports.js') } : undefined,
    );
    // Deep imports of engine.io-client files, which its package exports map would refuse.
    b.onResolve({ filter: /^engine\.io-client\/build\/esm\// }, (args) => ({
      path: path.join(engineDir, args.path.slice('engine.io-client/build/esm/'.length)),
    }));
  },
};

const CONSOLE_DIR = 'dist/console';
const MANIFEST = path.join(CONSOLE_DIR, 'manifest.json');
const CONSOLE_ENTRIES = { console: 'agent-console/src/index.tsx', 'console-styles': 'agent-console/src/styles.css' };

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
    // Library-private members (`_opts`, Preact's `__k`) get short names: ~300 B gzip. Nothing
    // underscored crosses the wire or the host page; `__x__` names are the language's own.
    mangleProps: /^_/,
    reserveProps: /^__.*__$/,
  },
  {
    // Content-hashed names, so the server can let browsers cache them for a year.
    entryPoints: CONSOLE_ENTRIES,
    outdir: CONSOLE_DIR,
    entryNames: '[name]-[hash]',
    metafile: true,
    ...browser,
  },
];

mkdirSync('dist', { recursive: true });
const [, , consoleBuild] = await Promise.all(builds.map((options) => build(options)));
cpSync('server/store/redis/lua', 'dist/lua', { recursive: true });

/** Entry name (`console.js`, `console-styles.css`) → the hashed file written for it. */
const manifest = {};
for (const [out, meta] of Object.entries(consoleBuild.metafile.outputs)) {
  const entry = Object.entries(CONSOLE_ENTRIES).find(([, source]) => source === meta.entryPoint)?.[0];
  if (entry) manifest[`${entry}${path.extname(out)}`] = path.basename(out);
}
for (const file of ['dist/widget.js', ...Object.values(manifest).map((f) => path.join(CONSOLE_DIR, f))]) precompress(file);
pruneConsole(manifest);
writeFileSync(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);

/** Writes `<file>.br` (quality 11) and `<file>.gz` (level 9) beside the file. */
function precompress(file) {
  const raw = readFileSync(file);
  writeFileSync(`${file}.br`, brotliCompressSync(raw, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
  }));
  writeFileSync(`${file}.gz`, gzipSync(raw, { level: 9 }));
}

/**
 * Removes older builds' hashed console files, keeping this build's and the one before it: a server
 * still running on the previous manifest (it reads it once) keeps finding its files until restarted.
 */
function pruneConsole(current) {
  const previous = existsSync(MANIFEST) ? Object.values(JSON.parse(readFileSync(MANIFEST, 'utf8'))) : [];
  const keep = new Set([...Object.values(current), ...previous]);
  for (const file of readdirSync(CONSOLE_DIR)) {
    const bundle = file.replace(/\.(br|gz)$/, '');
    if (file !== path.basename(MANIFEST) && !keep.has(bundle)) rmSync(path.join(CONSOLE_DIR, file));
  }
}
