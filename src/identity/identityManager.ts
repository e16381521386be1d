/**
 * The active identity: which profile or role is selected, its self-renewing credentials, and
 * events for the UI. Pure core: no `vscode` import; time, MFA prompts and settings are injected.
 *
 * STS calls per operation (measured in test/unit/identityManager.test.ts):
 *  - useProfile, static keys:           1 (GetCallerIdentity)
 *  - useProfile, role_arn profile:      1 AssumeRole per role in the chain (inside fromIni) + 1 GetCallerIdentity
 *  - useProfile, static keys + MFA:     1 GetSessionToken + 1 GetCallerIdentity
 *  - assumeRole from the active identity: 1 (AssumeRole; its answer carries the ARN)
 *  - assumeRole from a profile:         the profile's own calls (no GetCallerIdentity) + 1 AssumeRole
 *
 * Switches: the last one requested wins. An older switch that finishes later is discarded (its
 * promise rejects with kind `superseded`) and a failed switch leaves the previous identity active.
 */
import { Disposable, Emitter, Event } from '../shared/events';
import { UserFacingError, toUserFacingError, ALWAYS_ALLOWED_DURATION_SECONDS } from '../credentials/errors';
import { askForMfaCode, isMfaPromptFailure } from '../credentials/mfa';
import type { ConfigPaths } from '../config/configFiles';
import { type ProfileRead, readProfileFacts, resolveProfileCredentials } from '../credentials/profileCredentials';
import { RefreshBackoff, RefreshContext, RefreshWindows, RefreshingCredentials } from '../credentials/refreshingCredentials';
import {
  CHAINED_ROLE_MAX_DURATION_SECONDS,
  clampDuration,
  clampSessionTokenDuration,
  parseCallerArn,
  parseRoleInput,
  partitionOfRegion,
  sanitizeSessionName,
} from '../shared/roleInput';
import { AssumeRoleParams, AssumedRole, ClockSkew, StsCallOptions, StsTuning, assumeRole as stsAssumeRole, getCallerIdentity, getSessionToken } from '../credentials/sts';
import type { SdkClientSettings } from '../credentials/clientSettings';
import { AwsCredentials, Clock, Identity, IdentitySource, Logger, MfaCodeProvider, systemClock } from '../shared/types';
import { IdentitySession } from './identitySession';

export interface IdentityManagerOptions {
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly mfaCodeProvider: MfaCodeProvider;
  /** Where the shared config and credentials files are (read at each switch). */
  readonly configPaths: () => ConfigPaths;
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
   * Why the config model says a profile cannot work (undefined when it can), checked before any
   * STS call so a switch to an unusable profile fails with the same reason the tree shows.
   */
  readonly profileProblem?: (profile: string) => Promise<string | undefined>;
}

/** Where the credentials for a role come from. */
export type RoleSource = { readonly type: 'active' } | { readonly type: 'profile'; readonly profile: string };

export interface AssumeRoleRequest {
  /** A role ARN, or the shorthand `123456789012:role/Path/Name` / `123456789012:Name`. */
  readonly roleArn: string;
  readonly sessionName?: string;
  readonly durationSeconds?: number;
  readonly externalId?: string;
  readonly mfaSerial?: string;
  /** A code for `mfaSerial`; asked through the MFA provider when omitted. */
  readonly tokenCode?: string;
  readonly source: RoleSource;
}

export type IdentityStatus = 'none' | 'switching' | 'active' | 'error';

export interface IdentityState {
  readonly status: IdentityStatus;
  /** The identity in use (for `switching` and `error`: the one still active, if any). */
  readonly identity?: Identity;
  /** For `switching`: what is being switched to, e.g. `profile "dev"`. */
  readonly target?: string;
  /** For `error`: why the switch failed and what to do, and what is still active. */
  readonly message?: string;
  readonly error?: UserFacingError;
  /** For `active`: the last renewal failure, cleared by the next successful renewal. */
  readonly refreshError?: UserFacingError;
}

type RegionSource = Identity['regionSource'];

export interface RegionChoice {
  readonly region: string;
  readonly regionSource: RegionSource;
  /** For STS: undefined when nothing chose a region (us-east-1 on the global endpoint). */
  readonly stsRegion: string | undefined;
}

export class IdentityManager implements Disposable {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly skew: ClockSkew;
  private active: IdentitySession | undefined;
  private activeSubscriptions: Disposable[] = [];
  private switchSeq = 0;
  private currentState: IdentityState = { status: 'none' };
  private disposed = false;

