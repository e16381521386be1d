/**
 * The active identity: which profile or role is selected, its self-renewing credentials, and
 * events for the UI. Pure core: no `vscode` import; time, MFA prompts, settings and the reading
 * of the shared files are injected.
 *
 * This file is the switch state machine (state, events, the active session, clear, dispose); the
 * ways to switch are beside it: useProfile.ts ("use this profile"), assumeRole.ts, and
 * useSsoRole.ts (a role of an IAM Identity Center account, taken directly).
 *
 * IAM Identity Center sign-ins: a switch that meets a session without a usable sign-in offers one
 * through `options.ssoSignIn` (flowContext.ts). A renewal never does (no browser opens out of
 * nowhere): the identity keeps its credentials until they expire, the state says `signInNeeded`,
 * and `onDidNeedSignIn` fires once, so the UI can offer to sign in (`signInAndRenew`).
 *
 * Switches: the last one requested wins. An older switch that ends later, done or failed, is
 * discarded (its promise rejects with kind `superseded`, as after clear()); a failed switch leaves
 * the previous identity active.
 */
import { Disposable, Emitter, Event } from '../shared/events';
import { UserFacingError, toUserFacingError } from '../credentials/errors';
import { ClockSkew } from '../credentials/sts';
import { parseRoleInput, type Partition, partitionOfRegion } from '../shared/roleInput';
import { AwsCredentials, Clock, Identity, Logger, systemClock } from '../shared/types';
import { SsoSignInRequiredError } from '../credentials/sourceCredentials';
import type { SignInUi, SsoSession } from '../sso';
import { IdentitySession } from './identitySession';
import { FlowContext, IdentityManagerOptions, RegionChoice, SwitchResult, userDismissal } from './flowContext';
import { profileSession } from './useProfile';
import { AssumeRoleRequest, roleSession, roleTarget } from './assumeRole';
import { checkSsoRoleRequest, SsoRoleRequest, ssoRoleSession, ssoRoleTarget } from './useSsoRole';
import { preferredRegion, regionFor, RegionChange, RegionPreference } from './regionChoice';

export type { IdentityManagerOptions, RegionChoice } from './flowContext';
export type { AssumeRoleRequest, RoleSource } from './assumeRole';
export type { SsoRoleRequest } from './useSsoRole';
export type { RegionChange, RegionPreference } from './regionChoice';

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
  /**
   * For `active`: renewing needs a new IAM Identity Center sign-in to this session (the token
   * expired and could not be refreshed, or was signed out). The credentials in hand work until
   * `identity.expiration`; cleared by the next successful renewal.
   */
  readonly signInNeeded?: SsoSession;
}

/** `onDidNeedSignIn`: the active identity can no longer be renewed without a sign-in. */
export interface SsoSignInNeed {
  readonly session: SsoSession;
  /** The identity affected; it stays active with its current credentials. */
  readonly identity: Identity;
  /** When those credentials stop working (local clock), if they expire. */
  readonly expiration?: Date;
  /** Cause and next step, fit to show. */
  readonly message: string;
}

export class IdentityManager implements Disposable {
  private readonly logger: Logger;
  private readonly skew: ClockSkew;
  private readonly flows: FlowContext;
  private active: IdentitySession | undefined;
  private activeSubscriptions: Disposable[] = [];
  private switchSeq = 0;
  /** The switchSeq of the last clear(): a switch overtaken by it is told so. */
  private clearedAt = -1;
  private currentState: IdentityState = { status: 'none' };
  private disposed = false;

