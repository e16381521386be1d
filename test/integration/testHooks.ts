/**
 * The extension's test hooks (src/vscode/testHooks.ts), asked by their names in
 * INTERNAL_COMMAND_IDS: what the user sees now, never a secret.
 */
import * as vscode from 'vscode';
import { INTERNAL_COMMAND_IDS } from '../../src/vscode/commands/commandIds';
import { askUser } from '../support/uiRequests';

/** What test hook `name` answers now. */
export async function testHook<T>(name: keyof typeof INTERNAL_COMMAND_IDS): Promise<T> {
  return (await vscode.commands.executeCommand<T>(INTERNAL_COMMAND_IDS[name]))!;
}

/** The mode new terminals get now (endpoint, environment or off). */
export async function terminalMode(): Promise<string> {
  return (await testHook<{ mode: string }>('terminalState')).mode;
}

/**
 * The notifications on screen, read by the runner from the notification list: a marker is shown
 * last, and once it is on screen so is anything shown before it. The marker itself is left out.
 */
export async function notificationsOnScreen(): Promise<string[]> {
  const marker = `Marker ${Date.now()}`;
  void vscode.window.showInformationMessage(marker);
  await vscode.commands.executeCommand('notifications.showList');
  const shown = JSON.parse((await askUser({ action: 'notifications', contains: marker })).detail) as string[];
  await vscode.commands.executeCommand('notifications.hideList');
  return shown.filter((t) => !t.includes(marker));
}