  private readonly identityChanged = new Emitter<Identity | undefined>();
  private readonly stateChanged = new Emitter<IdentityState>();
  /** A different identity became active (or none): fires on switches and `clear()`, not on renewals. */
  readonly onDidChangeIdentity: Event<Identity | undefined> = this.identityChanged.event;
  /** Anything the status bar shows changed: switching, active (incl. renewals), error. */
  readonly onDidChangeState: Event<IdentityState> = this.stateChanged.event;

  constructor(private readonly options: IdentityManagerOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger;
    this.skew = new ClockSkew(this.clock);
  }

  /** The active identity (with the current expiration), if any. */
  get identity(): Identity | undefined {
    return this.active?.identity;
  }

  /**
   * The profile the active identity was made from with "use this profile", if it was: a role
   * assumed from a profile, and no identity at all, are not that profile being in use.
   */
  get activeProfile(): string | undefined {
    const source = this.active?.identity.source;
    return source?.type === 'profile' ? source.profile : undefined;
  }

  get session(): IdentitySession | undefined {
    return this.active;
  }

  get state(): IdentityState {
    return this.currentState;
  }

  /** Server time minus local time (ms) as learned from STS responses. */
  get clockOffsetMs(): number {
    return this.skew.offsetMs;
  }

  /**
   * Credentials of the active identity, renewed as needed.
   * @throws UserFacingError (`noActiveIdentity` when none is selected)
   */
  async getCredentials(): Promise<AwsCredentials> {
    return this.requireActive().getCredentials();
  }

  /** Temporary credentials of the active identity, safe to hand to terminals. */
  async getExportableCredentials(): Promise<AwsCredentials> {
    return this.requireActive().getExportableCredentials();
  }

