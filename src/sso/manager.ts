/**
 * The token life cycle on top of the CLI's cache: use the cached token, refresh it 5 minutes
 * before it expires (as the JS SDK does), sign in when allowed, and sign out. Cache writes and
 * sign-ins happen under the per-session lock (lock.ts), so several VS Code windows produce one
 * browser page and one token, and a window that waited uses the token the other one wrote.
 */
import { rememberSecret } from '../shared/redact';
import { systemClock } from '../shared/types';
import { cachePaths, defaultCacheDir, readTokenEntry, removeTokenEntry, type TokenEntry, writeTokenEntry } from './cache';
import { cliLoginHint, isTransient, sessionLabel, SsoError } from './errors';
import { type LockOptions, withFileLock } from './lock';
import { authorizationCodeSignIn, deviceCodeSignIn, refreshTokenEntry } from './oidc';
import { logout } from './portal';
import type { SignInUi, SsoAccessToken, SsoContext, SsoSession } from './types';

/** The JS SDK's token provider refreshes this long before expiry; so do we. */
export const REFRESH_WINDOW_MS = 5 * 60_000;

export type CachedTokenState =
  | { readonly state: 'none' }
  | { readonly state: 'valid'; readonly expiresAt: Date; readonly refreshable: boolean }
  | { readonly state: 'expired'; readonly expiresAt: Date; readonly refreshable: boolean };

function paths(session: SsoSession, ctx: SsoContext) {
  return cachePaths(ctx.cacheDir ?? defaultCacheDir(), session);
}

function now(ctx: SsoContext): number {
  return (ctx.clock ?? systemClock).now();
}

/** An entry of another start URL (the sso-session was edited) is not this session's sign-in. */
function forSession(entry: TokenEntry, session: SsoSession): boolean {
  return entry.startUrl === undefined || entry.startUrl === session.startUrl;
}

function refreshable(e: TokenEntry, at: number): boolean {
  return !!(e.refreshToken && e.clientId && e.clientSecret && e.registrationExpiresAt && e.registrationExpiresAt.getTime() > at);
}

function toAccess(session: SsoSession, e: TokenEntry): SsoAccessToken {
  return { accessToken: e.accessToken, expiresAt: e.expiresAt, startUrl: session.startUrl, region: session.region };
}

async function readUsable(session: SsoSession, ctx: SsoContext): Promise<TokenEntry | undefined> {
  const r = await readTokenEntry(paths(session, ctx).token);
  if (r.status !== 'ok' || !forSession(r.entry, session)) return undefined;
  // Written by the AWS CLI as often as by us: masked in the log like the tokens we get ourselves.
  const { accessToken, expiresAt, refreshToken, clientSecret, registrationExpiresAt } = r.entry;
  rememberSecret(accessToken, expiresAt);
  if (refreshToken) rememberSecret(refreshToken);
  if (clientSecret) rememberSecret(clientSecret, registrationExpiresAt);
  return r.entry;
}

/** What the cache holds for this session, without any network call (for status displays). */
export async function cachedTokenState(session: SsoSession, ctx: SsoContext = {}): Promise<CachedTokenState> {
  const e = await readUsable(session, ctx);
  if (!e) return { state: 'none' };
  const t = now(ctx);
  return { state: e.expiresAt.getTime() > t ? 'valid' : 'expired', expiresAt: e.expiresAt, refreshable: refreshable(e, t) };
}

function lockOptions(ctx: SsoContext, ui?: SignInUi) {
  return { ...ctx.lock, signal: ui?.signal, onWait: ui?.onWaitingForOtherSignIn };
}

/**
 * A usable access token for `session`: the cached one; else a refreshed one; else, when `ui` is
 * given, a new sign-in. Without `ui`, a missing or dead token is an SsoError 'signInRequired'.
 */
export async function getSsoToken(session: SsoSession, ctx: SsoContext = {}, ui?: SignInUi): Promise<SsoAccessToken> {
  const first = await readUsable(session, ctx);
  if (first && first.expiresAt.getTime() - now(ctx) > REFRESH_WINDOW_MS) return toAccess(session, first);
  if (first && refreshable(first, now(ctx))) {
    const refreshed = await withFileLock(paths(session, ctx).lock, () => refreshUnderLock(session, ctx, ui), lockOptions(ctx, ui));
    if (refreshed && refreshed.entry.expiresAt.getTime() - now(ctx) > REFRESH_WINDOW_MS) return toAccess(session, refreshed.entry);
    // Refresh failed but the old token still works for a while: use it, as the SDK does. After a
    // network failure even when a sign-in is allowed: it would meet the same network.
    if (refreshed && refreshed.entry.expiresAt.getTime() > now(ctx) && (!ui || refreshed.unreachable)) return toAccess(session, refreshed.entry);
  } else if (first && first.expiresAt.getTime() > now(ctx) && !ui) {
    return toAccess(session, first);
  }
  if (!ui) {
    throw new SsoError('signInRequired', `You are not signed in to ${sessionLabel(session)} (no valid token in the AWS CLI's SSO cache). Sign in, or run \`${cliLoginHint(session)}\` in a terminal.`);
  }
  return signIn(session, ctx, ui, { force: false });
}

