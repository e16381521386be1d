/**
 * The IAM Identity Center commands: Add IAM Identity Center…, Sign In, Sign Out, Refresh, and on a
 * role: Use Role, Save as Profile…, Open Terminal. Each reports its failure once, with the cause
 * and the next step (reportFailure).
 */
import * as vscode from 'vscode';
import { nameProblem, regionProblem, ssoRoleProfileSection, ssoSessionSection, startUrlProblem, suggestProfileName, suggestSessionName, type NewSection } from '../../config/configEdits';
import type { Identity } from '../../shared/types';
import { SSO_COMMAND_IDS } from '../commands/commandIds';
import { confirmRequest, handedOut, reportFailure, type CommandContext } from '../commands/context';
import { isIssuedNode } from '../views/profilesTree';
import { UserCancelledError } from '../views/mfaPrompt';
import { appendSection } from '../../config/configWriter';
import type { SsoService } from './ssoService';
import { isSsoNode, isSsoNodeOf, type SsoNode } from './ssoTree';
import { sameSession, type SignInTarget } from './targets';

function isTarget(arg: unknown): arg is SignInTarget {
  return typeof arg === 'object' && arg !== null && !isSsoNode(arg) && typeof (arg as SignInTarget).id === 'string' && /^sso-(session|url):/.test((arg as SignInTarget).id);
}

type RoleNode = Extract<SsoNode, { type: 'ssoRole' }>;

async function input(options: vscode.InputBoxOptions, what: string): Promise<string> {
  const value = await vscode.window.showInputBox({ ignoreFocusOut: true, ...options });
  if (value === undefined) throw new UserCancelledError(what);
  return value.trim();
}

/**
 * The configured target a node or target handed to a command stands for, found by its id: its
 * start URL and region are never taken as given, since any extension can run these commands with
 * an object it made up.
 */
async function configuredTarget(service: SsoService, given: SignInTarget): Promise<SignInTarget> {
  const target = await service.target(given.id);
  if (!target) throw new Error(`"${given.label}" is not an IAM Identity Center session of your AWS config file, so nothing was done. Pick a session in the Profiles view, or add it with "AWS Identity: Add IAM Identity Center…".`);
  return target;
}

/** The target a command acts on: the node it was invoked on, else one picked from those matching `filter`. */
async function targetArg(service: SsoService, arg: unknown, title: string, filter: (t: SignInTarget) => Promise<boolean> | boolean): Promise<SignInTarget> {
  if (isSsoNode(arg)) return configuredTarget(service, arg.target);
  const candidates: SignInTarget[] = [];
  for (const t of await service.targets()) if (await filter(t)) candidates.push(t);
  if (candidates.length === 0) {
    throw new Error('No IAM Identity Center session fits: add one with "AWS Identity: Add IAM Identity Center…" (it writes an [sso-session] to your AWS config file).');
  }
  if (candidates.length === 1) return candidates[0]!;
  const picked = await vscode.window.showQuickPick(
    candidates.map((t) => ({ label: t.label, description: t.startUrl, target: t })),
    { title, placeHolder: 'IAM Identity Center session' },
  );
  if (!picked) throw new UserCancelledError(title);
  return picked.target;
}

/** Uses the role of a role node through the identity manager. */
export async function useRole(ctx: CommandContext, node: RoleNode): Promise<Identity> {
  const session = node.target.session;
  if (!session) throw new Error(node.target.problem ?? `${node.target.label} cannot be signed in to.`);
  const identity = await ctx.manager.useSsoRole({ session, accountId: node.account.accountId, ...(node.account.accountName ? { accountName: node.account.accountName } : {}), roleName: node.roleName });
  // As after Assume Role (assumeAndRemember): a reload must not bring back the profile used before.
  await ctx.memory.setLastProfile(undefined);
  return identity;
}