  private requireActive(): IdentitySession {
    if (!this.active) {
      throw new UserFacingError('noActiveIdentity', 'No AWS identity is selected. Pick a profile or assume a role first (AWS Identity view or status bar).');
    }
    return this.active;
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

  /**
   * Makes `profile` the active identity: its credentials (fromIni: every profile kind the CLI
   * supports), then ONE GetCallerIdentity to learn who it is.
   * @throws UserFacingError, or the MFA provider's own error if the user dismissed the prompt
   */
  async useProfile(profile: string): Promise<Identity> {
    const target = `profile "${profile}"`;
    const ticket = this.beginSwitch(target);
    let credentials: RefreshingCredentials | undefined;
    try {
      const problem = await this.options.profileProblem?.(profile);
      if (problem) throw new UserFacingError('profileInvalid', `Profile "${profile}" cannot be used: ${problem}`);
      const paths = this.options.configPaths();
      const read = await readProfileFacts(profile, paths);
      const { facts } = read;
      const region = this.resolveRegion(facts.region);
      let clientSettings: SdkClientSettings | undefined;
      const fetchProfile = async (context: RefreshContext | undefined, alreadyRead?: ProfileRead): Promise<AwsCredentials> => {
        const resolved = await this.resolveProfile(profile, paths, region.stsRegion, context, alreadyRead);
        clientSettings = resolved.clientSettings;
        return resolved.clockAdjusted || !resolved.credentials.expiration || !this.skew.isKnown
          ? resolved.credentials
          : { ...resolved.credentials, expiration: this.skew.toLocal(resolved.credentials.expiration) };
      };

      // The first resolution uses the files as just read; renewals (fetchProfile(context)) read them afresh.
      let first = await fetchProfile(undefined, read);
      const skewKnownBefore = this.skew.isKnown;
      // The settings the credentials were resolved with, so this client does not read the files again.
      const caller = await getCallerIdentity(first, region.stsRegion, this.stsOptions({ profile, sourceLabel: target, ...(clientSettings ? { clientSettings } : {}) }));
      // SSO / credential_process credentials arrive without an STS Date header; the first
      // GetCallerIdentity teaches us the clock offset, so convert their expiration now.
      if (!skewKnownBefore && this.skew.isKnown && first.expiration) first = { ...first, expiration: this.skew.toLocal(first.expiration) };

      const identity = identityOf(caller, { type: 'profile', profile }, region, first.expiration);
      credentials = this.newCredentials(target, first, fetchProfile, facts.needsMfa);
      const session = new IdentitySession({
        identity,
        credentials,
        exportWrapper: (base) => this.sessionTokenWrapper(target, base, region.stsRegion),
      });
      credentials = undefined; // owned by the session from here on
      return this.commit(ticket, session, `${target} as ${caller.arn} (region ${region.region} from ${region.regionSource})`);
    } catch (error) {
      credentials?.dispose();
      throw this.failSwitch(ticket, error, { operation: 'ResolveProfile', profile });
    }
  }

  /**
   * Assumes a role with the active identity's credentials (ONE STS call) or a profile's.
   * Chaining from a role session caps the duration at 1 hour; the reason is logged and listed in
   * `identity.notes`.
   * @throws UserFacingError, or the MFA provider's own error if the user dismissed the prompt
   */
  async assumeRole(req: AssumeRoleRequest): Promise<Identity> {
    const sourceSession = req.source.type === 'active' ? this.active : undefined;
    const partition = partitionOfRegion(sourceSession?.identity.region ?? this.resolveRegion(undefined).region);
    const parsed = parseRoleInput(req.roleArn, partition);
    if (!parsed.ok) {
      throw new UserFacingError('invalidRoleArn', `"${req.roleArn}" is not a role reference: ${parsed.message}`);
    }
    const target = `role ${parsed.roleName} (${parsed.account})`;
    const ticket = this.beginSwitch(target);
    let ownedSource: RefreshingCredentials | undefined;
    let credentials: RefreshingCredentials | undefined;
    try {
      let source: RefreshingCredentials;
      let chained: boolean;
      let region: RegionChoice;
      let sourceLabel: string;
      let callerArn: string | undefined;
      let sourceProfile: string | undefined;
      if (req.source.type === 'active') {
        if (!sourceSession) {
          throw new UserFacingError('noActiveIdentity', `No AWS identity is active to assume ${target} with. Select a profile first, or choose a profile as the source.`);
        }
        const from = sourceSession.identity;
        source = sourceSession.credentials;
        chained = parseCallerArn(from.arn).kind === 'assumed-role';
        region = { region: from.region, regionSource: from.regionSource, stsRegion: from.regionSource === 'default' ? undefined : from.region };
        sourceLabel = from.source.type === 'profile' ? `profile "${from.source.profile}"` : `role ${from.name}`;
        callerArn = from.arn;
        sourceProfile = from.sourceProfile ?? (from.source.type === 'profile' ? from.source.profile : undefined);
      } else {
        const profile = req.source.profile;
        const paths = this.options.configPaths();
        const read = await readProfileFacts(profile, paths);
        const { facts } = read;
        region = this.resolveRegion(facts.region);
        sourceLabel = `profile "${profile}"`;
        sourceProfile = profile;
        chained = facts.yieldsRoleSession;
        const stsRegion = region.stsRegion;
        const fetchProfile = async (context: RefreshContext | undefined, alreadyRead?: ProfileRead): Promise<AwsCredentials> =>
          (await this.resolveProfile(profile, paths, stsRegion, context, alreadyRead)).credentials;
        // The source is only used to renew the role: no timer of its own, renewed on demand.
        ownedSource = new RefreshingCredentials({
          ...this.refreshOptions(sourceLabel, facts.needsMfa),
          initial: await fetchProfile(undefined, read),
          fetch: fetchProfile,
          proactive: false,
        });
        source = ownedSource;
      }

      const notes: string[] = [];
      const duration = clampDuration(req.durationSeconds ?? this.options.defaultDurationSeconds(), { chained });
      if (duration.reason) notes.push(duration.reason);
      const sessionName = sanitizeSessionName(req.sessionName ?? this.options.defaultSessionName());
      let params: AssumeRoleParams = {
        roleArn: parsed.arn,
        sessionName,
        durationSeconds: duration.seconds,
        ...(req.externalId ? { externalId: req.externalId } : {}),
        ...(req.mfaSerial ? { mfaSerial: req.mfaSerial } : {}),
      };
      const roleLabel = `role ${parsed.roleName}`;
      const codeFor = async (context: RefreshContext | undefined): Promise<string | undefined> =>
        req.mfaSerial
          ? askForMfaCode(this.options.mfaCodeProvider, req.mfaSerial, {
              trigger: !context || context.reason === 'user' ? 'user' : 'renewal',
              label: roleLabel,
              ...(context?.expiration ? { expiration: context.expiration } : {}),
            })
          : undefined;
      const callOptions = { callerArn, sourceLabel };

      let assumed: AssumedRole;
      const firstCode = req.mfaSerial ? (req.tokenCode ?? (await codeFor(undefined))) : undefined;
      try {
        assumed = await this.assumeWith(source, { ...params, ...(firstCode ? { tokenCode: firstCode } : {}) }, region.stsRegion, callOptions);
      } catch (error) {
        // STS knows a role session is the source even when we could not tell (e.g. credential_process).
        if (error instanceof UserFacingError && error.kind === 'chainedDurationTooLong' && (params.durationSeconds ?? 0) > CHAINED_ROLE_MAX_DURATION_SECONDS && !req.mfaSerial) {
          params = { ...params, durationSeconds: ALWAYS_ALLOWED_DURATION_SECONDS };
          notes.push(
            `Duration capped at ${CHAINED_ROLE_MAX_DURATION_SECONDS} seconds (requested ${duration.seconds}): STS reports the source credentials are a role session, and role chaining is limited to 1 hour.`,
          );
          assumed = await this.assumeWith(source, params, region.stsRegion, callOptions);
        } else {
          throw error;
        }
      }
      for (const note of notes) this.logger.info(`${target}: ${note}`);

      const identity = identityOf(
        { arn: assumed.arn, account: assumed.account, userId: assumed.assumedRoleId },
        { type: 'assumedRole', roleArn: parsed.arn, sourceLabel },
        region,
        assumed.credentials.expiration,
        { sourceProfile, notes },
      );
      const renewParams = params;
      credentials = this.newCredentials(
        roleLabel,
        assumed.credentials,
        async (context) => {
          const code = await codeFor(context);
          return (await this.assumeWith(source, { ...renewParams, ...(code ? { tokenCode: code } : {}) }, region.stsRegion, callOptions)).credentials;
        },
        !!req.mfaSerial,
      );
      const session = new IdentitySession({
        identity,
        credentials,
        ...(sourceSession ? { parent: sourceSession } : {}),
        owned: ownedSource ? [ownedSource] : [],
      });
      credentials = undefined;
      ownedSource = undefined;
      return this.commit(ticket, session, `${target} as ${assumed.arn} from ${sourceLabel}${notes.length ? ` (${notes.join(' ')})` : ''}`);
    } catch (error) {
      credentials?.dispose();
      ownedSource?.dispose();
      throw this.failSwitch(ticket, error, { operation: 'AssumeRole', roleArn: parsed.arn });
    }
  }

  /**
   * AssumeRole with `source`'s current credentials. If STS says they expired (ExpiredToken) while
   * we thought them valid (revoked, clock trouble), renew the source once and retry.
   */
  private async assumeWith(source: RefreshingCredentials, params: AssumeRoleParams, stsRegion: string | undefined, extra: { callerArn?: string; sourceLabel: string }): Promise<AssumedRole> {
    const sourceCreds = await source.get();
    try {
      return await stsAssumeRole(sourceCreds, params, stsRegion, this.stsOptions(extra));
    } catch (error) {
      if (!(error instanceof UserFacingError) || error.kind !== 'expiredToken') throw error;
      this.logger.warn(`STS reports the credentials of ${extra.sourceLabel} expired; renewing them once and retrying AssumeRole for ${params.roleArn}.`);
      const fresh = await source.refresh('mandatory');
      return stsAssumeRole(fresh, params, stsRegion, this.stsOptions(extra));
    }
  }

  private stsOptions(extra: Omit<StsCallOptions, 'skew' | 'tuning'>): StsCallOptions {
    return { skew: this.skew, ...(this.options.stsTuning ? { tuning: this.options.stsTuning } : {}), ...extra };
  }

  private refreshOptions(label: string, interactive: boolean): {
    label: string;
    clock: Clock;
    logger: Logger;
    interactive: boolean;
    windows?: Partial<RefreshWindows>;
    backoff?: Partial<RefreshBackoff>;
    interactiveWaitMs?: number;
  } {
    return {
      label,
      clock: this.clock,
      logger: this.logger,
      interactive,
      ...(this.options.refreshWindows ? { windows: this.options.refreshWindows } : {}),
      ...(this.options.refreshBackoff ? { backoff: this.options.refreshBackoff } : {}),
      ...(this.options.interactiveWaitMs !== undefined ? { interactiveWaitMs: this.options.interactiveWaitMs } : {}),
    };
  }

  private newCredentials(label: string, initial: AwsCredentials, fetch: (context: RefreshContext) => Promise<AwsCredentials>, interactive: boolean): RefreshingCredentials {
    return new RefreshingCredentials({ ...this.refreshOptions(label, interactive), initial, fetch });
  }

  /** Temporary credentials for terminals derived from long-lived keys: GetSessionToken, renewed like any session. */
  private sessionTokenWrapper(label: string, base: RefreshingCredentials, stsRegion: string | undefined): RefreshingCredentials {
    const wrapperLabel = `${label} (temporary credentials for terminals)`;
    return new RefreshingCredentials({
      ...this.refreshOptions(wrapperLabel, false),
      fetch: async () =>
        getSessionToken(
          await base.get(),
          { durationSeconds: clampSessionTokenDuration(this.options.defaultDurationSeconds()).seconds },
          stsRegion,
          this.stsOptions({ sourceLabel: label }),
        ),
    });
  }

  /** Forgets the active identity (terminals lose their credentials). */
  clear(): void {
    this.switchSeq++;
    const previous = this.active;
    this.setActive(undefined);
    previous?.dispose();
    if (previous) this.logger.info('Cleared the active AWS identity.');
    this.setState({ status: 'none' });
    if (previous) this.identityChanged.fire(undefined);
  }

  private beginSwitch(target: string): number {
    if (this.disposed) throw new UserFacingError('disposed', 'The extension is shutting down; the identity was not switched.');
    const ticket = ++this.switchSeq;
    this.setState({ status: 'switching', target, ...(this.active ? { identity: this.active.identity } : {}) });
    return ticket;
  }

  /**
   * A profile's credentials (fromIni, or fromSSO), for a switch (`context` undefined; `read`: the
   * files as the switch read them) or a renewal.
   */
  private resolveProfile(
    profile: string,
    paths: ConfigPaths,
    stsRegion: string | undefined,
    context: RefreshContext | undefined,
    read?: ProfileRead,
  ): ReturnType<typeof resolveProfileCredentials> {
    return resolveProfileCredentials({
      profile,
      paths,
      ...(read ? { read } : {}),
      region: stsRegion,
      mfaCodeProvider: this.options.mfaCodeProvider,
      mfaTrigger: !context || context.reason === 'user' ? 'user' : 'renewal',
      ...(context?.expiration ? { currentExpiration: context.expiration } : {}),
      sessionDurationSeconds: clampSessionTokenDuration(this.options.defaultDurationSeconds()).seconds,
      skew: this.skew,
      ...(this.options.stsTuning ? { tuning: this.options.stsTuning } : {}),
    });
  }

  private commit(ticket: number, session: IdentitySession, description: string): Identity {
    if (ticket !== this.switchSeq || this.disposed) {
      session.dispose();
      throw new UserFacingError('superseded', `The switch to ${session.identity.name} was replaced by a newer one before it finished; the newer one applies.`);
    }
    const previous = this.active;
    this.setActive(session);
    if (previous && session.parent === previous) {
      session.adoptParent();
    } else {
      previous?.dispose();
    }
    this.logger.info(`Switched to ${description}.`);
    const identity = session.identity;
    this.setState({ status: 'active', identity });
    this.identityChanged.fire(identity);
    return identity;
  }

  private failSwitch(ticket: number, error: unknown, context: Parameters<typeof toUserFacingError>[1]): unknown {
    const current = ticket === this.switchSeq && !this.disposed;
    const restore = (): void => {
      if (current) this.setState(this.active ? { status: 'active', identity: this.active.identity, ...(this.active.credentials.lastError ? { refreshError: this.active.credentials.lastError } : {}) } : { status: 'none' });
    };
    if (isMfaPromptFailure(error)) {
      // The user dismissed the prompt: not an error to report; the UI recognises its own cancellation.
      this.logger.info(`Switch cancelled at the MFA prompt; ${this.active ? `${this.active.identity.name} stays active` : 'no identity is active'}.`);
      restore();
      return error;
    }
    const failure = toUserFacingError(error, context);
    if (failure.kind === 'superseded') return failure;
    this.logger.error(`Switch failed: ${failure.message}`, failure.cause ?? failure);
    if (current) {
      const still = this.active ? ` ${this.active.identity.name} (${this.active.identity.account}) is still active.` : '';
      this.setState({ status: 'error', message: `${failure.message}${still}`, error: failure, ...(this.active ? { identity: this.active.identity } : {}) });
    }
    return failure;
  }

  private setActive(session: IdentitySession | undefined): void {
    for (const s of this.activeSubscriptions) s.dispose();
    this.activeSubscriptions = [];
    this.active = session;
    if (!session) return;
    this.activeSubscriptions.push(
      session.onDidRefresh(() => {
        if (this.active === session && this.currentState.status !== 'switching') this.setState({ status: 'active', identity: session.identity });
      }),
      session.onDidFailRefresh(({ error }) => {
        if (this.active === session && this.currentState.status !== 'switching') this.setState({ status: 'active', identity: session.identity, refreshError: error });
      }),
    );
  }

  private setState(state: IdentityState): void {
    this.currentState = state;
    this.stateChanged.fire(state);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.switchSeq++;
    const previous = this.active;
    this.setActive(undefined);
    previous?.dispose();
    this.identityChanged.dispose();
    this.stateChanged.dispose();
  }
}

/** The identity STS named (who), with how it was obtained, its region and when it expires. */
function identityOf(
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
