/**
 * Root hooks for every mocha run: an unhandled promise rejection anywhere fails the run
 * (a swallowed async error is a bug the user would meet as a silent failure).
 */
const seen: unknown[] = [];
const onRejection = (reason: unknown): void => {
  seen.push(reason);
};

export const mochaHooks = {
  beforeAll(): void {
    process.on('unhandledRejection', onRejection);
  },
  afterEach(this: Mocha.Context): void {
    if (seen.length > 0) {
      const reasons = seen.splice(0).map((r) => (r instanceof Error ? r.stack ?? r.message : String(r)));
      throw new Error(`Unhandled promise rejection during "${this.currentTest?.fullTitle() ?? 'a test'}":\n${reasons.join('\n')}`);
    }
  },
  afterAll(): void {
    process.off('unhandledRejection', onRejection);
  },
};
