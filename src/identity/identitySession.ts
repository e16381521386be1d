/**
 * One active identity and the credentials behind it. Pure core: no `vscode` import.
 *
 * Two kinds of credentials come out of a session:
 *  - `getCredentials()`: what the extension itself signs with (may be long-lived IAM user keys);
 *  - `getExportableCredentials()`: what may leave the process to terminals. ALWAYS temporary:
 *    long-lived keys are wrapped once with GetSessionToken (then renewed like any other
 *    temporary credentials) and never served raw.
 */
import { Disposable, Emitter, Event } from '../shared/events';
import { RefreshingCredentials, RefreshEvent, RefreshFailureEvent } from '../credentials/refreshingCredentials';
import type { AwsCredentials, Identity } from '../shared/types';

export interface IdentitySessionOptions {
  readonly identity: Identity;
  readonly credentials: RefreshingCredentials;
  /**
   * Makes the GetSessionToken wrapper for long-lived keys; called at most once, on the first
   * `getExportableCredentials()` that finds credentials without a session token.
   */
  readonly exportWrapper?: (base: RefreshingCredentials) => RefreshingCredentials;
  /** The session whose credentials this one was derived from (role chaining from the active identity). */
  readonly parent?: IdentitySession;
  /** Things only this session uses (e.g. a profile's credentials used as the source of a role); disposed with it. */
  readonly owned?: ReadonlyArray<Disposable>;
}

/** The credentials changed for consumers outside the process (new env vars for terminals). */
export interface ExportableCredentialsEvent {
  readonly credentials: AwsCredentials;
}

export class IdentitySession implements Disposable {
  readonly credentials: RefreshingCredentials;
  readonly parent: IdentitySession | undefined;
  private currentIdentity: Identity;
  private readonly owned: Disposable[];
  private exportCredentials: RefreshingCredentials | undefined;
  private ownsParent = false;
  private sourceOnly = false;
  private disposed = false;
  private ownerReleased = false;
  private leases = 0;
  private readonly exportableChanged = new Emitter<ExportableCredentialsEvent>();
  private readonly subscriptions: Disposable[] = [];

  /** Fires when the credentials for terminals were renewed (either the session's own or the wrapper's). */
  readonly onDidChangeExportableCredentials: Event<ExportableCredentialsEvent> = this.exportableChanged.event;
  /** The session's own credentials were renewed. */
  readonly onDidRefresh: Event<RefreshEvent>;
  /** Renewing the session's own credentials failed (the current ones stay in use while valid). */
  readonly onDidFailRefresh: Event<RefreshFailureEvent>;

  constructor(private readonly options: IdentitySessionOptions) {
    this.currentIdentity = options.identity;
    this.credentials = options.credentials;
    this.parent = options.parent;
    this.owned = [...(options.owned ?? [])];
    this.onDidRefresh = this.credentials.onDidRefresh;
    this.onDidFailRefresh = this.credentials.onDidFailRefresh;
    this.subscriptions.push(
      this.credentials.onDidRefresh(({ credentials }) => {
        if (credentials.expiration) this.currentIdentity = { ...this.currentIdentity, expiration: credentials.expiration };
        if (credentials.sessionToken) this.exportableChanged.fire({ credentials });
      }),
    );
  }

  /** The identity, with `expiration` of the credentials held now (a new object after each renewal). */
  get identity(): Identity {
    return this.currentIdentity;
  }

  /**
   * Moves the identity to another region (the user chose it; identityManager.ts `setRegion` checks
   * it): a new Identity value, the same credentials, no STS call. Renewals keep it.
   */
  relocate(region: string, regionSource: Identity['regionSource']): Identity {
    this.currentIdentity = { ...this.currentIdentity, region, regionSource };
    return this.currentIdentity;
  }

  /** Credentials for the extension's own calls (refreshed per the windows). */
  getCredentials(): Promise<AwsCredentials> {
    return this.credentials.get();
  }

  /**
   * Credentials that may be handed to other processes: always temporary (session token and
   * expiration). Long-lived keys are wrapped with GetSessionToken on first use.
   * @throws UserFacingError
   */
  async getExportableCredentials(): Promise<AwsCredentials> {
    // A copy: other extensions get this value through the API, and a change made to it must not
    // reach the credentials held here, which renewals and terminals go by.
    const c = await this.exportable();
    return { ...c, ...(c.expiration ? { expiration: new Date(c.expiration.getTime()) } : {}) };
  }

  private async exportable(): Promise<AwsCredentials> {
    if (this.exportCredentials) return this.exportCredentials.get();
    const own = await this.credentials.get();
    if (own.sessionToken) return own;
    if (!this.options.exportWrapper) {
      throw new Error(`Internal error: ${this.credentials.label} holds long-lived keys and no way to derive temporary credentials from them.`);
    }
    this.exportCredentials ??= this.createWrapper(this.options.exportWrapper);
    return this.exportCredentials.get();
  }

  private createWrapper(factory: (base: RefreshingCredentials) => RefreshingCredentials): RefreshingCredentials {
    const wrapper = factory(this.credentials);
    if (this.sourceOnly) wrapper.setProactive(false);
    this.subscriptions.push(wrapper.onDidRefresh(({ credentials }) => this.exportableChanged.fire({ credentials })));
    this.owned.push(wrapper);
    return wrapper;
  }

  /**
   * Takes over the parent session's lifetime (the parent was the active identity and is now only
   * this session's source): it is disposed with this session, and its timers stop (see
   * `renewOnDemandOnly`): it is renewed on demand when this session renews.
   */
  adoptParent(): void {
    if (!this.parent || this.ownsParent) return;
    this.ownsParent = true;
    this.parent.renewOnDemandOnly();
  }

  /**
   * Used only as another session's source, or only by terminals opened before a switch, from now
   * on: neither its own credentials nor the GetSessionToken wrapper made for terminals (now or
   * later) renew by timer, which would call STS (and ask for MFA codes) for credentials nobody may
   * use; whoever does use them renews them on demand.
   */
  private renewOnDemandOnly(): void {
    this.sourceOnly = true;
    this.credentials.setProactive(false);
    this.exportCredentials?.setProactive(false);
  }

  /** True once the session stopped: released by its owner and by every lease. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /**
   * Keeps the session (and its renewals) alive after its owner disposes it, until the returned
   * lease is disposed. Terminals opened while it was active hold one, so their credentials are
   * still renewed (on demand) after the user switches identity. A lease on a stopped session does nothing.
   */
  retain(): Disposable {
    if (this.disposed) return { dispose: () => undefined };
    this.leases++;
    let released = false;
    return {
      dispose: () => {
        if (released) return;
        released = true;
        this.leases--;
        this.stopIfUnused();
      },
    };
  }

  /**
   * The owner (the identity manager) is done with it; it stops now unless leases keep it alive.
   * Kept alive, it is no longer the active identity: it renews only when a terminal asks, so an
   * MFA identity left behind prompts for codes only when it is used, not on its own schedule.
   */
  dispose(): void {
    this.ownerReleased = true;
    if (!this.disposed && this.leases > 0) this.renewOnDemandOnly();
    this.stopIfUnused();
  }

  private stopIfUnused(): void {
    if (this.disposed || !this.ownerReleased || this.leases > 0) return;
    this.disposed = true;
    for (const s of this.subscriptions) s.dispose();
    this.exportableChanged.dispose();
    this.credentials.dispose();
    for (const d of this.owned) d.dispose();
    if (this.ownsParent) this.parent?.dispose();
  }
}
