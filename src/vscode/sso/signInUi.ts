/**
 * The VS Code face of a sign-in: which flow, the browser opened with vscode.env.openExternal, a
 * cancellable progress notification, and for the device code flow the code shown with a button
 * that copies it. Only the user code and the verification URL are shown; never a token.
 */
import * as vscode from 'vscode';
import type { DeviceCodePrompt, SignInUi } from '../../sso';
import type { Logger } from '../../shared/types';

export type SignInFlowSetting = 'auto' | 'browser' | 'deviceCode';
export type SignInFlow = SignInUi['flow'];

/**
 * The flow to use. "auto": authorization code + PKCE (a callback on 127.0.0.1, as the AWS CLI v2),
 * except where that callback cannot reach this extension host from the user's browser: a remote
 * window (SSH, containers, WSL, Codespaces) or VS Code in a browser. There: the device code.
 */
export function chooseFlow(setting: SignInFlowSetting, env: { remoteName?: string; web: boolean }): SignInFlow {
  if (setting === 'browser') return 'authorizationCode';
  if (setting === 'deviceCode') return 'deviceCode';
  return env.remoteName || env.web ? 'deviceCode' : 'authorizationCode';
}

export function configuredFlow(): SignInFlowSetting {
  const v = vscode.workspace.getConfiguration('awsIdentity').get<string>('sso.signInFlow', 'auto');
  return v === 'browser' || v === 'deviceCode' ? v : 'auto';
}

export function currentFlow(): SignInFlow {
  return chooseFlow(configuredFlow(), { remoteName: vscode.env.remoteName, web: vscode.env.uiKind === vscode.UIKind.Web });
}

async function openExternal(url: string, log: Logger): Promise<boolean> {
  try {
    return await vscode.env.openExternal(vscode.Uri.parse(url, true));
  } catch (e) {
    log.warn(`Opening ${new URL(url).origin} in the browser failed: ${e instanceof Error ? e.message : String(e)}`);
    return false;
  }
}

/** The device code notification: the code, where to enter it, and buttons to copy it or open the page again. */
function showDeviceCode(prompt: DeviceCodePrompt, label: string, log: Logger, signal: AbortSignal): void {
  const page = prompt.verificationUriComplete ?? prompt.verificationUri;
  void openExternal(page, log);
  const show = (): void => {
    void vscode.window
      .showInformationMessage(`Sign in to ${label}: confirm the code ${prompt.userCode} on the page that opened (${prompt.verificationUri}).`, 'Copy Code', 'Open Page')
      .then(async (choice) => {
        if (signal.aborted) return;
        if (choice === 'Copy Code') {
          await vscode.env.clipboard.writeText(prompt.userCode);
          vscode.window.setStatusBarMessage(`Copied the sign-in code ${prompt.userCode}`, 5000);
          show();
        } else if (choice === 'Open Page') {
          await openExternal(page, log);
          show();
        }
      });
  };
  show();
}

/** A SignInUi shown in a cancellable progress notification that stays until `finish()` is called. */
export interface SignInProgress {
  readonly ui: SignInUi;
  finish(): void;
}

/**
 * Opens the progress notification of a sign-in and returns the SignInUi that reports into it.
 * Cancelling the notification aborts the sign-in (src/sso stops polling or closes its callback
 * server). `finish()` closes it; so does the end of `until`, when given.
 */
export function openSignInProgress(label: string, flow: SignInFlow, log: Logger): SignInProgress {
  const abort = new AbortController();
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  // Messages said before the notification exists are shown once it does.
  let report: ((message: string) => void) | undefined;
  const pending: string[] = [];
  void vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Signing in to IAM Identity Center (${label})`, cancellable: true },
    async (progress, token) => {
      const cancel = token.onCancellationRequested(() => abort.abort());
      report = (message) => progress.report({ message });
      for (const m of pending.splice(0)) report(m);
      await finished;
      cancel.dispose();
    },
  );
  const say = (message: string): void => {
    if (report) report(message);
    else pending.push(message);
  };
  say(flow === 'deviceCode' ? 'asking for a device code…' : 'opening the sign-in page in your browser…');
  const ui: SignInUi = {
    flow,
    signal: abort.signal,
    openUrl: async (url) => {
      const opened = await openExternal(url, log);
      if (opened) say('approve the request in your browser, then come back here.');
      return opened;
    },
    showDeviceCode: (prompt) => {
      say(`confirm the code ${prompt.userCode} at ${prompt.verificationUri} (expires ${prompt.expiresAt.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}).`);
      showDeviceCode(prompt, label, log, abort.signal);
    },
    onWaitingForOtherSignIn: () => say('another VS Code window is signing in to the same session; using its sign-in when it finishes…'),
  };
  return { ui, finish: () => finish() };
}

/** Runs `signIn` with a SignInUi in a cancellable progress notification, closed when it ends. */
export async function withSignInUi<T>(label: string, flow: SignInFlow, log: Logger, signIn: (ui: SignInUi) => Promise<T>): Promise<T> {
  const p = openSignInProgress(label, flow, log);
  try {
    return await signIn(p.ui);
  } finally {
    p.finish();
  }
}
