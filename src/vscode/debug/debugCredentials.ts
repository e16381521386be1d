/**
 * Debug launches of any type get the active identity the way a new terminal does
 * (src/terminal/terminalRules.ts terminalVariables, in the mode the terminals use now):
 *  - endpoint mode: the endpoint's URL and a token file of the debug session's own (a grant on the
 *    terminals' endpoint, src/vscode/debug/sharedEndpoint.ts), revoked when the session ends;
 *  - environment mode: the temporary keys (a launch configuration is not saved by VS Code);
 *  - off, no identity, or a configuration choosing AWS credentials itself (debugRules.ts): nothing.
 * The variables go into `config.env` in `resolveDebugConfigurationWithSubstitutedVariables`, the
 * last step before the debugger starts the program, so a switch changes the NEXT launch; a running
 * one keeps the identity it started with (its grant holds that identity's session). Clearing the
 * identity or turning terminal credentials off revokes every session's grant, as for terminals.
 * Logs name grants by id and variables by name, never a token or a key.
 */
import * as vscode from 'vscode';
import type { AwsCredentials, Logger } from '../../shared/types';
import type { CredentialEndpoint, CredentialSource, EndpointGrant } from '../../terminal/credentialEndpoint';
import { profileOverride } from '../../terminal/shadows';
import { MANAGED_VARIABLES, ManagedVariable, terminalVariables } from '../../terminal/terminalRules';
import type { Disposable } from '../../shared/events';
import type { TerminalSession } from '../../terminal/terminalSession';
import type { TerminalEnvironmentState } from '../terminals/environmentCollection';
import { isChildSession, launchLabel, mayRunInTerminal, ownAwsSettings, withVariables } from './debugRules';
import { DebugTokenFiles } from './tokenFiles';

/** Marks a resolved configuration with the grant made for it (not secret: a random id). */
export const GRANT_MARKER = '__awsIdentityGrant';
/** A grant whose launch never started (a failed preLaunchTask, say) is revoked after this long. */
const UNSTARTED_GRANT_MS = 15 * 60_000;

export interface DebugCredentialsOptions {
  readonly logger: Logger;
  /** The active identity's session (the identity manager fits). */
  readonly session: () => TerminalSession | undefined;
  /** What terminals get now, and a way to bring it up to date (the terminals' TerminalEnvironment fits). */
  readonly environment: {
    readonly state: TerminalEnvironmentState;
    refresh(): Promise<void>;
    readonly onDidChange: (listener: (state: TerminalEnvironmentState) => unknown) => Disposable;
  };
  /** The window's credential endpoint (started by the terminals in endpoint mode). */
  readonly endpoint: () => Promise<CredentialEndpoint>;
  /** `awsIdentity.debug.credentials`. */
  readonly enabled: () => boolean;
  /** `awsIdentity.terminal.legacyTokenVariable`. */
  readonly legacyToken?: () => boolean;
  readonly tokenFiles?: DebugTokenFiles;
}

/** One debug launch's grant: the endpoint's, its token file, and the session it keeps alive. */
interface DebugGrant {
  readonly grant: EndpointGrant;
  readonly revoke: () => void;
  timer: NodeJS.Timeout | undefined;
}

/** The endpoint's view of the identity a launch started with (a switch does not change it). */
function sourceFor(session: TerminalSession): CredentialSource & { release(): void } {
  const lease = session.retain?.();
  return {
    label: `${session.identity.name} (${session.identity.account}) for a debug session`,
    getCredentials: (): Promise<AwsCredentials> =>
      session.isDisposed
        ? Promise.reject(new Error('this identity is no longer active in VS Code, so its credentials are no longer renewed. Restart the debug session to use the current identity'))
        : session.getExportableCredentials(),
    release: () => lease?.dispose(),
  };
}

export class DebugCredentials implements vscode.DebugConfigurationProvider, vscode.Disposable {
  private readonly grants = new Map<string, DebugGrant>();
  private readonly tokenFiles: DebugTokenFiles;
  private readonly subscriptions: Disposable[] = [];
  private seq = 0;

  constructor(private readonly options: DebugCredentialsOptions) {
    this.tokenFiles = options.tokenFiles ?? new DebugTokenFiles();
    this.subscriptions.push(
      vscode.debug.registerDebugConfigurationProvider('*', this),
      vscode.debug.onDidStartDebugSession((s) => this.started(s)),
      vscode.debug.onDidTerminateDebugSession((s) => this.terminated(s)),
      options.environment.onDidChange((state) => {
        if ((state.mode === 'off' || !state.identity) && this.grants.size > 0) {
          this.options.logger.info(`The identity was cleared or terminal credentials turned off: revoking the ${this.grants.size} debug session grant(s).`);
          this.revokeAll();
        }
      }),
    );
  }

  /** The live debug session grants (the test hooks read it; never a secret). */
  get state(): { activeGrants: number } {
    return { activeGrants: this.grants.size };
  }

