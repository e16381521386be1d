/**
 * `credential_process`, run the way the AWS CLI runs it: the command line split like a POSIX shell
 * line (botocore uses `shlex.split`; see shlexSplit), the program started WITHOUT a shell, its
 * standard output read as JSON of Version 1.
 *
 * The command line, its output and its error output can hold secrets (tokens passed as arguments,
 * keys printed on failure), so no message built here includes any of them: a failure names the
 * profile, what went wrong (exit status, signal, timeout, malformed output) and how to see why.
 *
 * Pure Node: no SDK involved, so it needs no facade.
 */
import { spawn } from 'node:child_process';
import { shlexSplit } from '../config/pythonText';
import { UserFacingError } from './errors';
import type { AwsCredentials } from '../shared/types';

export interface ProcessOptions {
  /** How long the process may run before it is stopped; default DEFAULT_PROCESS_TIMEOUT_MS. */
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Generous: a credential process may open a browser or wait for a hardware key, but one that
 * hangs must not hold a switch (and every terminal waiting on a renewal) forever.
 */
export const DEFAULT_PROCESS_TIMEOUT_MS = 120_000;

/** Output beyond this is not credentials; the process is stopped rather than buffered without end. */
const MAX_OUTPUT_BYTES = 1024 * 1024;

/** Tells the user how to run the command themselves, without repeating it. */
function howToSee(profile: string): string {
  return `Run the command set as credential_process in profile "${profile}" in a terminal to see why (\`aws configure get credential_process --profile ${profile}\` prints it), fix it, then select the profile again.`;
}

function failed(profile: string, what: string): UserFacingError {
  return new UserFacingError('other', `The credential_process of profile "${profile}" ${what}. ${howToSee(profile)}`);
}

interface Finished {
  readonly stdout: Buffer;
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly tooLong: boolean;
}

/** Runs argv without a shell; stderr is read (so the process never blocks on it) and dropped. */
function run(argv: ReadonlyArray<string>, profile: string, options: ProcessOptions): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { shell: false, stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env, windowsHide: true });
    const chunks: Buffer[] = [];
    let size = 0;
    let timedOut = false;
    let tooLong = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? DEFAULT_PROCESS_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT_BYTES) {
        tooLong = true;
        child.kill('SIGKILL');
      } else chunks.push(chunk);
    });
    child.stderr.resume();
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      // The error's own message repeats the program's path: only its code is kept.
      const why = error.code === 'ENOENT' ? 'its program was not found' : error.code === 'EACCES' ? 'its program may not be run (permission denied)' : `its program could not be started (${error.code ?? 'unknown error'})`;
      reject(failed(profile, `could not be started: ${why}`));
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(chunks), status, signal, timedOut, tooLong });
    });
  });
}

/** Version 1 output as botocore reads it; throws without quoting any of it. */
function parseOutput(stdout: Buffer, profile: string): AwsCredentials {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout.toString('utf8'));
  } catch {
    throw failed(profile, 'printed something that is not JSON');
  }
  const o = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (o.Version !== 1) throw failed(profile, `printed JSON with ${o.Version === undefined ? 'no Version' : 'a Version other than 1'} (the AWS CLI reads Version 1 only)`);
  const text = (key: string): string | undefined => (typeof o[key] === 'string' && o[key] !== '' ? (o[key] as string) : undefined);
  const accessKeyId = text('AccessKeyId');
  const secretAccessKey = text('SecretAccessKey');
  const missing = [accessKeyId ? undefined : 'AccessKeyId', secretAccessKey ? undefined : 'SecretAccessKey'].filter(Boolean);
  if (missing.length) throw failed(profile, `printed JSON without ${missing.join(' and ')}`);
  const sessionToken = text('SessionToken');
  const accountId = text('AccountId');
  let expiration: Date | undefined;
  if (o.Expiration !== undefined && o.Expiration !== null) {
    expiration = typeof o.Expiration === 'string' ? new Date(o.Expiration) : undefined;
    if (!expiration || Number.isNaN(expiration.getTime())) throw failed(profile, 'printed an Expiration that is not an ISO 8601 time');
  }
  return {
    accessKeyId: accessKeyId!,
    secretAccessKey: secretAccessKey!,
    ...(sessionToken ? { sessionToken } : {}),
    ...(expiration ? { expiration } : {}),
    ...(accountId ? { accountId } : {}),
  };
}

/**
 * Runs profile `profile`'s credential_process `command` and returns the credentials it printed.
 * @throws UserFacingError of kind `credentialProcessFailed`
 */
export async function runCredentialProcess(profile: string, command: string, options: ProcessOptions = {}): Promise<AwsCredentials> {
  const argv = shlexSplit(command);
  if (argv === undefined) throw failed(profile, 'cannot be split into a program and its arguments (a quote is not closed)');
  if (argv.length === 0) throw failed(profile, 'is empty');
  const r = await run(argv, profile, options);
  if (r.timedOut) {
    const seconds = Math.ceil((options.timeoutMs ?? DEFAULT_PROCESS_TIMEOUT_MS) / 1000);
    throw failed(profile, `did not finish within ${seconds} second${seconds === 1 ? '' : 's'} and was stopped`);
  }
  if (r.tooLong) throw failed(profile, 'printed far more than credentials and was stopped');
  if (r.status !== 0) throw failed(profile, r.status === null ? `was ended by signal ${r.signal ?? 'unknown'}` : `exited with status ${r.status}`);
  return parseOutput(r.stdout, profile);
}
