import * as vscode from 'vscode';
import { AUTH_PROVIDER_ID, type ApiAccess, type AssumeRoleOptions, type AwsIdentityApi, type Event } from '../api';
import type { AssumeRoleRequest } from '../identity/identityManager';
import type { Identity } from '../shared/types';
import type { CommandContext } from './commands/context';
import type { IdentityPresenter } from './views/identityPresenter';
import type { ApiAccessProvider } from './consent/accessProvider';
import { callerFromStack, callerText, type Caller, type KnownExtension } from './consent/caller';

/** The message of every refusal: what is missing and exactly what to call. */
export const ACCESS_REFUSED_MESSAGE =
  'AWS Identity gives credentials and identity switches only to extensions the user has allowed, and this call carried no valid session. ' +
  `Call vscode.authentication.getSession('${AUTH_PROVIDER_ID}', [], { createIfNone: true }) right before the call (VS Code asks the user once, and the user can revoke it under Accounts > AWS Identity > Manage Trusted Extensions), then pass that session as the first argument, e.g. api.getCredentials(session). ` +
  'A session kept from earlier stops working when the identity is cleared, when the user signs out, and within minutes after its token was rotated.';

/** What an API caller gets when the user has not allowed it (or its session is out of date). */
export class ApiAccessError extends Error {
  override readonly name = 'AwsIdentityAccessError';
  readonly code = 'AccessNotAllowed';
  constructor() {
    super(ACCESS_REFUSED_MESSAGE);
  }
}

function knownExtensions(): KnownExtension[] {
  return vscode.extensions.all.map((e) => ({ id: e.id, extensionPath: e.extensionPath, displayName: (e.packageJSON as { displayName?: unknown }).displayName as string | undefined }));
}

/** The extension calling now (best-effort, see consent/caller.ts). Call synchronously on entry. */
function currentCaller(self: KnownExtension): Caller {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  const stack = new Error().stack;
  Error.stackTraceLimit = limit;
  return callerFromStack(stack, knownExtensions(), self);
}

/**
 * Builds the API returned from activate(); see src/api.ts for the contract and docs/api.md.
 * Credentials and switches need the consent session (consent/accessProvider.ts); each such call
 * is logged with the calling extension; switches made here are shown in the status bar as set by
 * that extension and are NOT remembered as the workspace's identity (no useAndRemember).
 */
/**
 * What other extensions get: copies, so that changing one (say, its region) cannot change what
 * the extension's own terminals, debug sessions and views use without the checks of setRegion.
 */
const copy = <T>(value: T): T => structuredClone(value);