  async resolveDebugConfigurationWithSubstitutedVariables(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration> {
    if (!this.options.enabled() || isChildSession(config)) return config;
    const marker = config[GRANT_MARKER] as unknown;
    if (marker !== undefined) {
      if (typeof marker === 'string' && this.grants.has(marker)) return config; // resolved already
      // A restart of a launch we resolved before: what we added then is stale.
      delete config[GRANT_MARKER];
      if (config.env && typeof config.env === 'object') for (const name of MANAGED_VARIABLES) delete (config.env as Record<string, unknown>)[name];
    }
    const label = launchLabel(config);
    const own = ownAwsSettings(config);
    if (own) {
      this.options.logger.info(`Debug launch ${label} is left as it is: ${own}. Remove those from the launch configuration to give it the active AWS identity.`);
      return config;
    }
    let session = this.options.session();
    if (!session) {
      this.options.logger.info(`Debug launch ${label} gets no AWS identity: none is selected.`);
      return config;
    }
    try {
      let state = this.options.environment.state;
      if (state.identity?.arn !== session.identity.arn) {
        // A switch the terminals have not applied yet: apply it, so both agree on the mode.
        await this.options.environment.refresh();
        state = this.options.environment.state;
        session = this.options.session() ?? session;
      }
      const identity = session.identity;
      if (state.mode === 'off') {
        this.options.logger.info(`Debug launch ${label} gets no AWS identity: terminal credentials are off (awsIdentity.terminal.credentials).`);
        return config;
      }
      let vars: Map<ManagedVariable, string>;
      let how: string;
      if (state.mode === 'endpoint') {
        const id = `g${++this.seq}`;
        const granted = await this.grant(session);
        vars = granted.vars;
        config[GRANT_MARKER] = id;
        this.grants.set(id, granted.entry);
        granted.entry.timer = setTimeout(() => {
          if (!this.grants.has(id)) return;
          this.options.logger.warn(`Debug launch ${label} did not start within 15 minutes; its credential grant ${granted.entry.grant.id} is revoked. Start the launch again.`);
          this.revoke(id);
        }, UNSTARTED_GRANT_MS);
        granted.entry.timer.unref?.();
        how = `the credential endpoint (grant ${granted.entry.grant.id}, revoked when the session ends)`;
      } else {
        if (state.plan && !state.plan.sharedVariables && mayRunInTerminal(config)) {
          // The same rule as for "+" terminals (src/terminal/persistence.ts): no keys where VS Code saves them.
          const endpoint = state.configuredMode === 'environment' ? 'set awsIdentity.terminal.credentials to "endpoint"' : 'remove what hides the credential endpoint (the log above says what)';
          this.options.logger.warn(
            `Debug launch ${label} gets no AWS keys: it runs in a terminal, whose environment VS Code saves to disk (terminal.integrated.enablePersistentSessions). Set "console": "internalConsole" in the launch configuration, allow keys in terminals when AWS Identity asks, or ${endpoint}.`,
          );
          return config;
        }
        const credentials = await session.getExportableCredentials();
        const override = profileOverride(identity, process.env);
        vars = terminalVariables('environment', { region: identity.region, credentials, ...(override.profile ? { profileOverride: override.profile } : {}) });
        config[GRANT_MARKER] = 'environment';
        how = 'environment variables (temporary keys)';
      }
      config.env = withVariables(config.env, vars);
      this.options.logger.info(`Debug launch ${label} gets ${identity.name} (${identity.account}) through ${how}: ${[...vars.keys()].join(', ')}.`);
      return config;
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      this.options.logger.error(`Debug launch ${label} gets no AWS identity`, e);
      void vscode.window.showWarningMessage(`The debug launch ${label} starts without AWS credentials from AWS Identity: ${why}. Select the identity again (it may need MFA or a new sign-in), then restart the launch.`);
      return config;
    }
  }

  private async grant(session: TerminalSession): Promise<{ vars: Map<ManagedVariable, string>; entry: DebugGrant }> {
    const endpoint = await this.options.endpoint();
    const source = sourceFor(session);
    const grant = endpoint.grant(source);
    let tokenFile: string;
    try {
      tokenFile = this.tokenFiles.write(grant.token);
    } catch (e) {
      grant.revoke();
      source.release();
      throw e;
    }
    const legacy = this.options.legacyToken?.() ?? false;
    const vars = terminalVariables('endpoint', {
      region: session.identity.region,
      grant: { url: grant.url, tokenFile, ...(legacy ? { token: grant.token } : {}) },
      legacyToken: legacy,
    });
    const entry: DebugGrant = {
      grant,
      timer: undefined,
      revoke: () => {
        grant.revoke();
        this.tokenFiles.remove(tokenFile);
        source.release();
      },
    };
    return { vars, entry };
  }

  private started(s: vscode.DebugSession): void {
    const id = s.configuration[GRANT_MARKER] as unknown;
    const entry = typeof id === 'string' ? this.grants.get(id) : undefined;
    if (!entry?.timer) return;
    clearTimeout(entry.timer);
    entry.timer = undefined;
  }

  private terminated(s: vscode.DebugSession): void {
    const id = s.configuration[GRANT_MARKER] as unknown;
    if (typeof id !== 'string' || !this.grants.has(id)) return;
    this.options.logger.info(`Debug session ${launchLabel(s.configuration)} ended: its credential grant ${this.grants.get(id)?.grant.id ?? '?'} is revoked.`);
    this.revoke(id);
  }

  private revoke(id: string): void {
    const entry = this.grants.get(id);
    if (!entry) return;
    this.grants.delete(id);
    if (entry.timer) clearTimeout(entry.timer);
    entry.revoke();
  }

  private revokeAll(): void {
    for (const id of [...this.grants.keys()]) this.revoke(id);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.revokeAll();
    this.tokenFiles.dispose();
  }
}
