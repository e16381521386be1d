/**
 * The profiles and the IdentityManager the switch and endpoint benchmarks use, shared by the main
 * process and the cold-switch worker so both measure the same thing.
 *
 * `base` holds long-lived keys (hand-written test values ending in EXAMPLE; moto accepts any
 * key), `chain` is a role assumed with base's keys through source_profile, `proc` gets its
 * credentials from a credential_process program (bench/credential-process.mjs).
 */
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { IdentityManager } from '../src/identity/identityManager';
import { silentLogger } from '../src/shared/types';
import { readConfigSnapshot } from './configReading';

export const BENCH_ACCOUNT = '123456789012';
export const CHAIN_ROLE_ARN = `arn:aws:iam::${BENCH_ACCOUNT}:role/BenchDeploy`;
/** The role assumed "from the active identity" (ours) and with `aws sts assume-role` (the CLI's). */
export const ASSUME_ROLE_ARN = `arn:aws:iam::${BENCH_ACCOUNT}:role/BenchAdmin`;
export const SESSION_NAME = 'bench-session';
/** The long-lived keys of the `base` profile (the credentials file's [base]). */
export const BASE_KEYS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } as const;

export interface BenchAwsHome {
  /** Used as HOME; holds .aws/config and .aws/credentials. */
  readonly home: string;
  readonly configFile: string;
  readonly credentialsFile: string;
  dispose(): Promise<void>;
}

/**
 * `padding`: the text of a generated organisation-wide config (configGen.ts) put before the
 * bench's own profiles, for switching inside a large config; its credentials text likewise.
 */
export async function writeBenchAwsHome(credentialProcessScript: string, padding?: { config: string; credentials: string }): Promise<BenchAwsHome> {
  const home = await fsp.mkdtemp(path.join(os.tmpdir(), 'ais-bench-home-'));
  const aws = path.join(home, '.aws');
  await fsp.mkdir(aws, { recursive: true, mode: 0o700 });
  const configFile = path.join(aws, 'config');
  const credentialsFile = path.join(aws, 'credentials');
  await fsp.writeFile(
    configFile,
    (padding ? `${padding.config}\n` : '') +
    [
      '[profile base]',
      'region = us-east-1',
      '',
      '[profile chain]',
      `role_arn = ${CHAIN_ROLE_ARN}`,
      'source_profile = base',
      `role_session_name = ${SESSION_NAME}`,
      'region = us-east-1',
      '',
      '[profile proc]',
      `credential_process = ${process.execPath} ${credentialProcessScript}`,
      'region = us-east-1',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  await fsp.writeFile(
    credentialsFile,
    (padding ? `${padding.credentials}\n` : '') +
    ['[base]', `aws_access_key_id = ${BASE_KEYS.accessKeyId}`, `aws_secret_access_key = ${BASE_KEYS.secretAccessKey}`, ''].join('\n'),
    { mode: 0o600 },
  );
  return { home, configFile, credentialsFile, dispose: () => fsp.rm(home, { recursive: true, force: true }) };
}

/**
 * Points this process at the bench home and the STS endpoint, as the extension host would be
 * pointed by the user's environment; every other AWS_* variable is removed.
 */
export function useBenchEnvironment(aws: BenchAwsHome, stsEndpoint: string): void {
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  process.env.HOME = aws.home;
  process.env.AWS_CONFIG_FILE = aws.configFile;
  process.env.AWS_SHARED_CREDENTIALS_FILE = aws.credentialsFile;
  process.env.AWS_ENDPOINT_URL_STS = stsEndpoint;
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
}

/**
 * An IdentityManager configured as the extension configures it, with production STS tuning.
 * Each switch gets a fresh snapshot of the files (read afresh, as after an edit), whose check it
 * runs before switching, as the extension's does.
 */
export function benchManager(aws: BenchAwsHome): IdentityManager {
  const paths = { configFile: aws.configFile, credentialsFile: aws.credentialsFile };
  return new IdentityManager({
    logger: silentLogger,
    mfaCodeProvider: () => Promise.reject(new Error('no MFA in the benchmark profiles')),
    snapshot: () => readConfigSnapshot(paths),
    defaultRegion: () => undefined,
    environment: () => ({}),
    defaultSessionName: () => SESSION_NAME,
    defaultDurationSeconds: () => 3600,
  });
}