/**
 * The refresh itself, under the session's lock: the token another process wrote meanwhile, else a
 * refreshed one, else the current one (`unreachable` when IAM Identity Center could not be asked).
 * @throws SsoError 'network' when the token expired and the refresh failed for a reason that says
 * nothing about the sign-in (network, timeout, throttling, 5xx): as botocore, only the service's
 * refusal means a new sign-in is needed.
 */
async function refreshUnderLock(session: SsoSession, ctx: SsoContext, ui?: SignInUi): Promise<{ entry: TokenEntry; unreachable?: boolean } | undefined> {
  // Another process may have refreshed (or signed in) while we waited for the lock.
  const current = await readUsable(session, ctx);
  if (!current) return undefined;
  if (current.expiresAt.getTime() - now(ctx) > REFRESH_WINDOW_MS || !refreshable(current, now(ctx))) return { entry: current };
  let fresh: TokenEntry;
  try {
    fresh = await refreshTokenEntry(session, current, ctx, ui?.signal);
  } catch (e) {
    if (e instanceof SsoError && (e.kind === 'cancelled' || e.kind === 'cacheUnusable')) throw e;
    ctx.logger?.warn(`Refreshing the sign-in of ${sessionLabel(session)} failed: ${e instanceof Error ? e.message : String(e)}`);
    if (!isTransient(e)) return { entry: current };
    if (current.expiresAt.getTime() > now(ctx)) return { entry: current, unreachable: true };
    throw new SsoError('network', `The sign-in of ${sessionLabel(session)} expired and could not be refreshed: ${e instanceof Error ? e.message : String(e)} This says nothing about the sign-in itself, so no new sign-in is needed: check your network and proxy, then try again.`, { cause: e });
  }
  const file = paths(session, ctx).token;
  try {
    await writeTokenEntry(file, fresh);
  } catch (e) {
    // The refresh token may be spent (rotated): the new token is the only good one there is.
    ctx.logger?.warn(`The refreshed sign-in of ${sessionLabel(session)} could not be written to ${file} (${e instanceof Error ? e.message : String(e)}): it is used in this window until it expires; the AWS CLI and other windows still see the old one. Check the file and its folder, or sign in again.`);
  }
  return { entry: fresh };
}

/**
 * Signs in interactively and caches the token where the AWS CLI looks for it. With `force`
 * (like `aws sso login`) a still-valid cached token is replaced; a token another window wrote
 * while this call waited for the lock is used instead of opening a second browser page.
 */
export async function signIn(session: SsoSession, ctx: SsoContext, ui: SignInUi, options: { force?: boolean } = {}): Promise<SsoAccessToken> {
  const file = paths(session, ctx).token;
  // Throws before any browser page opens when the cache file is not ours to overwrite.
  const before = await readTokenEntry(file);
  const beforeToken = before.status === 'ok' ? before.entry.accessToken : undefined;
  const entry = await withFileLock(
    paths(session, ctx).lock,
    async (waited) => {
      const current = await readUsable(session, ctx);
      const live = current && current.expiresAt.getTime() - now(ctx) > REFRESH_WINDOW_MS;
      if (live && ((waited && current.accessToken !== beforeToken) || !options.force)) return current;
      const fresh = ui.flow === 'deviceCode' ? await deviceCodeSignIn(session, ctx, ui) : await authorizationCodeSignIn(session, ctx, ui);
      await writeTokenEntry(file, fresh);
      return fresh;
    },
    lockOptions(ctx, ui),
  );
  return toAccess(session, entry);
}

export interface SignOutResult {
  /** False when the portal could not be told (offline, token already invalid); the local token is gone either way. */
  readonly serverLogout: boolean;
  readonly removed: boolean;
}

/**
 * `aws sso logout` for one session: Logout at the portal, then delete the token file. It waits for
 * a sign-in to the same session (here or in another window) to end; `wait` lets the caller say so
 * and stop waiting (then nothing is signed out).
 */
export async function signOut(session: SsoSession, ctx: SsoContext = {}, wait: Pick<LockOptions, 'signal' | 'onWait'> = {}): Promise<SignOutResult> {
  const file = paths(session, ctx).token;
  return withFileLock(
    paths(session, ctx).lock,
    async () => {
      const r = await readTokenEntry(file);
      if (r.status === 'missing') return { serverLogout: false, removed: false };
      let serverLogout = false;
      if (r.entry.expiresAt.getTime() > now(ctx)) {
        try {
          await logout(session, toAccess(session, r.entry), ctx);
          serverLogout = true;
        } catch (e) {
          // As the CLI: a token the portal no longer knows is still removed locally.
          ctx.logger?.warn(`Signing out of ${sessionLabel(session)} at the portal failed; the cached token is removed anyway: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      await removeTokenEntry(file);
      return { serverLogout, removed: true };
    },
    { ...ctx.lock, ...wait },
  );
}
