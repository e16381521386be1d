/**
 * A config file written from a plan, for the two SDK providers that look settings up in the config
 * file even when every other parameter is given:
 *  - `fromSSO` with an sso-session: its token provider (`fromSso` of @aws-sdk/token-providers)
 *    finds the profile's `sso_session` and that session's `sso_region` / `sso_start_url` in the
 *    files, then reads the token cached under the session name and, when it is near expiry,
 *    refreshes it with SSO OIDC and writes it back. That refresh is why the SDK is used at all.
 *  - `fromLoginCredentials`: reads the profile's `login_session` (and `region`) from the files.
 *
 * Handing them the user's files would make the SDK read them again, its own way. Instead they get
 * a few lines written from the plan (the AWS CLI's reading, made once by the config layer) under
 * made-up paths that only smithy's file cache knows. The lines hold names and URLs, never a secret.
 */
import { UserFacingError } from './errors';

/** The part of smithy's `externalDataInterceptor` used here (each bundle has its own copy). */
export interface FileInterceptor {
  interceptFile(path: string, contents: string): void;
  getFileRecord(): Record<string, unknown>;
}

/** The profile name the written config uses: any name smithy's parser reads. */
export const PLAN_PROFILE = 'aws-identity-switcher-plan';

/** The names smithy's parser accepts after `profile ` or `sso-session ` in a section header. */
const SMITHY_NAME = /^[\w\-@+.%:/]+$/;

/** One `key = value` line; a value smithy would cut at `#`/`;` or at a line break is refused. */
function line(key: string, value: string, profile: string): string {
  if (/[\r\n]|(^|\s)[;#]/.test(value)) {
    throw new UserFacingError(
      'other',
      `The ${key} of profile "${profile}" has a line break, or a # or ; after a space, which the AWS SDK would cut off. Write the value without them, then select the profile again.`,
    );
  }
  return `${key} = ${value}\n`;
}

/** `[profile P] sso_session = S` and `[sso-session S]` with its start URL and region. */
export function ssoSessionConfig(profile: string, session: string, startUrl: string, ssoRegion: string): string {
  if (!SMITHY_NAME.test(session)) {
    throw new UserFacingError(
      'other',
      `Profile "${profile}" uses the sso-session "${session}", a name the AWS SDK cannot read (it allows letters, digits and - _ @ + . % : /), so its IAM Identity Center token cannot be found. Rename the sso-session (and run \`aws sso login --profile ${profile}\` again), then select the profile again.`,
    );
  }
  return `[profile ${PLAN_PROFILE}]\n${line('sso_session', session, profile)}[sso-session ${session}]\n${line('sso_start_url', startUrl, profile)}${line('sso_region', ssoRegion, profile)}`;
}

/** `[profile P] login_session = S`, with the profile's region when it has one. */
export function loginConfig(profile: string, loginSession: string, region: string | undefined): string {
  return `[profile ${PLAN_PROFILE}]\n${line('login_session', loginSession, profile)}${region ? line('region', region, profile) : ''}`;
}

let counter = 0;

/**
 * Runs `use` with `config` as a config file (and an empty credentials file) that only the SDK's
 * file cache holds, and removes both when it settles.
 */
export async function withPlanConfig<T>(
  interceptor: FileInterceptor,
  config: string,
  use: (paths: { configFilepath: string; filepath: string }) => Promise<T>,
): Promise<T> {
  const id = ++counter;
  const configFilepath = `aws-identity-switcher:plan/${process.pid}/${id}/config`;
  const filepath = `aws-identity-switcher:plan/${process.pid}/${id}/credentials`;
  interceptor.interceptFile(configFilepath, config);
  interceptor.interceptFile(filepath, '');
  try {
    return await use({ configFilepath, filepath });
  } finally {
    const record = interceptor.getFileRecord();
    delete record[configFilepath];
    delete record[filepath];
  }
}
