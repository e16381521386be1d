/**
 * "AWS Identity: Change Where Terminal Keys Go…": the question about keys in terminals VS Code
 * saves (src/vscode/terminals/keyConsent.ts) is asked once per workspace on its own; this asks it
 * again on request, so an answer, "Only in AWS Identity Terminals" above all, is not final.
 */
import * as vscode from 'vscode';
import type { CommandFactory } from './context';

export const chooseTerminalKeys: CommandFactory = (ctx) => async () => {
  const result = await ctx.terminals.environment.chooseKeys();
  if ('reason' in result) {
    // No question applies here: say why, and offer the setting that decides it.
    const open = 'Open Setting';
    const choice = await vscode.window.showInformationMessage(`AWS Identity: ${result.reason}`, open);
    if (choice === open) await vscode.commands.executeCommand('workbench.action.openSettings', result.setting);
    return;
  }
  if (result.answer === undefined) return; // dismissed: the previous answer stands
  // Shown once the terminals follow the answer, so it is true for the next terminal opened.
  const where = result.answer === 'allowed' ? 'new terminals, "+" terminals included, get the AWS keys' : 'only terminals opened by AWS Identity get the AWS keys; new "+" terminals get none';
  ctx.log.info(`Terminal keys: ${where}.`);
  void vscode.window.showInformationMessage(`AWS Identity: ${where}. Terminals already open keep the environment they started with.`);
};
