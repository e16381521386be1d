import * as vscode from 'vscode';
import type { MfaCodeProvider } from '../../shared/types';

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
  return async (mfaSerial, reason) => {
    if (/renew|refresh|expir/i.test(reason)) {
      const choice = await vscode.window.showWarningMessage(`${reason} MFA device: ${mfaSerial}.`, 'Enter MFA Code');
      if (choice !== 'Enter MFA Code') throw new UserCancelledError('Entering the MFA code');
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
