/**
 * "Open AWS Console as Identity" and "Copy Console Sign-in Link": the VS Code face of
 * src/console. From the palette or the status bar menu they act on the active identity; from a
 * profile row or an IAM Identity Center role row they first switch to it (as "New Terminal as
 * This Profile" does), then open the console as it.
 *
 * The login URL is a secret for 15 minutes: it goes to `vscode.env.openExternal` or, only on
 * "Copy", to the clipboard with a warning; it is never logged, shown or stored.
 */
import * as vscode from 'vscode';
import { createConsoleLink, type ConsoleLink } from '../../console/consoleSignIn';
import { SIGNIN_LINK_LIFETIME_MINUTES, clampConsoleDuration, isKnownChainedRole } from '../../console/consoleUrl';
import type { CredentialPlan } from '../../config/credentialPlan';
import type { IdentitySession } from '../../identity/identitySession';
import { CONSOLE_COMMAND_IDS } from '../commands/commandIds';
import { clickedProfile, confirmByPicker, reportFailure, type CommandContext } from '../commands/context';
import { switchToProfile } from '../commands/useProfile';
import { isSsoNodeOf } from '../sso/ssoTree';
import { requestedRole, useRole } from '../sso/ssoCommands';
import { ssoOf } from '../sso';
import type { Identity } from '../../shared/types';

/**
 * Whether `session`'s role was made with another role session's credentials, as far as is known
 * for certain (see isKnownChainedRole): AWS refuses a console SessionDuration only then.
 */
async function isChainedRole(ctx: Pick<CommandContext, 'profiles'>, session: IdentitySession): Promise<boolean> {
  const snapshot = await ctx.profiles.snapshot();
  const plan = (profile: string): CredentialPlan | undefined => {
    const p = snapshot.plan(profile);
    return 'problem' in p ? undefined : p;
  };
  const parentArn = session.parent?.identity.arn;
  return isKnownChainedRole(session.identity, { plan, ...(parentArn !== undefined ? { parentArn } : {}) });
}

function setting<T>(key: string, fallback: T): T {
  return vscode.workspace.getConfiguration('awsIdentity').get<T>(key, fallback);
}

/** The identity to act on: the clicked row's (after switching to it), else the active one. */
async function targetIdentity(ctx: CommandContext, arg: unknown): Promise<Identity | undefined> {
  const profile = clickedProfile(arg);
  if (profile) return switchToProfile(ctx, profile.name);
  if (isSsoNodeOf(arg, 'ssoRole')) return reportFailure(ctx, `Using ${arg.roleName}`, async () => useRole(ctx, await requestedRole(ssoOf(ctx), arg)));
  const identity = ctx.manager.identity;
  if (!identity) {
    void vscode.window.showErrorMessage('No AWS identity is selected, so there is no one to open the console as. Pick a profile or a role first (AWS Identity view or status bar), then try again.');
  }
  return identity;
}

/**
 * Runs `use` with the session of `identity` held (leased) until it ends. The identity is named in
 * the pickers and messages before the link is made; if the active identity changes meanwhile
 * (another switch), the link is still made with THIS session's credentials, so it signs in as the
 * identity the user was told about, never as whichever is active later. Undefined when the
 * identity changed before it could be held (reported).
 */
async function withSessionOf<T>(ctx: CommandContext, identity: Identity, use: (session: IdentitySession) => Promise<T | undefined>): Promise<T | undefined> {
  const session = ctx.manager.session;
  if (!session || session.isDisposed || session.identity.arn !== identity.arn) {
    const now = ctx.manager.identity;
    void vscode.window.showErrorMessage(
      `The active AWS identity changed before the console link for ${identity.name} was made (${now ? `it is now ${now.name}` : 'none is selected now'}), so no link was made. Run the command again for the identity you want.`,
    );
    return undefined;
  }
  const lease = session.retain();
  try {
    return await use(session);
  } finally {
    lease.dispose();
  }
}

