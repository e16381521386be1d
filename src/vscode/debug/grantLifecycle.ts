/**
 * When a debug launch's grant ends (see GrantLifecycle). No `vscode` import: the VS Code side
 * (debugCredentials.ts) tells it what the sessions and their adapters do.
 */
import type { Clock } from '../../shared/types';

/**
 * A DAP request by which VS Code ends a session in order to start it again: `terminate` or
 * `disconnect` with `restart: true` (what it sends to adapters without `supportsRestartRequest`).
 */
export function isRestartRequest(message: unknown): boolean {
  if (!message || typeof message !== 'object') return false;
  const m = message as { type?: unknown; command?: unknown; arguments?: { restart?: unknown } };
  return m.type === 'request' && (m.command === 'terminate' || m.command === 'disconnect') && m.arguments?.restart === true;
}

/** A grant whose launch never started (a failed preLaunchTask, say) is revoked after this long. */
export const UNSTARTED_GRANT_MS = 15 * 60_000;
/**
 * How long a grant outlives its session's end: VS Code may be restarting it without our having
 * seen the restart request (see {@link GrantLifecycle}), and relaunches within a second or so.
 */
export const RESTART_GRACE_MS = 5_000;

/** Why {@link GrantLifecycle} revoked a grant by itself. */
export type GrantEnd = 'unstarted' | 'ended' | 'replaced';

interface GrantEntry<T> {
  readonly value: T;
  /** The VS Code debug session using it, once known. */
  session: string | undefined;
  /** VS Code asked the session's adapter to end for a restart (see {@link isRestartRequest}). */
  restarting: boolean;
  timer: unknown;
}

/**
 * When each debug launch's grant ends. A session's end does not revoke at once: VS Code restarts a
 * session whose adapter cannot restart itself (debugpy) by ending it and launching the SAME
 * resolved configuration again without asking the providers, so the new run names the same token
 * file, which must still work. So an end revokes after {@link RESTART_GRACE_MS}, unless an adapter
 * starts for the session again; an announced restart (a preLaunchTask may run first) waits up to
 * {@link UNSTARTED_GRANT_MS}, as a first launch does. When launch.json changed, VS Code resolves
 * the configuration anew (a new grant) before ending the session: the old grant goes when the
 * session starts. Timers run on `clock` (the system clock's do not keep a process alive).
 */
export class GrantLifecycle<T extends { revoke(): void }> {
  private readonly entries = new Map<string, GrantEntry<T>>();

  constructor(
    private readonly clock: Clock,
    /** Told of each revocation made here (not of {@link revoke} or {@link revokeAll}), before it. */
    private readonly onEnd: (id: string, value: T, why: GrantEnd) => void,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** A launch resolved with a grant: revoked if it has not started within {@link UNSTARTED_GRANT_MS}. */
  add(id: string, value: T): void {
    const entry: GrantEntry<T> = { value, session: undefined, restarting: false, timer: undefined };
    this.entries.set(id, entry);
    this.arm(id, entry, UNSTARTED_GRANT_MS, 'unstarted');
  }

  /** A debug adapter starts for `session` (first run or restart), whose configuration names grant `id`. */
  starting(session: string, id: string | undefined): void {
    for (const [gid, entry] of this.of(session, id)) {
      entry.session = session;
      entry.restarting = false;
      this.arm(gid, entry, UNSTARTED_GRANT_MS, 'unstarted');
    }
  }

  /** `session` started (again) with grant `id` (or none): other grants it held are stale. */
  started(session: string, id: string | undefined): void {
    for (const [gid, entry] of this.of(session, id)) {
      if (gid !== id) {
        this.end(gid, entry, 'replaced');
        continue;
      }
      entry.session = session;
      entry.restarting = false;
      this.disarm(entry);
    }
  }

  /** VS Code asked `session`'s adapter to end in order to restart it. */
  restarting(session: string): void {
    for (const [, entry] of this.of(session, undefined)) entry.restarting = true;
  }

  /** `session`, whose configuration names grant `id` (or none), ended: what happens to its grants. */
  ended(session: string, id: string | undefined): 'restart' | 'grace' | undefined {
    const mine = this.of(session, id);
    if (mine.length === 0) return undefined;
    const restart = mine.some(([, entry]) => entry.restarting);
    for (const [gid, entry] of mine) {
      entry.session = session;
      entry.restarting = false;
      this.arm(gid, entry, restart ? UNSTARTED_GRANT_MS : RESTART_GRACE_MS, restart ? 'unstarted' : 'ended');
    }
    return restart ? 'restart' : 'grace';
  }

  revoke(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.disarm(entry);
    entry.value.revoke();
  }

  revokeAll(): void {
    for (const id of [...this.entries.keys()]) this.revoke(id);
  }

  /** The grants of `session`, and grant `id` (a configuration's marker, maybe not yet tied to a session). */
  private of(session: string, id: string | undefined): Array<[string, GrantEntry<T>]> {
    return [...this.entries].filter(([gid, entry]) => gid === id || entry.session === session);
  }

  private arm(id: string, entry: GrantEntry<T>, ms: number, why: GrantEnd): void {
    this.disarm(entry);
    entry.timer = this.clock.setTimeout(() => {
      entry.timer = undefined;
      if (this.entries.get(id) === entry) this.end(id, entry, why);
    }, ms);
  }

  private disarm(entry: GrantEntry<T>): void {
    if (entry.timer !== undefined) this.clock.clearTimeout(entry.timer);
    entry.timer = undefined;
  }

  private end(id: string, entry: GrantEntry<T>, why: GrantEnd): void {
    this.onEnd(id, entry.value, why);
    this.revoke(id);
  }
}
