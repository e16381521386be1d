import * as vscode from 'vscode';
import type { AssumeRoleRequest, IdentityManager } from '../../identity/identityManager';
import type { ProfileStore } from '../profileStore';
import type { Log } from '../log';
import type { Settings } from '../settings';
import type { Terminals } from '../terminals/terminals';
import type { Identity, ProfileInfo } from '../../shared/types';
import { isIssuedNode, isProfileNode } from '../views/profilesTree';
import { UserCancelledError } from '../views/mfaPrompt';
import { UserFacingError } from '../../credentials/errors';
import { isCancelledSignIn } from '../../sso';
import { sanitizeRecentRoles, recordRoleUse, rankRecentRoles, type RecentRole } from '../../identity/recentRoles';
import { recordRecentRegion, regionChoiceOf, regionMemoryKey, rememberRegionChoice, sanitizeRecentRegions, sanitizeRegionChoices } from '../../identity/regionChoice';

const LAST_PROFILE_KEY = 'awsIdentity.lastProfile';
const RECENT_ROLES_KEY = 'awsIdentity.recentRoles';
/** workspaceState: the region chosen per identity (profile name or role ARN → region code). */
const REGION_CHOICES_KEY = 'awsIdentity.regionChoices';
/** globalState: recently chosen region codes, most recent first. */
const RECENT_REGIONS_KEY = 'awsIdentity.recentRegions';

/** The services commands work with, built once in extension.ts. */
export interface CommandContext {
  readonly manager: IdentityManager;
  readonly profiles: ProfileStore;
  readonly settings: Settings;
  readonly log: Log;
  readonly terminals: Terminals;
  readonly memory: IdentityMemory;
}

/** A command implementation, given the services it may use and the arguments VS Code passes. */
export type CommandFactory = (ctx: CommandContext) => (...args: unknown[]) => unknown;

/**
 * What the extension remembers between sessions: the last profile name per workspace and the
 * recently assumed role ARNs. Names and ARNs only; never a credential.
 */
export class IdentityMemory {
  constructor(
    private readonly workspaceState: vscode.Memento,
    private readonly globalState: vscode.Memento,
  ) {}

  get lastProfile(): string | undefined {
    const v = this.workspaceState.get<unknown>(LAST_PROFILE_KEY);
    return typeof v === 'string' ? v : undefined;
  }

  async setLastProfile(name: string | undefined): Promise<void> {
    await this.workspaceState.update(LAST_PROFILE_KEY, name);
  }

  recentRoles(): RecentRole[] {
    return rankRecentRoles(sanitizeRecentRoles(this.globalState.get(RECENT_ROLES_KEY)), Date.now());
  }

  async recordRole(arn: string): Promise<void> {
    await this.globalState.update(RECENT_ROLES_KEY, recordRoleUse(this.recentRoles(), arn, Date.now()));
  }

  /** The region chosen for `identity` in this workspace (by its profile name or role ARN), if any. */
  regionFor(identity: Pick<Identity, 'source' | 'arn'>): string | undefined {
    return regionChoiceOf(this.workspaceState.get(REGION_CHOICES_KEY), regionMemoryKey(identity));
  }

  /** Remembers `region` for `identity` in this workspace, and among the recently used regions. */
  async rememberRegion(identity: Pick<Identity, 'source' | 'arn'>, region: string): Promise<void> {
    const choices = rememberRegionChoice(sanitizeRegionChoices(this.workspaceState.get(REGION_CHOICES_KEY)), regionMemoryKey(identity), region);
    await this.workspaceState.update(REGION_CHOICES_KEY, choices);
    await this.globalState.update(RECENT_REGIONS_KEY, recordRecentRegion(this.recentRegions(), region));
  }

  /** Recently chosen region codes, most recent first (any partition). */
  recentRegions(): string[] {
    return sanitizeRecentRegions(this.globalState.get(RECENT_REGIONS_KEY));
  }
}

/** Makes a profile the active identity and remembers its name (only its name) for this workspace. */
export async function useAndRemember(ctx: CommandContext, name: string): Promise<Identity> {
  const identity = await ctx.manager.useProfile(name);
  await ctx.memory.setLastProfile(name);
  return identity;
}

