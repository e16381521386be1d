import type { CommandFactory } from './context';
import * as vscode from 'vscode';

export const clearIdentity: CommandFactory = (ctx) => async () => {
  ctx.manager.clear();
  await ctx.memory.setLastProfile(undefined);
  ctx.log.info('Identity cleared.');
};

export const copyIdentityArn: CommandFactory = (ctx) => async () => {
  const identity = ctx.manager.identity;
  if (!identity) {
    void vscode.window.showInformationMessage('No AWS identity is active. Pick a profile in the AWS Identity view or run "AWS Identity: Assume Role…".');
    return;
  }
  await vscode.env.clipboard.writeText(identity.arn);
  vscode.window.setStatusBarMessage(`Copied ${identity.arn}`, 3000);
};

/** "New Terminal as <identity>": a terminal named after the active identity. */
export const newTerminal: CommandFactory = (ctx) => async () => {
  const identity = ctx.manager.identity;
  if (!identity) {
    void vscode.window.showWarningMessage('No AWS identity is active, so a terminal would have none. Pick a profile in the AWS Identity view or run "AWS Identity: Assume Role…" first.');
    return undefined;
  }
  return ctx.terminals.openTerminalFor(identity);
};
