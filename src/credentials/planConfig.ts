/**
 * A config file written from a plan, for the one SDK provider that looks settings up in the
 * config file even when every other parameter is given: `fromLoginCredentials` (`aws login`)
 * reads the profile's `login_session` (and `region`) from the files.
 *
 * IAM Identity Center used to need this too (the SDK's SSO token provider re-read the
 * sso-session); it now goes through src/sso, which is handed the plan's settings directly, so
 * only `aws login` remains here. When the SDK's login provider takes its settings as parameters,
 * this file can go.
 *
 * Handing it the user's files would make the SDK read them again, its own way. Instead it gets
 * a few lines written from the plan (the AWS CLI's reading, made once by the config layer) under
 * made-up paths that only smithy's file cache knows. The lines hold names, never a secret.
 */
import { UserFacingError } from './errors';

/** The part of smithy's `externalDataInterceptor` used here (each bundle has its own copy). */
export interface FileInterceptor {
  interceptFile(path: string, contents: string): void;
  getFileRecord(): Record<string, unknown>;
}

/** The profile name the written config uses: any name smithy's parser reads. */
export const PLAN_PROFILE = 'aws-identity-switcher-plan';

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
