/**
 * Runs the real AWS clients a terminal user would run (AWS CLI v1 and v2, boto3, the JS SDK v3)
 * as child processes with an environment we control completely, and gets real temporary
 * credentials from moto's STS. Fails loudly when a client is missing: tests never skip.
 */
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentials } from '../../src/shared/types';

export type ClientName = 'cli-v1' | 'cli-v2' | 'boto3' | 'js-sdk';
export const ALL_CLIENTS: readonly ClientName[] = ['cli-v1', 'cli-v2', 'boto3', 'js-sdk'];

export interface ClientRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

const REPO = path.resolve(__dirname, '..', '..', '..');

let cliV1: string | undefined;
/** The pip AWS CLI v1. A pyenv shim needs pyenv's own environment, so resolve the real script. */
export function cliV1Path(): string {
  if (cliV1) return cliV1;
  const candidates: string[] = [];
  try {
    candidates.push(execFileSync('pyenv', ['which', 'aws'], { encoding: 'utf8', timeout: 20_000 }).trim());
  } catch {
    // not a pyenv machine: fall through to PATH
  }
  const onPath = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => dir && dir !== '/usr/bin' && dir !== '/bin')
    .map((dir) => path.join(dir, 'aws'));
  // A pyenv shim last: it works (it names its pyenv root) but costs a pyenv start per run.
  candidates.push(...onPath.filter((p) => !p.includes('shims')), ...onPath.filter((p) => p.includes('shims')));
  const tried: string[] = [];
  for (const c of candidates) {
    try {
      const v = execFileSync(c, ['--version'], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
      if (v.startsWith('aws-cli/1.')) return (cliV1 = c);
      tried.push(`${c}: ${v.trim()}`);
    } catch (e) {
      tried.push(`${c}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
  }
  throw new Error(
    `AWS CLI v1 was not found (looked for \`aws\` reporting aws-cli/1.x via pyenv and PATH; tried: ${tried.join('; ') || 'nothing on PATH'}). Install it with \`pip install awscli\`.`,
  );
}

let cliV2: string | undefined;
/** Debian's AWS CLI v2; it predates AWS_ENDPOINT_URL_STS, so callers pass --endpoint-url. */
export function cliV2Path(): string {
  if (cliV2) return cliV2; // `aws --version` alone takes about 0.6 s
  const p = '/usr/bin/aws';
  const v = fs.existsSync(p) ? execFileSync(p, ['--version'], { encoding: 'utf8', timeout: 30_000 }) : '';
  if (!v.startsWith('aws-cli/2.')) throw new Error(`AWS CLI v2 was not found at ${p}. Install it with \`apt-get install awscli\` (Debian 12).`);
  return (cliV2 = p);
}

let python: string | undefined;
/** A python3 that can import boto3. */
export function pythonWithBoto3(): string {
  if (python) return python;
  try {
    python = execFileSync('python3', ['-c', 'import sys, boto3; print(sys.executable)'], { encoding: 'utf8', timeout: 30_000 }).trim();
  } catch {
    throw new Error('python3 with boto3 was not found. Install boto3 (`pip install boto3` or `apt-get install python3-boto3`).');
  }
  return python;
}

/** An empty HOME with no AWS config, so nothing but the variables we pass can provide credentials. */
export function emptyHome(): { home: string; cleanup(): void } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'aws-identity-home-'));
  return { home, cleanup: () => fs.rmSync(home, { recursive: true, force: true }) };
}

/** The minimal environment: HOME and config paths in `home`, a bare PATH, then `vars`. */
export function clientEnv(home: string, vars: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: '/usr/bin:/bin',
    HOME: home,
    AWS_CONFIG_FILE: path.join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, '.aws', 'credentials'),
    ...vars,
  };
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<ClientRun> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: timeoutMs, encoding: 'utf8', cwd: REPO }, (err, stdout, stderr) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout: stdout.trim(), stderr: stderr.trim(), ms });
    });
  });
}

const JS_SDK_CALLER_IDENTITY = `
const { STSClient, GetCallerIdentityCommand } = require(${JSON.stringify(require.resolve('@aws-sdk/client-sts'))});
new STSClient({}).send(new GetCallerIdentityCommand({})).then(
  (r) => { process.stdout.write(r.Arn + '\\n'); },
  (e) => { process.stderr.write(String(e && e.stack || e) + '\\n'); process.exitCode = 1; });
`;

/**
 * Runs `sts get-caller-identity` in `client` with exactly `env` and prints the caller ARN on stdout.
 * `stsEndpoint` is passed as --endpoint-url to CLI v2 (the others read AWS_ENDPOINT_URL_STS from env).
 */
export function callerIdentity(client: ClientName, env: NodeJS.ProcessEnv, stsEndpoint: string): Promise<ClientRun> {
  switch (client) {
    case 'cli-v1':
      return run(cliV1Path(), ['sts', 'get-caller-identity', '--query', 'Arn', '--output', 'text'], env);
    case 'cli-v2':
      return run(cliV2Path(), ['sts', 'get-caller-identity', '--query', 'Arn', '--output', 'text', '--endpoint-url', stsEndpoint], env);
    case 'boto3':
      return run(pythonWithBoto3(), ['-c', "import boto3; print(boto3.client('sts').get_caller_identity()['Arn'])"], env);
    case 'js-sdk':
      return run(process.execPath, ['-e', JS_SDK_CALLER_IDENTITY], env);
  }
}

/** An STS client for moto, signed with hand-written keys (moto accepts any). */
export function motoSts(endpoint: string, credentials?: AwsCredentials): STSClient {
  return new STSClient({
    region: 'us-east-1',
    endpoint,
    credentials: credentials ?? { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  });
}

export const TEST_ACCOUNT = '123456789012';

/** Real temporary credentials for `roleName` from moto's AssumeRole. */
export async function assumeRole(endpoint: string, roleName: string, sessionName = 'terminal-test'): Promise<AwsCredentials & { arn: string }> {
  const out = await motoSts(endpoint).send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${TEST_ACCOUNT}:role/${roleName}`, RoleSessionName: sessionName, DurationSeconds: 900 }),
  );
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration || !out.AssumedRoleUser?.Arn) {
    throw new Error('moto AssumeRole returned no credentials');
  }
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: c.Expiration,
    accountId: TEST_ACCOUNT,
    arn: out.AssumedRoleUser.Arn,
  };
}

/** What STS says these credentials are (the ARN). */
export async function arnOf(endpoint: string, creds: AwsCredentials): Promise<string> {
  const out = await motoSts(endpoint, creds).send(new GetCallerIdentityCommand({}));
  return out.Arn ?? '';
}
