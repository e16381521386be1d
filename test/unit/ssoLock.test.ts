/**
 * One sign-in at a time: the lock file next to the cache entry serialises callers in one process
 * and across processes, and a dead or silent holder does not block the next one for long.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withFileLock } from '../../src/sso/lock';
import { SsoError } from '../../src/sso/errors';
import { signOut } from '../../src/sso/manager';
import { cachePaths, writeTokenEntry } from '../../src/sso/cache';

const LOCK_JS = path.resolve(__dirname, '..', '..', 'src', 'sso', 'lock.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Intervals [start, end] must not overlap. */
function assertSerial(spans: Array<[number, number]>): void {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i]![0] >= sorted[i - 1]![1], `overlap: ${JSON.stringify(sorted)}`);
}

describe('sso lock', () => {
  let dir: string;
  let lock: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sso-lock-'));
    lock = path.join(dir, 'cache', 'abc.lock');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('two callers in one process: the second waits, is told it waited, and the lock is gone after', async () => {
    const spans: Array<[number, number]> = [];
    const waitedFlags: boolean[] = [];
    let waitCalls = 0;
    const run = () =>
      withFileLock(
        lock,
        async (waited) => {
          const start = Date.now();
          waitedFlags.push(waited);
          await sleep(150);
          spans.push([start, Date.now()]);
        },
        { pollMs: 20, onWait: () => waitCalls++ },
      );
    await Promise.all([run(), run()]);
    assertSerial(spans);
    assert.deepEqual(waitedFlags, [false, true]);
    assert.equal(waitCalls, 1);
    assert.equal(fs.existsSync(lock), false);
    assert.equal(fs.statSync(path.dirname(lock)).mode & 0o777, 0o700);
  });

  it('two child processes are serialised by the lock file', async () => {
    const log = path.join(dir, 'spans.log');
    const script = `
      const { withFileLock } = require(${JSON.stringify(LOCK_JS)});
      const fs = require('fs');
      withFileLock(${JSON.stringify(lock)}, async (waited) => {
        const s = Date.now();
        await new Promise((r) => setTimeout(r, 300));
        fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify([s, Date.now(), waited]) + '\\n');
      }, { pollMs: 20 }).catch((e) => { console.error(e); process.exit(1); });`;
    const child = () =>
      new Promise<number>((resolve) => {
        const p = spawn(process.execPath, ['-e', script], { stdio: 'inherit' });
        p.on('exit', (code) => resolve(code ?? -1));
      });
    assert.deepEqual(await Promise.all([child(), child()]), [0, 0]);
    const rows = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as [number, number, boolean]);
    assert.equal(rows.length, 2);
    assertSerial(rows.map(([s, e]) => [s, e]));
    assert.deepEqual(rows.map((r) => r[2]).sort(), [false, true]);
  });

  it('a lock left by a dead process is taken over at once', async () => {
    fs.mkdirSync(path.dirname(lock), { recursive: true });
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.on('exit', r));
    fs.writeFileSync(lock, JSON.stringify({ pid: dead.pid, host: os.hostname(), nonce: 'old' }));
    const t = Date.now();
    await withFileLock(lock, async () => undefined, { pollMs: 20, staleMs: 60_000 });
    assert.ok(Date.now() - t < 2000);
  });

  it('a lock nobody touches is stale after staleMs; a live holder keeps its lock by touching it', async () => {
    fs.mkdirSync(path.dirname(lock), { recursive: true });
    fs.writeFileSync(lock, ''); // a holder that died while writing, on another host for all we know
    const old = new Date(Date.now() - 5000);
    fs.utimesSync(lock, old, old);
    await withFileLock(lock, async () => undefined, { pollMs: 20, staleMs: 1000 });
    // A long holder (3 x staleMs) is never judged stale because it touches the file.
    const spans: Array<[number, number]> = [];
    const hold = (ms: number) => withFileLock(lock, async () => { const s = Date.now(); await sleep(ms); spans.push([s, Date.now()]); }, { pollMs: 20, staleMs: 300 });
    await Promise.all([hold(900), sleep(50).then(() => hold(10))]);
    assertSerial(spans);
  });

  it('a waiter can be cancelled and gives up after timeoutMs with an error naming the lock file', async () => {
    const release = withFileLock(lock, () => sleep(400), { pollMs: 20 });
    await sleep(30);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    await assert.rejects(withFileLock(lock, async () => 1, { pollMs: 20, signal: ac.signal }), (e: unknown) => e instanceof SsoError && e.kind === 'cancelled');
    await assert.rejects(withFileLock(lock, async () => 1, { pollMs: 20, timeoutMs: 100 }), (e: unknown) => e instanceof SsoError && e.kind === 'lock' && e.message.includes(lock));
    await release;
  });

  it('sign out waits for a sign-in holding the session\'s lock, says so, and stops waiting when cancelled, the token kept', async () => {
    const session = { sessionName: 'waiting', startUrl: 'https://waiting.awsapps.com/start', region: 'eu-west-1' };
    const cacheDir = path.join(dir, 'cache');
    const { token, lock: sessionLock } = cachePaths(cacheDir, session);
    // Expired: sign out then only removes the file (no call to the portal).
    await writeTokenEntry(token, { accessToken: 'aoaWAITING', expiresAt: new Date(Date.now() - 60_000) });
    let release!: () => void;
    let holding!: () => void;
    const held = new Promise<void>((r) => (holding = r));
    const signIn = withFileLock(sessionLock, async () => {
      holding();
      await new Promise<void>((r) => (release = r));
    });
    await held;
    const abort = new AbortController();
    let told = 0;
    const out = signOut(session, { cacheDir, lock: { pollMs: 20 } }, { signal: abort.signal, onWait: () => (told++, abort.abort()) });
    await assert.rejects(out, (e: unknown) => e instanceof SsoError && e.kind === 'cancelled');
    assert.equal(told, 1, 'the caller was told that sign out waits');
    assert.ok(fs.existsSync(token), 'a cancelled sign out removes nothing');
    release();
    await signIn;
    // Once the sign-in has ended, sign out goes through.
    assert.deepEqual(await signOut(session, { cacheDir, lock: { pollMs: 20 } }), { serverLogout: false, removed: true });
    assert.equal(fs.existsSync(token), false);
  });
});
