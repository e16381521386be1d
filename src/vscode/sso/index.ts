/**
 * IAM Identity Center in VS Code: sign-in nodes in the Profiles view, their accounts and roles,
 * the commands on them, and the sign-ins the identity manager asks for. extension.ts calls
 * `setUpSso` once; the commands find the service through `ssoOf(ctx)`.
 */
import * as vscode from 'vscode';
import { INTERNAL_COMMAND_IDS } from '../commands/commandIds';
import type { CommandContext } from '../commands/context';
import type { ProfilesTreeProvider } from '../views/profilesTree';
import { SsoSignInPrompts } from './signInPrompts';
import { registerSsoCommands } from './ssoCommands';
import { SsoService } from './ssoService';
import { type SsoNode, SsoTreeSection } from './ssoTree';

export { SsoService } from './ssoService';
export type { NeedSignIn, ShownPrompt } from './signInPrompts';

/** The command context with the window's IAM Identity Center service. */
export interface SsoCommandContext extends CommandContext {
  readonly sso?: SsoService;
}

export function ssoOf(ctx: CommandContext): SsoService | undefined {
  const sso = (ctx as SsoCommandContext).sso;
  return sso instanceof SsoService ? sso : undefined;
}

/**
 * Registered but not contributed, like INTERNAL_COMMAND_IDS (commands/commandIds.ts): the
 * integration tests read the sign-in notifications shown, and renew the active identity now as
 * its background timer would. Neither returns a secret.
 */
export const SSO_INTERNAL_COMMAND_IDS = {
  prompts: 'awsIdentity.internal.ssoPrompts',
  renewNow: 'awsIdentity.internal.renewNow',
} as const;

export interface SsoSetup {
  readonly service: SsoService;
  readonly prompts: SsoSignInPrompts;
  readonly disposables: vscode.Disposable[];
}

/** Builds the service, puts its rows into the Profiles view and registers the commands. Reads nothing yet. */
export function setUpSso(ctx: CommandContext, tree: ProfilesTreeProvider): SsoSetup {
  const { manager } = ctx;
  const service = new SsoService(ctx.profiles, ctx.log, manager);
  const section = new SsoTreeSection(
    service,
    async () => (await ctx.profiles.model()).profiles,
    () => {
      const s = manager.identity?.source;
      return s?.type === 'ssoRole' ? { ...(s.sessionName !== undefined ? { sessionName: s.sessionName } : {}), startUrl: s.startUrl, accountId: s.accountId, roleName: s.roleName } : undefined;
    },
    () => tree.refresh(),
  );
  tree.attachSso(section, service.onDidChange);
  const prompts = new SsoSignInPrompts(service, ctx.log, manager.onDidChangeState, manager.onDidChangeIdentity, (session, ui) => manager.signInAndRenew(session, ui));
  const inspect = [
    vscode.commands.registerCommand(INTERNAL_COMMAND_IDS.ssoTree, () => inspectRows(section)),
    vscode.commands.registerCommand(SSO_INTERNAL_COMMAND_IDS.prompts, () => prompts.shown()),
    vscode.commands.registerCommand(SSO_INTERNAL_COMMAND_IDS.renewNow, () => renewNow(ctx)),
  ];
  return { service, prompts, disposables: [service, prompts, ...inspect, ...registerSsoCommands({ ...ctx, sso: service } as SsoCommandContext, service)] };
}

/** Renews the active identity now, as its background timer would (reason "advisory"): what happened, never the credentials. */
async function renewNow(ctx: CommandContext): Promise<{ renewed: boolean; expiration?: string; message?: string }> {
  const session = ctx.manager.session;
  if (!session) return { renewed: false, message: 'No identity is active.' };
  try {
    const fresh = await session.credentials.refresh('advisory');
    return { renewed: true, ...(fresh.expiration ? { expiration: fresh.expiration.toISOString() } : {}) };
  } catch (e) {
    return { renewed: false, message: e instanceof Error ? e.message : String(e) };
  }
}

/** What a row shows, with its node (tests pass it back to the commands as the tree would). */
export interface SsoRowInspection {
  readonly label: string;
  readonly description: string;
  readonly contextValue: string;
  readonly node: SsoNode;
  readonly children: SsoRowInspection[];
}

/** The IAM Identity Center rows as the user sees them, sessions expanded to their roles (the integration tests read it). */
async function inspectRows(section: SsoTreeSection): Promise<SsoRowInspection[]> {
  const visit = async (node: SsoNode): Promise<SsoRowInspection> => {
    const item = section.treeItem(node);
    const expandable = item.collapsibleState !== vscode.TreeItemCollapsibleState.None;
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    return { label, description: String(item.description ?? ''), contextValue: item.contextValue ?? '', node, children: expandable ? await Promise.all((await section.children(node)).map(visit)) : [] };
  };
  return Promise.all((await section.roots()).map(visit));
}
