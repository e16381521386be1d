/**
 * Errors of the SSO code: every message names the cause and the next step, and never holds a
 * token, a client secret, a code or a verifier. Service errors are recognised by their shape
 * (`name`, `$metadata`, `code`) so no SDK value import is needed here.
 */
import { redact } from '../shared/redact';
import type { SsoSession } from './types';

export type SsoErrorKind =
  | 'signInRequired' //   no usable token and no interactive sign-in was allowed
  | 'cacheUnusable' //    a cache file we must not overwrite (unparseable or not the CLI's format)
  | 'cancelled' //        the AbortSignal fired
  | 'expired' //          the device code / authorization request expired before approval
  | 'denied' //           the user or an administrator refused
  | 'invalidGrant' //     code / refresh token / device code not accepted
  | 'invalidClient' //    the registration is unknown or expired
  | 'callback' //         the browser callback failed (state, error parameter, timeout)
  | 'browser' //          the browser could not be opened
  | 'lock' //             another sign-in held the lock for too long
  | 'unauthorized' //     the portal refused the token
  | 'notFound' //         account or role not assigned
  | 'throttled'
  | 'network'
  | 'sdk' //              the SDK bundle could not be loaded
  | 'other';

export class SsoError extends Error {
  override readonly name = 'SsoError';

