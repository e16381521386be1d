import * as vscode from 'vscode';
import type { Identity } from '../../shared/types';
import type { IdentityManager, IdentityState } from '../../identity/identityManager';
import { toStatusState } from './presentation';
import type { IdentityStatusBar } from './statusBar';
import type { ProfilesTreeProvider } from './profilesTree';
import type { Caller } from '../consent/caller';

/** Maps the identity manager's state onto the status bar, the tree and the `awsIdentity.hasIdentity` context key. */
export class IdentityPresenter implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly identityChanged = new vscode.EventEmitter<Identity | undefined>();
  readonly onDidChangeIdentity = this.identityChanged.event;

  constructor(
    private readonly manager: IdentityManager,
    private readonly statusBar: IdentityStatusBar,
    private readonly tree: ProfilesTreeProvider,
    private readonly treeView: vscode.TreeView<unknown>,
  ) {
    this.subscriptions.push(
      manager.onDidChangeState((state) => this.show(state)),
      manager.onDidChangeIdentity((identity) => {
        // Any switch or clear ends the "set by an extension" notice; announceApiSwitch sets it
        // again right after a switch made through the API (that switch fires this first).
        this.statusBar.setSetBy(undefined);
        this.tree.refresh();
        this.treeView.description = identity ? `${identity.name} (${identity.account})` : undefined;
        void vscode.commands.executeCommand('setContext', 'awsIdentity.hasIdentity', identity !== undefined);
        this.identityChanged.fire(identity);
      }),
      this.identityChanged,
    );
  }

  /**
   * Shows that another extension set `identity` (through the API), until the identity changes
   * again. Ignored when another switch already replaced it.
   */
  announceApiSwitch(identity: Identity, caller: Caller): void {
    if (this.manager.identity?.arn !== identity.arn) return;
    this.statusBar.setSetBy({ arn: identity.arn, caller });
  }

  private show(state: IdentityState): void {
    this.statusBar.update(toStatusState(state));
  }

  /** What the status bar shows now (for the integration tests' inspect command). */
  get status(): { text: string; tooltip: string; severity: string; setBy?: string } {
    return this.statusBar.snapshot;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
