/**
 * Debug launches of any type get the active identity the way a new terminal does
 * (src/terminal/terminalRules.ts terminalVariables, in the mode the terminals use now):
 *  - endpoint mode: the endpoint's URL and a token file of the debug session's own (a grant on the
 *    terminals' endpoint, src/vscode/debug/sharedEndpoint.ts), revoked when the session ends;
 *  - environment mode: the temporary keys (a launch configuration is not saved by VS Code), except
 *    for a launch whose program runs in a terminal: VS Code's runInTerminal puts the environment on
 *    a shell command line (`/usr/bin/env 'AWS_SECRET_ACCESS_KEY=…' …`), which the terminal's command
 *    history saves to disk. Such a launch gets the endpoint's variables (a URL and a file name)
 *    when nothing hides the endpoint, and nothing otherwise;
 *  - off, no identity, or a configuration choosing AWS credentials itself (debugRules.ts; its
 *    envFile is read here for variable names only): nothing.
 * The variables go into `config.env` (cppdbg's `environment`: debugRules.ts addVariables) in
 * `resolveDebugConfigurationWithSubstitutedVariables`, the last step before the debugger starts
 * the program, so a switch changes the NEXT launch; a running
 * one keeps the identity it started with (its grant holds that identity's session). A session's end
 * revokes its grant a few seconds later, not at once, so that VS Code's restart of it (the same
 * resolved configuration, the same token file) still works: `GrantLifecycle` (grantLifecycle.ts)
 * decides, told of adapters starting (a tracker) and of the DAP restart requests they receive.
 * Clearing the identity or turning terminal credentials off revokes every session's grant, as for
 * terminals.
 * Logs name grants by id and variables by name, never a token or a key.
 */
import * as vscode from 'vscode';
import { systemClock } from '../../shared/types';
import type { AwsCredentials, Clock, Logger } from '../../shared/types';
import type { CredentialEndpoint, CredentialSource, EndpointGrant } from '../../terminal/credentialEndpoint';
import { profileOverride } from '../../terminal/shadows';
import { ManagedVariable, terminalVariables } from '../../terminal/terminalRules';
import type { Disposable } from '../../shared/events';
import type { TerminalSession } from '../../terminal/terminalSession';
import type { TerminalEnvironmentState } from '../terminals/environmentCollection';
import { addVariables, isChildSession, launchLabel, mayRunInTerminal, ownAwsSettings, removeAddedVariables } from './debugRules';
import { envFilePaths, notInEnvFile, readEnvFileNames } from './envFile';
import { GrantLifecycle, isRestartRequest } from './grantLifecycle';
import { DebugTokenFiles } from './tokenFiles';

/** Marks a resolved configuration with the grant made for it (not secret: a random id). */
export const GRANT_MARKER = '__awsIdentityGrant';

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
  /** For the grants' timers (revocation after a session's end, or when a launch never starts). */
  readonly clock?: Clock;
}

/** One debug launch's grant: the endpoint's, its token file, and the session it keeps alive. */
interface DebugGrant {
  readonly grant: EndpointGrant;
  readonly revoke: () => void;
  /** The launch's {@link launchLabel}, for log lines. */
  label: string;
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

export class DebugCredentials implements vscode.DebugConfigurationProvider, vscode.DebugAdapterTrackerFactory, vscode.Disposable {
  private readonly grants: GrantLifecycle<DebugGrant>;
  private readonly tokenFiles: DebugTokenFiles;
  private readonly subscriptions: Disposable[] = [];
  private seq = 0;

