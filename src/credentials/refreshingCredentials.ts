/**
 * Credentials that renew themselves before they expire, with botocore's two windows:
 *
 *  - advisory (from 15 min before expiry): a refresh starts in the background; callers keep
 *    getting the current credentials; a failure is reported (event + `lastError`) and retried
 *    with backoff, the current credentials stay in use.
 *  - mandatory (from 10 min before expiry): callers wait for the refresh. If it fails they still
 *    get the current credentials while these are valid; once expired, `get()` throws the error.
 *
 * Windows scale down for short-lived credentials (at most half / a third of the lifetime), so a
 * 15-minute session is not "in the advisory window" the moment it arrives (botocore refreshes such
 * credentials on every use).
 *
 * Proactive: a timer fires at the advisory point, so credentials are renewed even if nobody calls
 * `get()` (terminals given env vars rely on it). The timer never waits more than 5 minutes at a
 * time and re-reads the clock when it fires, so a laptop waking from sleep catches up at once.
 *
 * Concurrency: every caller shares ONE in-flight refresh.
 *
 * Interactive sources (renewal needs an MFA code) are marked `interactive`. The fetcher gets a
 * `RefreshContext.reason` ('advisory' | 'mandatory' | 'user'), and the identity layer tells the MFA
 * provider `{ trigger: 'renewal' }` for the first two: the UI then announces the renewal with one
 * non-modal notification instead of opening an input box out of nowhere. While such a refresh
 * waits for the user, `get()` does not block callers as long as the current credentials are valid;
 * after expiry it waits at most `interactiveWaitMs` and then fails with `mfaRequired`. A dismissed
 * prompt is not retried in the background; the next attempt comes from a caller after the backoff
 * (at least `interactiveMinBackoffMs`) or from an explicit `refresh()`.
 *
 * The clock is injected (`Clock`), so tests drive time without sleeping.
 */
// Every credential the extension holds passes through here: register it for masking in logs.
import { rememberSecrets } from '../shared/redact';
import { Emitter, Event, Disposable } from '../shared/events';
import { UserFacingError, toUserFacingError } from './errors';
import { AwsCredentials, Clock, Logger, silentLogger, systemClock } from '../shared/types';

/** Why a refresh runs: background before the mandatory window, a caller that must wait, or the user asked. */
export type RefreshReason = 'advisory' | 'mandatory' | 'user';

export interface RefreshContext {
  readonly reason: RefreshReason;
  /** Expiration of the credentials being replaced (local clock), if any. */
  readonly expiration?: Date;
  /** True once these credentials were discarded: a fetcher checks it after waiting on the user. */
  readonly discarded?: () => boolean;
}

/** Obtains fresh credentials. Throwing `UserFacingError`s gives the best messages. */
export type CredentialsFetcher = (context: RefreshContext) => Promise<AwsCredentials>;

export interface RefreshWindows {
  /** Background refresh starts this long before expiry (botocore: 900). */
  readonly advisorySeconds: number;
  /** Callers wait for a refresh from this long before expiry (botocore: 600). */
  readonly mandatorySeconds: number;
}
export const DEFAULT_REFRESH_WINDOWS: RefreshWindows = { advisorySeconds: 15 * 60, mandatorySeconds: 10 * 60 };

export interface RefreshBackoff {
  /** Wait after the first failure; doubles per consecutive failure. */
  readonly initialMs: number;
  readonly maxMs: number;
  /** Interactive sources: never ask again sooner than this after a failed/dismissed prompt. */
  readonly interactiveMinMs: number;
}
export const DEFAULT_REFRESH_BACKOFF: RefreshBackoff = { initialMs: 5_000, maxMs: 120_000, interactiveMinMs: 5 * 60_000 };

/** The proactive timer re-checks the clock at least this often (suspend/resume). */
export const MAX_TIMER_DELAY_MS = 5 * 60_000;

