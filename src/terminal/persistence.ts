/**
 * What VS Code persists (desktop: terminal.integrated.enablePersistentSessions saves each
 * terminal's launch environment and revives the shell with it after a restart), and so where the
 * credentials of each mode may go. PURE CORE: no `vscode` import.
 */
import type { TerminalCredentialsMode } from './terminalRules';

export type KeyConsent = 'allowed' | 'declined' | undefined;

export interface PersistenceInput {
  /** The mode in use (after the fallback of effectiveMode in shadows.ts). */
  readonly mode: TerminalCredentialsMode;
  /** True when environment mode was chosen automatically (the endpoint would be shadowed). */
  readonly automatic: boolean;
  /** Whether VS Code saves terminal environments (persistent sessions enabled). */
  readonly persistentSessions: boolean;
  /** The user's answer, for this workspace, to "put keys where VS Code saves them?". */
  readonly consent: KeyConsent;
}

/** Who gets which variables, with which terminal options. */
export interface TerminalPlan {
  /** The shared collection ("+" terminals, and terminals VS Code revives) carries the variables of the mode. */
  readonly sharedVariables: boolean;
  /** Environment mode: this extension's own terminals get the keys in `TerminalOptions.env`. */
  readonly ownTerminalKeys: boolean;
  /** This extension's own terminals are created with `isTransient` (never saved nor revived). */
  readonly ownTerminalTransient: boolean;
  /** Ask the user (once per workspace) before keys go where VS Code saves them. */
  readonly askConsent: boolean;
  /** What the user should know about it, if anything. */
  readonly notice?: string;
}

/**
 * Decides where credentials go so that no secret key, session token or endpoint token reaches what
 * VS Code saves unless the user agreed:
 *  - endpoint mode: the environment holds a URL and a file NAME, never a secret; shared as usual;
 *  - environment mode with persistent sessions off: nothing is saved, keys are shared;
 *  - environment mode with persistent sessions on (configured or chosen by the automatic fallback):
 *    keys go only into this extension's own terminals, which are transient, unless the user allows
 *    them in all terminals; "+" terminals then get nothing from the extension. The answer stays
 *    until the user changes it with CHOOSE_KEYS_COMMAND (keyChoice).
 * The extension's own terminals are transient in environment mode in every case.
 */
export function terminalPlan(input: PersistenceInput): TerminalPlan {
  if (input.mode !== 'environment') {
    return { sharedVariables: input.mode === 'endpoint', ownTerminalKeys: false, ownTerminalTransient: false, askConsent: false };
  }
  if (!input.persistentSessions || input.consent === 'allowed') {
    return { sharedVariables: true, ownTerminalKeys: false, ownTerminalTransient: true, askConsent: false };
  }
  const only = `only terminals opened with "AWS Identity: New Terminal as Active Identity" get AWS credentials (they are not saved); "+" terminals get none from this extension.`;
  return {
    sharedVariables: false,
    ownTerminalKeys: true,
    ownTerminalTransient: true,
    askConsent: input.consent === undefined,
    // Declined: the answer stands until the user changes it, so say how rather than "until".
    notice:
      input.consent === 'declined'
        ? `${whyKeys(input.automatic)} You chose to keep the keys out of them: ${only} To put the keys in all terminals, run "${CHOOSE_KEYS_COMMAND}".`
        : `${whyKeys(input.automatic)} Until you allow it, ${only}`,
  };
}

/** The palette name of the command that asks the question again (package.json: category and title). */
export const CHOOSE_KEYS_COMMAND = 'AWS Identity: Change Where Terminal Keys Go…';

/** Why terminals need the keys, and why that is a question at all (the first sentence of every text). */
function whyKeys(automatic: boolean): string {
  const why = automatic ? 'The credential endpoint would lose in terminals (see above), so terminals need the keys themselves' : 'Terminals get the keys as environment variables';
  return `${why}, and VS Code saves the environment of terminals to disk to restore them (terminal.integrated.enablePersistentSessions).`;
}

export interface KeyChoiceInput {
  /** The `awsIdentity.terminal.credentials` setting. */
  readonly configured: TerminalCredentialsMode;
  /** The mode in use for the active identity; undefined with no identity (the setting decides then). */
  readonly inUse: TerminalCredentialsMode | undefined;
  readonly persistentSessions: boolean;
}

/** What "Change Where Terminal Keys Go…" does: ask the question, or say why there is none and which setting decides. */
export type KeyChoice = { readonly question: string } | { readonly reason: string; readonly setting: string };

const MODE_SETTING = 'awsIdentity.terminal.credentials';
const PERSISTENT_SETTING = 'terminal.integrated.enablePersistentSessions';

/**
 * The command asks only where terminalPlan would ask (environment mode, persistent sessions on);
 * elsewhere the answer would change nothing, and saying so (with the deciding setting) beats a
 * question without effect.
 */
export function keyChoice(input: KeyChoiceInput): KeyChoice {
  if (input.configured === 'off') {
    return { reason: `Terminals get no AWS credentials from this extension (${MODE_SETTING} is "off"), so there is nothing to choose.`, setting: MODE_SETTING };
  }
  const mode = input.inUse ?? input.configured;
  if (mode === 'endpoint') {
    return {
      reason:
        `Terminals get the credential endpoint (${MODE_SETTING} is "endpoint"): their environment holds a URL and a file name, never a key, so there is nothing to choose. ` +
        'The choice applies when terminals get the keys themselves: with the setting "environment", or when something would win over the endpoint.',
      setting: MODE_SETTING,
    };
  }
  if (!input.persistentSessions) {
    return { reason: `VS Code does not save terminals (${PERSISTENT_SETTING} is off), so every terminal gets the keys and there is nothing to choose.`, setting: PERSISTENT_SETTING };
  }
  return {
    question:
      `${whyKeys(input.configured !== mode)} Put the keys in all terminals, where VS Code may save them, or only in terminals opened with ` +
      '"AWS Identity: New Terminal as Active Identity" (never saved; "+" terminals then get none from this extension)?',
  };
}

/** The modal's detail: the question, the answer in force (when the command asks again), and how to change it later. */
export function consentDetail(question: string, current: KeyConsent): string {
  const now = current === 'allowed' ? 'Now: keys go in all terminals.\n\n' : current === 'declined' ? 'Now: keys go only in AWS Identity terminals.\n\n' : '';
  return `${now}${question}\n\nYour choice is kept for this workspace; change it with "${CHOOSE_KEYS_COMMAND}".`;
}