  constructor(private readonly options: DebugCredentialsOptions) {
    this.tokenFiles = options.tokenFiles ?? new DebugTokenFiles();
    this.grants = new GrantLifecycle<DebugGrant>(options.clock ?? systemClock, (_id, entry, why) => {
      if (why === 'unstarted') this.options.logger.warn(`Debug launch ${entry.label} did not start within 15 minutes; its credential grant ${entry.grant.id} is revoked. Start the launch again.`);
      else if (why === 'replaced') this.options.logger.info(`Debug session ${entry.label} restarted with a changed configuration: its earlier credential grant ${entry.grant.id} is revoked.`);
      else this.options.logger.info(`Debug session ${entry.label} ended: its credential grant ${entry.grant.id} is revoked.`);
    });
    this.subscriptions.push(
      vscode.debug.registerDebugConfigurationProvider('*', this),
      vscode.debug.registerDebugAdapterTrackerFactory('*', this),
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

  async resolveDebugConfigurationWithSubstitutedVariables(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration> {
    if (!this.options.enabled() || isChildSession(config)) return config;
    const marker = config[GRANT_MARKER] as unknown;
    if (marker !== undefined) {
      if (typeof marker === 'string' && this.grants.has(marker)) return config; // resolved already
      // A restart of a launch we resolved before: what we added then is stale.
      delete config[GRANT_MARKER];
      removeAddedVariables(config);
    }
    const label = launchLabel(config);
    const files = config.request === 'attach' ? [] : envFilePaths(config);
    // Names only, read here since the rule is pure; never logged beyond credential variable names.
    const envFile = await readEnvFileNames(files, folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined);
    const own = ownAwsSettings(config, envFile);
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
      const inTerminal = mayRunInTerminal(config);
      if (state.mode === 'endpoint' || inTerminal) {
        if (state.mode !== 'endpoint' && state.shadows.length > 0) {
          // Keys would reach the terminal's command line, and the endpoint would lose to what hides it.
          this.options.logger.warn(
            `Debug launch ${label} gets no AWS credentials: it runs in a terminal, where VS Code would put keys on the command line it starts the program with (saved in the terminal's command history), and the credential endpoint would lose to what the log above names. Set "console": "internalConsole" in the launch configuration, or remove what hides the credential endpoint.`,
          );
          return config;
        }
        const id = `g${++this.seq}`;
        let granted: Awaited<ReturnType<DebugCredentials['grant']>>;
        try {
          granted = await this.grant(session, inTerminal);
        } catch (e) {
          if (state.mode === 'endpoint') throw e;
          const why = e instanceof Error ? e.message : String(e);
          this.options.logger.warn(
            `Debug launch ${label} gets no AWS credentials: it runs in a terminal, where VS Code would put keys on the command line it starts the program with (saved in the terminal's command history), and the credential endpoint could not start: ${why}. Set "console": "internalConsole" in the launch configuration to give it the keys.`,
          );
          return config;
        }
        vars = granted.vars;
        config[GRANT_MARKER] = id;
        granted.entry.label = label;
        this.grants.add(id, granted.entry);
        how = `the credential endpoint (grant ${granted.entry.grant.id}, revoked when the session ends${state.mode === 'endpoint' ? '' : '; not keys, since it runs in a terminal whose command line would show them'})`;
      } else {
        const credentials = await session.getExportableCredentials();
        const override = profileOverride(identity, process.env);
        vars = terminalVariables('environment', { region: identity.region, credentials, ...(override.profile ? { profileOverride: override.profile } : {}) });
        config[GRANT_MARKER] = 'environment';
        how = 'environment variables (temporary keys)';
      }
      vars = notInEnvFile(vars, envFile);
      addVariables(config, vars);
      this.options.logger.info(`Debug launch ${label} gets ${identity.name} (${identity.account}) through ${how}: ${[...vars.keys()].join(', ')}.`);
      return config;
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      this.options.logger.error(`Debug launch ${label} gets no AWS identity`, e);
      void vscode.window.showWarningMessage(`The debug launch ${label} starts without AWS credentials from AWS Identity: ${why}. Select the identity again (it may need MFA or a new sign-in), then restart the launch.`);
      return config;
    }
  }

  /** `inTerminal`: the launch's environment goes on a terminal's command line, so never the legacy token variable. */
  private async grant(session: TerminalSession, inTerminal: boolean): Promise<{ vars: Map<ManagedVariable, string>; entry: DebugGrant }> {
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
    const legacy = !inTerminal && (this.options.legacyToken?.() ?? false);
    const vars = terminalVariables('endpoint', {
      region: session.identity.region,
      grant: { url: grant.url, tokenFile, ...(legacy ? { token: grant.token } : {}) },
      legacyToken: legacy,
    });
    const entry: DebugGrant = {
      grant,
      label: '',
      revoke: () => {
        grant.revoke();
        this.tokenFiles.remove(tokenFile);
        source.release();
      },
    };
    return { vars, entry };
  }

  /** An adapter starts for `s` (its first run, or a restart): follows the DAP requests that end it. */
  createDebugAdapterTracker(s: vscode.DebugSession): vscode.DebugAdapterTracker | undefined {
    const id = markerOf(s);
    this.grants.starting(s.id, id);
    if (id === undefined || !this.grants.has(id)) return undefined;
    return {
      onWillReceiveMessage: (message: unknown) => {
        if (isRestartRequest(message)) this.grants.restarting(s.id);
      },
    };
  }

  private started(s: vscode.DebugSession): void {
    this.grants.started(s.id, markerOf(s));
  }

  private terminated(s: vscode.DebugSession): void {
    if (this.grants.ended(s.id, markerOf(s)) === 'restart') {
      this.options.logger.info(`Debug session ${launchLabel(s.configuration)} is restarting: it keeps its credential grant until it starts again (at most 15 minutes).`);
    }
  }

  private revokeAll(): void {
    this.grants.revokeAll();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.revokeAll();
    this.tokenFiles.dispose();
  }
}

/** The grant id a resolved configuration carries, if any ('environment' marks keys: no grant). */
function markerOf(s: vscode.DebugSession): string | undefined {
  const id = s.configuration[GRANT_MARKER] as unknown;
  return typeof id === 'string' ? id : undefined;
}
