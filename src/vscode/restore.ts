import * as vscode from 'vscode';
import type { CredentialPlan } from '../config/credentialPlan';
import { planNeedsMfa } from '../credentials/resolvePlan';
import { ssoSessionOf } from '../credentials/sourceCredentials';
import { switchToProfile } from './commands/useProfile';
import { type CommandContext, reportFailure } from './commands/context';
import { ssoOf, type SsoService } from './sso';
import type { SignInTarget } from './sso/targets';

/**
 * Restores the workspace's last profile at startup, in the background. A profile that needs an
 * MFA code, or an IAM Identity Center sign-in that has ended, is not restored silently: one
 * notification offers to sign in, and until then no switch is under way (the status bar does not
 * wait on the user).
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
  const signIn = 'problem' in plan ? undefined : await endedSignIn(ctx, plan);
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
  if (signIn) {
    const { service, target } = signIn;
    ctx.log.info(`Not restoring profile "${name}" yet: its IAM Identity Center sign-in (${target.label}) has ended.`);
    const choice = await vscode.window.showInformationMessage(
      `AWS profile "${name}" was active here last time; your IAM Identity Center sign-in (${target.label}) has ended. Choose Sign In to sign in again and use it.`,
      'Sign In',
    );
    if (choice !== 'Sign In') return;
    const token = await reportFailure(ctx, `Signing in to ${target.label}`, () => service.signIn(target));
    if (token) await switchToProfile(ctx, name);
    return;
  }
  try {
    await ctx.manager.useProfile(name);
    ctx.log.info(`Restored profile "${name}".`);
  } catch (error) {
    ctx.log.warn(`Could not restore profile "${name}": ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * The IAM Identity Center sign-in the profile's plan takes its credentials from, when the AWS CLI's
 * cache holds no token that works without a new sign-in (none, or expired with no refresh token).
 * Read from the cache only, no network call; a token file that cannot be read is left to the
 * switch, which reports it.
 */
async function endedSignIn(ctx: CommandContext, plan: CredentialPlan): Promise<{ service: SsoService; target: SignInTarget } | undefined> {
  const service = ssoOf(ctx);
  if (!service || plan.source.type !== 'sso') return undefined;
  const target = await service.targetOf(ssoSessionOf(plan.source));
  const cached = await service.state(target);
  return cached.state === 'none' || (cached.state === 'expired' && !cached.refreshable) ? { service, target } : undefined;
}
