/**
 * The active identity: which profile or role is selected, its self-renewing credentials, and
 * events for the UI. Pure core: no `vscode` import; time, MFA prompts, settings and the reading
 * of the shared files are injected.
 *
 * This file is the switch state machine (state, events, the active session, clear, dispose); the
 * two ways to switch are beside it: useProfile.ts ("use this profile") and assumeRole.ts.
 *
 * Switches: the last one requested wins. An older switch that finishes later is discarded (its
 * promise rejects with kind `superseded`) and a failed switch leaves the previous identity active.
 */
import { Disposable, Emitter, Event } from '../shared/events';
import { UserFacingError, toUserFacingError } from '../credentials/errors';
import { isMfaPromptFailure } from '../credentials/mfa';
import { ClockSkew } from '../credentials/sts';
import { parseRoleInput, partitionOfRegion } from '../shared/roleInput';
import { AwsCredentials, Clock, Identity, Logger, systemClock } from '../shared/types';
import { IdentitySession } from './identitySession';
import { FlowContext, IdentityManagerOptions, RegionChoice, SwitchResult } from './flowContext';
import { profileSession } from './useProfile';
import { AssumeRoleRequest, roleSession, roleTarget } from './assumeRole';

export type { IdentityManagerOptions, RegionChoice } from './flowContext';
export type { AssumeRoleRequest, RoleSource } from './assumeRole';

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

export class IdentityManager implements Disposable {
  private readonly logger: Logger;
  private readonly skew: ClockSkew;
  private readonly flows: FlowContext;
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

  /** Region for an identity: profile → setting → AWS_REGION / AWS_DEFAULT_REGION → us-east-1. */
  resolveRegion(profileRegion: string | undefined): RegionChoice {
    return this.flows.resolveRegion(profileRegion);
  }

  /**
   * Makes `profile` the active identity: its credentials (the profile's plan, carried out), then
   * ONE GetCallerIdentity to learn who it is (see useProfile.ts).
   * @throws UserFacingError, or the MFA provider's own error if the user dismissed the prompt
   */
  async useProfile(profile: string): Promise<Identity> {
    return this.runSwitch(`profile "${profile}"`, () => profileSession(this.flows, profile), { operation: 'ResolveProfile', profile });
  }

  /**
   * Assumes a role with the active identity's credentials (ONE STS call) or a profile's (see
   * assumeRole.ts). Chaining from a role session caps the duration at 1 hour; the reason is logged
   * and listed in `identity.notes`.
   * @throws UserFacingError, or the MFA provider's own error if the user dismissed the prompt
   */
  async assumeRole(req: AssumeRoleRequest): Promise<Identity> {
    const active = req.source.type === 'active' ? this.active : undefined;
    const partition = partitionOfRegion(active?.identity.region ?? this.resolveRegion(undefined).region);
    const role = parseRoleInput(req.roleArn, partition);
    // Refused before the switch begins: a typo changes no state.
    if (!role.ok) throw new UserFacingError('other', `"${req.roleArn}" is not a role reference: ${role.message}`);
    return this.runSwitch(roleTarget(role), () => roleSession(this.flows, req, role, active), { operation: 'AssumeRole', roleArn: role.arn });
  }

  /** A switch to `target`: state `switching`, then the new session committed, or the failure reported. */
  private async runSwitch(target: string, flow: () => Promise<SwitchResult>, failure: Parameters<typeof toUserFacingError>[1]): Promise<Identity> {
    const ticket = this.beginSwitch(target);
    let result: SwitchResult;
    try {
      result = await flow();
    } catch (error) {
      throw this.failSwitch(ticket, error, failure);
    }
    return this.commit(ticket, result.session, result.description);
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
    if (this.disposed) throw new UserFacingError('other', 'The extension is shutting down; the identity was not switched.');
    const ticket = ++this.switchSeq;
    this.setState({ status: 'switching', target, ...(this.active ? { identity: this.active.identity } : {}) });
    return ticket;
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
