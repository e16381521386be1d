/**
 * The second status bar item: the active identity's region (`$(globe) eu-west-1`), right of the
 * identity item; clicking it runs "AWS Identity: Change Region". Hidden while no identity is active.
 */
import * as vscode from 'vscode';
import type { IdentityState } from '../../identity/identityManager';
import { findRegion } from '../../shared/regions';
import type { Identity } from '../../shared/types';
import { COMMAND_IDS } from '../commands/commandIds';

/** What the item shows; the integration tests read it through a test hook (src/vscode/testHooks.ts). */
export interface RegionStatusView {
  readonly visible: boolean;
  readonly text: string;
  readonly tooltip: string;
}

const SOURCES: Record<Identity['regionSource'], string> = {
  profile: "from the profile's `region`",
  setting: 'from the setting `awsIdentity.defaultRegion`',
  environment: 'from AWS_REGION / AWS_DEFAULT_REGION of the environment VS Code started in',
  default: 'the fallback: nothing chose a region',
  user: 'chosen for this identity with "Change Region"',
};

/** The item's text and tooltip for `state` (pure; unit-testable apart from VS Code's item). */
export function regionStatusView(state: Pick<IdentityState, 'identity'>): RegionStatusView {
  const identity = state.identity;
  if (!identity) return { visible: false, text: '', tooltip: '' };
  const name = findRegion(identity.region)?.name;
  return {
    visible: true,
    text: `$(globe) ${identity.region}`,
    tooltip:
      `AWS region of ${identity.name}: ${identity.region}${name ? ` (${name})` : ''}, ${SOURCES[identity.regionSource] ?? identity.regionSource}.\n\n` +
      'New terminals (AWS_REGION, AWS_DEFAULT_REGION), the console and extensions using AWS Identity use it. Click to change it: the same credentials, no new sign-in.',
  };
}

export class RegionStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private view: RegionStatusView = { visible: false, text: '', tooltip: '' };
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(onDidChangeState: (listener: (state: IdentityState) => unknown) => { dispose(): unknown }, initial: IdentityState) {
    // Priority 99: just right of the identity item (100).
    this.item = vscode.window.createStatusBarItem('awsIdentity.region', vscode.StatusBarAlignment.Left, 99);
    this.item.name = 'AWS Region';
    this.item.command = COMMAND_IDS.pickRegion;
    this.update(initial);
    const sub = onDidChangeState((state) => this.update(state));
    this.subscriptions.push({ dispose: () => void sub.dispose() });
  }

  /** What the item shows now (the test hooks read it). */
  get shown(): RegionStatusView {
    return this.view;
  }

  private update(state: IdentityState): void {
    this.view = regionStatusView(state);
    this.item.text = this.view.text;
    this.item.tooltip = this.view.tooltip;
    this.item.accessibilityInformation = { label: this.view.visible ? `AWS region ${state.identity?.region ?? ''}, change region` : 'AWS region', role: 'button' };
    if (this.view.visible) this.item.show();
    else this.item.hide();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}
