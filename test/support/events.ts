/** Waiting on the core's events in tests: resolves with the next event, or fails after a (real-time) timeout. */
import type { Event } from '../../src/shared/events';

export function nextEvent<T>(event: Event<T>, what: string, timeoutMs = 10_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const sub = event((e) => {
      clearTimeout(timer);
      sub.dispose();
      resolve(e);
    });
  });
}

/** Records every event fired while alive. */
export class EventLog<T> {
  readonly events: T[] = [];
  private readonly sub;
  constructor(event: Event<T>) {
    this.sub = event((e) => this.events.push(e));
  }
  dispose(): void {
    this.sub.dispose();
  }
}
