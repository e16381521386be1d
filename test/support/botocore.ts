/**
 * Runs test/support/botocoreOracle.py: how the AWS CLI (botocore, on this machine) reads a batch of
 * config/credentials file pairs. One Python process per batch. Fails loudly when python3 or botocore
 * is missing: the oracle is the point of the tests that use it.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

export interface OracleCase {
  readonly id: string;
  /** File contents; undefined = the file does not exist. */
  readonly config?: string | Uint8Array;
  readonly credentials?: string | Uint8Array;
}

/** A setting: a string, an indented block, or (for secrets) the SHA-256 of the value. */
export type OracleValue = string | Record<string, string> | { readonly sha256: string; readonly multiline: boolean; readonly block: boolean };

export interface OracleProfile {
  /** Settings as botocore merged them; secret values replaced by their SHA-256. */
  readonly settings: Record<string, OracleValue>;
  /** validate_region_name on the region; null when there is no string region. */
  readonly regionValid: boolean | null;
  readonly verdict: 'credentials' | 'none' | 'error';
  readonly method?: string;
  readonly error?: string;
  /** Roles botocore would assume, innermost source first. */
  readonly assumedRoles: ReadonlyArray<{ readonly roleArn: string; readonly durationSeconds: number | null }>;
  /** Profiles whose role botocore assumes, outermost (the profile itself) first. */
  readonly roleChain: ReadonlyArray<string>;
}

export interface OracleReading {
  readonly id: string;
  /** ConfigParseError per file, when botocore refuses it. */
  readonly fileErrors: { readonly config?: string; readonly credentials?: string };
  /** Set when session.full_config itself fails (every CLI command would). */
  readonly fullConfigError?: string;
  readonly ssoSessions?: ReadonlyArray<string>;
  readonly ssoSessionSettings?: Readonly<Record<string, Record<string, OracleValue>>>;
  readonly profiles?: Readonly<Record<string, OracleProfile>>;
}

export interface OracleBatch {
  readonly botocore: string;
  readonly python: string;
  readonly cases: ReadonlyArray<OracleReading>;
}

const SCRIPT = path.resolve(__dirname, '..', '..', '..', 'test', 'support', 'botocoreOracle.py');

function b64(v: string | Uint8Array | undefined): string | null {
  if (v === undefined) return null;
  return Buffer.from(typeof v === 'string' ? Buffer.from(v, 'utf8') : v).toString('base64');
}

/** Reads every case with botocore in one Python process. */
export function readWithBotocore(cases: ReadonlyArray<OracleCase>): OracleBatch {
  const python = process.env.PYTHON ?? 'python3';
  const input = JSON.stringify({ cases: cases.map((c) => ({ id: c.id, config: b64(c.config), credentials: b64(c.credentials) })) });
  const run = spawnSync(python, [SCRIPT], { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 120_000 });
  if (run.error || run.status !== 0) {
    throw new Error(
      `The botocore oracle did not run (${python} ${SCRIPT}): ${run.error?.message ?? `exit ${run.status}`}\n${run.stderr ?? ''}\n` +
        'These tests compare with the AWS CLI\'s own reading: install Python 3 with botocore (pip install botocore) or set PYTHON.',
    );
  }
  return JSON.parse(run.stdout) as OracleBatch;
}

/**
 * botocore's error (class and message) -> what the extension's problem for that profile must talk
 * about: the conformance tests hold the two readings to the same reason.
 */
export const BOTOCORE_ERROR_TOPICS: ReadonlyArray<[RegExp, RegExp]> = [
  [/Infinite loop/s, /loops|names itself/],
  [/source_profile ".*" referenced in .* does not exist/s, /does not exist/],
  [/specified sso-session does not exist/s, /sso-session/],
  [/contains both source_profile and credential_source/s, /both source_profile and credential_source/],
  [/missing: source_profile or credential_source/s, /neither source_profile nor credential_source/],
  [/missing: aws_secret_access_key/s, /no aws_secret_access_key/],
  [/credential source .* is not valid/s, /credential_source/],
  [/must have credentials/s, /has no credentials/],
  [/missing required configuration/s, /lacks/],
  [/is inconsistent between profile/s, /but its sso-session/],
  [/has no role ARN configured/s, /no role_arn/],
  [/IndexError/s, /credential_process .* is empty/],
  [/AttributeError: 'dict' object has no attribute 'read'/s, /credential_process .* has indented lines/],
  [/TypeError: unhashable type: 'dict'/s, /source_profile of profile .* has indented lines/],
];
