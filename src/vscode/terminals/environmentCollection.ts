/**
 * Puts the active identity into the integrated terminals through VS Code's environment variable
 * collection, following the rules in terminalRules.ts:
 *  - endpoint mode: the loopback endpoint's URL and a per-identity token (terminals fetch and
 *    refresh credentials themselves); after a switch, an identity's grant lives on while any open
 *    terminal holds it; clearing the identity or choosing `off` revokes every grant;
 *  - environment mode: the temporary keys, replaced on every renewal;
 *  - off: nothing (exactly the variables set before are removed).
 * The collection is not persistent, so no token or key outlives the window, and every mutator is
 * applied both at process creation and again by VS Code's shell integration script after the
 * user's rc files have run, so an `export AWS_ACCESS_KEY_ID=...` in ~/.bashrc cannot override it.
 */
import * as vscode from 'vscode';
import type { AwsCredentials, Identity, Logger, ProfileKind } from '../../shared/types';
import { CredentialEndpoint, CredentialSource, EndpointGrant } from '../../terminal/credentialEndpoint';
import {
  ExportInput,
  GrantLedger,
  ManagedVariable,
  Shadow,
  TerminalCredentialsMode,
  collectionDescription,
  effectiveMode,
  endpointShadows,
  identityKey,
  profileOverride,
  terminalVariables,
} from '../../terminal/terminalRules';

/** Same shape as vscode.Disposable and the core's Disposable. */
export interface DisposableLike {
  dispose(): unknown;
}

/** What the terminals need from one identity's session (src/identity/identitySession.ts fits). */
export interface TerminalSession {
  readonly identity: Identity;
  /** Temporary credentials only (session token and expiration); cached and renewed by the session. */
  getExportableCredentials(): Promise<AwsCredentials>;
  /** Fires when the exportable credentials were renewed (environment mode re-exports them). */
  readonly onDidChangeExportableCredentials?: (listener: (e: unknown) => unknown) => DisposableLike;
  /** True once the session stopped (it was replaced and nothing kept it alive). */
  readonly isDisposed?: boolean;
  /**
   * Keeps the session (and its renewal) alive after it stops being the active identity, until the
   * lease is disposed. Terminals opened earlier hold a lease through their grant. Without it, such
   * terminals get an error telling them to open a new terminal once the session is replaced.
   */
  retain?(): DisposableLike;
}

export interface TerminalEnvironmentOptions {
  readonly collection: vscode.EnvironmentVariableCollection;
  readonly logger: Logger;
  /** The `awsIdentity.terminal.credentials` setting. */
  readonly mode: () => TerminalCredentialsMode;
  /** Starts the credential endpoint the first time endpoint mode needs it. */
  readonly startEndpoint?: () => Promise<CredentialEndpoint>;
  /** Profiles (name and kind) to tell whether a [default] or inherited profile hides the endpoint. */
  readonly profiles?: () => Promise<ReadonlyArray<{ readonly name: string; readonly kind: ProfileKind }> | undefined>;
  /** The environment "+" terminals inherit (default: this process's). */
  readonly inherited?: () => Readonly<Record<string, string | undefined>>;
}

/** What the terminals get now, for the UI and tests. Never contains a secret. */
export interface TerminalEnvironmentState {
  readonly configuredMode: TerminalCredentialsMode;
  /** The mode in use: differs from the configured one when the endpoint would be hidden or failed. */
  readonly mode: TerminalCredentialsMode;
  readonly identity?: Identity;
  /** Names of the variables set in the collection. */
  readonly variables: readonly ManagedVariable[];
  /** Why the configured mode was not used, and what stays uncovered (one sentence each). */
  readonly notices: readonly string[];
  readonly shadows: readonly Shadow[];
  /** Endpoint grants alive (current or held by open terminals). */
  readonly activeGrants: number;
}

const MUTATOR_OPTIONS: vscode.EnvironmentVariableMutatorOptions = { applyAtProcessCreation: true, applyAtShellIntegration: true };

/** The endpoint's view of one identity: always the newest session for that principal. */
class GrantedIdentity implements CredentialSource {
  private session: TerminalSession;
  private lease: DisposableLike | undefined;

  constructor(session: TerminalSession) {
    this.session = session;
    this.lease = session.retain?.();
  }