function addSession(ctx: CommandContext, service: SsoService) {
  return () =>
    reportFailure(ctx, 'Adding an IAM Identity Center session', async () => {
      const file = ctx.profiles.paths.configFile;
      const startUrl = await input(
        { title: 'Add IAM Identity Center (1/3): start URL', prompt: 'The URL of your AWS access portal', placeHolder: 'https://d-1234567890.awsapps.com/start', validateInput: (v) => startUrlProblem(v) },
        'Entering the start URL',
      );
      const region = await input(
        { title: 'Add IAM Identity Center (2/3): region', prompt: 'The region of your IAM Identity Center instance (shown in its settings)', value: ctx.settings.defaultRegion() ?? 'us-east-1', validateInput: (v) => regionProblem(v) },
        'Entering the region',
      );
      // The names the store's reading has (the CLI's rules); appendSection checks the file again as it writes.
      const taken = new Set((await ctx.profiles.snapshot()).ssoSessions.flatMap((s) => (s.name === undefined ? [] : [s.name])));
      const name = await input(
        { title: 'Add IAM Identity Center (3/3): session name', prompt: `Written as [sso-session NAME] to ${file}`, value: suggestSessionName(startUrl, taken), validateInput: (v) => nameProblem('sso-session', v.trim(), taken) },
        'Entering the session name',
      );
      await appendSection(file, ssoSessionSection(name, startUrl, region));
      ctx.log.info(`Added [sso-session ${name}] (${startUrl}, ${region}) to ${file}.`);
      await ctx.profiles.reload();
      const target = await service.target(`sso-session:${name}`);
      const choice = await vscode.window.showInformationMessage(`Added [sso-session ${name}] to ${file}. Sign in to list your AWS accounts and roles.`, 'Sign In');
      if (choice === 'Sign In' && target) await signInCommand(ctx, service)(target);
    });
}

function signInCommand(ctx: CommandContext, service: SsoService) {
  return (arg?: unknown) =>
    reportFailure(ctx, 'Signing in to IAM Identity Center', async () => {
      const target = isTarget(arg) ? await configuredTarget(service, arg) : await targetArg(service, arg, 'Sign in to IAM Identity Center', (t) => !t.problem);
      if (target.problem) throw new Error(target.problem);
      // An explicit Sign In on a node that shows a valid token signs in again (as `aws sso login`).
      const state = await service.state(target);
      await service.signIn(target, { force: state.state === 'valid' });
      vscode.window.setStatusBarMessage(`Signed in to ${target.label}`, 5000);
      await renewIfWaiting(ctx, target);
    });
}

