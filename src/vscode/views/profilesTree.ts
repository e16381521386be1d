import * as vscode from 'vscode';
import { COMMAND_IDS } from '../commands/commandIds';
import type { Logger, ProfileInfo, ProfileListing } from '../../shared/types';
import type { ProfileStore } from '../profileStore';
import { moreProfilesRowView, PROFILES_SHOWN_FIRST, profileRowView, profileTooltip } from './presentation';
import { isSsoNode, type SsoNode, type SsoTreeSection } from '../sso/ssoTree';

/**
 * A row of the Profiles view: a profile, a problem with one of the files, "show all", or an IAM
 * Identity Center row (a sign-in node, an account, a role: src/vscode/sso/ssoTree.ts).
 */
export type ProfileNode =
  | { readonly type: 'profile'; readonly profile: ProfileInfo }
  | { readonly type: 'fileProblem'; readonly message: string }
  | { readonly type: 'moreProfiles'; readonly total: number; readonly hidden: number }
  | SsoNode;

/**
 * Every node this view has handed to VS Code. VS Code gives a command the very node object it was
 * invoked on (context menu, inline action, the row's own command), while another extension can
 * only make an object of the same shape: commands that switch the identity accept a node only if
 * it is in here (see commands/context.ts, profileArgument).
 */
const issuedNodes = new WeakSet<object>();

/** True for a node of this view (not merely one of the same shape). */
export function isIssuedNode(value: unknown): boolean {
  return typeof value === 'object' && value !== null && issuedNodes.has(value);
}

export function isProfileNode(value: unknown): value is Extract<ProfileNode, { type: 'profile' }> {
  return typeof value === 'object' && value !== null && (value as ProfileNode).type === 'profile' && 'profile' in value;
}