export interface RefreshingCredentialsOptions {
  readonly fetch: CredentialsFetcher;
  /** Names the credentials in logs and messages ("profile dev", "role Admin"). */
  readonly label: string;
  /** Credentials already obtained (e.g. by the switch that created the session). */
  readonly initial?: AwsCredentials;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Renewal needs the user (MFA): see the module comment. */
  readonly interactive?: boolean;
  /** Schedule the background refresh at the advisory point (default true). */
  readonly proactive?: boolean;
  readonly windows?: Partial<RefreshWindows>;
  readonly backoff?: Partial<RefreshBackoff>;
  /** How long `get()` waits on an interactive refresh once the credentials have expired (default 60 s). */
  readonly interactiveWaitMs?: number;
}

export interface RefreshEvent {
  readonly credentials: AwsCredentials;
  readonly reason: RefreshReason;
}

export interface RefreshFailureEvent {
  readonly error: UserFacingError;
  readonly reason: RefreshReason;
  /** When the next attempt may start (local ms since epoch). */
  readonly nextAttemptAt: number;
  /** The credentials in use remain valid for now. */
  readonly currentStillValid: boolean;
}

type Phase = 'none' | 'fresh' | 'advisory' | 'mandatory' | 'expired';

/** Self-renewing credentials; see the module comment for the policy. */
export class RefreshingCredentials implements Disposable {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly windows: RefreshWindows;
  private readonly backoff: RefreshBackoff;
  private readonly interactiveWaitMs: number;
  private readonly interactive: boolean;
  private proactive: boolean;

  private current: AwsCredentials | undefined;
  private obtainedAt = 0;
  private inflight: Promise<AwsCredentials> | undefined;
  private failures = 0;
  private nextAttemptAt = 0;
  private error: UserFacingError | undefined;
  private timer: unknown;
  private timerDue: number | undefined;
  private disposed = false;

  private readonly refreshed = new Emitter<RefreshEvent>();
  private readonly failed = new Emitter<RefreshFailureEvent>();
  /** Fires after every successful refresh (not for `initial`). */
  readonly onDidRefresh: Event<RefreshEvent> = this.refreshed.event;
  /** Fires after every failed refresh; the current credentials (if any) stay in use. */
  readonly onDidFailRefresh: Event<RefreshFailureEvent> = this.failed.event;

  constructor(private readonly options: RefreshingCredentialsOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.windows = { ...DEFAULT_REFRESH_WINDOWS, ...options.windows };
    this.backoff = { ...DEFAULT_REFRESH_BACKOFF, ...options.backoff };
    this.interactiveWaitMs = options.interactiveWaitMs ?? 60_000;
    this.interactive = options.interactive ?? false;
    this.proactive = options.proactive ?? true;
    if (options.initial) {
      this.current = options.initial;
      rememberSecrets(options.initial);
      this.obtainedAt = this.clock.now();
      this.schedule();
    }
  }

  get label(): string {
    return this.options.label;
  }

  /** The credentials held now, without refreshing (undefined before the first fetch). */
  get currentCredentials(): AwsCredentials | undefined {
    return this.current;
  }

  get expiration(): Date | undefined {
    return this.current?.expiration;
  }

  /** The last refresh failure; cleared by a successful refresh. */
  get lastError(): UserFacingError | undefined {
    return this.error;
  }

  /** When the proactive timer will next fire (local ms), for tests and diagnostics. */
  get nextTimerAt(): number | undefined {
    return this.timerDue;
  }

  /** Turns the proactive timer on or off (a session used only as another's source needs no timer). */
  setProactive(enabled: boolean): void {
    this.proactive = enabled;
    this.schedule();
  }

  /**
   * The credentials to use now, refreshing per the windows. `forUser`: for something the user just
   * did, so interactive credentials that must be renewed first are renewed as the user's action
   * (reason 'user': the MFA prompt is the action's, not a renewal notice), whatever the backoff.
   * @throws UserFacingError when there are no valid credentials and none could be obtained.
   */
  async get(options: { readonly forUser?: boolean } = {}): Promise<AwsCredentials> {
    this.assertAlive();
    const now = this.clock.now();
    const phase = this.phase(now);
    const current = this.current;
    if (phase === 'fresh' && current) return current;
    if (options.forUser && this.interactive && !this.inflight && (phase === 'none' || phase === 'expired')) return this.refreshShared('user');
    if (phase === 'none' || !current) return this.refreshShared('mandatory');

    if (this.interactive) return this.getInteractive(phase, current, now);

    if (phase === 'advisory') {
      if (!this.inflight && now >= this.nextAttemptAt) this.startBackground('advisory');
      return current;
    }
    // Mandatory window or expired: wait for a refresh (shared, and not more often than the backoff allows).
    if (this.inflight || now >= this.nextAttemptAt) {
      try {
        return await this.refreshShared('mandatory');
      } catch {
        // Reported by refreshShared; fall through to the still-valid credentials.
      }
    }
    return this.stillValidOrThrow();
  }

