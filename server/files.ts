/**
 * The data directory is private to the account running the server: it holds the embedded
 * database (password hashes, transcripts, visitors' e-mail addresses), the token secret and
 * the first account's password. The directory is 0700 and everything in it 0600 (folders
 * 0700), whatever the umask.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Files 0600 and folders 0700 when created by this process. */
export const PRIVATE_UMASK = 0o077;
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/**
 * New files and folders private from here on, including those the PGlite worker thread
 * writes (the umask is per process; a worker thread cannot set it, so the entry point
 * does, before it opens anything).
 */
export function usePrivateUmask(): void {
  process.umask(PRIVATE_UMASK);
}

/** Creates `dir` if needed and makes it 0700 even if it existed (mkdir's mode is masked by the umask). */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  chmodSync(dir, DIR_MODE);
}

/**
 * Makes every file under `dir` 0600 and every folder 0700, `dir` included. Needed beside the
 * umask: PGlite's file system chmods the files it creates to the mode its caller asked for
 * (0666 for most of what initdb writes), and installs made before this rule exist. Symbolic
 * links are left alone (chmod would follow them out of the directory). Returns how many
 * entries it changed.
 */
export function restrictTree(dir: string): number {
  let changed = 0;
  const visit = (p: string) =>
    // PGlite may remove a file while this runs (a temporary file, a recycled WAL segment).
    unlessGone(() => {
      const st = lstatSync(p);
      const mode = st.isDirectory() ? DIR_MODE : st.isFile() ? FILE_MODE : undefined;
      if (mode === undefined) return;
      if ((st.mode & 0o777) !== mode) {
        chmodSync(p, mode);
        changed++;
      }
      if (st.isDirectory()) for (const name of readdirSync(p)) visit(path.join(p, name));
    });
  visit(dir);
  return changed;
}

function unlessGone(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
