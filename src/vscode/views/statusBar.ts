import * as vscode from 'vscode';
import { COMMAND_IDS } from '../commands/commandIds';
import { statusView, type StatusState } from './presentation';

/**
 * The status bar item: who you are at a glance. One `update(state)`; it re-renders itself every
 * minute while credentials with an expiry are shown, so the warning colour appears on time.
 */
export class IdentityStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private state: StatusState = { status: 'none' };
  private readonly ticker: NodeJS.Timeout;

  constructor(private readonly warnWithinMinutes: () => number) {
    this.item = vscode.window.createStatusBarItem('awsIdentity.status', vscode.StatusBarAlignment.Left, 100);
    this.item.name = 'AWS Identity';
    this.item.command = COMMAND_IDS.switchProfile;
    this.render();
    this.item.show();
    this.ticker = setInterval(() => {
      if (this.state.status === 'active' && this.state.identity.expiration) this.render();
    }, 30_000);
  }

  update(state: StatusState): void {
    this.state = state;
    this.render();
  }

  /** What is shown now; the integration tests read it. */
  get snapshot(): { text: string; tooltip: string; severity: string } {
    const v = statusView(this.state, Date.now(), this.warnWithinMinutes());
    return { text: v.text, tooltip: v.tooltip, severity: v.severity };
  }

  private render(): void {
    const view = statusView(this.state, Date.now(), this.warnWithinMinutes());
    this.item.text = view.text;
    const tooltip = new vscode.MarkdownString(view.tooltip, true);
    tooltip.isTrusted = false;
    this.item.tooltip = tooltip;
    this.item.backgroundColor =
      view.severity === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : view.severity === 'warning' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.accessibilityInformation = { label: view.text.replace(/\$\([^)]*\)\s*/g, ''), role: 'button' };
  }

  dispose(): void {
    clearInterval(this.ticker);
    this.item.dispose();
  }
}
