/** What terminals and debug sessions need from one identity's session. PURE CORE: no `vscode` import. */
import type { Disposable } from '../shared/events';
import type { AwsCredentials, Identity } from '../shared/types';

/** What the terminals need from one identity's session (src/identity/identitySession.ts fits). */
export interface TerminalSession {
  readonly identity: Identity;
  /** Temporary credentials only (session token and expiration); cached and renewed by the session. */
  getExportableCredentials(): Promise<AwsCredentials>;
  /** Fires when the exportable credentials were renewed (environment mode re-exports them). */
  readonly onDidChangeExportableCredentials?: (listener: (e: unknown) => unknown) => Disposable;
  /** True once the session stopped (it was replaced and nothing kept it alive). */
  readonly isDisposed?: boolean;
  /**
   * Keeps the session (and its renewal) alive after it stops being the active identity, until the
   * lease is disposed. Terminals opened earlier hold a lease through their grant. Without it, such
   * terminals get an error telling them to open a new terminal once the session is replaced.
   */
  retain?(): Disposable;
}
