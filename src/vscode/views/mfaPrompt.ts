import * as vscode from 'vscode';
import type { Logger, MfaCodeProvider } from '../../shared/types';
import { ykmanCode } from '../../credentials/ykman';

/** The user dismissed a prompt; flows stop quietly and keep what was active. */
export class UserCancelledError extends Error {
  constructor(what: string) {
    super(`${what} was cancelled.`);
    this.name = 'UserCancelledError';
  }
}

export function isValidMfaCode(value: string): boolean {
  return /^\d{6}$/.test(value.trim());
}

/**
 * Asks for an MFA code. A code needed for a background renewal is first announced with ONE
 * non-modal notification (with a button), so an input box never appears out of nowhere; a code
 * needed for something the user just did is asked for directly.
 */
export function createMfaPrompt(): MfaCodeProvider {
  return async (mfaSerial, reason, context) => {
    if (context ? context.trigger === 'renewal' : /renew|refresh|expir/i.test(reason)) {
      const choice = await vscode.window.showWarningMessage(`${reason} MFA device: ${mfaSerial}.`, 'Enter MFA Code');
      if (choice !== 'Enter MFA Code') throw new UserCancelledError('Entering the MFA code');
      // Clicked after another identity replaced the one this asked for: no code is needed any more.
      if (context?.discarded?.()) throw new UserCancelledError('Entering the MFA code');
    }
    const code = await vscode.window.showInputBox({
      title: 'AWS MFA code',
      prompt: `${reason} Enter the 6-digit code for ${mfaSerial}.`,
      placeHolder: '123456',
      ignoreFocusOut: true,
      validateInput: (v) => (isValidMfaCode(v) ? undefined : 'Enter the 6 digits your MFA device shows now.'),
    });
    if (code === undefined) throw new UserCancelledError('Entering the MFA code');
    return code.trim();
  };
}

/** What the MFA code source needs from the settings (src/vscode/settings.ts fits). */
export interface MfaSourceSettings {
  /** `awsIdentity.mfa.source`. */
  mfaSource(): 'prompt' | 'ykman';
  /** `awsIdentity.mfa.ykmanAccount`; undefined: the MFA serial (as aws-vault does). */
  ykmanAccount(): string | undefined;
}

export interface MfaCodeSourceOptions {
  readonly settings: MfaSourceSettings;
  readonly logger: Logger;
  /** Default: {@link createMfaPrompt}. */
  readonly prompt?: MfaCodeProvider;
  /** Default: src/credentials/ykman.ts ykmanCode. */
  readonly ykman?: (account: string) => Promise<string>;
}

/**
 * The extension's MFA code provider: with `awsIdentity.mfa.source` = "ykman" the code comes from a
 * YubiKey (`ykman oath accounts code --single <account>`), without a prompt; when ykman cannot give
 * one, the reason is logged and shown in the prompt the user then gets. The code itself is never
 * logged.
 */
export function createMfaCodeSource(options: MfaCodeSourceOptions): MfaCodeProvider {
  const prompt = options.prompt ?? createMfaPrompt();
  const ykman = options.ykman ?? ((account: string) => ykmanCode(account));
  return async (mfaSerial, reason, context) => {
    if (options.settings.mfaSource() !== 'ykman') return prompt(mfaSerial, reason, context);
    const account = options.settings.ykmanAccount() ?? mfaSerial;
    try {
      const code = await ykman(account);
      options.logger.info(`Took the MFA code for ${mfaSerial} from the YubiKey (OATH account "${account}").`);
      return code;
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      options.logger.warn(`No MFA code from the YubiKey for ${mfaSerial}; asking instead. ${why}`);
      // The prompt says why it appears; the reason keeps its renewal wording (see createMfaPrompt).
      return prompt(mfaSerial, `${reason} (No code from the YubiKey: ${why})`, context);
    }
  };
}
