import * as vscode from 'vscode';
import { INTERNAL_COMMAND_IDS } from './commands/commandIds';
import type { IdentityPresenter } from './views/identityPresenter';
import type { ProfilesTreeProvider } from './views/profilesTree';

/** Not part of the documented API or the palette: lets the integration tests read what the user sees (never a secret). */
export function registerInspectCommand(presenter: IdentityPresenter, tree: ProfilesTreeProvider): vscode.Disposable {
  return vscode.commands.registerCommand(INTERNAL_COMMAND_IDS.inspect, async () => ({
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
  }));
}
