import * as vscode from 'vscode';
import { INTERNAL_COMMAND_IDS } from './commands/commandIds';
import type { CommandContext } from './commands/context';
import type { SsoNode, SsoTreeSection } from './sso/ssoTree';
import type { IdentityPresenter } from './views/identityPresenter';
import type { ProfilesTreeProvider } from './views/profilesTree';

/** What each test hook answers with: views of what the user sees, never a secret. */
export type TestHooks = { readonly [K in keyof typeof INTERNAL_COMMAND_IDS]: () => unknown };

/**
 * Registers the test hooks (INTERNAL_COMMAND_IDS) only when VS Code runs the extension's tests.
 * In a user's window they do not exist: no other extension can call them, and activation does
 * not pay for registering them.
 */
export function registerTestHooks(mode: vscode.ExtensionMode, hooks: TestHooks): vscode.Disposable[] {
  if (mode !== vscode.ExtensionMode.Test) return [];
  return (Object.keys(hooks) as (keyof TestHooks)[]).map((name) => vscode.commands.registerCommand(INTERNAL_COMMAND_IDS[name], hooks[name]));
}

/** The status bar text and the Profiles view's first level, as shown. */
export async function inspectView(presenter: IdentityPresenter, tree: ProfilesTreeProvider): Promise<unknown> {
  return {
    status: presenter.status,
    tree: await Promise.all(
      (await tree.getChildren()).map((node) => {
        const item = tree.getTreeItem(node);
        return {
          label: String(item.label),
          description: String(item.description ?? ''),
          contextValue: item.contextValue ?? '',
          icon: (item.iconPath as vscode.ThemeIcon | undefined)?.id,
          command: item.command && { command: item.command.command, arguments: item.command.arguments?.length ?? 0 },
        };
      }),
    ),
  };
}

/** Renews the active identity now, as its background timer would (reason "advisory"): what happened, never the credentials. */
export async function renewNow(ctx: CommandContext): Promise<{ renewed: boolean; expiration?: string; message?: string }> {
  const session = ctx.manager.session;
  if (!session) return { renewed: false, message: 'No identity is active.' };
  try {
    const fresh = await session.credentials.refresh('advisory');
    return { renewed: true, ...(fresh.expiration ? { expiration: fresh.expiration.toISOString() } : {}) };
  } catch (e) {
    return { renewed: false, message: e instanceof Error ? e.message : String(e) };
  }
}

/** One IAM Identity Center row as the user sees it, with its node (tests pass it back to the commands as the tree would). */
export interface SsoRowInspection {
  readonly label: string;
  readonly description: string;
  readonly contextValue: string;
  readonly node: SsoNode;
  readonly children: SsoRowInspection[];
}

/** The IAM Identity Center rows, sessions expanded to their roles. */
export async function inspectSsoRows(section: SsoTreeSection): Promise<SsoRowInspection[]> {
  const visit = async (node: SsoNode): Promise<SsoRowInspection> => {
    const item = section.treeItem(node);
    const expandable = item.collapsibleState !== vscode.TreeItemCollapsibleState.None;
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    return { label, description: String(item.description ?? ''), contextValue: item.contextValue ?? '', node, children: expandable ? await Promise.all((await section.children(node)).map(visit)) : [] };
  };
  return Promise.all((await section.roots()).map(visit));
}
