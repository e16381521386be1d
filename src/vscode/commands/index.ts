import * as vscode from 'vscode';
import type { CommandContext } from './context';
import { useProfile, newTerminalForProfile } from './useProfile';
import { assumeRole, assumeRoleFromProfile, assumeRoleWithOptions } from './assumeRole';
import { switchIdentity } from './switchIdentity';
import { clearIdentity, copyIdentityArn, newTerminal } from './identityActions';
import { copyProfileName, openConfigFile, openProfileSource, refreshProfiles } from './profileActions';

/** A command implementation, given the services it may use and the arguments VS Code passes. */
export type CommandFactory = (ctx: CommandContext) => (...args: unknown[]) => unknown;

const COMMANDS: Record<string, CommandFactory> = {
  'awsIdentity.switchProfile': switchIdentity,
  'awsIdentity.useProfile': useProfile,
  'awsIdentity.newTerminalForProfile': newTerminalForProfile,
  'awsIdentity.assumeRole': assumeRole,
  'awsIdentity.assumeRoleWithOptions': assumeRoleWithOptions,
  'awsIdentity.assumeRoleFromProfile': assumeRoleFromProfile,
  'awsIdentity.newTerminal': newTerminal,
  'awsIdentity.clearIdentity': clearIdentity,
  'awsIdentity.copyIdentityArn': copyIdentityArn,
  'awsIdentity.refreshProfiles': refreshProfiles,
  'awsIdentity.openProfileSource': openProfileSource,
  'awsIdentity.openConfigFile': openConfigFile,
  'awsIdentity.copyProfileName': copyProfileName,
  'awsIdentity.showLog': (ctx) => () => ctx.log.show(),
};

/** Registers every command; the returned disposables go into the extension's subscriptions. */
export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, factory]) => vscode.commands.registerCommand(id, factory(ctx)));
}