/** Makes the login URL with `session`'s credentials, with progress. Undefined when it failed (reported). */
async function makeLink(ctx: CommandContext, identity: Identity, session: IdentitySession, what: string): Promise<ConsoleLink | undefined> {
  return reportFailure(ctx, what, async () =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `AWS console: signing in as ${identity.name}…` }, async () => {
      const credentials = await session.getCredentials();
      const link = await createConsoleLink({
        identity: { arn: identity.arn, name: identity.name, region: identity.region },
        credentials,
        chained: await isChainedRole(ctx, session),
        sessionDurationSeconds: clampConsoleDuration(setting<number>('console.sessionDurationSeconds', 3600)),
        federationEndpoint: setting<string>('console.federationEndpoint', ''),
      });
      // The description has no secret; the URL itself is never logged.
      ctx.log.info(`Made a ${link.description}.`);
      return link;
    }),
  );
}

export function openConsoleCommand(ctx: CommandContext) {
  return async (arg?: unknown): Promise<boolean> => {
    const identity = await targetIdentity(ctx, arg);
    if (!identity) return false;
    const link = await withSessionOf(ctx, identity, (session) => makeLink(ctx, identity, session, `Opening the AWS console as ${identity.name}`));
    if (!link) return false;
    // The link as a string, not a Uri: turning it into a Uri and back re-encodes the `?` inside
    // the url-encoded Destination, which the sign-in endpoint then refuses. VS Code passes a string
    // through as it is (microsoft/vscode#85930, #135949); the declared type says Uri only.
    const opened = await vscode.env.openExternal(link.url as unknown as vscode.Uri);
    if (!opened) {
      const copy = 'Copy Link Instead';
      const choice = await vscode.window.showWarningMessage(
        `The browser did not open for the AWS console as ${identity.name}. Copy the sign-in link and paste it into a browser yourself (it is valid for ${SIGNIN_LINK_LIFETIME_MINUTES} minutes and grants access as ${identity.name}).`,
        copy,
      );
      if (choice === copy) await copyLink(link, identity);
      return false;
    }
    ctx.log.info(`Opened the AWS console as ${identity.arn} (${link.destination}).`);
    return true;
  };
}

async function copyLink(link: ConsoleLink, identity: Identity): Promise<void> {
  await vscode.env.clipboard.writeText(link.url);
  void vscode.window.showWarningMessage(
    `Copied a console sign-in link for ${identity.name} (${identity.account}). It is valid for ${SIGNIN_LINK_LIFETIME_MINUTES} minutes and grants access to the AWS console as this identity to whoever opens it: paste it only into your own browser, and do not share it.`,
  );
}

/**
 * Asked every time: any extension can run this command, and a link on the clipboard is readable by
 * every extension, so the user says yes to each copy.
 */
async function confirmCopy(identity: Identity): Promise<boolean> {
  return confirmByPicker({
    title: 'Copy a console sign-in link to the clipboard?',
    yes: { label: `$(copy) Copy a console sign-in link for ${identity.name} (${identity.account})`, detail: `Whoever opens it uses the AWS console as this identity for ${SIGNIN_LINK_LIFETIME_MINUTES} minutes.` },
    no: '$(close) Do not copy',
  });
}

export function copyConsoleLinkCommand(ctx: CommandContext) {
  return async (arg?: unknown): Promise<boolean> => {
    const identity = await targetIdentity(ctx, arg);
    if (!identity) return false;
    // Held from before the question: the answer is about the identity the question names.
    const link = await withSessionOf(ctx, identity, async (session) =>
      (await confirmCopy(identity)) ? makeLink(ctx, identity, session, `Making a console sign-in link for ${identity.name}`) : undefined,
    );
    if (!link) return false;
    await copyLink(link, identity);
    ctx.log.info(`Copied a console sign-in link for ${identity.arn} to the clipboard (the link is not logged).`);
    return true;
  };
}

/** Registers both commands; called from extension.ts. */
export function registerConsoleCommands(ctx: CommandContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CONSOLE_COMMAND_IDS.openConsole, openConsoleCommand(ctx)),
    vscode.commands.registerCommand(CONSOLE_COMMAND_IDS.copyConsoleLink, copyConsoleLinkCommand(ctx)),
  ];
}