  private async getInteractive(phase: Phase, current: AwsCredentials, now: number): Promise<AwsCredentials> {
    // Never block a caller on a person while the credentials in hand still work.
    if (phase === 'advisory') return current;
    if (phase === 'mandatory') {
      if (!this.inflight && now >= this.nextAttemptAt) this.startBackground('mandatory');
      return current;
    }
    // Expired: the only way forward is the code; wait for it, but not forever.
    if (!this.inflight && now < this.nextAttemptAt) return this.stillValidOrThrow();
    const refresh = this.refreshShared('mandatory');
    const waited = new UserFacingError(
      'other',
      `The credentials for ${this.label} have expired and renewing them needs an MFA code. Enter the code in the prompt VS Code shows (or select the identity again in the status bar or the AWS Identity view), then retry.`,
    );
    let timer: unknown;
    const timeout = new Promise<never>((_, reject) => {
      timer = this.clock.setTimeout(() => reject(waited), this.interactiveWaitMs);
    });
    try {
      return await Promise.race([refresh, timeout]);
    } finally {
      this.clock.clearTimeout(timer);
    }
  }

  /**
   * Refreshes now, ignoring the windows and the backoff (shares an in-flight refresh).
   * `reason` defaults to 'user': an explicit request, so an MFA prompt may open directly.
   * @throws UserFacingError
   */
  refresh(reason: RefreshReason = 'user'): Promise<AwsCredentials> {
    this.assertAlive();
    return this.refreshShared(reason);
  }

  private stillValidOrThrow(): AwsCredentials {
    const current = this.current;
    if (current && (!current.expiration || current.expiration.getTime() > this.clock.now())) return current;
    throw (
      this.error ??
      new UserFacingError('expiredToken', `The credentials for ${this.label} have expired and could not be renewed yet. Select the identity again in the status bar or the AWS Identity view.`)
    );
  }

  private startBackground(reason: RefreshReason): void {
    // Failures are reported through events and lastError; nothing awaits this promise.
    this.refreshShared(reason).catch(() => undefined);
  }

  private refreshShared(reason: RefreshReason): Promise<AwsCredentials> {
    if (this.inflight) return this.inflight;
    const run = this.runFetch(reason);
    this.inflight = run;
    const clear = (): void => {
      if (this.inflight === run) this.inflight = undefined;
    };
    // Registered before any caller awaits `run`, so the slot is free when they resume.
    run.then(clear, clear);
    return run;
  }

  private async runFetch(reason: RefreshReason): Promise<AwsCredentials> {
    // Let the caller register as the in-flight refresh before the fetcher runs (it may throw synchronously).
    await Promise.resolve();
    let fresh: AwsCredentials;
    try {
      fresh = await this.options.fetch({ reason, discarded: () => this.disposed, ...(this.current?.expiration ? { expiration: this.current.expiration } : {}) });
      if (this.disposed) throw new UserFacingError('other', `The credentials for ${this.label} were discarded while renewing (another identity was selected).`);
      const now = this.clock.now();
      if (fresh.expiration && fresh.expiration.getTime() <= now) {
        throw new UserFacingError(
          'unknown',
          `Renewing ${this.label} returned credentials that expired at ${fresh.expiration.toISOString()}, before the local time ${new Date(now).toISOString()}. Check the system clock, then retry.`,
        );
      }
    } catch (error) {
      const failure = this.toFailure(error);
      if (this.disposed) this.logger.info(`Renewing credentials for ${this.label} stopped: they were discarded (${failure.message})`);
      else this.recordFailure(failure, reason);
      throw failure;
    }
    this.accept(fresh, reason);
    return fresh;
  }