  constructor(
    readonly kind: SsoErrorKind,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(redact(message), options.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** "sso-session "x"" or "start URL https://…": how messages name what the token is for. */
export function sessionLabel(s: SsoSession): string {
  return s.sessionName !== undefined ? `sso-session "${s.sessionName}"` : `start URL ${s.startUrl}`;
}

/** The command a user can run in a terminal to sign in to the same session. */
export function cliLoginHint(s: SsoSession): string {
  return s.sessionName !== undefined ? `aws sso login --sso-session ${s.sessionName}` : 'aws sso login --profile <profile>';
}

interface Shape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  error_description?: unknown;
  $metadata?: { httpStatusCode?: number };
}

function shape(e: unknown): Shape {
  return typeof e === 'object' && e !== null ? (e as Shape) : {};
}

/** The service's own words, cut short and redacted: useful, never a secret. */
function serviceSays(e: unknown): string {
  const s = shape(e);
  const text = typeof s.error_description === 'string' && s.error_description ? s.error_description : typeof s.message === 'string' ? s.message : '';
  const line = text.split('\n')[0]?.slice(0, 200) ?? '';
  return line && line !== 'UnknownError' ? ` (the service said: ${redact(line)})` : '';
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'TimeoutError']);

/**
 * A failure that says nothing about the request itself: no connection, a timeout, throttling or
 * the service's own fault (5xx). Retrying later may work; a new sign-in would not help.
 */
export function isTransient(e: unknown): boolean {
  if (!(e instanceof SsoError)) return false;
  if (e.kind === 'network' || e.kind === 'throttled') return true;
  const status = shape(e.cause).$metadata?.httpStatusCode;
  return e.kind === 'other' && typeof status === 'number' && status >= 500;
}

export function isAbort(e: unknown): boolean {
  const n = shape(e).name;
  return n === 'AbortError' || (e instanceof SsoError && e.kind === 'cancelled');
}

/** Whether a sign-in ended because the user cancelled it (an SsoError 'cancelled', maybe wrapped by the identity layer). */
export function isCancelledSignIn(e: unknown): boolean {
  for (let x = e, depth = 0; x instanceof Error && depth < 5; x = x.cause, depth++) {
    if (x instanceof SsoError && x.kind === 'cancelled') return true;
  }
  return false;
}

export function cancelled(what: string): SsoError {
  return new SsoError('cancelled', `${what} was cancelled. Start it again when you are ready.`);
}

/**
 * An SSO-OIDC or portal error as a person can act on it. `doing` says what we were doing
 * ("signing in to sso-session "x"", "refreshing …"), `endpoint` where the request went.
 */
export function mapServiceError(e: unknown, session: SsoSession, doing: string, endpoint: string): SsoError {
  if (e instanceof SsoError) return e;
  if (isAbort(e)) return cancelled(doing.charAt(0).toUpperCase() + doing.slice(1));
  const s = shape(e);
  const name = typeof s.name === 'string' ? s.name : '';
  const code = typeof s.code === 'string' ? s.code : '';
  const login = `sign in again (or run \`${cliLoginHint(session)}\` in a terminal)`;
  const says = serviceSays(e);
  switch (name) {
    case 'ExpiredTokenException':
      return new SsoError('expired', `The sign-in request expired before it was approved while ${doing}. Start the sign-in again and approve it in the browser within the time shown.`, { cause: e });
    case 'AccessDeniedException':
      return new SsoError('denied', `The sign-in was denied while ${doing}${says}. If you did not deny it, ask your IAM Identity Center administrator for access, then sign in again.`, { cause: e });
    case 'InvalidGrantException':
      return new SsoError('invalidGrant', `IAM Identity Center did not accept the grant while ${doing}${says}: the code or refresh token is invalid, used or expired. ${cap(login)}.`, { cause: e });
    case 'InvalidClientException':
    case 'UnauthorizedClientException':
      // No `aws sso login` hint: the CLI would reuse the refused registration from the cache;
      // our next sign-in registers anew (oidc.ts remembers the refused client).
      return new SsoError('invalidClient', invalidClientMessage(doing, says), { cause: e });
    case 'AuthorizationPendingException':
      return new SsoError('expired', `The sign-in was still waiting for approval while ${doing}. Approve it in the browser, then try again.`, { cause: e });
    case 'SlowDownException':
    case 'TooManyRequestsException':
    case 'ThrottlingException':
      return new SsoError('throttled', `IAM Identity Center is throttling requests while ${doing}. Wait a minute, then try again.`, { cause: e });
    case 'UnauthorizedException':
      return new SsoError('unauthorized', `The IAM Identity Center portal refused the sign-in token of ${sessionLabel(session)} while ${doing}${says}: it expired or was signed out. ${cap(login)}.`, { cause: e });
    case 'ResourceNotFoundException':
      return new SsoError('notFound', `IAM Identity Center found no such account or role while ${doing}${says}. Check sso_account_id and sso_role_name, or ask your administrator for the assignment.`, { cause: e });
    case 'InvalidScopeException':
      return new SsoError('other', `IAM Identity Center refused the requested scopes while ${doing}${says}. Check sso_registration_scopes of ${sessionLabel(session)} (sso:account:access is the usual one).`, { cause: e });
    case 'InvalidRequestRegionException':
      return new SsoError('other', `The sign-in request went to the wrong region while ${doing}${says}. Set sso_region of ${sessionLabel(session)} to the region of your IAM Identity Center instance.`, { cause: e });
    case 'InvalidRequestException':
    case 'InvalidClientMetadataException':
    case 'InvalidRedirectUriException':
    case 'UnsupportedGrantTypeException':
      return new SsoError('other', `IAM Identity Center rejected the request while ${doing}${says}. Check sso_start_url and sso_region of ${sessionLabel(session)}; if they are right, report this with the log.`, { cause: e });
  }
  if (NETWORK_CODES.has(code) || NETWORK_CODES.has(name)) {
    return new SsoError('network', `Could not reach IAM Identity Center at ${endpoint} while ${doing} (${code || name}). Check your network, proxy and sso_region, then try again.`, { cause: e });
  }
  const status = s.$metadata?.httpStatusCode;
  return new SsoError('other', `IAM Identity Center answered ${name || 'an error'}${status ? ` (HTTP ${status})` : ''} while ${doing}${says}. Try again; if it persists, check sso_start_url and sso_region of ${sessionLabel(session)}.`, { cause: e });
}

/** What to say when IAM Identity Center refuses the client registration (here or in the browser's callback). */
export function invalidClientMessage(doing: string, says: string): string {
  return `IAM Identity Center did not accept this tool's client registration while ${doing}${says}. Sign in again: the next sign-in makes a new registration.`;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
