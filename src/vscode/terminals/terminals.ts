/**
 * The terminal feature as extension.ts sees it: keeps the environment collection in step with the
 * active identity, the mode setting and the profiles, opens "AWS: <identity>" terminals, and
 * provides the "AWS: Active Identity" terminal profile.
 *
 * User data (profile names, ARNs) never reaches a shell command line: terminals are configured
 * through their environment and name only, nothing is sent with `sendText`.
 */
import * as vscode from 'vscode';
import type { Identity, Logger, ProfileKind } from '../../shared/types';
import type { CredentialEndpoint } from '../../terminal/credentialEndpoint';
import type { Disposable } from '../../shared/events';
import type { TerminalSession } from '../../terminal/terminalSession';
import { TerminalEnvironment } from './environmentCollection';
import { ConsentMemory, SessionMemory, keyConsentModal } from './keyConsent';
import type { TerminalEnvSetting } from '../../terminal/shadows';
import { OWN_TERMINAL_DELETIONS, TerminalCredentialsMode, printable, terminalName } from '../../terminal/terminalRules';

/** The terminal profile contributed in package.json (`contributes.terminal.profiles`). */
export const TERMINAL_PROFILE_ID = 'awsIdentity.terminal';

/** What Terminals needs from the identity manager (src/identity/identityManager.ts fits). */
export interface TerminalIdentities {
  readonly session: TerminalSession | undefined;
  /** Fires on switches and clears (renewals come through the session). */
  readonly onDidChangeIdentity: (listener: (identity: Identity | undefined) => unknown) => Disposable;
}

/** What Terminals needs from the settings (src/vscode/settings.ts fits). */
export interface TerminalSettings {
  terminalMode(): TerminalCredentialsMode;
  onDidChange(section: string, listener: () => void): Disposable;
  /** `awsIdentity.terminal.legacyTokenVariable`. */
  legacyTokenVariable?(): boolean;
  /** `terminal.integrated.env.<platform>` and its full name. */
  terminalEnvSetting?(): { readonly name: string; readonly value: TerminalEnvSetting | undefined };
  /** Whether VS Code saves terminal environments (`terminal.integrated.enablePersistentSessions`). */
  persistentTerminalSessions?(): boolean;
  /** Fires when one of VS Code's terminal settings read above changes. */
  onDidChangeTerminalSettings?(listener: () => void): Disposable;
}

/** What Terminals needs from the profile store (src/vscode/profileStore.ts fits). */
export interface TerminalProfileSource {
  model(): Promise<{ readonly profiles: ReadonlyArray<{ readonly name: string; readonly kind: ProfileKind }> }>;
  readonly onDidChange: (listener: (e: unknown) => unknown) => Disposable;
}

export interface TerminalsOptions {
  /** Lets the [default]-profile check run; without it only inherited variables are checked. */
  readonly profiles?: TerminalProfileSource;
  readonly startEndpoint?: (preferredPort: number | undefined) => Promise<CredentialEndpoint>;
  readonly inherited?: () => Readonly<Record<string, string | undefined>>;
  /**
   * Keeps the answer about keys in saved terminals per workspace (pass `context.workspaceState`).
   * Without it the answer lasts until the window reloads.
   */
  readonly consentMemory?: ConsentMemory;
  readonly runtimeRoot?: string;
}

export class Terminals implements vscode.Disposable {
  readonly environment: TerminalEnvironment;
  private readonly subscriptions: Disposable[] = [];