  private toFailure(error: unknown): UserFacingError {
    if (error instanceof UserFacingError) return error;
    const converted = toUserFacingError(error, { operation: 'ResolveProfile', sourceLabel: this.label });
    if (converted.kind !== 'unknown') return converted;
    const message = error instanceof Error ? error.message : String(error);
    return new UserFacingError('unknown', `Renewing the credentials for ${this.label} failed: ${message}. Check the extension log, then select the identity again.`, { cause: error });
  }

  private accept(fresh: AwsCredentials, reason: RefreshReason): void {
    this.current = fresh;
    rememberSecrets(fresh);
    this.obtainedAt = this.clock.now();
    this.failures = 0;
    this.nextAttemptAt = 0;
    this.error = undefined;
    this.logger.info(`Renewed credentials for ${this.label} (${reason})${fresh.expiration ? `; they expire at ${fresh.expiration.toISOString()}` : ''}.`);
    this.schedule();
    this.refreshed.fire({ credentials: fresh, reason });
  }

  private recordFailure(error: UserFacingError, reason: RefreshReason): void {
    this.failures++;
    const now = this.clock.now();
    let delay = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** (this.failures - 1));
    if (this.interactive) delay = Math.max(delay, this.backoff.interactiveMinMs);
    this.nextAttemptAt = now + delay;
    this.error = error;
    const currentStillValid = !!this.current && (!this.current.expiration || this.current.expiration.getTime() > now);
    this.logger.warn(
      `Renewing credentials for ${this.label} failed (${reason}, attempt ${this.failures}): ${error.message}` +
        (currentStillValid ? ' The current credentials stay in use.' : ''),
    );
    this.schedule();
    this.failed.fire({ error, reason, nextAttemptAt: this.nextAttemptAt, currentStillValid });
  }

  /** Lead times before expiry for the two windows, scaled down for short lifetimes. */
  private leads(): { advisory: number; mandatory: number } {
    const expiration = this.current?.expiration?.getTime();
    const lifetime = expiration === undefined ? Infinity : Math.max(0, expiration - this.obtainedAt);
    return {
      advisory: Math.min(this.windows.advisorySeconds * 1000, lifetime / 2),
      mandatory: Math.min(this.windows.mandatorySeconds * 1000, lifetime / 3),
    };
  }

  private phase(now: number): Phase {
    if (!this.current) return 'none';
    const expiration = this.current.expiration?.getTime();
    if (expiration === undefined) return 'fresh';
    const remaining = expiration - now;
    const { advisory, mandatory } = this.leads();
    if (remaining <= 0) return 'expired';
    if (remaining <= mandatory) return 'mandatory';
    if (remaining <= advisory) return 'advisory';
    return 'fresh';
  }

  /** (Re)arms the proactive timer for the next thing that must happen. */
  private schedule(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = undefined;
    const expiration = this.current?.expiration?.getTime();
    if (this.disposed || !this.proactive || expiration === undefined) return;
    // Interactive: one background attempt (the prompt) at the advisory point; after a failure the
    // next one comes from a caller or the user, never from the timer.
    if (this.interactive && this.failures > 0) return;
    const advisoryAt = expiration - this.leads().advisory;
    const due = Math.max(advisoryAt, this.nextAttemptAt);
    const now = this.clock.now();
    this.timerDue = due;
    const delay = Math.min(Math.max(0, due - now), MAX_TIMER_DELAY_MS);
    this.timer = this.clock.setTimeout(() => this.onTimer(), delay);
  }

  private onTimer(): void {
    this.timer = undefined;
    if (this.disposed) return;
    const now = this.clock.now();
    const due = this.timerDue ?? now;
    if (now < due) {
      // An intermediate wake-up (the delay is capped): re-check the wall clock.
      this.schedule();
      return;
    }
    const phase = this.phase(now);
    if (phase === 'fresh' || phase === 'none') this.schedule();
    else if (!this.inflight) this.startBackground(phase === 'advisory' ? 'advisory' : 'mandatory'); // an in-flight one reschedules when it settles
  }

  private assertAlive(): void {
    if (this.disposed) throw new UserFacingError('other', `The credentials for ${this.label} were discarded (another identity was selected). Use the active identity's credentials.`);
  }

  /** Stops the timer; a refresh in flight is ignored when it lands. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = undefined;
    this.refreshed.dispose();
    this.failed.dispose();
  }
}
