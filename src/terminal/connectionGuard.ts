/**
 * The credential endpoint's connection policing: which sockets are cut, when, and which one makes
 * room at the cap. PURE CORE: no `vscode` import.
 *
 * Measured with endpointSecurity.test.ts ("stays responsive": 1,000 idle and slow-loris sockets held
 * by another process, re-opened as soon as cut): what delays a terminal's request is not the crowd
 * but the CHURN it is made to do. Every cut socket is re-opened at once, so a cut costs a close, an
 * accept and a new HTTP parser, and cuts that fall due together (Node's own header timeout cuts
 * every expired socket in one pass) come back as an accept storm that holds the event loop. So:
 *  - one guard does the cutting (Node's timeouts are only a backstop far behind it), with no timer
 *    per socket: waiting sockets sit in insertion-ordered sets, oldest first, and one timer serves
 *    the oldest;
 *  - cuts are paced ({@link CUTS_PER_TICK} every {@link PACING_TICK_MS}): a crowd that falls due
 *    at once is cut, and re-opens, as a trickle, and the churn a flood can get out of our deadlines
 *    is bounded whatever the deadlines are. That is what lets a socket that sent nothing be cut
 *    early ({@link SILENT_DEADLINE_MS}) without making a flood's reconnects cost more;
 *  - at the cap the oldest waiting stranger makes room, in O(1); a kept-alive socket that presented
 *    a valid token is dropped only when no stranger is waiting.
 * New connections are never refused for being many: refusing them is what let a crowd of idle
 * sockets starve the terminals.
 */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Clock } from '../shared/types';

/**
 * A connection (or a kept-alive one after its last answer) that has started a request but not
 * completed it within this time is answered 408 and cut. The SDKs write their ~200-byte request at
 * once, right after connecting.
 */
export const REQUEST_DEADLINE_MS = 2_000;
/** A connection that has sent nothing at all within this time is cut (it is not one of our clients). */
export const SILENT_DEADLINE_MS = 500;
/**
 * Open sockets beyond which the oldest waiting one (no request being answered) is dropped for each
 * new connection.
 */
export const MAX_CONNECTIONS = 2048;
/**
 * At most this many sockets are cut per tick of {@link PACING_TICK_MS}: 100 a second. Cutting a
 * stranger frees nothing a terminal needs (the cap does), so slower cutting costs nothing, and a
 * faster pace measured worse for the terminals under a flood (docs/security.md).
 */
export const CUTS_PER_TICK = 2;
export const PACING_TICK_MS = 20;
/** How long a cut socket that was answered 408 may linger for the peer to read it. */
const LINGER_MS = 100;
const TIMEOUT_ANSWER = 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';

interface SocketState {
  /** Requests being answered on this socket. */
  busy: number;
  /** When it started waiting for a request (performance.now()). */
  armedAt: number;
  /** socket.bytesRead then: more read since means a request has started. */
  readAtArm: number;
  /** A request on it presented a valid token. */
  trusted: boolean;
}

export interface GuardStats {
  /** Waiting sockets dropped to make room for new connections at the cap. */
  evicted: number;
  /** Sockets cut for sending nothing or no complete request in time. */
  cut: number;
}

