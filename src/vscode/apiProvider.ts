import * as vscode from 'vscode';
import type { AwsIdentityApi } from '../api';
import { inspectProfile } from '../credentials/profileCredentials';
import { assumeAndRemember, useAndRemember, type CommandContext } from './commands/context';
import type { IdentityPresenter } from './views/identityPresenter';
import type { ProfilesTreeProvider } from './views/profilesTree';

/** Builds the API returned from activate(); see src/api.ts for the contract. */
export function createApi(ctx: CommandContext, presenter: IdentityPresenter): AwsIdentityApi {
  return {
    apiVersion: 1,
    listProfiles: async () => [...(await ctx.profiles.model()).profiles],
    getActiveIdentity: () => ctx.manager.identity,
    onDidChangeIdentity: presenter.onDidChangeIdentity,
    useProfile: (name) => useAndRemember(ctx, name),
    assumeRole: (roleArn, options = {}) =>
      assumeAndRemember(ctx, {
        roleArn,
        source: options.sourceProfile ? { type: 'profile', profile: options.sourceProfile } : { type: 'active' },
        ...(options.sessionName ? { sessionName: options.sessionName } : {}),
        ...(options.durationSeconds ? { durationSeconds: options.durationSeconds } : {}),
        ...(options.externalId ? { externalId: options.externalId } : {}),
      }),
    // Other extensions get temporary credentials only: long-lived IAM user keys stay inside.
    getCredentials: () => ctx.manager.getExportableCredentials(),
  };
}

/** Not part of the documented API or the palette: lets the integration tests read what the user sees (never a secret). */
export function registerInspectCommand(presenter: IdentityPresenter, tree: ProfilesTreeProvider): vscode.Disposable {
  return vscode.commands.registerCommand('awsIdentity.internal.inspect', async () => ({
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

/**
 * Restores the workspace's last profile at startup, in the background. A profile that needs an
 * MFA code is not restored silently: one notification offers to sign in.
 */
export async function restoreLastProfile(ctx: CommandContext): Promise<void> {
  const name = ctx.memory.lastProfile;
  if (!name) {
    ctx.log.info('No profile remembered for this workspace.');
    return;
  }
  if (ctx.manager.identity) return;
  ctx.log.info(`Restoring profile "${name}", last used in this workspace.`);
  // Only this profile is described: restoring must not wait for ten thousand others.
  const profile = await ctx.profiles.profile(name);
  if (!profile || profile.problem) {
    ctx.log.warn(`Not restoring profile "${name}": ${profile ? profile.problem : 'it is no longer in the config files'}.`);
    return;
  }
  // The same rule the switch uses to decide whether resolving the profile asks for a code.
  if ((await inspectProfile(name, ctx.profiles.paths)).needsMfa) {
    const choice = await vscode.window.showInformationMessage(`AWS profile "${name}" was active here last time; it needs an MFA code to sign in again.`, 'Sign In');
    if (choice === 'Sign In') await vscode.commands.executeCommand('awsIdentity.useProfile', name);
    return;
  }
  try {
    await ctx.manager.useProfile(name);
    ctx.log.info(`Restored profile "${name}".`);
  } catch (error) {
    ctx.log.warn(`Could not restore profile "${name}": ${error instanceof Error ? error.message : String(error)}`);
  }
}
