// An exclusive lock between processes: a file created with O_EXCL beside the locked one.
// The holder writes its pid, host and a random token into it; a lock whose holder is gone
// (dead pid on this host, or older than `staleAfter`) is broken, so a crash mid-save
// does not block every later save.
import { randomBytes } from "node:crypto";
import { link, open, readFile, rename, stat, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";

export interface FileLockOptions {
  /** Longest wait for the lock, in milliseconds (default 5000). */
  timeout?: number;
  /** Age after which a lock is taken to be left behind, in milliseconds (default 10000). */
  staleAfter?: number;
  signal?: AbortSignal;
}

export const DEFAULT_LOCK_TIMEOUT = 5000;
export const DEFAULT_STALE_AFTER = 10_000;

/** The lock stayed taken for the whole timeout. */
export class LockTimeoutError extends Error {
  constructor(readonly path: string) {
    super(`${path} stayed locked by another process`);
  }
}

interface Holder {
  pid: number;
  host: string;
  token: string;
}

function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return errnoCode(error) === "EPERM";
  }
}

async function readHolder(path: string): Promise<Holder | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path, "utf8"));
    return parsed as Holder;
  } catch {
    // Unreadable, or caught between its creation and the write of its content.
    return undefined;
  }
}

async function isStale(path: string, staleAfter: number): Promise<string | undefined> {
  let mtime: number;
  try {
    mtime = (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
  const holder = await readHolder(path);
  if (holder && holder.host === hostname() && !isAlive(holder.pid)) return holder.token;
  if (Date.now() - mtime > staleAfter) return holder?.token ?? "";
  return undefined;
}

// Moves the stale lock aside first: of two processes breaking it at once only one can
// move it, and if what was moved is a fresh lock (taken since it was judged stale) it is
// put back.
async function breakLock(path: string, token: string): Promise<void> {
  const aside = `${path}.${randomBytes(6).toString("hex")}.stale`;
  try {
    await rename(path, aside);
  } catch {
    return;
  }
  const moved = await readHolder(aside);
  if ((moved?.token ?? "") !== token) await link(aside, path).catch(() => {});
  await unlink(aside).catch(() => {});
}

async function tryCreate(path: string, holder: Holder): Promise<boolean> {
  try {
    const handle = await open(path, "wx", 0o600);
    try {
      await handle.writeFile(JSON.stringify(holder));
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if (errnoCode(error) === "EEXIST") return false;
    throw error;
  }
}

/**
 * Runs `fn` while holding the lock file `path`. Rejects with the system error when the
 * lock cannot be created (e.g. EACCES), and with LockTimeoutError when it stays taken.
 */
export async function withFileLock<T>(
  path: string,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const timeout = AbortSignal.timeout(options.timeout ?? DEFAULT_LOCK_TIMEOUT);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const holder: Holder = {
    pid: process.pid,
    host: hostname(),
    token: randomBytes(8).toString("hex"),
  };
  const staleAfter = options.staleAfter ?? DEFAULT_STALE_AFTER;
  try {
    for (let attempt = 0; ; attempt++) {
      signal.throwIfAborted();
      if (await tryCreate(path, holder)) break;
      const stale = await isStale(path, staleAfter);
      if (stale !== undefined) {
        await breakLock(path, stale);
        continue;
      }
      // Saves hold the lock for milliseconds: start with short waits.
      await sleep(Math.min(2 + attempt * 2, 25), undefined, { signal });
    }
  } catch (error) {
    options.signal?.throwIfAborted();
    if (timeout.aborted) throw new LockTimeoutError(path);
    throw error;
  }
  try {
    return await fn();
  } finally {
    const current = await readHolder(path);
    if (current?.token === holder.token) await unlink(path).catch(() => {});
  }
}
