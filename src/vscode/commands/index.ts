import * as vscode from 'vscode';
import { handedOut, type CommandContext, type CommandFactory } from './context';
import { useProfile, newTerminalForProfile } from './useProfile';
import { assumeRole, assumeRoleFromProfile, assumeRoleWithOptions } from './assumeRole';
import { switchIdentity } from './switchIdentity';
import { clearIdentity, copyIdentityArn, newTerminal } from './identityActions';
import { copyProfileName, openConfigFile, openProfileSource, refreshProfiles } from './profileActions';
import { COMMAND_IDS, type CommandName } from './commandIds';
import { pickRegion } from './pickRegion';
import { chooseTerminalKeys } from './terminalKeys';

/** Every command this module registers; `showAllProfiles` is the profiles tree's own. */
const COMMANDS: Record<Exclude<CommandName, 'showAllProfiles'>, CommandFactory> = {
  switchProfile: switchIdentity,
  useProfile,
  newTerminalForProfile,
  assumeRole,
  assumeRoleWithOptions,
  assumeRoleFromProfile,
  newTerminal,
  clearIdentity,
  copyIdentityArn,
  refreshProfiles,
  openProfileSource,
  openConfigFile,
  copyProfileName,
  showLog: (ctx) => () => ctx.log.show(),
  pickRegion,
  chooseTerminalKeys,
};

/** Registers every command; the returned disposables go into the extension's subscriptions. */
export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([name, factory]) => {
    const run = factory(ctx);
    return vscode.commands.registerCommand(COMMAND_IDS[name as keyof typeof COMMANDS], async (...args: unknown[]) => handedOut(await run(...args)));
  });
}
