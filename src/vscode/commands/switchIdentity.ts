import * as vscode from 'vscode';
import type { CommandFactory } from './';
import { KIND_LABELS } from '../views/presentation';
import { switchToProfile } from './useProfile';
import { COMMAND_IDS } from './commandIds';

interface SwitchItem extends vscode.QuickPickItem {
  readonly run?: () => Thenable<unknown> | Promise<unknown>;
}

/** The status bar's menu: switch profile, assume a role, open a terminal, or clear the identity. */
export const switchIdentity: CommandFactory = (ctx) => async () => {
  const identity = ctx.manager.identity;
  const model = await ctx.profiles.model();
  const activeProfile = ctx.manager.activeProfile;
  const items: SwitchItem[] = [
    { label: '$(arrow-swap) Assume Role…', description: 'by ARN, from the active identity or a profile', run: () => vscode.commands.executeCommand(COMMAND_IDS.assumeRole) },
  ];
  if (identity) {
    items.push(
      { label: `$(terminal) New Terminal as ${identity.name}`, description: identity.account, run: () => ctx.terminals.openTerminalFor(identity) },
      { label: '$(close) Clear Identity', description: 'terminals opened from now on get no AWS credentials', run: () => vscode.commands.executeCommand(COMMAND_IDS.clearIdentity) },
    );
  }
  items.push({ label: 'Profiles', kind: vscode.QuickPickItemKind.Separator });
  for (const p of model.profiles) {
    if (p.problem) continue;
    items.push({
      label: `${p.name === activeProfile ? '$(pass-filled)' : '$(account)'} ${p.name}`,
      description: [KIND_LABELS[p.kind], p.region, p.name === activeProfile ? 'active' : undefined].filter(Boolean).join(' · '),
      detail: p.roleArn,
      run: () => switchToProfile(ctx, p.name),
    });
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: identity ? `AWS identity: ${identity.name} (${identity.account})` : 'AWS identity: none',
    placeHolder: 'Switch profile, assume a role, or open a terminal',
    matchOnDescription: true,
  });
  await picked?.run?.();
};
