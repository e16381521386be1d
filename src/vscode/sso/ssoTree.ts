/**
 * The IAM Identity Center rows of the Profiles view: one sign-in node per [sso-session] (and per
 * legacy start URL) with its state from the token cache, its accounts when signed in, and each
 * account's roles when expanded. profilesTree.ts asks this for the rows and their TreeItems.
 */
import * as vscode from 'vscode';
import type { SsoAccount } from '../../sso';
import type { ProfileInfo } from '../../shared/types';
import { SSO_COMMAND_IDS } from '../commands/commandIds';
import { type SignInRowState, ssoAccountRowView, ssoRoleRowView, ssoSessionRowView, type SsoRowView } from '../views/presentation';
import type { SsoService } from './ssoService';
import { existingProfileFor, sameSession, type SignInTarget } from './targets';

export type SsoNode =
  | { readonly type: 'ssoSession'; readonly target: SignInTarget; readonly state: SignInRowState }
  | { readonly type: 'ssoAccount'; readonly target: SignInTarget; readonly account: SsoAccount }
  | { readonly type: 'ssoRole'; readonly target: SignInTarget; readonly account: SsoAccount; readonly roleName: string; readonly profile?: string }
  | { readonly type: 'ssoNote'; readonly target: SignInTarget; readonly message: string; readonly severity: 'info' | 'error'; readonly retry?: SsoNode };

const SSO_TYPES = new Set(['ssoSession', 'ssoAccount', 'ssoRole', 'ssoNote']);

export function isSsoNode(value: unknown): value is SsoNode {
  return typeof value === 'object' && value !== null && SSO_TYPES.has((value as { type?: string }).type ?? '') && 'target' in value;
}

export function isSsoNodeOf<T extends SsoNode['type']>(value: unknown, type: T): value is Extract<SsoNode, { type: T }> {
  return isSsoNode(value) && value.type === type;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class SsoTreeSection {
  private expiryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly service: SsoService,
    private readonly profiles: () => Promise<readonly ProfileInfo[]>,
    private readonly activeSource: () => { sessionName?: string; startUrl?: string; accountId: string; roleName: string } | undefined,
    private readonly redraw: () => void,
  ) {}

  /** The sign-in nodes, first rows of the view. */
  async roots(): Promise<SsoNode[]> {
    const nodes: SsoNode[] = [];
    let nextExpiry = Infinity;
    for (const target of await this.service.targets()) {
      let state: SignInRowState;
      if (target.problem) state = { state: 'invalid', problem: target.problem };
      else if (this.service.signingIn(target)) state = { state: 'signingIn' };
      else state = await this.service.state(target);
      if (state.state === 'valid') nextExpiry = Math.min(nextExpiry, state.expiresAt.getTime());
      nodes.push({ type: 'ssoSession', target, state });
    }
    // "signed in until 10:42" turns into "expired" on time, without a click.
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    if (nextExpiry < Infinity) this.expiryTimer = setTimeout(() => this.redraw(), Math.min(2 ** 31 - 1, Math.max(1000, nextExpiry - Date.now() + 500)));
    return nodes;
  }

  async children(node: SsoNode): Promise<SsoNode[]> {
    const { target } = node;
    if (node.type === 'ssoSession') {
      if (node.state.state !== 'valid' && node.state.state !== 'expired') return [];
      try {
        const accounts = await this.service.accounts(target);
        if (accounts.length === 0) return [{ type: 'ssoNote', target, message: 'No AWS accounts are assigned to you here.', severity: 'info' }];
        return [...accounts].sort((a, b) => (a.accountName ?? a.accountId).localeCompare(b.accountName ?? b.accountId)).map((account) => ({ type: 'ssoAccount', target, account }));
      } catch (e) {
        return [{ type: 'ssoNote', target, message: errorText(e), severity: 'error' }];
      }
    }
    if (node.type === 'ssoAccount') {
      try {
        const roles = await this.service.roles(target, node.account.accountId);
        if (roles.length === 0) return [{ type: 'ssoNote', target, message: 'No roles of this account are assigned to you.', severity: 'info' }];
        const profiles = await this.profiles();
        return roles.map((roleName) => {
          const profile = existingProfileFor(profiles, target, node.account.accountId, roleName);
          return { type: 'ssoRole', target, account: node.account, roleName, ...(profile ? { profile } : {}) };
        });
      } catch (e) {
        return [{ type: 'ssoNote', target, message: errorText(e), severity: 'error' }];
      }
    }
    return [];
  }

  private isActive(node: Extract<SsoNode, { type: 'ssoRole' }>): boolean {
    const a = this.activeSource();
    return !!a && a.accountId === node.account.accountId && a.roleName === node.roleName && sameSession(node.target, a);
  }

  view(node: SsoNode): SsoRowView | undefined {
    switch (node.type) {
      case 'ssoSession':
        return ssoSessionRowView(node.target, node.state);
      case 'ssoAccount':
        return ssoAccountRowView(node.account);
      case 'ssoRole':
        return ssoRoleRowView(node.roleName, node.account.accountName ?? node.account.accountId, node.profile, this.isActive(node));
      default:
        return undefined;
    }
  }

  treeItem(node: SsoNode): vscode.TreeItem {
    if (node.type === 'ssoNote') {
      const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon(node.severity === 'error' ? 'error' : 'info', node.severity === 'error' ? new vscode.ThemeColor('errorForeground') : undefined);
      item.tooltip = node.message;
      item.contextValue = `awsIdentity.sso.note.${node.severity}`;
      return item;
    }
    const view = this.view(node)!;
    const expandable = node.type === 'ssoAccount' || (node.type === 'ssoSession' && (node.state.state === 'valid' || node.state.state === 'expired'));
    const item = new vscode.TreeItem(view.label, expandable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.description = view.description;
    const tooltip = new vscode.MarkdownString(view.tooltip, true);
    tooltip.isTrusted = false;
    item.tooltip = tooltip;
    item.contextValue = view.contextValue;
    item.accessibilityInformation = { label: view.description ? `${view.label}, ${view.description}` : view.label };
    if (node.type === 'ssoSession') {
      item.id = `sso:${node.target.id}`;
      const color = node.state.state === 'valid' ? new vscode.ThemeColor('charts.green') : node.state.state === 'invalid' ? new vscode.ThemeColor('problemsWarningIcon.foreground') : undefined;
      item.iconPath = new vscode.ThemeIcon(view.icon, color);
      if (node.state.state === 'none' || node.state.state === 'expired') item.command = { command: SSO_COMMAND_IDS.ssoSignIn, title: 'Sign In', arguments: [node] };
    } else if (node.type === 'ssoAccount') {
      item.id = `sso:${node.target.id}:${node.account.accountId}`;
      item.iconPath = new vscode.ThemeIcon(view.icon);
    } else {
      item.id = `sso:${node.target.id}:${node.account.accountId}:${node.roleName}`;
      item.iconPath = new vscode.ThemeIcon(view.icon, view.icon === 'pass-filled' ? new vscode.ThemeColor('charts.green') : undefined);
      item.command = { command: SSO_COMMAND_IDS.ssoUseRole, title: 'Use Role', arguments: [node] };
    }
    return item;
  }

  dispose(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
  }
}
