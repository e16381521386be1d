/**
 * The first credentials of a plan (its `source`), before any role is assumed. The config layer
 * has decided which source applies and with which settings; here the SDK's providers make the
 * network calls (SSO portal, STS web identity, instance and container metadata), except for
 * credential_process, which is run the AWS CLI's way (processCredentials.ts).
 *
 * Region (the rules fromIni had, kept): the SSO portal is always called in the plan's SSO region,
 * so the STS region is passed as `parentClientConfig.region`, never `clientConfig.region` (which
 * the SDK lets override `sso_region`). The web identity's STS call uses the source profile's own
 * region, else the STS region of the switch.
 *
 * No provider is given the user's files: see planConfig.ts for the two that insist on a config.
 * One reading remains, on purpose: the instance metadata provider looks up its own endpoint
 * settings (ec2_metadata_service_endpoint[_mode], ec2_metadata_v1_disabled) in the shared config,
 * as botocore does; only credential_source = Ec2InstanceMetadata leads there, and a plan has no
 * place for those keys.
 */
import type { Pluggable } from '@smithy/types';
import { loadSdk } from './sdkLoader';
import { UserFacingError } from './errors';
import { runCredentialProcess } from './processCredentials';
import { loginConfig, PLAN_PROFILE, ssoSessionConfig, withPlanConfig } from './planConfig';
import type { CredentialSource } from '../config/credentialPlan';
import type { AwsCredentials } from '../shared/types';

/** What resolving a source needs beyond the source itself. */
export interface SourceContext {
  /** The STS region of the switch (undefined: us-east-1 on the global endpoint). */
  readonly region: string | undefined;
  /** The source profile's own `region`, if any (for web identity and `aws login`). */
  readonly profileRegion: string | undefined;
  /** SDK client settings for STS/SSO clients, without a region (stsClientConfig minus region). */
  readonly clientConfig: Record<string, unknown>;
  /** The STS client configuration for the web identity call: the source profile's region, else the switch's. */
  readonly stsConfig: Record<string, unknown>;
  /** Observes the STS calls a provider makes (counted on onStsCall, feeding the clock skew). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- applies to any client's stack
  readonly stsPlugin: Pluggable<any, any>;
  /** Timeout and retries for instance/container metadata. */
  readonly metadata: { readonly timeout: number; readonly maxRetries: number };
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

/**
 * fromSSO with every setting given. A legacy profile (no sso-session) needs nothing more: the
 * token is read from the cache by start URL and not refreshed, as the CLI does. With an
 * sso-session, the SDK's token provider still looks the session up in a config file, reads the
 * token cached under the session name and refreshes it near expiry; it is given a config
 * written from the plan (planConfig.ts).
 */
async function ssoCredentials(source: Extract<CredentialSource, { type: 'sso' }>, ctx: SourceContext): Promise<AwsCredentials> {
  const sdk = loadSdk();
  const init = {
    ssoStartUrl: source.startUrl,
    ssoRegion: source.ssoRegion,
    ssoAccountId: source.accountId,
    ssoRoleName: source.roleName,
    clientConfig: ctx.clientConfig,
    parentClientConfig: { region: ctx.region ?? 'us-east-1' },
  };
  if (source.sessionName === undefined) return toCredentials(await sdk.fromSSO(init)());
  const config = ssoSessionConfig(source.profile, source.sessionName, source.startUrl, source.ssoRegion);
  return withPlanConfig(sdk.externalDataInterceptor, config, async (paths) =>
    toCredentials(await sdk.fromSSO({ ...init, ...paths, ssoSession: source.sessionName, profile: PLAN_PROFILE, ignoreCache: true })()),
  );
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
    if (!/Failed to load (a )?token|re-authenticate/i.test(error instanceof Error ? error.message : '')) throw error;
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
