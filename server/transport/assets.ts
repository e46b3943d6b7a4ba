/**
 * The browser bundles as static files: the widget at its fixed URL `/widget.js` (revalidated
 * after five minutes), the agent console's HTML shell at `/console` and its content-hashed files
 * under `/console/` (cached for a year). Each file goes out in the best encoding the request
 * accepts among the twins the build precompressed (`.br`, `.gz`); nothing is compressed per
 * request. Every encoding has its own strong ETag (the uncompressed content's hash, suffixed),
 * and every answer says `Vary: Accept-Encoding`.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { AppError } from '../errors';
import type { Logger } from '../logger';

export type ContentEncoding = 'br' | 'gzip' | 'identity';

export interface AssetRouterOptions {
  /** The build's output folder: `widget.js` and `console/manifest.json` with the files it names. */
  dir: string;
  logger: Logger;
}

/** The widget's URL is fixed (stores embed it), so caches keep it briefly and revalidate by ETag. */
const REVALIDATE = 'public, max-age=300';
/** A hashed name never changes content. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Written by esbuild.config.mjs: entry name → the hashed file beside the manifest. */
const consoleManifest = z.object({
  'console.js': z.string().regex(/^[\w.-]+\.js$/),
  'console-styles.css': z.string().regex(/^[\w.-]+\.css$/),
});
type ConsoleManifest = z.infer<typeof consoleManifest>;

const consoleHtml = (m: ConsoleManifest) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>LiveSupport console · 在线客服工作台</title>
<link rel="stylesheet" href="/console/${m['console-styles.css']}">
<script src="/console/${m['console.js']}" defer></script>
</head>
<body><div id="app"></div><noscript>The console needs JavaScript. 工作台需要启用 JavaScript。</noscript></body>
</html>`;

const NOT_BUILT = (what: string) => new AppError('NOT_FOUND', `${what} is not built: run npm run build`);

export function createAssetRouter(opts: AssetRouterOptions): express.Router {
  const files = createPrecompressedFiles(opts.logger.child({ module: 'assets' }));
  const consoleDir = path.join(opts.dir, 'console');
  // Read once, at the first request that finds it: a rebuild takes effect at the next start.
  let shell: { manifest: ConsoleManifest; html: string } | undefined;
  const consoleShell = async () => {
    if (!shell) {
      const text = await readFile(path.join(consoleDir, 'manifest.json'), 'utf8').catch(() => undefined);
      if (text === undefined) return undefined;
      const manifest = consoleManifest.parse(JSON.parse(text));
      shell = { manifest, html: consoleHtml(manifest) };
    }
    return shell;
  };

  const router = express.Router();

  // Embedded by other sites: it must be loadable cross-origin.
  router.get('/widget.js', async (req, res) => {
    res.set('Cross-Origin-Resource-Policy', 'cross-origin');
    if (!(await files.send(req, res, path.join(opts.dir, 'widget.js'), REVALIDATE))) throw NOT_BUILT('widget.js');
  });

  // The agent console: a static shell around the bundle; all data comes over the API and socket.
  // The shell names this build's files, so browsers revalidate it every time.
  router.get('/console', async (_req, res) => {
    const found = await consoleShell();
    if (!found) throw NOT_BUILT('the console');
    res.set('Cache-Control', 'no-cache').type('html').send(found.html);
  });
  router.get('/console/:file', async (req, res) => {
    const found = await consoleShell();
    if (!found) throw NOT_BUILT('the console');
    const { file } = req.params;
    // Only the manifest's names: the folder also holds the manifest and the previous build.
    const listed = Object.values(found.manifest).includes(file);
    if (!listed || !(await files.send(req, res, path.join(consoleDir, file), IMMUTABLE))) throw new AppError('NOT_FOUND');
  });

  return router;
}

/**
 * The encoding to send: of the twins available, the accepted one (q > 0) with the highest q,
 * brotli before gzip on a tie; identity when neither is accepted or the header is absent.
 */
export function negotiateEncoding(acceptEncoding: string | undefined, available: readonly ContentEncoding[]): ContentEncoding {
  const q = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [coding, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const value = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (coding) q.set(coding, Number.isFinite(value) ? value : 0);
  }
  let best: ContentEncoding = 'identity';
  let bestQ = 0;
  for (const encoding of ['br', 'gzip'] as const) {
    const value = q.get(encoding) ?? q.get('*') ?? 0;
    if (available.includes(encoding) && value > bestQ) [best, bestQ] = [encoding, value];
  }
  return best;
}

/** `If-None-Match` holds this ETag (weak comparison, as RFC 9110 asks for this header) or `*`. */
function noneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

interface Variant {
  body: Buffer;
  etag: string;
}

interface LoadedFile {
  /** mtime and size of the uncompressed file when it was read: a rebuild changes them. */
  stamp: string;
  variants: Partial<Record<ContentEncoding, Variant>> & { identity: Variant };
}

const TWINS = [
  { encoding: 'br', suffix: 'br', decode: brotliDecompressSync },
  { encoding: 'gzip', suffix: 'gz', decode: gunzipSync },
] as const;

/** Files held in memory with their precompressed twins, re-read when the file on disk changes. */
function createPrecompressedFiles(log: Logger) {
  const cache = new Map<string, LoadedFile>();

  async function load(file: string): Promise<LoadedFile | undefined> {
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    const stamp = `${info.mtimeMs}:${info.size}`;
    const cached = cache.get(file);
    if (cached?.stamp === stamp) return cached;

    const raw = await readFile(file);
    const hash = createHash('sha256').update(raw).digest('base64url').slice(0, 22);
    const loaded: LoadedFile = { stamp, variants: { identity: { body: raw, etag: `"${hash}"` } } };
    for (const { encoding, suffix, decode } of TWINS) {
      const body = await readFile(`${file}.${suffix}`).catch(() => undefined);
      if (!body) continue;
      // A twin from another build (or one cut short) would send other bytes: it is left out.
      let same = false;
      try {
        same = decode(body).equals(raw);
      } catch {}
      if (same) loaded.variants[encoding] = { body, etag: `"${hash}-${suffix}"` };
      else log.warn({ file: `${file}.${suffix}` }, 'precompressed file does not match its source; not served');
    }
    cache.set(file, loaded);
    return loaded;
  }

  return {
    /** Sends `file` (or 304); false when there is no such file. */
    async send(req: Request, res: Response, file: string, cacheControl: string): Promise<boolean> {
      const loaded = await load(file);
      if (!loaded) return false;
      const available = Object.keys(loaded.variants) as ContentEncoding[];
      const encoding = negotiateEncoding(req.headers['accept-encoding'], available);
      const variant = loaded.variants[encoding] ?? loaded.variants.identity;
      res.vary('Accept-Encoding');
      res.set({ 'Cache-Control': cacheControl, ETag: variant.etag });
      if (noneMatchHits(req.headers['if-none-match'], variant.etag)) {
        res.status(304).end();
        return true;
      }
      res.type(path.extname(file));
      if (encoding !== 'identity') res.set('Content-Encoding', encoding);
      res.set('Content-Length', String(variant.body.length));
      res.end(variant.body);
      return true;
    },
  };
}
