/**
 * The first credentials of a plan (its `source`), before any role is assumed. The config layer
 * has decided which source applies and with which settings; here the SDK's providers make the
 * network calls (STS web identity, instance and container metadata), except for
 * credential_process, which is run the AWS CLI's way (processCredentials.ts), and IAM Identity
 * Center, which goes through src/sso (below).
 *
 * IAM Identity Center: src/sso reads the AWS CLI's token cache, refreshes the token exactly as the
 * CLI's cache expects (writing it back under the CLI's lock), and calls the portal's
 * GetRoleCredentials in the plan's SSO region. The SDK's fromSSO is not used: its token provider
 * re-read a config file for the sso-session, refreshed on its own schedule, and could not tell
 * "sign in again" apart from other failures, which the identity layer needs in order to offer a
 * sign-in (SsoSignInRequiredError).
 *
 * Region: the web identity's STS call uses the source profile's own region, else the STS region
 * of the switch.
 *
 * No provider is given the user's files: see planConfig.ts for the one (`aws login`) that insists
 * on a config. One reading remains, on purpose: the instance metadata provider looks up its own
 * endpoint settings (ec2_metadata_service_endpoint[_mode], ec2_metadata_v1_disabled) in the
 * shared config, as botocore does; only credential_source = Ec2InstanceMetadata leads there, and a
 * plan has no place for those keys.
 */
import type { Pluggable } from '@smithy/types';
import { loadSdk } from './sdkLoader';
import { UserFacingError } from './errors';
import { runCredentialProcess } from './processCredentials';
import { loginConfig, PLAN_PROFILE, withPlanConfig } from './planConfig';
import type { CredentialSource } from '../config/credentialPlan';
import type { AwsCredentials } from '../shared/types';
// The index and errors of src/sso load no SDK code: the SSO clients come from dist/sdk.js on the first call.
import { getRoleCredentials, getSsoToken, SsoError, type SsoContext, type SsoSession } from '../sso';
import { cliLoginHint, sessionLabel } from '../sso/errors';

/** What resolving a source needs beyond the source itself. */
export interface SourceContext {
  /** The STS region of the switch (undefined: us-east-1 on the global endpoint). */
  readonly region: string | undefined;
  /** The source profile's own `region`, if any (for web identity and `aws login`). */
  readonly profileRegion: string | undefined;
  /** SDK client settings for the `aws login` client, without a region (stsClientConfig minus region). */
  readonly clientConfig: Record<string, unknown>;
  /** The STS client configuration for the web identity call: the source profile's region, else the switch's. */
  readonly stsConfig: Record<string, unknown>;
  /** Observes the STS calls a provider makes (counted on onStsCall, feeding the clock skew). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- applies to any client's stack
  readonly stsPlugin: Pluggable<any, any>;
  /** Timeout and retries for instance/container metadata. */
  readonly metadata: { readonly timeout: number; readonly maxRetries: number };
  /** Where IAM Identity Center lives for this process (cache folder, endpoints, clock, logger); defaults are the real ones. */
  readonly sso?: SsoContext;
}

/**
 * The credentials `source` yields.
 * @throws UserFacingError for what is decided here (credential_process), the SDK's own errors
 *   otherwise (the caller turns them into UserFacingErrors with the profile named)
 */
export async function sourceCredentials(source: CredentialSource, ctx: SourceContext): Promise<AwsCredentials> {
  const sdk = loadSdk();
  switch (source.type) {
    case 'static':
      return {
        accessKeyId: source.accessKeyId,
        secretAccessKey: source.secretAccessKey,
        ...(source.sessionToken ? { sessionToken: source.sessionToken } : {}),
      };
    case 'environment':
      return toCredentials(await sdk.fromEnv()());
    case 'instanceMetadata':
      return toCredentials(await sdk.fromInstanceMetadata(ctx.metadata)());
    case 'containerMetadata':
      return toCredentials(await sdk.fromContainerMetadata(ctx.metadata)());
    case 'process':
      return runCredentialProcess(source.profile, source.command);
    case 'webIdentity':
      return toCredentials(
        await sdk.fromTokenFile({
          webIdentityTokenFile: source.tokenFile,
          roleArn: source.roleArn,
          ...(source.roleSessionName ? { roleSessionName: source.roleSessionName } : {}),
          clientConfig: ctx.stsConfig,
          clientPlugins: [ctx.stsPlugin],
        })(),
      );
    case 'sso':
      return ssoCredentials(source, ctx);
    case 'login':
      return loginCredentials(source, ctx);
  }
}

type SsoSource = Extract<CredentialSource, { type: 'sso' }>;

/** The sign-in an sso profile's token belongs to: its sso-session, or (legacy) its own start URL. */
export function ssoSessionOf(source: SsoSource): SsoSession {
  return {
    ...(source.sessionName !== undefined ? { sessionName: source.sessionName } : {}),
    startUrl: source.startUrl,
    region: source.ssoRegion,
    ...(source.registrationScopes ? { registrationScopes: source.registrationScopes } : {}),
  };
}

function ssoCredentials(source: SsoSource, ctx: SourceContext): Promise<AwsCredentials> {
  return ssoRoleCredentials({ session: ssoSessionOf(source), accountId: source.accountId, roleName: source.roleName, profile: source.profile }, ctx.sso ?? {});
}

