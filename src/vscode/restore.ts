import * as vscode from 'vscode';
import { planNeedsMfa } from '../credentials/resolvePlan';
import { switchToProfile } from './commands/useProfile';
import type { CommandContext } from './commands/context';

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
  const plan = (await ctx.profiles.snapshot()).plan(name);
  // The user (or another extension) may have switched while the files were read: theirs wins.
  if (ctx.manager.identity || ctx.manager.state.status !== 'none') {
    ctx.log.info(`Not restoring profile "${name}": an identity was chosen meanwhile.`);
    return;
  }
  if (!('problem' in plan) && planNeedsMfa(plan)) {
    const choice = await vscode.window.showInformationMessage(`AWS profile "${name}" was active here last time; it needs an MFA code to sign in again.`, 'Sign In');
    if (choice === 'Sign In') await switchToProfile(ctx, name);
    return;
  }
  try {
    await ctx.manager.useProfile(name);
    ctx.log.info(`Restored profile "${name}".`);
  } catch (error) {
    ctx.log.warn(`Could not restore profile "${name}": ${error instanceof Error ? error.message : String(error)}`);
  }
}