/** The active identity waited for a sign-in to `target` (its renewal failed): renew it now rather than at the next retry. */
async function renewIfWaiting(ctx: CommandContext, target: SignInTarget): Promise<void> {
  const need = ctx.manager.state.signInNeeded;
  const session = ctx.manager.session;
  if (!need || !session || !sameSession(target, need)) return;
  try {
    await session.credentials.refresh('user');
    ctx.log.info(`Renewed the credentials of ${session.identity.name} after signing in to ${target.label}.`);
  } catch (e) {
    // Reported by the renewal itself (status bar, log); the background retries go on.
    ctx.log.warn(`Renewing ${session.identity.name} after signing in to ${target.label} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function signOutCommand(ctx: CommandContext, service: SsoService) {
  return (arg?: unknown) =>
    reportFailure(ctx, 'Signing out of IAM Identity Center', async () => {
      const target = await targetArg(service, arg, 'Sign out of IAM Identity Center', async (t) => !t.problem && (await service.state(t)).state !== 'none');
      const message = await service.signOut(target);
      void vscode.window.showInformationMessage(message);
    });
}

function refreshCommand(service: SsoService) {
  return (arg?: unknown) => {
    if (isSsoNodeOf(arg, 'ssoAccount')) service.refresh(arg.target, arg.account.accountId);
    else if (isSsoNode(arg)) service.refresh(arg.target);
    else service.refresh();
  };
}

function roleArg(arg: unknown): RoleNode {
  if (!isSsoNodeOf(arg, 'ssoRole')) throw new Error('Pick a role under an account in the Profiles view (sign in to an IAM Identity Center session first).');
  return arg;
}

/**
 * The role node a command acts on, with its target as the config has it. A row of the view is
 * taken as it is (VS Code hands the view's own node back on a click); any other node has its
 * target looked up by id among the configured sessions, since another extension could make up a
 * start URL and region (a portal of its choosing, a section written into the config file).
 */
async function configuredRole(service: SsoService | undefined, arg: unknown): Promise<RoleNode> {
  const node = roleArg(arg);
  if (isIssuedNode(node)) return node;
  if (!service) throw new Error(`Role ${node.roleName} did not come from the Profiles view, and its IAM Identity Center session cannot be checked now, so nothing was done. Pick the role in the Profiles view.`);
  return { ...node, target: await configuredTarget(service, node.target) };
}

/**
 * The role a switching command was run on (see configuredRole). A node from anywhere but the
 * view, such as a role-shaped object from another extension, switches only after the user says so.
 */
export async function requestedRole(service: SsoService | undefined, arg: unknown): Promise<RoleNode> {
  const issued = isIssuedNode(arg);
  const node = await configuredRole(service, arg);
  if (issued || (await confirmRequest(`role ${node.roleName} in ${node.account.accountName || node.account.accountId}`))) return node;
  throw new UserCancelledError('Switching to a role a command asked for');
}

function useRoleCommand(ctx: CommandContext, service: SsoService) {
  return (arg?: unknown) =>
    reportFailure(ctx, 'Using an IAM Identity Center role', async () => {
      const identity = await useRole(ctx, await requestedRole(service, arg));
      vscode.window.setStatusBarMessage(`AWS identity: ${identity.name} (${identity.account})`, 5000);
      return identity;
    });
}

function openTerminalCommand(ctx: CommandContext, service: SsoService) {
  return (arg?: unknown) =>
    reportFailure(ctx, 'Opening a terminal as an IAM Identity Center role', async () => {
      const identity = await useRole(ctx, await requestedRole(service, arg));
      await ctx.terminals.openTerminalFor(identity);
    });
}

function saveAsProfileCommand(ctx: CommandContext, service: SsoService) {
  return (arg?: unknown) =>
    reportFailure(ctx, 'Saving an IAM Identity Center role as a profile', async () => {
      // Written to the config file: the target must be a configured one, never one made up.
      const node = await configuredRole(service, arg);
      const { target, account, roleName } = node;
      if (node.profile) {
        const again = await vscode.window.showInformationMessage(`Profile "${node.profile}" already uses ${roleName} in ${account.accountName ?? account.accountId}. Save another profile for it anyway?`, 'Save Another', 'Cancel');
        if (again !== 'Save Another') return;
      }
      const file = ctx.profiles.paths.configFile;
      const taken = new Set((await ctx.profiles.model()).profiles.map((p) => p.name));
      const name = await input(
        {
          title: `Save ${roleName} (${account.accountName ?? account.accountId}) as a profile`,
          prompt: `Written as [profile NAME] to ${file}; the AWS CLI can then use it with --profile NAME`,
          value: suggestProfileName(account.accountName ?? account.accountId, roleName, taken),
          validateInput: (v) => nameProblem('profile', v.trim(), taken),
        },
        'Entering the profile name',
      );
      const region = ctx.settings.defaultRegion() ?? target.region;
      let section: NewSection;
      if (target.sessionName !== undefined) {
        section = ssoRoleProfileSection(name, { session: target.sessionName, accountId: account.accountId, roleName, ...(region ? { region } : {}) });
      } else {
        if (!target.startUrl || !target.region) throw new Error(target.problem ?? `${target.label} has no start URL and region to save.`);
        const settings: [string, string][] = [['sso_start_url', target.startUrl], ['sso_region', target.region], ['sso_account_id', account.accountId], ['sso_role_name', roleName]];
        if (region) settings.push(['region', region]);
        section = { kind: 'profile', name, settings };
      }
      await appendSection(file, section);
      ctx.log.info(`Saved ${roleName} in account ${account.accountId} as [profile ${name}] in ${file}.`);
      await ctx.profiles.reload();
      service.refresh(target, account.accountId);
      void vscode.window.showInformationMessage(`Saved as profile "${name}" in ${file}: use it here, or with \`aws --profile ${name}\` in a terminal.`);
    });
}

/** Registers the IAM Identity Center commands. */
export function registerSsoCommands(ctx: CommandContext, service: SsoService): vscode.Disposable[] {
  const commands: Record<keyof typeof SSO_COMMAND_IDS, (...args: unknown[]) => unknown> = {
    ssoAddSession: addSession(ctx, service),
    ssoSignIn: signInCommand(ctx, service),
    ssoSignOut: signOutCommand(ctx, service),
    ssoRefresh: refreshCommand(service),
    ssoUseRole: useRoleCommand(ctx, service),
    ssoSaveRoleAsProfile: saveAsProfileCommand(ctx, service),
    ssoOpenRoleTerminal: openTerminalCommand(ctx, service),
  };
  // As every command: an identity goes to the caller (maybe another extension) as a copy.
  return Object.entries(commands).map(([name, run]) => vscode.commands.registerCommand(SSO_COMMAND_IDS[name as keyof typeof SSO_COMMAND_IDS], async (...args: unknown[]) => handedOut(await run(...args))));
}
