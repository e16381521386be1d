/**
 * Puts the active identity into the integrated terminals through VS Code's environment variable
 * collection, following the rules in src/terminal (terminalRules.ts, shadows.ts, persistence.ts):
 *  - endpoint mode: the loopback endpoint's URL and the NAME of a private token file
 *    (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE); each terminal gets its own token (tokenRotation.ts).
 *    Clearing the identity or choosing `off` revokes every grant;
 *  - environment mode: the temporary keys, replaced on every renewal, but only where VS Code does
 *    not save them unless the user allowed it (persistence.ts terminalPlan; keyConsent.ts asks);
 *  - off: nothing (exactly the variables set before are removed).
 * The collection is not persistent, so nothing in it outlives the window, and every mutator is
 * applied both at process creation and again by VS Code's shell integration script after the
 * user's rc files have run, so an `export AWS_ACCESS_KEY_ID=...` in ~/.bashrc cannot override it.
 */
import * as vscode from 'vscode';
import type { Identity, Logger, ProfileKind } from '../../shared/types';
import type { CredentialEndpoint } from '../../terminal/credentialEndpoint';
import { KeyChoice, KeyConsent, TerminalPlan, keyChoice, terminalPlan } from '../../terminal/persistence';
import { TerminalEnvSetting, effectiveMode, endpointShadows, profileOverride, terminalEnvironment } from '../../terminal/shadows';
import { ExportInput, ManagedVariable, Shadow, TerminalCredentialsMode, collectionDescription, terminalVariables } from '../../terminal/terminalRules';
import { ConsentPrompt, type KeyConsentStore } from './keyConsent';
import { TerminalTokens } from './tokenRotation';
import type { Disposable } from '../../shared/events';
import type { TerminalSession } from '../../terminal/terminalSession';

export interface TerminalEnvironmentOptions {
  readonly collection: vscode.EnvironmentVariableCollection;
  readonly logger: Logger;
  /** The `awsIdentity.terminal.credentials` setting. */
  readonly mode: () => TerminalCredentialsMode;
  /** Starts the credential endpoint the first time endpoint mode needs it (on `preferredPort` if free). */
  readonly startEndpoint?: (preferredPort: number | undefined) => Promise<CredentialEndpoint>;
  /** Where the private runtime folder lives (default: runtimeFolder.ts defaultRuntimeRoot). */
  readonly runtimeRoot?: string;
  /** The `terminal.integrated.env.<platform>` setting and its name. */
  readonly configuredEnv?: () => { readonly name: string; readonly value: TerminalEnvSetting | undefined };
  /** Whether VS Code saves terminal environments to disk (persistent sessions); default true. */
  readonly persistentSessions?: () => boolean;
  /** Endpoint mode: also put the token in AWS_CONTAINER_AUTHORIZATION_TOKEN (old clients). */
  readonly legacyToken?: () => boolean;
  /** The user's answer to "keys where VS Code saves them?", and how to ask it (once per workspace, or on request). */
  readonly consent?: KeyConsentStore;
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
  /** Endpoint grants alive (pending or held by open terminals). */
  readonly activeGrants: number;
  /** Who gets what (src/terminal/persistence.ts terminalPlan); undefined with no identity. */
  readonly plan?: TerminalPlan;
  /** The endpoint's port, when it runs (not secret). */
  readonly endpointPort?: number;
  /** Terminals given back their token after a window reload. */
  readonly restoredTerminals?: number;
}

const MUTATOR_OPTIONS: vscode.EnvironmentVariableMutatorOptions = { applyAtProcessCreation: true, applyAtShellIntegration: true };

