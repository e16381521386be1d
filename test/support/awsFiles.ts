/**
 * Temporary AWS config/credentials files for a test, and a scoped environment: the tests point
 * the SDK at moto with AWS_ENDPOINT_URL_STS and at the temp files, and restore what was there.
 */
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

export interface TempAwsFiles {
  readonly dir: string;
  readonly configFile: string;
  readonly credentialsFile: string;
  write(config: string, credentials: string): Promise<void>;
  dispose(): Promise<void>;
}

export async function tempAwsFiles(config = '', credentials = ''): Promise<TempAwsFiles> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'ais-aws-'));
  const configFile = path.join(dir, 'config');
  const credentialsFile = path.join(dir, 'credentials');
  const write = async (c: string, k: string): Promise<void> => {
    await fsp.writeFile(configFile, c, { mode: 0o600 });
    await fsp.writeFile(credentialsFile, k, { mode: 0o600 });
  };
  await write(config, credentials);
  return { dir, configFile, credentialsFile, write, dispose: () => fsp.rm(dir, { recursive: true, force: true }) };
}

/** Sets environment variables (undefined = unset) and returns a function that restores them. */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>): void => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  return () => apply(saved);
}

/** The variables that would make the SDK use something other than what a test set up. */
export const AMBIENT_AWS_ENV: Record<string, undefined> = {
  AWS_PROFILE: undefined,
  AWS_DEFAULT_PROFILE: undefined,
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_SESSION_TOKEN: undefined,
  AWS_REGION: undefined,
  AWS_DEFAULT_REGION: undefined,
  AWS_ENDPOINT_URL: undefined,
  AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
  AWS_CONTAINER_AUTHORIZATION_TOKEN: undefined,
};
