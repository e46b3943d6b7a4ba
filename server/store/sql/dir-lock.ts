/**
 * One process per embedded database. PGlite keeps no lock of its own: two processes that
 * open one directory each write their own view of it (the second's writes are lost, or the
 * files are corrupted). The process that opens the directory holds a lock file beside it,
 * `<dir>.lock` (for the server, `DATA_DIR/pglite.lock`), naming its pid; another process
 * that finds the lock held refuses to open the database. A lock whose owner has died (a
 * crash, SIGKILL, a reboot) is taken over.
 *
 * The lock file appears complete or not at all: it is written under a name of its own
 * (created with O_EXCL, mode 0600) and then hard-linked to the lock's name, which fails
 * with EEXIST when the lock exists (link(2) is atomic, like an O_EXCL create, and a reader
 * never sees a half-written pid). Only for PGlite: PostgreSQL serves any number of processes.
 */
import { closeSync, fstatSync, linkSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What a lock file holds (JSON). */
export interface LockOwner {
  pid: number;
  /** The owner's start time in clock ticks since boot (Linux /proc), so a reused pid is not mistaken for it. */
  started?: string;
  /** What holds it, for the message of those refused: 'server', 'user:add', ... */
  by: string;
  /**
   * The owner's host name. A pid means nothing on another host (another container sharing the
   * volume): such a lock is never judged stale, only removed by hand.
   */
  host?: string;
}

const elsewhere = (owner: LockOwner) => owner.host !== undefined && owner.host !== os.hostname();

/** The directory's lock is held by a live process. */
export class DirLockedError extends Error {
  constructor(
    readonly lockFile: string,
    readonly owner: LockOwner,
  ) {
    super(
      `The embedded database ${lockFile.replace(/\.lock$/, '')} is in use by another process ` +
        `(${owner.by}, pid ${owner.pid}${elsewhere(owner) ? ` on host ${owner.host}` : ''}): ` +
        'only one process may open it. Stop that process first, or use PostgreSQL (DATABASE_URL) to run several.' +
        (elsewhere(owner) ? ` If that process is gone, delete ${lockFile}.` : ''),
    );
    this.name = 'DirLockedError';
  }
}

export interface DirLock {
  readonly file: string;
  /** Removes the lock file if it is still this holder's. Idempotent. */
  release(): void;
}

/** Lock files held by this process, by path: a second open in the same process is refused too. */
const held = new Map<string, number>();

/** Start time of a process (field 22 of /proc/<pid>/stat), or undefined where there is no /proc. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function isAlive(owner: LockOwner): boolean {
  if (elsewhere(owner)) return true;
  // This pid is ours but we hold no such lock: it was left by an earlier process that had our pid
  // (a container restarted: the server is pid 1 again).
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    // EPERM: alive, but another user's.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = startTime(owner.pid);
  return owner.started === undefined || now === undefined || now === owner.started;
}

/** The lock file's inode and owner (none when it is not a lock this module wrote), or undefined when it is gone. */
function readLock(file: string): { owner?: LockOwner; ino: number } | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const ino = fstatSync(fd).ino;
    let owner: LockOwner | undefined;
    try {
      const parsed = JSON.parse(readFileSync(fd, 'utf8')) as Partial<LockOwner>;
      if (Number.isSafeInteger(parsed.pid) && (parsed.pid as number) > 0) {
        const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
        owner = { pid: parsed.pid as number, started: str(parsed.started), by: str(parsed.by) ?? 'unknown', host: str(parsed.host) };
      }
    } catch {
      // Not JSON: not written by this module (links are complete), so no live owner is named.
    }
    return { owner, ino };
  } finally {
    closeSync(fd);
  }
}

let drafts = 0;

/**
 * Creates `file` holding `content`, complete or not at all: written under a name of its own
 * (O_EXCL, 0600), then hard-linked to `file`. Returns its inode; throws EEXIST if `file` exists.
 */
function createComplete(file: string, content: string): number {
  const draft = `${file}.${process.pid}.${++drafts}`;
  const fd = openSync(draft, 'wx', 0o600);
  try {
    writeSync(fd, content);
    const ino = fstatSync(fd).ino;
    linkSync(draft, file);
    return ino;
  } finally {
    closeSync(fd);
    unlinkIfExists(draft);
  }
}

function unlinkIfExists(file: string): void {
  try {
    unlinkSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/**
 * Removes a dead owner's lock. Two processes may find the same stale lock: the one that
 * removes it and links its own must not have that new lock removed by the other, so removal
 * happens under `<lock>.takeover` (O_EXCL), after reading the lock again: only the very file
 * judged stale (same inode, owner still dead) is unlinked. A takeover file left by a process
 * that died within these few system calls is itself removed once its pid is dead.
 */
function removeStale(file: string, staleIno: number): void {
  const guard = `${file}.takeover`;
  try {
    createComplete(guard, JSON.stringify({ pid: process.pid, started: startTime(process.pid), by: 'takeover' }));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const other = readLock(guard);
    // Another process is taking over right now: it will hold the lock, and the caller retries to find it.
    if (other?.owner && isAlive(other.owner)) return;
    if (other && readLock(guard)?.ino === other.ino) unlinkIfExists(guard);
    return;
  }
  try {
    const again = readLock(file);
    if (again && again.ino === staleIno && !(again.owner && isAlive(again.owner))) unlinkSync(file);
  } finally {
    unlinkIfExists(guard);
  }
}

/**
 * Takes the lock of `dir` (the file `<dir>.lock`) for this process, or throws
 * `DirLockedError` naming the live process that holds it. `by` says what this process is.
 */
export function lockDir(dir: string, by: string): DirLock {
  const file = `${path.resolve(dir)}.lock`;
  if (held.has(file)) throw new DirLockedError(file, { pid: process.pid, by: 'this very process' });
  const me = JSON.stringify({ pid: process.pid, started: startTime(process.pid), by, host: os.hostname() } satisfies LockOwner);
  // Bounded: each round either links, finds a live owner, or removes a stale lock; a few rounds
  // cover racing takers.
  for (let round = 0; round < 8; round++) {
    try {
      const ino = createComplete(file, `${me}\n`);
      if (held.size === 0) process.once('exit', releaseAll);
      held.set(file, ino);
      return { file, release: () => release(file, ino) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const current = readLock(file);
    if (!current) continue;
    if (current.owner && isAlive(current.owner)) throw new DirLockedError(file, current.owner);
    removeStale(file, current.ino);
  }
  const current = readLock(file);
  throw new DirLockedError(file, current?.owner ?? { pid: 0, by: 'an unknown process' });
}

function release(file: string, ino: number): void {
  if (held.get(file) !== ino) return;
  held.delete(file);
  if (held.size === 0) process.off('exit', releaseAll);
  // Only our own file, never one that replaced it (whose inode may be the freed one of ours).
  const current = readLock(file);
  if (current?.ino === ino && current.owner?.pid === process.pid) unlinkIfExists(file);
}

/**
 * A process that exits without closing its database (an uncaught error, process.exit) leaves
 * no lock behind; one that is killed does, and the next taker finds its pid dead.
 */
function releaseAll(): void {
  for (const [file, ino] of held) release(file, ino);
}
