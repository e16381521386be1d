/**
 * What the switch flows (useProfile.ts, assumeRole.ts, useSsoRole.ts) share with the identity
 * manager: its options, its clock offset, and the small helpers that build STS options,
 * self-renewing credentials, regions and identities the same way for all, and the one place a
 * switch may offer an IAM Identity Center sign-in (withSsoSignIn). Pure core: no `vscode` import.
 */
import type { ConfigSnapshot } from '../config/snapshot';
import type { CredentialPlan } from '../config/credentialPlan';
import { profilePlan, resolveProfileCredentials, type ResolvedProfileCredentials } from '../credentials/profileCredentials';
import { RefreshBackoff, RefreshContext, RefreshWindows, RefreshingCredentials } from '../credentials/refreshingCredentials';
import { ClockSkew, StsCallOptions, StsTuning } from '../credentials/sts';
import { UserFacingError } from '../credentials/errors';
import { isMfaPromptFailure } from '../credentials/mfa';
import { SsoSignInRequiredError } from '../credentials/sourceCredentials';
import { clampSessionTokenDuration, parseCallerArn } from '../shared/roleInput';
import { AwsCredentials, Clock, Identity, IdentitySource, Logger, MfaCodeProvider } from '../shared/types';
import { isCancelledSignIn, signIn, SsoError, type SignInUi, type SsoContext, type SsoSession } from '../sso';
import { sessionLabel } from '../sso/errors';
import type { IdentitySession } from './identitySession';

export interface IdentityManagerOptions {
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly mfaCodeProvider: MfaCodeProvider;
  /**
   * The current reading of the shared files. A switch asks once and uses that one reading for the
   * check before it, the chain and the resolution; each renewal asks again, so edits count (the
   * VS Code store hands back its current snapshot and drops it when a file changes).
   */
  readonly snapshot: () => Promise<ConfigSnapshot>;
  /** The extension's region setting: used when the profile sets no region. */
  readonly defaultRegion?: () => string | undefined;
  /** Environment for AWS_REGION / AWS_DEFAULT_REGION (default: process.env). */
  readonly environment?: () => Readonly<Record<string, string | undefined>>;
  readonly defaultSessionName: () => string;
  readonly defaultDurationSeconds: () => number;
  readonly stsTuning?: Partial<StsTuning>;
  readonly refreshWindows?: Partial<RefreshWindows>;
  readonly refreshBackoff?: Partial<RefreshBackoff>;
  /** How long an expired interactive (MFA) session lets callers wait for the code (default 60 s). */
  readonly interactiveWaitMs?: number;
  /**
   * A switch (profile or role) met an IAM Identity Center session with no usable sign-in: the UI
   * asks the user once (one notification) and returns how to sign in, or undefined when declined
   * (the switch then fails and the previous identity stays). Never called for renewals: those
   * report `onDidNeedSignIn` instead. Unset: such switches fail with the CLI command to run.
   */
  readonly ssoSignIn?: (session: SsoSession) => Promise<SignInUi | undefined>;
  /** IAM Identity Center surroundings (cache folder, endpoints); defaults are the real ones, with the manager's clock and logger. */
  readonly ssoContext?: SsoContext;
}

type RegionSource = Identity['regionSource'];

export interface RegionChoice {
  readonly region: string;
  readonly regionSource: RegionSource;
  /** For STS: undefined when nothing chose a region (us-east-1 on the global endpoint). */
  readonly stsRegion: string | undefined;
}

/** A switch's result before it is committed: the new session and how to log it. */
export interface SwitchResult {
  readonly session: IdentitySession;
  readonly description: string;
}

/** A profile's plan with the snapshot it came from (renewals read a new snapshot). */
export interface ProfileReading {
  readonly snapshot: ConfigSnapshot;
  readonly plan: CredentialPlan;
}

export class FlowContext {
  /** What src/sso is given: the caller's settings, on the manager's clock and logger unless they say otherwise. */
  readonly ssoContext: SsoContext;