  get label(): string {
    return `${this.session.identity.name} (${this.session.identity.account})`;
  }

  use(session: TerminalSession): void {
    if (session === this.session) return;
    const old = this.lease;
    this.session = session;
    this.lease = session.retain?.();
    old?.dispose();
  }

  getCredentials(): Promise<AwsCredentials> {
    if (this.session.isDisposed) {
      return Promise.reject(new Error('this identity is no longer active in VS Code, so its credentials are no longer renewed. Open a new terminal to use the current identity'));
    }
    return this.session.getExportableCredentials();
  }

  release(): void {
    this.lease?.dispose();
    this.lease = undefined;
  }
}

interface LedgerGrant {
  readonly grant: EndpointGrant;
  readonly source: GrantedIdentity;
  revoke(): void;
}

export class TerminalEnvironment implements vscode.Disposable {
  private readonly collection: vscode.EnvironmentVariableCollection;
  private readonly logger: Logger;
  private readonly ledger = new GrantLedger<vscode.Terminal, LedgerGrant>();
  private readonly applied = new Map<ManagedVariable, string>();
  private readonly changed = new vscode.EventEmitter<TerminalEnvironmentState>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private sessionSubscription: DisposableLike | undefined;
  private endpoint: Promise<CredentialEndpoint> | undefined;
  private session: TerminalSession | undefined;
  private seq = 0;
  private queue: Promise<void> = Promise.resolve();
  private current: TerminalEnvironmentState;
  private lastNotices = '';
  private disposed = false;

  /** Fires after every change of what terminals get. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly options: TerminalEnvironmentOptions) {
    this.collection = options.collection;
    this.logger = options.logger;
    // No token or key may outlive the window, nor be restored into a terminal before we run.
    this.collection.persistent = false;
    this.current = { configuredMode: options.mode(), mode: 'off', variables: [], notices: [], shadows: [], activeGrants: 0 };
    this.subscriptions.push(
      vscode.window.onDidOpenTerminal((t) => this.ledger.opened(t)),
      vscode.window.onDidCloseTerminal((t) => {
        this.ledger.closed(t);
        this.publish({}); // the grant count changed
      }),
    );
  }

  get state(): TerminalEnvironmentState {
    return this.current;
  }

  /**
   * Makes terminals opened from now on carry `session`'s identity (or none). Calls are applied in
   * order; the returned promise settles when this one is applied (or superseded by a newer one).
   */
  update(session: TerminalSession | undefined): Promise<void> {
    if (session !== this.session) {
      this.sessionSubscription?.dispose();
      this.sessionSubscription = session?.onDidChangeExportableCredentials?.(() => {
        // Only environment mode carries the keys themselves; the endpoint serves renewals by itself.
        if (this.current.mode === 'environment' && this.session === session) void this.refresh();
      });
      this.session = session;
    }
    return this.refresh();
  }

  /** Re-applies the current session (after a change of the mode setting or of the profiles). */
  refresh(): Promise<void> {
    const ticket = ++this.seq;
    const session = this.session;
    this.queue = this.queue.then(() => this.apply(ticket, session)).catch((e: unknown) => this.logger.error('Updating the terminal environment failed', e));
    return this.queue;
  }

