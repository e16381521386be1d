/**
 * One sign-in at a time per cache entry, across processes (several VS Code windows share
 * ~/.aws/sso/cache): a lock file created with O_EXCL next to the token file. The holder touches
 * it while it works; a lock whose holder died (same host, pid gone) or that was not touched for
 * `staleMs` is taken over, so a crashed window never blocks sign-in for long.
 *
 * Taking over a stale lock renames it to a unique name first (rename is atomic: of two
 * processes that both judged it stale, one wins), then checks the renamed file is the one it
 * judged; if a live holder had replaced it in between, the file is put back with link(), which
 * fails instead of clobbering a newer lock.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { cancelled, SsoError } from './errors';

export interface LockOptions {
  /** A lock not touched for this long is stale. Default 30 s; the holder touches it every third of that. */
  readonly staleMs?: number;
  /** How often a waiter looks again. Default 250 ms. */
  readonly pollMs?: number;
  /** How long a waiter waits in all before giving up. Default 15 minutes (a sign-in may take 10). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Called once when the lock is held by someone else and this call starts waiting. */
  readonly onWait?: () => void;
}

interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly nonce: string;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but is someone else's.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(file: string): Promise<{ holder?: Holder; mtimeMs: number } | undefined> {
  try {
    const [st, text] = await Promise.all([fs.stat(file), fs.readFile(file, 'utf8')]);
    let holder: Holder | undefined;
    try {
      const v = JSON.parse(text) as Partial<Holder>;
      if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.nonce === 'string') holder = { pid: v.pid, host: v.host, nonce: v.nonce };
    } catch {
      // Being written right now, or garbage: judged by its age alone.
    }
    return { holder, mtimeMs: st.mtimeMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function isStale(h: { holder?: Holder; mtimeMs: number }, staleMs: number): boolean {
  if (h.holder && h.holder.host === os.hostname() && !pidAlive(h.holder.pid)) return true;
  return Date.now() - h.mtimeMs > staleMs;
}

async function tryCreate(file: string, holder: Holder): Promise<boolean> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new SsoError('lock', `The sign-in lock ${file} could not be created (${(e as NodeJS.ErrnoException).code ?? String(e)}). Check that the folder is yours and writable, then try again.`, { cause: e });
  }
  try {
    await handle.writeFile(JSON.stringify(holder), 'utf8');
  } finally {
    await handle.close();
  }
  return true;
}

async function takeOverIfStale(file: string, staleMs: number): Promise<void> {
  const seen = await readHolder(file);
  if (!seen || !isStale(seen, staleMs)) return;
  const tomb = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    await fs.rename(file, tomb);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else took it over
    throw e;
  }
  const moved = await readHolder(tomb);
  const same = moved && (seen.holder ? moved.holder?.nonce === seen.holder.nonce : moved.mtimeMs === seen.mtimeMs);
  if (!same) await fs.link(tomb, file).catch(() => undefined); // a live lock: put it back unless a newer one exists
  await fs.rm(tomb, { force: true });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled('Waiting for the other sign-in'));
    const t = setTimeout(done, ms);
    function done(): void {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort(): void {
      clearTimeout(t);
      reject(cancelled('Waiting for the other sign-in'));
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `fn` holding the lock `file`. `waited` tells `fn` whether another holder came first (then
 * it should look for that holder's result before doing the work itself).
 */
export async function withFileLock<T>(file: string, fn: (waited: boolean) => Promise<T>, options: LockOptions = {}): Promise<T> {
  const staleMs = options.staleMs ?? 30_000;
  const pollMs = options.pollMs ?? 250;
  const deadline = Date.now() + (options.timeoutMs ?? 15 * 60_000);
  const holder: Holder = { pid: process.pid, host: os.hostname(), nonce: randomBytes(12).toString('hex') };
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  let waited = false;
  for (;;) {
    if (options.signal?.aborted) throw cancelled('Waiting for the other sign-in');
    if (await tryCreate(file, holder)) break;
    await takeOverIfStale(file, staleMs);
    if (!waited) {
      waited = true;
      options.onWait?.();
    }
    if (Date.now() > deadline) {
      throw new SsoError('lock', `Another sign-in (lock file ${file}) did not finish in time. Finish or cancel the sign-in in the other VS Code window or terminal, or delete the lock file, then try again.`);
    }
    await sleep(pollMs, options.signal);
  }
  const beat = setInterval(() => {
    const now = new Date();
    fs.utimes(file, now, now).catch(() => undefined);
  }, Math.max(50, Math.floor(staleMs / 3)));
  beat.unref();
  try {
    return await fn(waited);
  } finally {
    clearInterval(beat);
    // Only our own lock: a takeover (we were judged stale) must not lose the new holder's lock.
    const now = await readHolder(file).catch(() => undefined);
    if (now?.holder?.nonce === holder.nonce) await fs.rm(file, { force: true });
  }
}
