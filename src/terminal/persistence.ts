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
 *    keys go only into this extension's own terminals, which are transient, until the user allows
 *    them in all terminals; "+" terminals meanwhile get nothing from the extension.
 * The extension's own terminals are transient in environment mode in every case.
 */
export function terminalPlan(input: PersistenceInput): TerminalPlan {
  if (input.mode !== 'environment') {
    return { sharedVariables: input.mode === 'endpoint', ownTerminalKeys: false, ownTerminalTransient: false, askConsent: false };
  }
  if (!input.persistentSessions || input.consent === 'allowed') {
    return { sharedVariables: true, ownTerminalKeys: false, ownTerminalTransient: true, askConsent: false };
  }
  const why = input.automatic ? 'The credential endpoint would lose in terminals (see above), so terminals need the keys themselves' : 'Terminals get the keys as environment variables';
  return {
    sharedVariables: false,
    ownTerminalKeys: true,
    ownTerminalTransient: true,
    askConsent: input.consent === undefined,
    notice:
      `${why}, and VS Code saves the environment of terminals to disk to restore them (terminal.integrated.enablePersistentSessions). ` +
      'Until you allow it, only terminals opened with "AWS Identity: New Terminal as Active Identity" get AWS credentials (they are not saved); "+" terminals get none from this extension.',
  };
}
