import * as vscode from 'vscode';
import type { AwsIdentityApi } from './api';
import { IdentityManager } from './identity/identityManager';
import { ProfileStore } from './vscode/profileStore';
import { Log } from './vscode/log';
import { Settings } from './vscode/settings';
import { ProfilesTreeProvider } from './vscode/views/profilesTree';
import { IdentityStatusBar } from './vscode/views/statusBar';
import { IdentityPresenter } from './vscode/views/identityPresenter';
import { RegionStatusBar } from './vscode/views/regionStatus';
import { createMfaCodeSource } from './vscode/views/mfaPrompt';
import { registerCommands } from './vscode/commands';
import { IdentityMemory } from './vscode/commands/context';
import { Terminals } from './vscode/terminals/terminals';
import { createApi } from './vscode/api';
import { ApiAccessProvider } from './vscode/consent/accessProvider';
import { MaskedDocuments } from './vscode/maskedDocuments';
import { inspectSsoRows, inspectView, registerTestHooks, renewNow } from './vscode/testHooks';
import { restoreLastProfile } from './vscode/restore';
import { setUpSso, type SsoCommandContext } from './vscode/sso';
import { registerConsoleCommands } from './vscode/console/consoleCommands';
import { DebugCredentials, SharedEndpoint } from './vscode/debug';

/**
 * Composition root. Activation only constructs objects and registers contributions: no file is
 * read and the AWS SDK is not loaded until a profile list or an identity is first needed.
 */
export function activate(context: vscode.ExtensionContext): AwsIdentityApi {
  const started = performance.now();
  // CPU time beside wall time: on a busy machine the wall figure also counts waiting for a core.
  const cpuStarted = process.cpuUsage();
  const log = new Log();
  try {
    const settings = new Settings();
    const profiles = new ProfileStore(log);
    const manager = new IdentityManager({
      logger: log,
      // Typed into a prompt, or taken from a YubiKey (awsIdentity.mfa.source).
      mfaCodeProvider: createMfaCodeSource({ settings, logger: log }),
      snapshot: () => profiles.snapshot(),
      defaultRegion: () => settings.defaultRegion(),
      defaultSessionName: () => settings.sessionName(),
      defaultDurationSeconds: () => settings.durationSeconds(),
      // A switch that meets a signed-out IAM Identity Center session asks once (set up below).
      ssoSignIn: (session) => sso.prompts.ssoSignIn(session),
    });
    const memory = new IdentityMemory(context.workspaceState, context.globalState);
    // A region the user chose for an identity in this workspace applies again when it becomes active.
    manager.setRegionPreference((identity) => memory.regionFor(identity));
    const statusBar = new IdentityStatusBar(() => settings.expiryWarningMinutes());
    const tree = new ProfilesTreeProvider(
      profiles,
      () => manager.activeProfile,
      // The region a profile without one gets when used, so the row says what a switch will do.
      () => manager.resolveRegion(undefined).region,
      log,
    );
    const treeView = vscode.window.createTreeView('awsIdentity.profiles', { treeDataProvider: tree });
    // One credential endpoint for terminals and debug sessions.
    const endpoint = new SharedEndpoint(log);
    const terminals = new Terminals(context.environmentVariableCollection, manager, settings, log, {
      profiles,
      consentMemory: context.workspaceState,
      startEndpoint: (port) => endpoint.start(port),
    });
    // Debug launches (any type) get the identity as terminals do.
    const debugCredentials = new DebugCredentials({
      logger: log,
      session: () => manager.session,
      environment: terminals.environment,
      endpoint: () => endpoint.start(),
      enabled: () => settings.debugCredentials(),
      legacyToken: () => settings.legacyTokenVariable(),
    });
    const presenter = new IdentityPresenter(manager, statusBar, tree, treeView);
    // A row names the region a switch to its profile uses: the active one's as it is now, another's
    // as chosen for it in this workspace (applied again by the switch).
    tree.showChosenRegions((profile) => {
      const identity = manager.identity;
      if (identity?.source.type === 'profile' && identity.source.profile === profile) return identity.regionSource === 'user' ? identity.region : undefined;
      return memory.regionFor({ source: { type: 'profile', profile }, arn: '' });
    }, manager.onDidChangeRegion);
    // The region item; a region change is no switch, so terminals are told of it here.
    const regionStatus = new RegionStatusBar(manager.onDidChangeState, manager.state);
    const ctx = { manager, profiles, settings, log, terminals, memory };
    // IAM Identity Center: sign-in rows in the Profiles view, their commands, and the sign-ins switches ask for.
    const sso = setUpSso(ctx, tree);
    const commandContext: SsoCommandContext = { ...ctx, sso: sso.service };
    // Other extensions read credentials or switch only with the user's consent, given through VS Code's own sign-in prompt.
    const access = new ApiAccessProvider();
    const api = createApi(ctx, presenter, access, context.extension);

    context.subscriptions.push(
      log, profiles, manager, statusBar, regionStatus, tree, treeView, endpoint, debugCredentials, terminals, presenter, access,
      manager.onDidChangeRegion(() => void terminals.environment.update(manager.session)),
      manager.onDidNeedSignIn((need) => sso.prompts.needSignIn(need)),
      manager.onDidChangeIdentity((identity) => identity === undefined && access.rotate({ grace: false })),
      // Rows of profiles without a region name the default region a switch would use.
      settings.onDidChange('defaultRegion', () => tree.refresh()),
      new MaskedDocuments(() => profiles.paths),
      ...registerCommands(commandContext),
      ...registerConsoleCommands(commandContext),
      ...sso.disposables,
      ...registerTestHooks(context.extensionMode, {
        inspect: () => inspectView(presenter, tree),
        terminalState: () => terminals.environment.state,
        debugState: () => debugCredentials.state,
        ssoTree: () => inspectSsoRows(sso.section),
        ssoPrompts: () => sso.prompts.shown(),
        renewNow: () => renewNow(ctx),
        regionStatus: () => regionStatus.shown,
      }),
    );
    const cpu = process.cpuUsage(cpuStarted);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    log.info(`Activated in ${(performance.now() - started).toFixed(2)} ms (CPU ${cpuMs.toFixed(2)} ms; VS Code ${vscode.version}).`);
    if (settings.restoreOnStartup()) void restoreLastProfile(commandContext);
    return api;
  } catch (error) {
    // VS Code shows nothing by itself when activation throws: say so, then rethrow.
    log.error('Activation failed', error);
    void vscode.window.showErrorMessage(`AWS Identity could not start: ${error instanceof Error ? error.message : String(error)}. See "AWS Identity: Show Log" and report the issue.`);
    throw error;
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
