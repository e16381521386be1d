/**
 * Waiting on what the screen shows, and reading its text: the conditions every driver and flow
 * waits on (test/e2e/workbench.ts re-exports these). Every wait is on a condition with a bounded
 * timeout, and says what was on screen when it gave up; nothing sleeps for a fixed time.
 */

/** How long one UI condition may take (STS calls, extension host round trips, terminal start). */
export const UI_TIMEOUT_MS = 30_000;

/** Escapes text for use inside a RegExp. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Collapses the DOM's non-breaking spaces (xterm, tree descriptions) to plain spaces. */
export function plain(text: string): string {
  return text.replace(/\u00a0/g, ' ');
}

/**
 * Polls `probe` until it returns a value other than `undefined` and resolves to that value. A
 * probe that throws stops the wait at once (an error on screen is an answer, not a reason to
 * wait longer). `describe` says what was on screen, for the timeout message.
 */
export async function until<T>(probe: () => Promise<T | undefined>, what: string, describe: () => Promise<string>, timeoutMs = UI_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const seen = await describe().catch((e: unknown) => `(could not read the screen: ${String(e)})`);
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}. On screen: ${seen}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
