/**
 * TOTP codes from a YubiKey through YubiKey Manager's CLI, as aws-vault's `ykman` prompt does:
 * `ykman oath accounts code --single <account>` prints the current code of one OATH account.
 *
 * PURE CORE: no `vscode` import. The program is spawned without a shell (the account name, which
 * comes from the user's files, is one argv entry after `--`, never parsed by a shell or by ykman as
 * an option), with no stdin (a password prompt fails instead of waiting) and a time limit. The code
 * ykman prints is a secret: it is returned, never put in an error message or a log line.
 */
import { spawn } from 'node:child_process';

/** Why no code came from ykman. Each has a message naming the cause and the next step. */
export type YkmanFailure = 'missing' | 'noKey' | 'unknownAccount' | 'ambiguousAccount' | 'password' | 'timeout' | 'badOutput' | 'failed';

export class YkmanError extends Error {
  constructor(
    readonly reason: YkmanFailure,
    message: string,
  ) {
    super(message);
    this.name = 'YkmanError';
  }
}

export interface YkmanOptions {
  /** The program (default `ykman`, found on PATH). */
  readonly command?: string;
  /** Give up after this long (default 20 s: long enough to touch a key that asks for it). */
  readonly timeoutMs?: number;
  /** The environment (default this process's). */
  readonly env?: NodeJS.ProcessEnv;
}

export const DEFAULT_YKMAN_TIMEOUT_MS = 20_000;

/** The argv (after the program) that prints the code of `account`. */
export function ykmanArgs(account: string): string[] {
  return ['oath', 'accounts', 'code', '--single', '--', account];
}

const SETTING_HINT = 'or set awsIdentity.mfa.source to "prompt" to type codes instead';

/** Known ykman messages (stderr) and what they mean; the rest is reported as a plain failure. */
function classify(stderr: string, stdout: string, account: string): YkmanError | undefined {
  const text = stderr.toLowerCase();
  if (/no yubikey (detected|found)|no yubikeys? (are )?(connected|inserted)|failed to connect|no (supported )?devices? found/.test(text)) {
    return new YkmanError('noKey', `ykman found no YubiKey: insert the key (and close other programs using it), then try again, ${SETTING_HINT}.`);
  }
  if (/no matching account|no such account|no accounts? found/.test(text)) {
    return new YkmanError(
      'unknownAccount',
      `The YubiKey has no OATH account "${account}": set awsIdentity.mfa.ykmanAccount to the name \`ykman oath accounts list\` shows, ${SETTING_HINT}.`,
    );
  }
  if (/multiple matches/.test(text)) {
    return new YkmanError('ambiguousAccount', `More than one OATH account on the YubiKey matches "${account}": set awsIdentity.mfa.ykmanAccount to the full name \`ykman oath accounts list\` shows.`);
  }
  // A password prompt (click writes it to stdout) meets the closed stdin and aborts.
  if (/password|authenticat/.test(text) || /password/i.test(stdout)) {
    return new YkmanError(
      'password',
      `The YubiKey's OATH application is password-protected and ykman has no remembered password: run \`ykman oath access remember\` in a terminal, ${SETTING_HINT}.`,
    );
  }
  return undefined;
}

/** The first line of ykman's stderr, short, with anything that looks like a code masked. */
function firstLine(stderr: string): string {
  const line = stderr.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  return line.trim().replace(/\b\d{6,8}\b/g, '******').slice(0, 200);
}

/**
 * Runs ykman and resolves to the code (6 to 8 digits) of `account`.
 * @throws YkmanError, with a message that names the cause and the next step and holds no code
 */
export function ykmanCode(account: string, options: YkmanOptions = {}): Promise<string> {
  const command = options.command ?? 'ykman';
  const timeoutMs = options.timeoutMs ?? DEFAULT_YKMAN_TIMEOUT_MS;
  return new Promise<string>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    let timedOut = false;
    const child = spawn(command, ykmanArgs(account), {
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
      env: options.env ?? process.env,
    });
    const finish = (error: YkmanError | undefined, code?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(code ?? '');
    };
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
      const touch = /touch/i.test(stderr) ? ' It was waiting for a touch: touch the key when its light blinks.' : '';
      finish(new YkmanError('timeout', `ykman gave no code within ${Math.round(timeoutMs / 1000)} s.${touch} Check that the YubiKey is inserted and try again, ${SETTING_HINT}.`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < 4096) stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 4096) stderr += d;
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') {
        finish(new YkmanError('missing', `ykman (YubiKey Manager) was not found on PATH: install YubiKey Manager (https://developers.yubico.com/yubikey-manager/) and restart VS Code, ${SETTING_HINT}.`));
      } else {
        finish(new YkmanError('failed', `ykman could not be started (${e.code ?? e.message}): check that it is installed and runnable, ${SETTING_HINT}.`));
      }
    });
    child.on('close', (status, signal) => {
      if (timedOut) return;
      const code = stdout.trim();
      if (status === 0 && /^\d{6,8}$/.test(code)) {
        finish(undefined, code);
        return;
      }
      const known = classify(stderr, stdout, account);
      if (known) {
        finish(known);
      } else if (status === 0) {
        // Never echo stdout: it may be a code in an unexpected shape.
        finish(new YkmanError('badOutput', `ykman printed no 6 to 8 digit code for "${account}": check the account with \`ykman oath accounts code\` in a terminal, ${SETTING_HINT}.`));
      } else {
        const detail = firstLine(stderr);
        const how = signal ? `was stopped by ${signal}` : `failed (exit code ${String(status)})`;
        finish(new YkmanError('failed', `ykman ${how}${detail ? `: ${detail}` : ''}. Run \`ykman oath accounts code\` in a terminal to see why, ${SETTING_HINT}.`));
      }
    });
  });
}