  constructor(
    readonly options: IdentityManagerOptions,
    readonly clock: Clock,
    readonly logger: Logger,
    readonly skew: ClockSkew,
  ) {
    // The manager's clock decides when credentials are renewed; the token's expiry must be read on the same clock.
    this.ssoContext = { clock, logger, ...options.ssoContext };
  }

  /**
   * Runs a switch flow; if it stops because an IAM Identity Center session needs a sign-in, asks
   * the UI (options.ssoSignIn) once, signs in and runs the flow again. Declined (or no UI): the
   * flow fails with what to do instead. The sign-in is the user's answer to this switch, so it
   * may open a browser; renewals never come here.
   */
  async withSsoSignIn<T>(target: string, attempt: () => Promise<T>): Promise<T> {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof SsoSignInRequiredError)) throw error;
      const ui = this.options.ssoSignIn ? await this.options.ssoSignIn(error.session) : undefined;
      if (!ui) {
        throw new UserFacingError(
          'other',
          `Switching to ${target} needs a sign-in to IAM Identity Center (${sessionLabel(error.session)}), and none was made. ` +
            `Select it again and accept the sign-in, or run \`${error.loginCommand}\` in a terminal first.`,
          { cause: error },
        );
      }
      this.logger.info(`Signing in to IAM Identity Center (${sessionLabel(error.session)}) to switch to ${target}.`);
      await this.signIn(error.session, ui, error.revoked);
      return attempt();
    }
  }

  /**
   * src/sso's sign-in, its errors as UserFacingErrors. `force` replaces a cached token the portal
   * refused (otherwise a still-valid one written by another window is used as is).
   */
  async signIn(session: SsoSession, ui: SignInUi, force: boolean): Promise<void> {
    try {
      await signIn(session, this.ssoContext, ui, { force });
    } catch (error) {
      // SsoError messages already name the cause and the next step; the kind 'cancelled' reads as such.
      throw error instanceof SsoError ? new UserFacingError('other', error.message, { cause: error }) : error;
    }
  }

  /** Region for an identity: profile → setting → AWS_REGION / AWS_DEFAULT_REGION → us-east-1. */
  resolveRegion(profileRegion: string | undefined): RegionChoice {
    if (profileRegion) return { region: profileRegion, regionSource: 'profile', stsRegion: profileRegion };
    const setting = this.options.defaultRegion?.()?.trim();
    if (setting) return { region: setting, regionSource: 'setting', stsRegion: setting };
    const env = (this.options.environment ?? (() => process.env))();
    const fromEnv = env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim();
    if (fromEnv) return { region: fromEnv, regionSource: 'environment', stsRegion: fromEnv };
    return { region: 'us-east-1', regionSource: 'default', stsRegion: undefined };
  }

  /** The current snapshot and `profile`'s plan in it; @throws UserFacingError (see profilePlan). */
  async readProfile(profile: string): Promise<ProfileReading> {
    const snapshot = await this.options.snapshot();
    return { snapshot, plan: profilePlan(snapshot, profile) };
  }

  /**
   * A profile's credentials, with STS in `region` (resolveRegion for the profile): for a switch
   * (`context` undefined, `reading` the switch's own) or a renewal (`reading` undefined: a new
   * snapshot, so edits to the files count).
   */
  async resolveProfile(profile: string, region: RegionChoice, context: RefreshContext | undefined, reading?: ProfileReading): Promise<ResolvedProfileCredentials> {
    const origin = regionOrigin(region, profile);
    return resolveProfileCredentials({
      profile,
      ...(reading ?? { snapshot: await this.options.snapshot() }),
      region: region.stsRegion,
      ...(origin ? { regionOrigin: origin } : {}),
      mfaCodeProvider: this.options.mfaCodeProvider,
      mfaTrigger: !context || context.reason === 'user' ? 'user' : 'renewal',
      ...(context?.expiration ? { currentExpiration: context.expiration } : {}),
      ...(context?.discarded ? { discarded: context.discarded } : {}),
      sessionDurationSeconds: clampSessionTokenDuration(this.options.defaultDurationSeconds()).seconds,
      skew: this.skew,
      ssoContext: this.ssoContext,
      ...(this.options.stsTuning ? { tuning: this.options.stsTuning } : {}),
    });
  }

  /** Converts an expiration to the local clock unless it already is (or no offset is known). */
  toLocal(resolved: ResolvedProfileCredentials): AwsCredentials {
    const { credentials } = resolved;
    return resolved.clockAdjusted || !credentials.expiration || !this.skew.isKnown ? credentials : { ...credentials, expiration: this.skew.toLocal(credentials.expiration) };
  }

  stsOptions(extra: Omit<StsCallOptions, 'skew' | 'tuning'>): StsCallOptions {
    return { skew: this.skew, ...(this.options.stsTuning ? { tuning: this.options.stsTuning } : {}), ...extra };
  }

  /** Self-renewing credentials with the manager's clock, logger, windows and backoff. */
  refreshing(
    label: string,
    fetch: (context: RefreshContext) => Promise<AwsCredentials>,
    settings: { readonly initial?: AwsCredentials; readonly interactive: boolean; readonly proactive?: boolean },
  ): RefreshingCredentials {
    return new RefreshingCredentials({
      label,
      fetch,
      clock: this.clock,
      logger: this.logger,
      interactive: settings.interactive,
      ...(settings.initial ? { initial: settings.initial } : {}),
      ...(settings.proactive !== undefined ? { proactive: settings.proactive } : {}),
      ...(this.options.refreshWindows ? { windows: this.options.refreshWindows } : {}),
      ...(this.options.refreshBackoff ? { backoff: this.options.refreshBackoff } : {}),
      ...(this.options.interactiveWaitMs !== undefined ? { interactiveWaitMs: this.options.interactiveWaitMs } : {}),
    });
  }
}

