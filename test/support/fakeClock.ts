/**
 * A `Clock` whose time only moves when a test says so. Timers fire in due order during
 * `advance()`, with the promise queue drained after each, so async work they start can settle
 * before the next one fires. Tests that use it never sleep.
 */
import type { Clock } from '../../src/shared/types';

interface Timer {
  readonly id: number;
  readonly due: number;
  readonly fn: () => void;
}

/** Lets every queued promise callback (and the I/O callbacks ready now) run. */
export async function drainPromises(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class FakeClock implements Clock {
  private timers: Timer[] = [];
  private nextId = 1;

  constructor(private time: number = Date.UTC(2030, 0, 1, 12, 0, 0)) {}

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { id: this.nextId++, due: this.time + Math.max(0, ms), fn };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Pending timers' due times (local ms), soonest first. */
  get pending(): number[] {
    return this.timers.map((t) => t.due).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, firing due timers in order. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.time + ms);
  }

  async advanceTo(target: number): Promise<void> {
    for (;;) {
      const next = this.timers.filter((t) => t.due <= target).sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.time = Math.max(this.time, next.due);
      next.fn();
      await drainPromises();
    }
    this.time = Math.max(this.time, target);
    await drainPromises();
  }

  /** Jumps the clock without firing timers (a suspended laptop, or a clock correction). */
  jump(ms: number): void {
    this.time += ms;
  }
}