  private readonly identityChanged = new Emitter<Identity | undefined>();
  private readonly stateChanged = new Emitter<IdentityState>();
  private readonly signInNeeded = new Emitter<SsoSignInNeed>();
  private readonly regionChanged = new Emitter<RegionChange>();
  private regionPreference: RegionPreference | undefined;
  /** The sign-in need reported for the active session (at most one report per session until it renews). */
  private pendingSignIn: SsoSignInRequiredError | undefined;
  /** A different identity became active (or none): fires on switches and `clear()`, not on renewals or region changes. */
  readonly onDidChangeIdentity: Event<Identity | undefined> = this.identityChanged.event;
  /** Anything the status bar shows changed: switching, active (incl. renewals), error. */
  readonly onDidChangeState: Event<IdentityState> = this.stateChanged.event;
  /**
   * A renewal of the active identity needs an IAM Identity Center sign-in. Fires once per active
   * session until a renewal succeeds again (renewals retry with backoff; the UI shows ONE offer).
   */
  readonly onDidNeedSignIn: Event<SsoSignInNeed> = this.signInNeeded.event;
  /**
   * `setRegion` moved the active identity to another region: the same principal and credentials,
   * a new Identity value (`identity` has it). `onDidChangeState` fires too; `onDidChangeIdentity`
   * does not (no switch happened).
   */
  readonly onDidChangeRegion: Event<RegionChange> = this.regionChanged.event;