/** The "Profiles" view: the profiles of the shared config (the first PROFILES_SHOWN_FIRST until asked for all), the active one marked. */
export class ProfilesTreeProvider implements vscode.TreeDataProvider<ProfileNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  /** Set by the "show all" row; kept until the window reloads. */
  private showingAll = false;
  /** The last value of the `awsIdentity.profilesHidden` context key. */
  private profilesHidden = false;
  /** The listing whose first level was last logged (once per reading of the files, not per refresh). */
  private logged: { listing: ProfileListing; count: number } | undefined;
  /** The sign-in rows (set once by extension.ts, see attachSso). */
  private sso: SsoTreeSection | undefined;
  /** The region chosen for a profile in this workspace, which a switch to it applies (see showChosenRegions). */
  private chosenRegion: (profile: string) => string | undefined = () => undefined;

  constructor(
    private readonly store: ProfileStore,
    private readonly activeProfile: () => string | undefined,
    private readonly fallbackRegion: () => string,
    private readonly log: Logger,
  ) {
    this.subscriptions = [store.onDidChange(() => this.refresh()), vscode.commands.registerCommand(COMMAND_IDS.showAllProfiles, () => this.showAll())];
  }

  /** Adds the IAM Identity Center rows (sign-in nodes first), redrawn when `onChange` fires. */
  attachSso(section: SsoTreeSection, onChange: vscode.Event<void>): void {
    this.sso = section;
    // No redraw now: extension.ts attaches during activation, before VS Code asks for any row.
    this.subscriptions.push(onChange(() => this.refresh()));
  }

  /**
   * Rows name the region `chosen` gives for their profile instead of the profile's own: a switch
   * to the profile applies it, so the row must not promise another. Redrawn when `onChange` fires
   * (a region change is no switch, so nothing else redraws the view).
   */
  showChosenRegions(chosen: (profile: string) => string | undefined, onChange: vscode.Event<unknown>): void {
    this.chosenRegion = chosen;
    this.subscriptions.push(onChange(() => this.refresh()));
  }

  /** Lists every profile from now on (the "show all" row). */
  showAll(): void {
    this.showingAll = true;
    this.refresh();
  }

  refresh(): void {
    this.changed.fire();
  }

  async getChildren(element?: ProfileNode): Promise<ProfileNode[]> {
    const nodes = await this.childrenOf(element);
    for (const node of nodes) issuedNodes.add(node);
    return nodes;
  }

  private async childrenOf(element?: ProfileNode): Promise<ProfileNode[]> {
    if (element) return isSsoNode(element) && this.sso ? this.sso.children(element) : [];
    const started = performance.now();
    const listing = await this.store.listing();
    const profiles = listing.first(this.showingAll ? listing.total : PROFILES_SHOWN_FIRST);
    if (this.logged?.listing !== listing || this.logged.count !== profiles.length) {
      this.logged = { listing, count: profiles.length };
      // From the request to the rows' profiles described: the files' reading too, when this request started it.
      this.log.info(`Profiles view: listed ${profiles.length} of ${listing.total} profiles in ${(performance.now() - started).toFixed(1)} ms`);
    }
    const signIns = this.sso ? await this.sso.roots().catch((e: unknown) => (this.log.error('Listing the IAM Identity Center sessions failed', e), [])) : [];
    const nodes = [
      ...listing.fileProblems.map((message): ProfileNode => ({ type: 'fileProblem', message })),
      ...signIns,
      ...profiles.map((profile): ProfileNode => ({ type: 'profile', profile })),
    ];
    const hidden = listing.total - profiles.length;
    if (hidden > 0) nodes.push({ type: 'moreProfiles', total: listing.total, hidden });
    // Shows the view's "Show All Profiles" button (and the palette command) only while it does something.
    if (this.profilesHidden !== hidden > 0) {
      this.profilesHidden = hidden > 0;
      void vscode.commands.executeCommand('setContext', 'awsIdentity.profilesHidden', this.profilesHidden);
    }
    return nodes;
  }

  getTreeItem(node: ProfileNode): vscode.TreeItem {
    if (isSsoNode(node)) return this.sso!.treeItem(node);
    if (node.type === 'fileProblem') {
      const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
      item.tooltip = node.message;
      item.contextValue = 'awsIdentity.fileProblem';
      return item;
    }
    if (node.type === 'moreProfiles') {
      const view = moreProfilesRowView(node.total, node.hidden);
      const item = new vscode.TreeItem(view.label, vscode.TreeItemCollapsibleState.None);
      item.description = view.description;
      item.tooltip = view.tooltip;
      item.iconPath = new vscode.ThemeIcon('unfold');
      item.contextValue = 'awsIdentity.moreProfiles';
      item.command = { command: COMMAND_IDS.showAllProfiles, title: view.label };
      return item;
    }
    const active = this.activeProfile() === node.profile.name;
    const view = profileRowView(node.profile, active, this.fallbackRegion(), this.chosenRegion(node.profile.name));
    const item = new vscode.TreeItem(view.label, vscode.TreeItemCollapsibleState.None);
    item.id = `profile:${node.profile.name}`;
    item.description = view.description;
    // The tooltip is built in resolveTreeItem, on hover: a config can have thousands of rows.
    item.iconPath = new vscode.ThemeIcon(view.icon, node.profile.problem ? new vscode.ThemeColor('problemsWarningIcon.foreground') : active ? new vscode.ThemeColor('charts.green') : undefined);
    item.contextValue = view.contextValue;
    item.accessibilityInformation = { label: `${view.label}, ${view.description}` };
    if (!node.profile.problem) {
      item.command = { command: COMMAND_IDS.useProfile, title: 'Use This Profile', arguments: [node] };
    }
    return item;
  }

  resolveTreeItem(item: vscode.TreeItem, node: ProfileNode): vscode.TreeItem {
    if (node.type === 'profile') {
      const tooltip = new vscode.MarkdownString(profileTooltip(node.profile, this.activeProfile() === node.profile.name, this.fallbackRegion(), this.chosenRegion(node.profile.name)), true);
      tooltip.isTrusted = false;
      item.tooltip = tooltip;
    }
    return item;
  }

  dispose(): void {
    this.sso?.dispose();
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