export function createApi(ctx: CommandContext, presenter: IdentityPresenter, access: ApiAccessProvider, extension: vscode.Extension<unknown>): AwsIdentityApi {
  const self: KnownExtension = { id: extension.id, extensionPath: extension.extensionPath, displayName: (extension.packageJSON as { displayName?: string }).displayName };

  /** Throws ApiAccessError unless `given` is the current session; logs the call either way. */
  const gate = (caller: Caller, given: unknown, what: string): void => {
    if (access.allows(given)) {
      ctx.log.info(`API: ${what} for ${callerText(caller)} (caller identified from the call stack, best-effort).`);
      return;
    }
    ctx.log.warn(`API: refused ${what} to ${callerText(caller)}: no valid session from the "${AUTH_PROVIDER_ID}" authentication provider (the user has not allowed it, or the session is out of date).`);
    throw new ApiAccessError();
  };

  const switched = async (caller: Caller, switching: Promise<Identity>, what: string): Promise<Identity> => {
    try {
      const identity = await switching;
      presenter.announceApiSwitch(identity, caller);
      ctx.log.info(`API: ${callerText(caller)} switched the identity to ${identity.arn} (${what}); not remembered for this workspace.`);
      return copy(identity);
    } catch (error) {
      ctx.log.warn(`API: the switch to ${what} asked by ${callerText(caller)} failed: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  };

  // The manager's event, with the identity only (src/api.ts documents when it fires).
  const onDidChangeRegion: Event<Identity> = (listener, thisArgs, disposables) => {
    const subscription = ctx.manager.onDidChangeRegion((e) => listener.call(thisArgs, copy(e.identity)));
    disposables?.push(subscription);
    return subscription;
  };
  const onDidChangeIdentity: Event<Identity | undefined> = (listener, thisArgs, disposables) => {
    const subscription = presenter.onDidChangeIdentity((identity) => listener.call(thisArgs, identity && copy(identity)));
    disposables?.push(subscription);
    return subscription;
  };

  // Frozen: every extension gets this same object, so none may replace a method to see what
  // another extension it was handed (credentials, the consent session).
  return Object.freeze({
    apiVersion: 2,
    authenticationProviderId: AUTH_PROVIDER_ID,
    listProfiles: async () => copy([...(await ctx.profiles.model()).profiles]),
    getActiveIdentity: () => {
      const identity = ctx.manager.identity;
      return identity && copy(identity);
    },
    onDidChangeIdentity,
    onDidChangeRegion,
    getCredentials: (given: ApiAccess) => {
      const caller = currentCaller(self);
      try {
        gate(caller, given, 'credentials');
      } catch (error) {
        return Promise.reject(error);
      }
      // Other extensions get temporary credentials only: long-lived IAM user keys stay inside.
      return ctx.manager.getExportableCredentials();
    },
    useProfile: (given: ApiAccess, name: string) => {
      const caller = currentCaller(self);
      try {
        gate(caller, given, `a switch to profile "${String(name)}"`);
        if (typeof name !== 'string' || !name) throw new TypeError('useProfile(session, name): name must be a profile name such as "dev" (listProfiles() lists them).');
      } catch (error) {
        return Promise.reject(error);
      }
      return switched(caller, ctx.manager.useProfile(name), `profile "${name}"`);
    },
    assumeRole: (given: ApiAccess, roleArn: string, givenOptions?: AssumeRoleOptions | null) => {
      const caller = currentCaller(self);
      // null is "no options" too: a caller's `null` must reject or work, never throw.
      const options = givenOptions ?? {};
      try {
        gate(caller, given, `a switch to role ${String(roleArn)}`);
        if (typeof roleArn !== 'string' || !roleArn) throw new TypeError('assumeRole(session, roleArn, options?): roleArn must be a role ARN or account:role/Name.');
        if (typeof options !== 'object') throw new TypeError('assumeRole(session, roleArn, options?): options must be an object such as { sourceProfile: "dev" }.');
      } catch (error) {
        return Promise.reject(error);
      }
      const request: AssumeRoleRequest = {
        roleArn,
        source: options.sourceProfile ? { type: 'profile', profile: options.sourceProfile } : { type: 'active' },
        ...(options.sessionName ? { sessionName: options.sessionName } : {}),
        ...(options.durationSeconds ? { durationSeconds: options.durationSeconds } : {}),
        ...(options.externalId ? { externalId: options.externalId } : {}),
      };
      // Not added to the user's recently used roles either: the user did not choose it.
      return switched(caller, ctx.manager.assumeRole(request), `role ${roleArn}`);
    },
    setRegion: (given: ApiAccess, region: string) => {
      const caller = currentCaller(self);
      try {
        gate(caller, given, `a region change to ${String(region)}`);
        const identity = ctx.manager.setRegion(region);
        ctx.log.info(`API: ${callerText(caller)} set the region of ${identity.arn} to ${identity.region}; not remembered for this workspace.`);
        return Promise.resolve(copy(identity));
      } catch (error) {
        if (!(error instanceof ApiAccessError)) ctx.log.warn(`API: the region change to ${String(region)} asked by ${callerText(caller)} failed: ${error instanceof Error ? error.message : String(error)}`);
        return Promise.reject(error);
      }
    },
  });
}
