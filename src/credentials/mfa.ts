/**
 * Asking for MFA codes through the injected `MfaCodeProvider`, and keeping track of prompts the
 * user dismissed: such a rejection is not an AWS failure. Public switch methods rethrow the
 * provider's own error (the UI recognises its cancellation type and stays quiet); background
 * refreshes record it as a `UserFacingError` of kind `mfaCancelled`.
 */
import type { MfaCodeProvider, MfaPromptContext } from '../shared/types';

const promptFailures = new WeakSet<object>();

/** True for an error the MFA provider threw (the user cancelled, or the prompt failed). */
export function isMfaPromptFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && promptFailures.has(error);
}

function clockTime(d: Date): string {
  return d.toTimeString().slice(0, 5);
}

/** The sentence shown with the prompt. Renewals mention "renew" and "expire" (see types.ts). */
export function mfaReason(context: MfaPromptContext): string {
  if (context.trigger === 'renewal') {
    const when = context.expiration ? `expire at ${clockTime(context.expiration)}` : 'are about to expire';
    return `The credentials for ${context.label} ${when}; renewing them needs a new MFA code.`;
  }
  return `Using ${context.label} requires an MFA code.`;
}

/**
 * Asks `provider` for a code for `mfaSerial`. A rejection is rethrown unchanged but remembered, so
 * `isMfaPromptFailure` (and errors.ts) can tell it from an AWS error.
 */
export async function askForMfaCode(provider: MfaCodeProvider, mfaSerial: string, context: MfaPromptContext): Promise<string> {
  let code: string;
  try {
    code = await provider(mfaSerial, mfaReason(context), context);
  } catch (error) {
    const thrown = typeof error === 'object' && error !== null ? error : new Error(String(error));
    promptFailures.add(thrown);
    throw thrown;
  }
  // A renewal prompt answered after another identity replaced this one: the code (it works once)
  // is not spent on credentials nobody will use. Quiet, like a dismissed prompt.
  if (context.discarded?.()) {
    const dropped = new Error(`The MFA code for ${context.label} was not used: another identity was selected while it was asked for.`);
    promptFailures.add(dropped);
    throw dropped;
  }
  return String(code).trim();
}