export class TerminalEnvironment implements vscode.Disposable {
  private readonly collection: vscode.EnvironmentVariableCollection;
  private readonly logger: Logger;
  private readonly tokens: TerminalTokens;
  private readonly consent: ConsentPrompt;
  /** Environment mode when only our own terminals may get the keys: their variables (secret; never published). */
  private ownVariables: Map<ManagedVariable, string> | undefined;
  private readonly applied = new Map<ManagedVariable, string>();
  private readonly changed = new vscode.EventEmitter<TerminalEnvironmentState>();
  private sessionSubscription: Disposable | undefined;
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
    this.consent = new ConsentPrompt(options.consent, options.logger);
    this.tokens = new TerminalTokens({
      logger: options.logger,
      ...(options.startEndpoint ? { startEndpoint: options.startEndpoint } : {}),
      ...(options.runtimeRoot ? { runtimeRoot: options.runtimeRoot } : {}),
      ...(options.legacyToken ? { legacyToken: options.legacyToken } : {}),
      endpointSession: () => (this.current.mode === 'endpoint' ? this.session : undefined),
      enqueue: (task, failure) => {
        this.queue = this.queue.then(task).catch((e: unknown) => this.logger.error(failure, e));
      },
      rotated: (variables) => {
        this.setVariables(variables);
        this.publish({});
      },
      changed: () => this.publish({}), // the grant count changed
    });
  }

  /**
   * The variables this extension's own terminal gets in `TerminalOptions.env` (environment mode
   * while keys may not go into the shared collection). Secret: never log or publish it.
   */
  ownTerminalVariables(): Readonly<Record<string, string>> | undefined {
    return this.ownVariables ? Object.fromEntries(this.ownVariables) : undefined;
  }

  /**
   * "Change Where Terminal Keys Go…": asks the question now, whatever was answered before. An
   * answer replaces the stored one and is applied before this resolves (terminals opened after it
   * follow it); dismissing keeps the old answer. Where the answer would change nothing, nothing
   * is asked and the reason comes back instead.
   */
  async chooseKeys(): Promise<Exclude<KeyChoice, { question: string }> | { readonly answer: KeyConsent }> {
    const choice = keyChoice({
      configured: this.options.mode(),
      // The mode in use (after the fallback) belongs to an identity; without one the setting decides.
      inUse: this.current.identity ? this.current.mode : undefined,
      persistentSessions: this.options.persistentSessions?.() ?? true,
    });
    if (!('question' in choice)) return choice;
    const answer = await this.consent.choose(choice.question);
    if (answer !== undefined) await this.refresh();
    return { answer };
  }

  get state(): TerminalEnvironmentState {
    // A terminal closing revokes its grant without a new update: count the grants as they are now.
    return { ...this.current, activeGrants: this.tokens.size };
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
      this.tokens.revokeAll();
      this.ownVariables = undefined;
      this.setVariables(new Map());
      this.collection.description = undefined;
      this.publish({ configuredMode: configured, mode: 'off', identity: undefined, notices: [], shadows: [], plan: undefined });
      return;
    }
    const identity = session.identity;
    const processEnv = (this.options.inherited ?? (() => process.env))();
    const configuredEnv = this.options.configuredEnv?.();
    // What a "+" terminal starts with before our collection: VS Code's environment and the setting.
    const inherited = terminalEnvironment(processEnv, configuredEnv?.value).env;
    const notices: string[] = [];
    let shadows: Shadow[] = [];
    if (configured === 'endpoint') {
      const profiles = await this.readProfiles();
      if (ticket !== this.seq || this.disposed) return;
      shadows = endpointShadows({
        inherited: processEnv,
        profiles,
        ...(configuredEnv?.value ? { configured: configuredEnv.value, configuredName: configuredEnv.name } : {}),
      });
    }
    const decision = effectiveMode(configured, shadows);
    if (decision.reason) notices.push(decision.reason);
    let mode = decision.mode;
    let input: ExportInput | undefined;

    let endpointVars: Map<ManagedVariable, string> | undefined;
    let port: number | undefined;
    if (mode === 'endpoint') {
      try {
        const pending = await this.tokens.pending(session, () => ticket !== this.seq || this.disposed);
        if (!pending) return;
        endpointVars = pending.variables;
        port = pending.port;
      } catch (e) {
        this.logger.error('The terminal credential endpoint could not start; exporting environment variables instead', e);
        notices.push(`The credential endpoint could not start (${e instanceof Error ? e.message : String(e)}); terminals get environment variables instead. Reload the window to try again.`);
        mode = 'environment';
      }
    }
    if (mode === 'environment') {
      this.tokens.clearCurrent();
      this.ownVariables = undefined;
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
        this.ownVariables = undefined;
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
    const consent = this.consent.get();
    const plan = terminalPlan({ mode, automatic: configured !== mode, persistentSessions: this.options.persistentSessions?.() ?? true, consent });
    if (plan.notice) notices.push(plan.notice);
    const vars = endpointVars ?? terminalVariables(mode, input);
    if (mode === 'environment' && !plan.sharedVariables) {
      // Keys only where VS Code does not save them: our own (transient) terminals.
      this.ownVariables = vars;
      this.setVariables(new Map());
      this.collection.description = `AWS credentials for ${identity.name} only in terminals opened by AWS Identity (not saved by VS Code)`;
      if (plan.askConsent) this.consent.ask(plan.notice ?? '', () => void this.refresh());
    } else {
      this.ownVariables = undefined;
      this.setVariables(vars);
      this.collection.description = collectionDescription(identity, mode, shadows);
    }
    this.publish({ configuredMode: configured, mode, identity, notices, shadows, plan, ...(port !== undefined ? { endpointPort: port } : {}) });
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
    this.current = { ...this.current, ...patch, variables: [...this.applied.keys()], activeGrants: this.tokens.size, restoredTerminals: this.tokens.restored };
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
    // Clear exactly what we set; the collection is ours alone but other code may share this instance.
    for (const name of this.applied.keys()) this.collection.delete(name);
    this.applied.clear();
    this.collection.description = undefined;
    this.ownVariables = undefined;
    this.tokens.dispose();
    this.changed.dispose();
  }
}