  constructor(
    collection: vscode.EnvironmentVariableCollection,
    private readonly identities: TerminalIdentities,
    settings: TerminalSettings,
    private readonly log: Logger,
    options: TerminalsOptions = {},
  ) {
    const profiles = options.profiles;
    const memory = options.consentMemory ?? new SessionMemory();
    this.environment = new TerminalEnvironment({
      collection,
      logger: log,
      mode: () => settings.terminalMode(),
      ...(profiles ? { profiles: async () => (await profiles.model()).profiles } : {}),
      ...(options.startEndpoint ? { startEndpoint: options.startEndpoint } : {}),
      ...(options.inherited ? { inherited: options.inherited } : {}),
      ...(options.runtimeRoot ? { runtimeRoot: options.runtimeRoot } : {}),
      ...(settings.terminalEnvSetting ? { configuredEnv: () => settings.terminalEnvSetting!() } : {}),
      ...(settings.persistentTerminalSessions ? { persistentSessions: () => settings.persistentTerminalSessions!() } : {}),
      ...(settings.legacyTokenVariable ? { legacyToken: () => settings.legacyTokenVariable!() } : {}),
      consent: keyConsentModal(memory),
    });
    this.subscriptions.push(
      identities.onDidChangeIdentity(() => void this.environment.update(identities.session)),
      settings.onDidChange('terminal', () => void this.environment.refresh()),
      vscode.window.registerTerminalProfileProvider(TERMINAL_PROFILE_ID, {
        // As openTerminalFor: the environment first applied for the identity the terminal is named after.
        provideTerminalProfile: async () => new vscode.TerminalProfile(this.terminalOptions((await this.appliedSession())?.identity)),
      }),
    );
    if (profiles) this.subscriptions.push(profiles.onDidChange(() => void this.environment.refresh()));
    if (settings.onDidChangeTerminalSettings) this.subscriptions.push(settings.onDidChangeTerminalSettings(() => void this.environment.refresh()));
    // An identity restored before we were constructed.
    if (identities.session) void this.environment.update(identities.session);
  }

  /**
   * Opens and shows a terminal named after `identity`. It inherits the collection (the active
   * identity's credentials) and has AWS_PROFILE / AWS_DEFAULT_PROFILE removed, so a profile
   * selected in the environment VS Code was started from cannot win over the chosen identity.
   */
  async openTerminalFor(identity: Identity): Promise<vscode.Terminal> {
    if (this.identities.session?.identity.arn !== identity.arn) {
      this.log.warn(`A terminal was requested for ${identity.arn}, which is not the active identity; it gets the active identity's credentials.`);
    }
    const active = await this.appliedSession();
    const terminal = vscode.window.createTerminal(this.terminalOptions(active?.identity ?? identity));
    terminal.show();
    return terminal;
  }

  /**
   * The active session, once the collection has been applied for it: a terminal's process must
   * start with the variables of the identity it is named after. A switch that lands meanwhile
   * replaces our update with its own; then we wait for that one instead (a few times at most).
   */
  private async appliedSession(): Promise<TerminalSession | undefined> {
    let active = this.identities.session;
    for (let tries = 0; tries < 3; tries++) {
      await this.environment.update(active);
      if (this.identities.session === active) break;
      active = this.identities.session;
    }
    return active;
  }

  private terminalOptions(identity: Identity | undefined): vscode.TerminalOptions {
    const state = this.environment.state;
    const how = state.mode === 'endpoint' ? 'refreshing credentials from VS Code' : state.mode === 'environment' ? 'credentials in environment variables' : 'no credentials';
    // Environment mode while keys may not go where VS Code saves them: this terminal gets them
    // directly, and (like every terminal of ours holding keys) is never saved nor revived.
    const keys = this.environment.ownTerminalVariables();
    return {
      name: identity ? terminalName(identity) : 'AWS: no identity',
      iconPath: new vscode.ThemeIcon('cloud'),
      env: { ...OWN_TERMINAL_DELETIONS, ...(keys ?? {}) },
      ...(state.plan?.ownTerminalTransient ? { isTransient: true } : {}),
      // Written to the terminal's screen, never to the shell.
      message: identity
        ? `AWS identity: ${printable(identity.arn)} (${printable(identity.region)}), ${how}.`
        : 'No AWS identity is selected: pick a profile in the AWS Identity view, then open a new terminal.',
    };
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.environment.dispose();
  }
}