/**
 * Where a region came from, as messages name it (`profile`: whose region `profile` means); none
 * for the default, which is always a known region.
 */
export function regionOrigin(region: RegionChoice, profile?: string): string | undefined {
  switch (region.regionSource) {
    case 'profile':
      return profile ? `the region of profile "${profile}"` : 'the profile\'s region';
    case 'setting':
      return 'the awsIdentity.defaultRegion setting';
    case 'environment':
      return 'AWS_REGION (or AWS_DEFAULT_REGION) in VS Code\'s environment';
    case 'user':
      return 'the region chosen with Change Region';
    default:
      return undefined;
  }
}

/** The identity STS named (who), with how it was obtained, its region and when it expires. */
export function identityOf(
  who: { readonly arn: string; readonly account: string; readonly userId?: string },
  source: IdentitySource,
  region: RegionChoice,
  expiration: Date | undefined,
  extra: { readonly sourceProfile?: string | undefined; readonly notes?: ReadonlyArray<string> } = {},
): Identity {
  return {
    arn: who.arn,
    account: who.account,
    ...(who.userId !== undefined ? { userId: who.userId } : {}),
    name: parseCallerArn(who.arn).name,
    source,
    region: region.region,
    regionSource: region.regionSource,
    ...(extra.sourceProfile ? { sourceProfile: extra.sourceProfile } : {}),
    ...(expiration ? { expiration } : {}),
    ...(extra.notes?.length ? { notes: extra.notes } : {}),
  };
}

/**
 * The person's own "no" inside a switch, which ends it without an error to report: an MFA prompt
 * dismissed (maybe inside a renewal the switch waited for, wrapped there), or a sign-in the switch
 * asked for and the person then cancelled. Returns what says so, and what the UI recognises.
 */
export function userDismissal(error: unknown): { readonly what: string; readonly error: unknown } | undefined {
  if (isMfaPromptFailure(error)) return { what: 'at the MFA prompt', error };
  if (error instanceof UserFacingError && isMfaPromptFailure(error.cause)) return { what: 'at the MFA prompt', error: error.cause };
  if (isCancelledSignIn(error)) return { what: 'at the IAM Identity Center sign-in', error };
  return undefined;
}