/**
 * Assumes a role and remembers its ARN among the recently used roles. The workspace's profile is
 * forgotten: a reload must not bring back a profile the user has moved on from. Roles are not
 * restored at startup (an assumed role needs its source, maybe an MFA code), so after a role the
 * only safe memory is none. useRole (src/vscode/sso/ssoCommands.ts) does the same. A role the API
 * assumes leaves the memory alone, as every API switch does (api.ts).
 */
export async function assumeAndRemember(ctx: CommandContext, request: AssumeRoleRequest): Promise<Identity> {
  const identity = await ctx.manager.assumeRole(request);
  // Before anything else is awaited, so a profile chosen right after is remembered, not forgotten.
  await ctx.memory.setLastProfile(undefined);
  await ctx.memory.recordRole(request.roleArn);
  return identity;
}

/** The profile a tree command was invoked on (VS Code passes the tree node). */
export function profileArgument(arg: unknown): ProfileInfo | undefined {
  return isProfileNode(arg) ? arg.profile : undefined;
}

/**
 * The same, for commands that switch the identity at once: only the view's own node is taken. VS
 * Code passes the very node object a row was clicked on; an object of the same shape made by
 * another extension is ignored (the command then asks the user). A guard against mistakes, not
 * hostile code: VS Code's command plumbing can hand a command a view's row (docs/security.md).
 */
export function clickedProfile(arg: unknown): ProfileInfo | undefined {
  return isIssuedNode(arg) ? profileArgument(arg) : undefined;
}

/**
 * A profile name given to a switching command by something other than the user's own click (a
 * command run by another extension, a link): the switch happens only when the user says so.
 * Extensions that need the identity use the API, which asks for the user's consent per extension.
 */
export async function confirmRequestedSwitch(name: string): Promise<boolean> {
  return confirmRequest(`profile "${name}"`);
}

/**
 * The same question for any identity (`what`: `profile "dev"`, `role SsoAdmin in Sandbox`),
 * leaving the identity as it is unless the user picks the switch.
 */
export async function confirmRequest(what: string): Promise<boolean> {
  return confirmByPicker({
    title: `A command asked to switch the AWS identity to ${what}`,
    placeHolder: 'If you did not ask for this, keep the current identity.',
    yes: { label: `$(check) Switch to ${what}`, detail: 'New terminals and tools in this window would use it.' },
    no: '$(close) Keep the current identity',
  });
}

/**
 * A yes-or-no question as a picker, not a modal dialog: the title names the request, and only
 * picking `yes` says yes (Escape, the other item or clicking elsewhere declines).
 */
export async function confirmByPicker(q: { title: string; placeHolder?: string; yes: vscode.QuickPickItem; no: string }): Promise<boolean> {
  const choice = await vscode.window.showQuickPick([q.yes, { label: q.no }], {
    title: q.title,
    ...(q.placeHolder ? { placeHolder: q.placeHolder } : {}),
    // A terminal or editor taking focus must not count as an answer.
    ignoreFocusOut: true,
  });
  return choice === q.yes;
}

/**
 * Runs a user action and reports its failure once, with the cause and the next step; a
 * cancelled prompt is silent. Returns undefined on failure so callers can stop.
 */
export async function reportFailure<T>(ctx: CommandContext, what: string, action: () => Promise<T>): Promise<T | undefined> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof UserCancelledError || (error instanceof Error && error.name === 'UserCancelledError') || isCancelledSignIn(error)) {
      ctx.log.info(`${what}: cancelled by the user.`);
      return undefined;
    }
    // The user started another switch, which now applies: this one's end is no news to them.
    if (error instanceof UserFacingError && error.kind === 'superseded') {
      ctx.log.info(`${what}: ${error.message}`);
      return undefined;
    }
    const message = error instanceof Error ? error.message : String(error);
    ctx.log.error(`${what} failed: ${message}`, error);
    void vscode.window.showErrorMessage(message, 'Show Log').then((choice) => {
      if (choice === 'Show Log') ctx.log.show();
    });
    return undefined;
  }
}

/**
 * What a command hands to whoever ran it, maybe another extension: an identity as a copy, so that
 * changing it (say, its region) changes nothing the extension holds. Other values (a terminal,
 * which VS Code makes as a plain object holding promises, or undefined) as they are.
 */
export function handedOut(result: unknown): unknown {
  const identity = result as Partial<Identity> | null | undefined;
  const isIdentity = typeof identity === 'object' && identity !== null && typeof identity.arn === 'string' && typeof identity.source === 'object';
  return isIdentity ? structuredClone(result) : result;
}
