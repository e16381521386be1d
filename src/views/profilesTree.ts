import * as vscode from 'vscode';
import type { ProfileInfo } from '../aws/types';
import type { ProfileStore } from '../profiles/profileStore';
import { profileRowView, profileTooltip } from './presentation';

/** A row of the Profiles view: a profile, or a problem with one of the files. */
export type ProfileNode =
  | { readonly type: 'profile'; readonly profile: ProfileInfo }
  | { readonly type: 'fileProblem'; readonly message: string };

export function isProfileNode(value: unknown): value is Extract<ProfileNode, { type: 'profile' }> {
  return typeof value === 'object' && value !== null && (value as ProfileNode).type === 'profile' && 'profile' in value;
}

/** The "Profiles" view: every profile from the shared config, the active one marked. */
export class ProfilesTreeProvider implements vscode.TreeDataProvider<ProfileNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly store: ProfileStore,
    private readonly activeProfile: () => string | undefined,
    private readonly fallbackRegion: () => string,
  ) {
    this.subscriptions = [store.onDidChange(() => this.refresh())];
  }

  refresh(): void {
    this.changed.fire();
  }

  async getChildren(element?: ProfileNode): Promise<ProfileNode[]> {
    if (element) return [];
    const model = await this.store.model();
    return [
      ...model.fileProblems.map((message): ProfileNode => ({ type: 'fileProblem', message })),
      ...model.profiles.map((profile): ProfileNode => ({ type: 'profile', profile })),
    ];
  }

  getTreeItem(node: ProfileNode): vscode.TreeItem {
    if (node.type === 'fileProblem') {
      const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
      item.tooltip = node.message;
      item.contextValue = 'awsIdentity.fileProblem';
      return item;
    }
    const active = this.activeProfile() === node.profile.name;
    const view = profileRowView(node.profile, active, this.fallbackRegion());
    const item = new vscode.TreeItem(view.label, vscode.TreeItemCollapsibleState.None);
    item.id = `profile:${node.profile.name}`;
    item.description = view.description;
    // The tooltip is built in resolveTreeItem, on hover: a config can have thousands of rows.
    item.iconPath = new vscode.ThemeIcon(view.icon, node.profile.problem ? new vscode.ThemeColor('problemsWarningIcon.foreground') : active ? new vscode.ThemeColor('charts.green') : undefined);
    item.contextValue = view.contextValue;
    item.accessibilityInformation = { label: `${view.label}, ${view.description}` };
    if (!node.profile.problem) {
      item.command = { command: 'awsIdentity.useProfile', title: 'Use This Profile', arguments: [node] };
    }
    return item;
  }

  resolveTreeItem(item: vscode.TreeItem, node: ProfileNode): vscode.TreeItem {
    if (node.type === 'profile') {
      const tooltip = new vscode.MarkdownString(profileTooltip(node.profile, this.activeProfile() === node.profile.name, this.fallbackRegion()), true);
      tooltip.isTrusted = false;
      item.tooltip = tooltip;
    }
    return item;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
