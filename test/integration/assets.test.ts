/**
 * The browser bundles over real HTTP, read as raw bytes (no client-side decompression): the
 * precompressed twins the build wrote, negotiated by Accept-Encoding, with per-encoding ETags,
 * 304s and the cache policy (widget revalidated at its fixed URL, console files hashed and immutable).
 * `npm test` builds dist/ first.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import express, { type NextFunction, type Request, type Response } from 'express';
import pino from 'pino';
import { toErrorBody } from '../../server/errors';
import { createAssetRouter } from '../../server/transport/assets';
import { useTestServer } from '../helpers/suite';

const DIST = path.join(__dirname, '../../dist');
const widget = readFileSync(path.join(DIST, 'widget.js'));

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** GET with exactly these headers; the body as it came over the wire. */
function get(url: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

const decode = (r: RawResponse) =>
  r.headers['content-encoding'] === 'br' ? brotliDecompressSync(r.body) : r.headers['content-encoding'] === 'gzip' ? gunzipSync(r.body) : r.body;

describe('the built bundles on the real server', () => {
  const t = useTestServer({ lifetime: 'block' });

  test('/widget.js goes out as brotli, gzip or identity by Accept-Encoding, the same bytes each time', async () => {
    const figures: string[] = [];
    for (const [accept, encoding] of [
      ['br', 'br'],
      ['gzip, deflate, br, zstd', 'br'], // Chrome's header: br wins the tie whatever the order
      ['gzip', 'gzip'],
      ['gzip, deflate', 'gzip'],
      ['gzip;q=1, br;q=0.5', 'gzip'],
      ['*', 'br'],
      ['br;q=0, gzip;q=0', undefined],
      ['identity', undefined],
      ['', undefined],
    ] as const) {
      const res = await get(`${t().url}/widget.js`, accept ? { 'accept-encoding': accept } : {});
      expect([accept, res.status, res.headers['content-encoding']]).toEqual([accept, 200, encoding]);
      expect(decode(res).equals(widget)).toBe(true);
      expect(Number(res.headers['content-length'])).toBe(res.body.length);
      expect(res.headers.vary).toMatch(/accept-encoding/i);
      expect(res.headers['content-type']).toMatch(/javascript/);
      expect(res.headers['cache-control']).toBe('public, max-age=300');
      expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
      expect(res.headers.etag).toMatch(/^"[\w-]+"$/); // strong
      if (accept === 'br' || accept === 'gzip' || accept === '') figures.push(`${encoding ?? 'identity'} ${res.body.length} B`);
    }
    console.log(`GET /widget.js over the wire: ${figures.join(', ')}`);
  });

  test('each encoding has its own ETag; a matching If-None-Match is a 304 without a body', async () => {
    const etags = new Map<string, string>();
    for (const accept of ['br', 'gzip', 'identity']) {
      const res = await get(`${t().url}/widget.js`, { 'accept-encoding': accept });
      etags.set(accept, res.headers.etag!);
      const again = await get(`${t().url}/widget.js`, { 'accept-encoding': accept, 'if-none-match': `"other", ${res.headers.etag}` });
      expect(again.status).toBe(304);
      expect(again.body.length).toBe(0);
      expect(again.headers.etag).toBe(res.headers.etag);
      expect(again.headers.vary).toMatch(/accept-encoding/i);
      expect(again.headers['cache-control']).toBe('public, max-age=300');
    }
    expect(new Set(etags.values()).size).toBe(3);
    // A cache holding the identity copy asks with it but accepts br: it gets the br copy in full.
    const other = await get(`${t().url}/widget.js`, { 'accept-encoding': 'br', 'if-none-match': etags.get('identity')! });
    expect(other.status).toBe(200);
    expect(other.headers['content-encoding']).toBe('br');
    expect((await get(`${t().url}/widget.js`, { 'if-none-match': '*' })).status).toBe(304);
  });

  test('/console names the hashed files, which are immutable and precompressed', async () => {
    const manifest = JSON.parse(readFileSync(path.join(DIST, 'console/manifest.json'), 'utf8')) as Record<string, string>;
    const shell = await get(`${t().url}/console`);
    expect(shell.status).toBe(200);
    expect(shell.headers['cache-control']).toBe('no-cache');
    const html = shell.body.toString('utf8');
    const names = [...html.matchAll(/(?:href|src)="\/console\/([^"]+)"/g)].map((m) => m[1]);
    expect(names.sort()).toEqual(Object.values(manifest).sort());
    expect(names.every((n) => /-[A-Z0-9]{8}\.(js|css)$/.test(n))).toBe(true);

    const figures: string[] = [];
    for (const name of names) {
      const raw = readFileSync(path.join(DIST, 'console', name));
      for (const accept of ['br', 'gzip', '']) {
        const res = await get(`${t().url}/console/${name}`, accept ? { 'accept-encoding': accept } : {});
        expect(res.status).toBe(200);
        expect(res.headers['content-encoding']).toBe(accept || undefined);
        expect(decode(res).equals(raw)).toBe(true);
        expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
        expect(res.headers.vary).toMatch(/accept-encoding/i);
        expect(res.headers['content-type']).toMatch(name.endsWith('.js') ? /javascript/ : /text\/css/);
        expect((await get(`${t().url}/console/${name}`, { 'accept-encoding': accept, 'if-none-match': res.headers.etag! })).status).toBe(304);
        figures.push(`${name} ${accept || 'identity'} ${res.body.length} B`);
      }
    }
    console.log(`console files over the wire: ${figures.join(', ')}`);
  });

  test('only the manifest names are served from the console folder; the old unhashed URLs are gone', async () => {
    for (const url of ['/console/manifest.json', '/console/console.js', '/console/..%2Fserver.js', '/console.js', '/console-styles.css']) {
      expect([url, (await get(`${t().url}${url}`)).status]).toEqual([url, 404]);
    }
  });
});

describe('a build folder that is missing or inconsistent', () => {
  let dir: string;
  let url: string;
  let close: () => void;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'assets-'));
    const app = express();
    app.use(createAssetRouter({ dir, logger: pino({ level: 'silent' }) }));
    app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
      res.status((err as { status?: number }).status ?? 500).json({ error: toErrorBody(err) });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => {
    close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('unbuilt: 404 NOT_FOUND with the hint to build', async () => {
    const res = await get(`${url}/widget.js`);
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body.toString())).toEqual({ error: { code: 'NOT_FOUND', message: 'widget.js is not built: run npm run build' } });
    const shell = await get(`${url}/console`);
    expect(shell.status).toBe(404);
    expect(JSON.parse(shell.body.toString()).error.message).toBe('the console is not built: run npm run build');
  });

  test('a twin that does not decompress to the file is never sent; a rebuilt file gets a new ETag', async () => {
    writeFileSync(path.join(dir, 'widget.js'), 'console.log("v1");');
    writeFileSync(path.join(dir, 'widget.js.br'), brotliCompressSync('console.log("v0");'));
    writeFileSync(path.join(dir, 'widget.js.gz'), gzipSync('console.log("v1");'));
    const first = await get(`${url}/widget.js`, { 'accept-encoding': 'br, gzip' });
    expect(first.headers['content-encoding']).toBe('gzip');
    expect(decode(first).toString()).toBe('console.log("v1");');

    writeFileSync(path.join(dir, 'widget.js'), 'console.log("v2!");');
    const second = await get(`${url}/widget.js`, { 'accept-encoding': 'br, gzip' });
    expect(second.headers['content-encoding']).toBeUndefined();
    expect(second.body.toString()).toBe('console.log("v2!");');
    expect(second.headers.etag).not.toBe(first.headers.etag);
  });
});
