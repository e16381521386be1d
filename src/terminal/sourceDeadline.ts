/**
 * A deadline on a credential source's answer, for the endpoint (credentialEndpoint.ts). A source
 * may take long: a renewal that waits for an MFA code or a sign-in in VS Code. Clients do not wait
 * for it: botocore (the AWS CLI, boto3) reads for 2 s, 3 attempts a second apart; the JS SDK for
 * 1 s. Past the deadline the endpoint answers 500 with the reason, which botocore prints. PURE
 * CORE: no `vscode` import.
 */

/**
 * Below botocore's 2 s read timeout, so the AWS CLI and boto3 print our reason instead of a bare
 * "Read timeout", with room for a loaded machine. The JS SDK (1 s) prints no 5xx body anyway.
 */
export const SOURCE_DEADLINE_MS = 1_500;

/** What {@link SourceWaits.get} rejects with when the source has not answered in time. */
export const PENDING = Symbol('pending');

export class SourceWaits {
  /** A source's call that passed its deadline and has not settled yet. */
  private readonly overdue = new WeakMap<object, Promise<unknown>>();

  constructor(private readonly deadlineMs: number = SOURCE_DEADLINE_MS) {}

  /**
   * `call()`'s answer, or a rejection with {@link PENDING} after the deadline. While an earlier
   * call for `source` is overdue, rejects at once: the client's retries (a second apart) then get
   * the reason quickly, and the credentials as soon as that call settles. The call itself goes on.
   */
  async get<T>(source: object, call: () => Promise<T>): Promise<T> {
    if (this.overdue.has(source)) throw PENDING;
    const answer = call();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        this.overdue.set(source, answer);
        const settled = (): void => {
          if (this.overdue.get(source) === answer) this.overdue.delete(source);
        };
        answer.then(settled, settled);
        reject(PENDING);
      }, this.deadlineMs);
    });
    try {
      return await Promise.race([answer, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}