  constructor(options: IdentityManagerOptions) {
    const clock: Clock = options.clock ?? systemClock;
    this.logger = options.logger;
    this.skew = new ClockSkew(clock);
    this.flows = new FlowContext(options, clock, this.logger, this.skew);
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
      throw new UserFacingError('other', 'No AWS identity is selected. Pick a profile or assume a role first (AWS Identity view or status bar).');
    }
    return this.active;
  }

  /**
   * The partition an `account:role` shorthand gets when assumed from `source`: the active
   * identity's, else that of the region setting (the picker shows the same ARN before the switch).
   */
  shorthandPartition(source: AssumeRoleRequest['source']['type']): Partition {
    const region = source === 'active' ? this.active?.identity.region : undefined;
    return partitionOfRegion(region ?? this.resolveRegion(undefined).region);
  }

  /** Region for an identity: profile → setting → AWS_REGION / AWS_DEFAULT_REGION → us-east-1. */
  resolveRegion(profileRegion: string | undefined): RegionChoice {
    return this.flows.resolveRegion(profileRegion);
  }

  /**
   * Changes the active identity's region, for new terminals, the console and the API: the same
   * credentials (no STS call, no sign-in), a new Identity value with `regionSource: 'user'`, kept
   * by renewals. Returns it; the same region again changes nothing and fires nothing.
   * @throws UserFacingError when no identity is active, or the region is unknown or of another partition
   */
  setRegion(region: string): Identity {
    const session = this.active;
    if (!session) throw new UserFacingError('other', 'No AWS identity is selected, so there is no region to change. Pick a profile or assume a role first, then change its region.');
    const before = session.identity;
    const code = regionFor(before, region);
    if (code === before.region) return before;
    const identity = session.relocate(code, 'user');
    this.logger.info(`Region of ${identity.name} (${identity.account}) changed from ${before.region} to ${code}: the same credentials, no new sign-in.`);
    this.setState(this.currentState.status === 'active' ? this.activeState(session) : { ...this.currentState, identity });
    this.regionChanged.fire({ identity, previous: before.region });
    return identity;
  }

  /**
   * Where a switch looks up the region remembered for the identity it makes active (the UI keeps
   * it per workspace); a remembered region that fits applies before anyone hears of the switch.
   */
  setRegionPreference(lookup: RegionPreference | undefined): void {
    this.regionPreference = lookup;
  }

  /**
   * Makes `profile` the active identity: its credentials (the profile's plan, carried out), then
   * ONE GetCallerIdentity to learn who it is (see useProfile.ts).
   * @throws UserFacingError, or the MFA provider's own error if the user dismissed the prompt
   */
  async useProfile(profile: string): Promise<Identity> {
    const target = `profile "${profile}"`;
    return this.runSwitch(target, () => this.flows.withSsoSignIn(target, () => profileSession(this.flows, profile)), { operation: 'ResolveProfile', profile });
  }

  /**
   * Makes a role of an IAM Identity Center account the active identity (source type `ssoRole`):
   * GetRoleCredentials with the cached (refreshed) token, then ONE GetCallerIdentity; renewed
   * through GetRoleCredentials (see useSsoRole.ts). A session without a usable sign-in is offered
   * one through `options.ssoSignIn`. A failed use leaves the previous identity active.
   * @throws UserFacingError
   */
  async useSsoRole(role: SsoRoleRequest): Promise<Identity> {
    // Refused before the switch begins: a malformed request changes no state.
    checkSsoRoleRequest(role);
    const target = ssoRoleTarget(role);
    return this.runSwitch(target, () => this.flows.withSsoSignIn(target, () => ssoRoleSession(this.flows, role)), { operation: 'ResolveProfile', sourceLabel: target });
  }

  /**
   * The user accepted the offer `onDidNeedSignIn` made: signs in to `session` (a browser page,
   * or the device code) and renews the active identity at once, instead of at its next backoff.
   * Returns the active identity after the renewal (undefined when none is active).
   * @throws UserFacingError (the sign-in or the renewal failed; the identity stays as it was)
   */
  async signInAndRenew(session: SsoSession, ui: SignInUi): Promise<Identity | undefined> {
    const pending = this.pendingSignIn;
    await this.flows.signIn(session, ui, pending?.revoked === true && sameSsoSession(pending.session, session));
    const active = this.active;
    if (!active) return undefined;
    if (pending && sameSsoSession(pending.session, session)) await active.credentials.refresh('user');
    return this.active?.identity;
  }

  /**
   * Assumes a role with the active identity's credentials (ONE STS call) or a profile's (see
   * assumeRole.ts). Chaining from a role session caps the duration at 1 hour; the reason is logged
   * and listed in `identity.notes`.
   * @throws UserFacingError, or the MFA provider's own error if the user dismissed the prompt
   */
  async assumeRole(req: AssumeRoleRequest): Promise<Identity> {
    const active = req.source.type === 'active' ? this.active : undefined;
    const role = parseRoleInput(req.roleArn, this.shorthandPartition(req.source.type));
    // Refused before the switch begins: a typo changes no state.
    if (!role.ok) throw new UserFacingError('other', `"${req.roleArn}" is not a role reference: ${role.message}`);
    const target = roleTarget(role);
    return this.runSwitch(target, () => this.flows.withSsoSignIn(target, () => roleSession(this.flows, req, role, active)), { operation: 'AssumeRole', roleArn: role.arn });
  }

  /** A switch to `target`: state `switching`, then the new session committed, or the failure reported. */
  private async runSwitch(target: string, flow: () => Promise<SwitchResult>, failure: Parameters<typeof toUserFacingError>[1]): Promise<Identity> {
    const ticket = this.beginSwitch(target);
    let result: SwitchResult;
    try {
      result = await flow();
    } catch (error) {
      throw this.failSwitch(ticket, target, error, failure);
    }
    return this.commit(ticket, result.session, result.description);
  }

  /** Forgets the active identity (terminals lose their credentials). */
  clear(): void {
    this.clearedAt = ++this.switchSeq;
    const previous = this.active;
    this.setActive(undefined);
    previous?.dispose();
    if (previous) this.logger.info('Cleared the active AWS identity.');
    this.setState({ status: 'none' });
    if (previous) this.identityChanged.fire(undefined);
  }

  private beginSwitch(target: string): number {
    if (this.disposed) throw new UserFacingError('other', 'The extension is shutting down; the identity was not switched.');
    const ticket = ++this.switchSeq;
    this.setState({ status: 'switching', target, ...(this.active ? { identity: this.active.identity } : {}) });
    return ticket;
  }

  private commit(ticket: number, session: IdentitySession, description: string): Identity {
    if (ticket !== this.switchSeq || this.disposed) {
      session.dispose();
      throw this.superseded(session.identity.name);
    }
    const previous = this.active;
    this.setActive(session);
    if (previous && session.parent === previous) {
      session.adoptParent();
    } else {
      previous?.dispose();
    }
    this.logger.info(`Switched to ${description}.`);
    const remembered = preferredRegion(session.identity, this.regionPreference, this.logger);
    if (remembered) this.logger.info(`Region ${remembered} applies: it was chosen for ${session.identity.name} in this workspace (instead of ${session.identity.region}).`);
    const identity = remembered ? session.relocate(remembered, 'user') : session.identity;
    this.setState({ status: 'active', identity });
    this.identityChanged.fire(identity);
    return identity;
  }

  /** What a failed switch rejects with: after a newer switch, clear() or shutdown, `superseded` (logged only). */
  private failSwitch(ticket: number, target: string, error: unknown, context: Parameters<typeof toUserFacingError>[1]): unknown {
    const dismissed = userDismissal(error);
    if (ticket !== this.switchSeq || this.disposed) {
      const superseded = this.superseded(target, error);
      this.logger.info(`${superseded.message} It ended with: ${dismissed ? `cancelled ${dismissed.what}` : toUserFacingError(error, context).message}`);
      return superseded;
    }
    if (dismissed) {
      // The user said no: not an error to report; the UI recognises its own cancellation.
      this.logger.info(`Switch cancelled ${dismissed.what}; ${this.active ? `${this.active.identity.name} stays active` : 'no identity is active'}.`);
      this.setState(this.active ? this.activeState(this.active) : { status: 'none' });
      return dismissed.error;
    }
    const failure = toUserFacingError(error, context);
    this.logger.error(`Switch failed: ${failure.message}`, failure.cause ?? failure);
    const still = this.active ? ` ${this.active.identity.name} (${this.active.identity.account}) is still active.` : '';
    this.setState({ status: 'error', message: `${failure.message}${still}`, error: failure, ...(this.active ? { identity: this.active.identity } : {}) });
    return failure;
  }

  /** The rejection of a switch to `target` that something later replaced (kind `superseded`: UIs stay quiet). */
  private superseded(target: string, cause?: unknown): UserFacingError {
    const after = this.disposed ? 'the extension shut down' : this.clearedAt === this.switchSeq ? 'the identity was cleared' : 'it was replaced by a newer one';
    const applies = this.disposed ? 'nothing changed' : this.clearedAt === this.switchSeq ? 'no identity is active' : 'the newer one applies';
    return new UserFacingError('superseded', `The switch to ${target} was not applied: ${after} before it finished; ${applies}.`, cause === undefined ? {} : { cause });
  }

  /** The `active` state of `session`: its identity, its last renewal failure, and a sign-in it needs. */
  private activeState(session: IdentitySession): IdentityState {
    const error = session.credentials.lastError;
    return {
      status: 'active',
      identity: session.identity,
      ...(error ? { refreshError: error } : {}),
      ...(this.pendingSignIn ? { signInNeeded: this.pendingSignIn.session } : {}),
    };
  }

  private setActive(session: IdentitySession | undefined): void {
    for (const s of this.activeSubscriptions) s.dispose();
    this.activeSubscriptions = [];
    this.active = session;
    this.pendingSignIn = undefined;
    if (!session) return;
    this.activeSubscriptions.push(
      session.onDidRefresh(() => {
        if (this.active !== session) return;
        this.pendingSignIn = undefined;
        if (this.currentState.status !== 'switching') this.setState(this.activeState(session));
      }),
      session.onDidFailRefresh(({ error }) => {
        if (this.active !== session) return;
        const need = error instanceof SsoSignInRequiredError ? error : undefined;
        const first = need !== undefined && this.pendingSignIn === undefined;
        if (need) this.pendingSignIn = need;
        if (this.currentState.status !== 'switching') this.setState(this.activeState(session));
        if (need && first) this.reportSignInNeed(session, need);
      }),
    );
  }

  private reportSignInNeed(session: IdentitySession, need: SsoSignInRequiredError): void {
    const identity = session.identity;
    const until = identity.expiration ? ` It keeps working until ${identity.expiration.toISOString()}.` : '';
    this.logger.warn(`${identity.name} (${identity.account}) cannot be renewed without signing in to IAM Identity Center again.${until}`);
    this.signInNeeded.fire({ session: need.session, identity, ...(identity.expiration ? { expiration: identity.expiration } : {}), message: `${need.message}${until}` });
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
    this.signInNeeded.dispose();
    this.regionChanged.dispose();
  }
}

function sameSsoSession(a: SsoSession, b: SsoSession): boolean {
  return a.sessionName === b.sessionName && a.startUrl === b.startUrl;
}
