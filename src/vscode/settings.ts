import * as vscode from 'vscode';
import * as os from 'node:os';
import { MAX_ROLE_DURATION_SECONDS, MIN_ROLE_DURATION_SECONDS } from '../shared/roleInput';
import type { TerminalEnvSetting } from '../terminal/shadows';
import type { TerminalCredentialsMode } from '../terminal/terminalRules';

/**
 * Typed access to the extension's settings. All are machine-scoped in package.json, so a
 * workspace (a cloned repository) cannot choose the user's identity, role or endpoint.
 */
export class Settings {
  private get config(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration('awsIdentity');
  }

  terminalMode(): TerminalCredentialsMode {
    const v = this.config.get<string>('terminal.credentials', 'endpoint');
    return v === 'environment' || v === 'off' ? v : 'endpoint';
  }

  /** Endpoint mode: also put the token in AWS_CONTAINER_AUTHORIZATION_TOKEN for clients that predate the token file. */
  legacyTokenVariable(): boolean {
    return this.config.get<boolean>('terminal.legacyTokenVariable', false) === true;
  }

  /** VS Code's `terminal.integrated.env.<platform>` for this extension host's platform (where terminals run). */
  terminalEnvSetting(): { name: string; value: TerminalEnvSetting | undefined } {
    const platform = process.platform === 'win32' ? 'windows' : process.platform === 'darwin' ? 'osx' : 'linux';
    const value = vscode.workspace.getConfiguration('terminal.integrated').get<TerminalEnvSetting>(`env.${platform}`);
    return { name: `terminal.integrated.env.${platform}`, value: value && typeof value === 'object' ? value : undefined };
  }

  /** Whether VS Code saves terminals (and their environment) to restore them. Default on. */
  persistentTerminalSessions(): boolean {
    return vscode.workspace.getConfiguration('terminal.integrated').get<boolean>('enablePersistentSessions', true) !== false;
  }

  onDidChangeTerminalSettings(listener: () => void): vscode.Disposable {
    return vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('terminal.integrated.env') || e.affectsConfiguration('terminal.integrated.enablePersistentSessions')) listener();
    });
  }

  defaultRegion(): string | undefined {
    return this.config.get<string>('defaultRegion', '').trim() || undefined;
  }

  sessionName(): string {
    const configured = this.config.get<string>('assumeRole.sessionName', '').trim();
    if (configured) return configured;
    let user = 'user';
    try {
      user = os.userInfo().username || user;
    } catch {
      // No passwd entry (some containers): the fallback is fine for a session name.
    }
    return `vscode-${user}`;
  }

  durationSeconds(): number {
    const v = this.config.get<number>('assumeRole.durationSeconds', 3600);
    return Number.isFinite(v) ? Math.min(MAX_ROLE_DURATION_SECONDS, Math.max(MIN_ROLE_DURATION_SECONDS, Math.round(v))) : 3600;
  }

  restoreOnStartup(): boolean {
    return this.config.get<boolean>('restoreOnStartup', true);
  }

  /** 1 to 60, as package.json says: VS Code does not hold settings.json to a setting's minimum and maximum. */
  expiryWarningMinutes(): number {
    const v = this.config.get<number>('expiryWarningMinutes', 10);
    return Number.isFinite(v) ? Math.min(60, Math.max(1, Math.round(v))) : 10;
  }

  /** `awsIdentity.mfa.source`: where MFA codes come from ("prompt", or a YubiKey through ykman). */
  mfaSource(): 'prompt' | 'ykman' {
    return this.config.get<string>('mfa.source', 'prompt') === 'ykman' ? 'ykman' : 'prompt';
  }

  /** `awsIdentity.mfa.ykmanAccount`: the YubiKey OATH account; undefined means the MFA serial. */
  ykmanAccount(): string | undefined {
    return this.config.get<string>('mfa.ykmanAccount', '').trim() || undefined;
  }

  /** `awsIdentity.debug.credentials`: whether debug launches get the identity like terminals do. */
  debugCredentials(): boolean {
    return this.config.get<boolean>('debug.credentials', true) !== false;
  }

  onDidChange(section: string, listener: () => void): vscode.Disposable {
    return vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`awsIdentity.${section}`)) listener();
    });
  }
}