  private async apply(ticket: number, session: TerminalSession | undefined): Promise<void> {
    if (ticket !== this.seq || this.disposed) return; // a newer update will run
    const configured = this.options.mode();
    if (!session || configured === 'off') {
      // Clearing the identity or turning the feature off stops every terminal's access, not just
      // new ones: that is what the user asked for. (A switch, below, keeps older terminals working.)
      this.ledger.revokeAll();
      this.setVariables(new Map());
      this.collection.description = undefined;
      this.publish({ configuredMode: configured, mode: 'off', identity: undefined, notices: [], shadows: [] });
      return;
    }
    const identity = session.identity;
    const inherited = (this.options.inherited ?? (() => process.env))();
    const notices: string[] = [];
    let shadows: Shadow[] = [];
    if (configured === 'endpoint') {
      const profiles = await this.readProfiles();
      if (ticket !== this.seq || this.disposed) return;
      shadows = endpointShadows({ inherited, profiles });
    }
    const decision = effectiveMode(configured, shadows);
    if (decision.reason) notices.push(decision.reason);
    let mode = decision.mode;
    let input: ExportInput | undefined;

    if (mode === 'endpoint') {
      try {
        const endpoint = await this.startEndpoint();
        if (ticket !== this.seq || this.disposed) return;
        const key = identityKey(identity);
        const entry = this.ledger.use(key, () => {
          const source = new GrantedIdentity(session);
          const grant = endpoint.grant(source);
          return { grant, source, revoke: () => (grant.revoke(), source.release()) };
        });
        entry.source.use(session);
        input = { region: identity.region, grant: entry.grant };
      } catch (e) {
        this.logger.error('The terminal credential endpoint could not start; exporting environment variables instead', e);
        notices.push(`The credential endpoint could not start (${e instanceof Error ? e.message : String(e)}); terminals get environment variables instead. Reload the window to try again.`);
        mode = 'environment';
      }
    }
    if (mode === 'environment') {
      this.ledger.clearCurrent();
      try {
        const credentials = await session.getExportableCredentials();
        if (ticket !== this.seq || this.disposed) return;
        const override = profileOverride(identity, inherited);
        if (override.uncovered) notices.push(override.uncovered);
        input = { region: identity.region, credentials, ...(override.profile ? { profileOverride: override.profile } : {}) };
      } catch (e) {
        if (ticket !== this.seq || this.disposed) return;
        // Never leave the previous identity's keys in place for terminals opened from now on.
        this.setVariables(new Map());
        this.collection.description = undefined;
        const message = e instanceof Error ? e.message : String(e);
        this.logger.error(`Could not get credentials of ${identity.name} for terminals; new terminals get none`, e);
        this.publish({
          configuredMode: configured,
          mode,
          identity,
          notices: [...notices, `New terminals get no AWS credentials: ${message}. Select the identity again (it may need MFA or a new sign-in).`],
          shadows,
        });
        return;
      }
    }
    this.setVariables(terminalVariables(mode, input));
    this.collection.description = collectionDescription(identity, mode, shadows);
    this.publish({ configuredMode: configured, mode, identity, notices, shadows });
  }

  private async readProfiles(): Promise<ReadonlyArray<{ name: string; kind: ProfileKind }> | undefined> {
    if (!this.options.profiles) return undefined;
    try {
      return await this.options.profiles();
    } catch (e) {
      this.logger.warn(`Could not read the profiles to check for a [default] profile: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  private startEndpoint(): Promise<CredentialEndpoint> {
    if (!this.endpoint) {
      const start = this.options.startEndpoint ?? (() => CredentialEndpoint.start({ logger: this.logger }));
      this.endpoint = start();
      // A failed start is retried on the next update, not cached forever.
      this.endpoint.catch(() => (this.endpoint = undefined));
    }
    return this.endpoint;
  }

  /** Replaces exactly the variables that differ and deletes the ones no longer wanted. */
  private setVariables(next: Map<ManagedVariable, string>): void {
    for (const name of [...this.applied.keys()]) {
      if (!next.has(name)) {
        this.collection.delete(name);
        this.applied.delete(name);
      }
    }
    for (const [name, value] of next) {
      if (this.applied.get(name) === value) continue;
      this.collection.replace(name, value, MUTATOR_OPTIONS);
      this.applied.set(name, value);
    }
  }

  private publish(patch: Partial<TerminalEnvironmentState>): void {
    this.current = { ...this.current, ...patch, variables: [...this.applied.keys()], activeGrants: this.ledger.size };
    const notices = this.current.notices.join('\n');
    if (notices && notices !== this.lastNotices) {
      for (const n of this.current.notices) this.logger.warn(n);
    }
    this.lastNotices = notices;
    this.changed.fire(this.current);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.sessionSubscription?.dispose();
    for (const s of this.subscriptions) s.dispose();
    // Clear exactly what we set; the collection is ours alone but other code may share this instance.
    for (const name of this.applied.keys()) this.collection.delete(name);
    this.applied.clear();
    this.collection.description = undefined;
    this.ledger.dispose();
    const endpoint = this.endpoint;
    this.endpoint = undefined;
    void endpoint?.then((e) => e.dispose()).catch(() => undefined);
    this.changed.dispose();
  }
}
