/**
 * A tiny typed event emitter whose `event` has the same shape as `vscode.Event<T>`
 * (`(listener, thisArgs?, disposables?) => Disposable`), so adapters can hand the core's events
 * to VS Code APIs directly, without the core importing `vscode`.
 */

/** Same shape as `vscode.Disposable`'s instance side. */
export interface Disposable {
  dispose(): void;
}

/** Same shape as `vscode.Event<T>`. */
export type Event<T> = (listener: (e: T) => unknown, thisArgs?: unknown, disposables?: Disposable[]) => Disposable;

export class Emitter<T> implements Disposable {
  private listeners: Array<(e: T) => unknown> = [];
  private disposed = false;

  /**
   * @param onListenerError where a throwing listener's error goes. Default: rethrown on a later
   *   tick, so it surfaces as an uncaught error (VS Code logs those) instead of being swallowed,
   *   and one faulty listener cannot stop the others from hearing the event.
   */
  constructor(private readonly onListenerError: (error: unknown) => void = (error) => queueMicrotask(() => {
    throw error;
  })) {}

  /** Subscribe; the returned Disposable unsubscribes. */
  readonly event: Event<T> = (listener, thisArgs, disposables) => {
    if (this.disposed) return { dispose: () => undefined };
    const bound = thisArgs === undefined ? listener : (e: T): unknown => listener.call(thisArgs, e);
    this.listeners.push(bound);
    const subscription: Disposable = {
      dispose: () => {
        this.listeners = this.listeners.filter((l) => l !== bound);
      },
    };
    disposables?.push(subscription);
    return subscription;
  };

  /** Calls every listener with `e`, in subscription order. */
  fire(e: T): void {
    // Copy: a listener may unsubscribe (or subscribe others) while we iterate.
    for (const listener of [...this.listeners]) {
      try {
        listener(e);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  get listenerCount(): number {
    return this.listeners.length;
  }

  dispose(): void {
    this.disposed = true;
    this.listeners = [];
  }
}
