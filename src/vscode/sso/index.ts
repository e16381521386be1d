/**
 * IAM Identity Center in VS Code: sign-in nodes in the Profiles view, their accounts and roles,
 * the commands on them, and the sign-ins the identity manager asks for. extension.ts calls
 * `setUpSso` once; the commands find the service through `ssoOf(ctx)`.
 */
import * as vscode from 'vscode';
import type { CommandContext } from '../commands/context';
import type { ProfilesTreeProvider } from '../views/profilesTree';
import { SsoSignInPrompts } from './signInPrompts';
import { registerSsoCommands } from './ssoCommands';
import { SsoService } from './ssoService';
import { SsoTreeSection } from './ssoTree';

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

export interface SsoSetup {
  readonly service: SsoService;
  readonly prompts: SsoSignInPrompts;
  /** The sign-in rows of the Profiles view (the test hooks read them). */
  readonly section: SsoTreeSection;
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
  return { service, prompts, section, disposables: [service, prompts, ...registerSsoCommands({ ...ctx, sso: service } as SsoCommandContext, service)] };
}
