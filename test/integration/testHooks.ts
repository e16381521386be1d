/**
 * The extension's test hooks (src/vscode/testHooks.ts), asked by their names in
 * INTERNAL_COMMAND_IDS: what the user sees now, never a secret.
 */
import * as vscode from 'vscode';
import { INTERNAL_COMMAND_IDS } from '../../src/vscode/commands/commandIds';

/** What test hook `name` answers now. */
export async function testHook<T>(name: keyof typeof INTERNAL_COMMAND_IDS): Promise<T> {
  return (await vscode.commands.executeCommand<T>(INTERNAL_COMMAND_IDS[name]))!;
}

/** The mode new terminals get now (endpoint, environment or off). */
export async function terminalMode(): Promise<string> {
  return (await testHook<{ mode: string }>('terminalState')).mode;
}
