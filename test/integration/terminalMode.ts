import * as vscode from 'vscode';

/** The mode new terminals get now (endpoint, environment or off), as the extension's test hook reports it. */
export async function terminalMode(): Promise<string> {
  return (await vscode.commands.executeCommand<{ mode: string }>('awsIdentity.internal.terminalState')).mode;
}