/**
 * IAM Identity Center has no usable sign-in for `session`: no token in the CLI's cache, one that
 * expired and could not be refreshed, or one the portal refused (`revoked`). A switch may offer a
 * sign-in and retry; a renewal only reports it (it never opens a browser).
 */
export class SsoSignInRequiredError extends UserFacingError {
  constructor(
    readonly session: SsoSession,
    /** The cache held a token the portal refused: a new sign-in must replace it (force). */
    readonly revoked: boolean,
    /** What to run in a terminal to sign in instead (`aws sso login --profile p` or `--sso-session s`). */
    readonly loginCommand: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super('other', message, options);
  }
}

/** What GetRoleCredentials is asked for, and the profile that names it (absent: a role used directly). */
export interface SsoRoleTarget {
  readonly session: SsoSession;
  readonly accountId: string;
  readonly roleName: string;
  readonly profile?: string;
}

/**
 * Role credentials with the cached token (refreshed near expiry, never a new sign-in).
 * @throws SsoSignInRequiredError when a sign-in is needed; UserFacingError otherwise
 */
export async function ssoRoleCredentials(target: SsoRoleTarget, ctx: SsoContext): Promise<AwsCredentials> {
  try {
    const token = await getSsoToken(target.session, ctx);
    return await getRoleCredentials(target.session, token, target.accountId, target.roleName, ctx);
  } catch (error) {
    throw ssoFailure(error, target);
  }
}

/** SsoErrors in the words of what was being used (a profile, or a role picked from the portal). */
function ssoFailure(error: unknown, t: SsoRoleTarget): unknown {
  if (!(error instanceof SsoError)) return error;
  const label = sessionLabel(t.session);
  const role = `role ${t.roleName} in account ${t.accountId}`;
  // The live portal answers an unassigned role with ForbiddenException ("No access"), which its
  // API model does not list, so src/sso sees an unmodelled error: it means the same as notFound.
  const kind = error.kind === 'other' && (error.cause as { name?: unknown } | undefined)?.name === 'ForbiddenException' ? 'notFound' : error.kind;
  switch (kind) {
    case 'signInRequired':
    case 'unauthorized': {
      const why = error.kind === 'unauthorized' ? 'the portal refused the cached token: it expired or was signed out' : 'no usable token in the AWS CLI\'s SSO cache';
      // The profile wording is the one the SDK-based resolution had (users and tests know it).
      const message = t.profile
        ? `The IAM Identity Center (SSO) session for profile "${t.profile}" is missing or has expired (${label}: ${why}). Run \`aws sso login --profile ${t.profile}\` in a terminal, or sign in when VS Code offers it, then select the profile again.`
        : `You are not signed in to IAM Identity Center for ${role} (${label}: ${why}). Sign in when VS Code offers it, or run \`${cliLoginHint(t.session)}\` in a terminal, then use the role again.`;
      const command = t.profile ? `aws sso login --profile ${t.profile}` : cliLoginHint(t.session);
      return new SsoSignInRequiredError(t.session, error.kind === 'unauthorized', command, message, { cause: error });
    }
    case 'notFound':
      return new UserFacingError(
        'other',
        t.profile
          ? `IAM Identity Center has no ${role} for you (${label}), which profile "${t.profile}" names in sso_account_id and sso_role_name. Check them, or ask your IAM Identity Center administrator for the assignment.`
          : `${role.charAt(0).toUpperCase()}${role.slice(1)} is not assigned to you in IAM Identity Center (${label}): the assignment was removed, or the account or role is not yours. Reload the accounts and roles and pick another, or ask your administrator for the assignment.`,
        { cause: error },
      );
    default:
      // SsoError messages already name the cause and the next step.
      return new UserFacingError('other', error.message, { cause: error });
  }
}

/** `aws login` sessions: the SDK's provider reads the cached login token and refreshes it (writing it back). */
async function loginCredentials(source: Extract<CredentialSource, { type: 'login' }>, ctx: SourceContext): Promise<AwsCredentials> {
  const sdk = loadSdk();
  const config = loginConfig(source.profile, source.loginSession, ctx.profileRegion);
  const clientConfig = { ...ctx.clientConfig, ...(ctx.profileRegion ? { region: ctx.profileRegion } : {}) };
  try {
    return await withPlanConfig(sdk.externalDataInterceptor, config, async (paths) =>
      toCredentials(await sdk.fromLoginCredentials({ ...paths, profile: PLAN_PROFILE, ignoreCache: true, clientConfig })()),
    );
  } catch (error) {
    // The SDK says which cache file it could not read; what the user needs is the command.
    // "Failed to load ... token" (nothing cached), "re-authenticate" / "reauthenticate" (the sign-in
    // expired or was revoked: the refresh was refused).
    if (!/Failed to load (a )?token|re-?authenticate/i.test(error instanceof Error ? error.message : '')) throw error;
    throw new UserFacingError(
      'other',
      `Profile "${source.profile}" signs in with \`aws login\` and no valid sign-in is cached for it. Run \`aws login --profile ${source.profile}\` in a terminal, then select the profile again.`,
      { cause: error },
    );
  }
}

/** The SDK's credential shape, without its extra fields (`$source`, credential scope). */
export function toCredentials(c: { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date; accountId?: string }): AwsCredentials {
  return {
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}),
    ...(c.expiration ? { expiration: c.expiration } : {}),
    ...(c.accountId ? { accountId: c.accountId } : {}),
  };
}
