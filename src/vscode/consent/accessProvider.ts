import * as vscode from 'vscode';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { AUTH_PROVIDER_ID } from '../../api';
import { forgetSecret, rememberSecret } from '../../shared/redact';

/** How long one access token is handed out, and how long the one before it still works after a rotation. */
export const TOKEN_ROTATION_MS = 10 * 60_000;
export const PREVIOUS_TOKEN_GRACE_MS = 2 * 60_000;

/** The account of the one session. A constant on purpose: VS Code keys an extension's permission on the account label. */
export const ACCOUNT_LABEL = 'AWS Identity';

interface Token {
  readonly value: Buffer;
  /** When a rotation replaced it; after that it is accepted until `retiredAt + grace`. */
  readonly retiredAt?: number;
}

/**
 * The consent gate for other extensions: an authentication provider with one session whose
 * `accessToken` is a random capability (never an AWS credential). VS Code gives that session
 * only to extensions the user allowed (its own modal, per extension, revocable under Accounts >
 * Manage Trusted Extensions), so an API call carrying the current token was allowed by the user.
 *
 * The token lives in memory only (a new one per extension host) and changes:
 *  - when the identity is cleared and when the user signs out under Accounts: at once;
 *  - every TOKEN_ROTATION_MS, the previous one kept for PREVIOUS_TOKEN_GRACE_MS, so that an
 *    extension the user removed from the trusted list loses access within minutes (VS Code does
 *    not tell a provider about that removal; the extension can no longer get the new token).
 */
export class ApiAccessProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.changed.event;
  private current: Token = { value: newToken() };
  private previous: Token | undefined;
  /** After "Sign Out" there is no session until an extension asks again (and the user allows it). */
  private signedOut = false;
  private readonly timer: NodeJS.Timeout;
  private readonly registration: vscode.Disposable;

  constructor(private readonly now: () => number = Date.now) {
    this.registration = vscode.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, ACCOUNT_LABEL, this, { supportsMultipleAccounts: false });
    this.timer = setInterval(() => this.rotate({ grace: true }), TOKEN_ROTATION_MS);
    this.timer.unref?.();
  }

  getSessions(scopes?: readonly string[]): Promise<vscode.AuthenticationSession[]> {
    return Promise.resolve(this.signedOut ? [] : [this.session(scopes)]);
  }

  /** Called by VS Code only after the user allowed the asking extension. */
  createSession(scopes: readonly string[]): Promise<vscode.AuthenticationSession> {
    if (this.signedOut) {
      this.signedOut = false;
      this.rotate({ grace: false, silent: true });
    }
    const session = this.session(scopes);
    this.changed.fire({ added: [session], removed: [], changed: [] });
    return Promise.resolve(session);
  }

  /** "Sign Out" under Accounts: every extension loses access at once. */
  removeSession(): Promise<void> {
    const session = this.session([]);
    this.signedOut = true;
    this.rotate({ grace: false, silent: true });
    this.changed.fire({ added: [], removed: [session], changed: [] });
    return Promise.resolve();
  }

  /** A new token; `grace`: the old one keeps working for PREVIOUS_TOKEN_GRACE_MS. */
  rotate(options: { grace: boolean; silent?: boolean }): void {
    // The token retired before this one is dead now, and so is the current one without a grace.
    for (const dead of [this.previous?.value, options.grace ? undefined : this.current.value]) {
      if (dead) forgetSecret(dead.toString('utf8'));
    }
    this.previous = options.grace ? { value: this.current.value, retiredAt: this.now() } : undefined;
    this.current = { value: newToken() };
    if (!options.silent && !this.signedOut) this.changed.fire({ added: [], removed: [], changed: [this.session([])] });
  }

  /** Whether `access` carries the current token (or the previous one within its grace period). */
  allows(access: unknown): boolean {
    if (this.signedOut) return false;
    const token = typeof access === 'object' && access !== null ? (access as { accessToken?: unknown }).accessToken : undefined;
    if (typeof token !== 'string' || token.length === 0 || token.length > 200) return false;
    const given = Buffer.from(token, 'utf8');
    if (same(given, this.current.value)) return true;
    const prev = this.previous;
    return prev !== undefined && prev.retiredAt !== undefined && this.now() - prev.retiredAt <= PREVIOUS_TOKEN_GRACE_MS && same(given, prev.value);
  }

  private session(scopes: readonly string[] | undefined): vscode.AuthenticationSession {
    return {
      id: AUTH_PROVIDER_ID,
      accessToken: this.current.value.toString('utf8'),
      account: { id: AUTH_PROVIDER_ID, label: ACCOUNT_LABEL },
      scopes: [...(scopes ?? [])],
    };
  }

  dispose(): void {
    clearInterval(this.timer);
    this.registration.dispose();
    this.changed.dispose();
  }
}

function newToken(): Buffer {
  const token = randomBytes(32).toString('base64url');
  // Never logged on purpose; the log's redaction masks it anyway should a message ever carry it.
  rememberSecret(token);
  return Buffer.from(token, 'utf8');
}

function same(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
