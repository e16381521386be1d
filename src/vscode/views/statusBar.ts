import * as vscode from 'vscode';
import { COMMAND_IDS } from '../commands/commandIds';
import { md, statusView, type StatusState, type StatusView } from './presentation';
import type { Caller } from '../consent/caller';

/** An identity another extension set through the API: shown until the identity changes. */
export interface SetByExtension {
  readonly arn: string;
  readonly caller: Caller;
}

/**
 * The status bar item: who you are at a glance. One `update(state)`; it re-renders itself every
 * minute while credentials with an expiry are shown, so the warning colour appears on time.
 */
export class IdentityStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private state: StatusState = { status: 'none' };
  private setBy: SetByExtension | undefined;
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

  /** Marks the identity as set by another extension (or clears the mark). */
  setSetBy(setBy: SetByExtension | undefined): void {
    this.setBy = setBy;
    this.render();
  }

  /** What is shown now; the integration tests read it. */
  get snapshot(): { text: string; tooltip: string; severity: string; setBy?: string } {
    const v = this.view();
    const by = this.shownSetBy();
    return { text: v.text, tooltip: v.tooltip, severity: v.severity, ...(by ? { setBy: by.caller.id ?? by.caller.label } : {}) };
  }

  /** The mark, when the identity it was made for is the one shown (active, or still in use after a failed switch). */
  private shownSetBy(): SetByExtension | undefined {
    const s = this.state;
    const shown = s.status === 'active' ? s.identity : s.status === 'error' ? s.previous : undefined;
    return this.setBy && shown?.arn === this.setBy.arn ? this.setBy : undefined;
  }

  private view(): StatusView {
    const view = statusView(this.state, Date.now(), this.warnWithinMinutes());
    const by = this.shownSetBy();
    if (!by) return view;
    // An extension's display name is its own text: no codicons, and short enough for the status bar.
    const name = by.caller.label.replace(/\$\([^)]*\)/g, '').trim().slice(0, 40) || 'another extension';
    const who = by.caller.id && by.caller.id !== by.caller.label ? `${md(name)} (\`${by.caller.id.replace(/`/g, '')}\`)` : md(name);
    return {
      ...view,
      text: `${view.text} (set by ${name})`,
      tooltip:
        `$(extensions) **Set by the extension ${who}**, not by you. It is not remembered for this workspace: ` +
        'choose an identity yourself to take over (click here). Extensions allowed to use AWS Identity are listed under Accounts > AWS Identity > Manage Trusted Extensions.\n\n---\n\n' +
        view.tooltip,
    };
  }

  private render(): void {
    const view = this.view();
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