/** performance.now() (never jumps with the wall clock) and timers that never keep a process alive. */
const monotonicClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export class ConnectionGuard {
  /** Every open socket, oldest first. */
  private readonly sockets = new Map<Socket, SocketState>();
  /** Waiting, and not yet seen to have sent anything since armed: oldest first. */
  private readonly fresh = new Set<Socket>();
  /** Waiting, with part of a request received: oldest first. */
  private readonly partial = new Set<Socket>();
  /** Waiting, kept alive after answering a valid token: oldest first. */
  private readonly kept = new Set<Socket>();
  private timer: unknown;
  private timerDue = Infinity;

  constructor(
    readonly stats: GuardStats,
    private readonly clock: Clock = monotonicClock,
  ) {}

  get size(): number {
    return this.sockets.size;
  }

  /** A new connection: makes room at the cap, then waits for its request. */
  connected(socket: Socket): void {
    if (this.sockets.size >= MAX_CONNECTIONS) this.evictOne();
    const state: SocketState = { busy: 0, armedAt: 0, readAtArm: 0, trusted: false };
    this.sockets.set(socket, state);
    this.arm(socket, state);
    socket.once('close', () => this.forget(socket));
  }

  /** A complete request arrived on `socket`: it is no longer waiting. */
  requestStarted(socket: Socket): void {
    const state = this.sockets.get(socket);
    if (!state) return;
    state.busy++;
    this.unwait(socket);
  }

  /** Its answer is done; `trusted` when it presented a valid token. Kept alive: it waits again. */
  requestFinished(socket: Socket, trusted: boolean): void {
    const state = this.sockets.get(socket);
    if (!state) return;
    state.busy--;
    if (trusted) state.trusted = true;
    if (state.busy === 0 && !socket.destroyed) this.arm(socket, state);
  }

  destroyAll(): void {
    for (const s of [...this.sockets.keys()]) s.destroy();
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = Infinity;
  }

  private arm(socket: Socket, state: SocketState): void {
    state.armedAt = this.clock.now();
    state.readAtArm = socket.bytesRead;
    this.unwait(socket);
    // A socket that presented a valid token is not a stranger: it waits on the longer deadline and is evicted last.
    if (state.trusted) {
      this.kept.add(socket);
      this.schedule(state.armedAt + REQUEST_DEADLINE_MS);
    } else {
      this.fresh.add(socket);
      this.schedule(state.armedAt + SILENT_DEADLINE_MS);
    }
  }

  private unwait(socket: Socket): void {
    this.fresh.delete(socket);
    this.partial.delete(socket);
    this.kept.delete(socket);
  }

  private forget(socket: Socket): void {
    this.unwait(socket);
    this.sockets.delete(socket);
  }

  /** Drops the oldest waiting stranger (else the oldest kept-alive socket) for a new connection. */
  private evictOne(): void {
    const victim = first(this.partial) ?? first(this.fresh) ?? first(this.kept);
    // Every socket is being answered: answers are quick, so let the crowd grow a little.
    if (!victim) return;
    this.stats.evicted++;
    // 'close' comes later; forget it now so the count is right for the next connection.
    this.forget(victim);
    victim.destroy();
  }

  private schedule(due: number): void {
    if (this.timer !== undefined && this.timerDue <= due) return;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = this.clock.setTimeout(() => this.sweep(), Math.max(0, due - this.clock.now()));
  }

  /** Cuts what is due, oldest first, at most {@link CUTS_PER_TICK}; then waits for the next due time. */
  private sweep(): void {
    this.timer = undefined;
    this.timerDue = Infinity;
    const now = this.clock.now();
    let budget = CUTS_PER_TICK;
    // Sockets that sent something since armed wait on the longer deadline; that check is cheap and unpaced.
    for (const socket of this.fresh) {
      const state = this.sockets.get(socket)!;
      if (state.armedAt + SILENT_DEADLINE_MS > now) break;
      if (socket.bytesRead !== state.readAtArm) {
        this.fresh.delete(socket);
        this.partial.add(socket);
      } else if (budget > 0) {
        budget--;
        this.cut(socket);
      } else break;
    }
    for (const set of [this.partial, this.kept]) {
      for (const socket of set) {
        if (budget === 0 || this.sockets.get(socket)!.armedAt + REQUEST_DEADLINE_MS > now) break;
        budget--;
        this.cut(socket);
      }
    }
    if (budget === 0) return this.schedule(now + PACING_TICK_MS);
    const due = Math.min(
      dueOf(this.sockets, first(this.fresh), SILENT_DEADLINE_MS),
      dueOf(this.sockets, first(this.partial), REQUEST_DEADLINE_MS),
      dueOf(this.sockets, first(this.kept), REQUEST_DEADLINE_MS),
    );
    if (due !== Infinity) this.schedule(due);
  }

  /** A socket that sent nothing is dropped; one with part of a request is told why first. */
  private cut(socket: Socket): void {
    const started = socket.bytesRead !== this.sockets.get(socket)?.readAtArm;
    this.stats.cut++;
    this.forget(socket);
    if (!started || !socket.writable) {
      socket.destroy();
      return;
    }
    // Part of a request came: say why before cutting (the peer may never close its side).
    socket.end(TIMEOUT_ANSWER);
    this.clock.setTimeout(() => socket.destroy(), LINGER_MS);
  }
}

function first(set: Set<Socket>): Socket | undefined {
  for (const s of set) return s;
  return undefined;
}

function dueOf(sockets: Map<Socket, SocketState>, socket: Socket | undefined, deadline: number): number {
  return socket ? sockets.get(socket)!.armedAt + deadline : Infinity;
}
