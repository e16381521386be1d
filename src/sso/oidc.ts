/**
 * The SSO-OIDC conversations: client registration (cached as the CLI v2 caches it), the
 * authorization code flow with PKCE, the device code flow, and the refresh grant. Each returns
 * the token entry to cache; none touches the token file (manager.ts does, under the lock).
 */
import { rememberSecret } from '../shared/redact';
import { systemClock, type Clock } from '../shared/types';
import { cachePaths, defaultCacheDir, readRegistrationEntry, type RegistrationEntry, type TokenEntry, writeRegistrationEntry } from './cache';
import { startCallbackServer } from './callbackServer';
import { oidcClient, oidcEndpoint } from './clients';
import { cancelled, mapServiceError, sessionLabel, SsoError } from './errors';
import { authorizeUrl, createPkce } from './pkce';
import { loadSsoSdk } from './ssoSdkLoader';
import type { SignInUi, SsoContext, SsoSession } from './types';

export const DEFAULT_SCOPE = 'sso:account:access';
export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const AUTH_GRANTS = ['authorization_code', 'refresh_token'];
/** Registered without a port, as the CLI does: loopback redirects match any port (RFC 8252 7.3), so one registration serves every sign-in. */
export const REDIRECT_URI_WITHOUT_PORT = 'http://127.0.0.1/oauth/callback';
/** The CLI reuses a cached registration only while it has more than 15 minutes left. */
const REGISTRATION_WINDOW_MS = 15 * 60_000;
/** RFC 8628 3.5: slow_down adds 5 seconds to the polling interval; 5 s is also the default interval. */
const SLOW_DOWN_S = 5;
const DEFAULT_INTERVAL_S = 5;

type Flow = SignInUi['flow'];

/**
 * Client ids IAM Identity Center refused (invalid_client) in this process. The registration file
 * keeps a refused client until it expires, so without this every later sign-in would reuse it
 * and fail the same way; with it the next registration() makes a new one (and rewrites the file,
 * which the CLI then reads too). By id: a registration another process made since is reused.
 */
const refusedClients = new Set<string>();

/** Remembers `clientId` as refused when `e` says so; returns `e` for the caller to throw. */
function noteRefusedClient(e: unknown, clientId: string): unknown {
  if (e instanceof SsoError && e.kind === 'invalidClient') refusedClients.add(clientId);
  return e;
}

function clockOf(ctx: SsoContext): Clock {
  return ctx.clock ?? systemClock;
}

function isAuthCodeRegistration(r: RegistrationEntry): boolean {
  // The CLI did not cache grantTypes for device registrations, so "absent" means device.
  return r.grantTypes?.includes('authorization_code') ?? false;
}

function scopesFor(session: SsoSession, flow: Flow): string[] | undefined {
  if (session.registrationScopes && session.registrationScopes.length > 0) return [...session.registrationScopes];
  // The authorization code flow always asks for the default scope (CLI v2). For the device flow
  // of an sso-session we ask for it too: without it IAM Identity Center issues no refresh token.
  return flow === 'authorizationCode' || session.sessionName !== undefined ? [DEFAULT_SCOPE] : undefined;
}

/** The cached registration for this session and flow, or a new one (then cached). */
export async function registration(session: SsoSession, flow: Flow, ctx: SsoContext, signal?: AbortSignal, force = false): Promise<RegistrationEntry> {
  const file = cachePaths(ctx.cacheDir ?? defaultCacheDir(), session).registration;
  const cached = await readRegistrationEntry(file);
  const now = clockOf(ctx).now();
  const reusable =
    cached.status === 'ok' &&
    !refusedClients.has(cached.entry.clientId) &&
    cached.entry.expiresAt.getTime() - now > REGISTRATION_WINDOW_MS &&
    isAuthCodeRegistration(cached.entry) === (flow === 'authorizationCode');
  if (!force && reusable) {
    rememberSecret(cached.entry.clientSecret);
    return cached.entry;
  }
  const sdk = loadSsoSdk();
  const scopes = scopesFor(session, flow);
  const grantTypes = flow === 'authorizationCode' ? AUTH_GRANTS : session.sessionName !== undefined ? [DEVICE_GRANT, 'refresh_token'] : undefined;
  const input = {
    // botocore-client-<session>, or a timestamp for legacy profiles: what the CLI names its clients.
    clientName: `botocore-client-${session.sessionName ?? Math.floor(now / 1000)}`,
    clientType: 'public',
    ...(scopes ? { scopes } : {}),
    ...(grantTypes ? { grantTypes } : {}),
    ...(flow === 'authorizationCode' ? { redirectUris: [REDIRECT_URI_WITHOUT_PORT], issuerUrl: session.startUrl } : {}),
  };
  let out;
  try {
    out = await oidcClient(session, ctx).send(new sdk.RegisterClientCommand(input), { abortSignal: signal });
  } catch (e) {
    throw mapServiceError(e, session, `registering with IAM Identity Center for ${sessionLabel(session)}`, oidcEndpoint(session, ctx));
  }
  if (!out.clientId || !out.clientSecret || !out.clientSecretExpiresAt) {
    throw new SsoError('other', `IAM Identity Center answered RegisterClient without a client for ${sessionLabel(session)}. Try again; if it persists, report it with the log.`);
  }
  rememberSecret(out.clientSecret);
  const entry: RegistrationEntry = { clientId: out.clientId, clientSecret: out.clientSecret, expiresAt: new Date(out.clientSecretExpiresAt * 1000), scopes, grantTypes };
  await writeRegistrationEntry(file, entry);
  return entry;
}

function tokenEntry(session: SsoSession, reg: RegistrationEntry, out: { accessToken?: string; expiresIn?: number; refreshToken?: string }, now: number, doing: string): TokenEntry {
  if (!out.accessToken || !out.expiresIn) throw new SsoError('other', `IAM Identity Center answered CreateToken without a token while ${doing}. Try again; if it persists, report it with the log.`);
  rememberSecret(out.accessToken);
  if (out.refreshToken) rememberSecret(out.refreshToken);
  return {
    startUrl: session.startUrl,
    region: session.region,
    accessToken: out.accessToken,
    expiresAt: new Date(now + out.expiresIn * 1000),
    clientId: reg.clientId,
    clientSecret: reg.clientSecret,
    registrationExpiresAt: reg.expiresAt,
    ...(out.refreshToken ? { refreshToken: out.refreshToken } : {}),
  };
}

/** Authorization code grant with PKCE, as `aws sso login` (CLI v2 ≥ 2.22) does it. */
export async function authorizationCodeSignIn(session: SsoSession, ctx: SsoContext, ui: SignInUi): Promise<TokenEntry> {
  const doing = `signing in to ${sessionLabel(session)}`;
  const pkce = createPkce();
  const server = await startCallbackServer({ state: pkce.state, timeoutMs: ui.callbackTimeoutMs, signal: ui.signal, what: doing });
  try {
    const reg = await registration(session, 'authorizationCode', ctx, ui.signal);
    const url = authorizeUrl(oidcEndpoint(session, ctx), {
      clientId: reg.clientId,
      redirectUri: server.redirectUri,
      state: pkce.state,
      challenge: pkce.challenge,
      scopes: scopesFor(session, 'authorizationCode') ?? [DEFAULT_SCOPE],
    });
    if (!(await ui.openUrl(url))) {
      throw new SsoError('browser', `The browser was not opened for ${doing}. Allow VS Code to open the sign-in page, or sign in with a device code instead.`);
    }
    // The refusal comes from the browser (error=invalid_client) or from CreateToken, after the
    // user acted: no second page now, but the next sign-in registers anew.
    let code: string;
    try {
      code = await server.code;
    } catch (e) {
      throw noteRefusedClient(e, reg.clientId);
    }
    const sdk = loadSsoSdk();
    const input = { clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: 'authorization_code', redirectUri: server.redirectUri, codeVerifier: pkce.verifier, code };
    try {
      const out = await oidcClient(session, ctx).send(new sdk.CreateTokenCommand(input), { abortSignal: ui.signal });
      return tokenEntry(session, reg, out, clockOf(ctx).now(), doing);
    } catch (e) {
      throw noteRefusedClient(mapServiceError(e, session, doing, oidcEndpoint(session, ctx)), reg.clientId);
    }
  } finally {
    server.close();
  }
}

function sleep(clock: Clock, ms: number, signal: AbortSignal | undefined, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled(what));
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      reject(cancelled(what));
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Device authorization grant (RFC 8628), as `aws sso login --use-device-code` does it. */
export async function deviceCodeSignIn(session: SsoSession, ctx: SsoContext, ui: SignInUi): Promise<TokenEntry> {
  const doing = `signing in to ${sessionLabel(session)}`;
  const clock = clockOf(ctx);
  const sdk = loadSsoSdk();
  const endpoint = oidcEndpoint(session, ctx);
  const client = oidcClient(session, ctx);
  let reg = await registration(session, 'deviceCode', ctx, ui.signal);
  let auth;
  for (let attempt = 0; !auth; attempt++) {
    try {
      auth = await client.send(new sdk.StartDeviceAuthorizationCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl: session.startUrl }), { abortSignal: ui.signal });
    } catch (e) {
      // A cached registration the service no longer knows (revoked, or another directory): register anew, once.
      if (attempt > 0 || (e as { name?: unknown }).name !== 'InvalidClientException') throw noteRefusedClient(mapServiceError(e, session, doing, endpoint), reg.clientId);
      reg = await registration(session, 'deviceCode', ctx, ui.signal, true);
    }
  }
  if (!auth.deviceCode || !auth.userCode || !auth.verificationUri || !auth.expiresIn) {
    throw new SsoError('other', `IAM Identity Center answered StartDeviceAuthorization without a device code while ${doing}. Try again; if it persists, report it with the log.`);
  }
  rememberSecret(auth.deviceCode);
  const deadline = clock.now() + auth.expiresIn * 1000;
  let interval = auth.interval ?? DEFAULT_INTERVAL_S;
  const input = { clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: DEVICE_GRANT, deviceCode: auth.deviceCode };
  let shown = false;
  for (;;) {
    try {
      const out = await client.send(new sdk.CreateTokenCommand(input), { abortSignal: ui.signal });
      return tokenEntry(session, reg, out, clock.now(), doing);
    } catch (e) {
      const name = (e as { name?: unknown }).name;
      if (name === 'SlowDownException') interval += SLOW_DOWN_S;
      else if (name !== 'AuthorizationPendingException') throw noteRefusedClient(mapServiceError(e, session, doing, endpoint), reg.clientId);
    }
    // One attempt before showing the code, as the CLI does: a pre-authorized client needs no prompt.
    if (!shown) {
      shown = true;
      ui.showDeviceCode?.({ userCode: auth.userCode, verificationUri: auth.verificationUri, verificationUriComplete: auth.verificationUriComplete, expiresAt: new Date(deadline) });
    }
    if (clock.now() + interval * 1000 >= deadline) {
      throw new SsoError('expired', `The device code ${auth.userCode} expired before it was approved while ${doing}. Start the sign-in again and enter the new code within the time shown.`);
    }
    await sleep(clock, interval * 1000, ui.signal, `Signing in to ${sessionLabel(session)}`);
  }
}

/** The refresh grant: a new access token from the cached refresh token and registration. */
export async function refreshTokenEntry(session: SsoSession, entry: TokenEntry, ctx: SsoContext, signal?: AbortSignal): Promise<TokenEntry> {
  const doing = `refreshing the sign-in of ${sessionLabel(session)}`;
  if (!entry.refreshToken || !entry.clientId || !entry.clientSecret || !entry.registrationExpiresAt) {
    throw new SsoError('signInRequired', `The cached sign-in of ${sessionLabel(session)} cannot be refreshed (it has no refresh token). Sign in again.`);
  }
  const reg: RegistrationEntry = { clientId: entry.clientId, clientSecret: entry.clientSecret, expiresAt: entry.registrationExpiresAt };
  if (reg.expiresAt.getTime() <= clockOf(ctx).now()) {
    throw new SsoError('signInRequired', `The client registration of ${sessionLabel(session)} expired, so its sign-in cannot be refreshed. Sign in again.`);
  }
  const sdk = loadSsoSdk();
  try {
    const out = await oidcClient(session, ctx).send(
      new sdk.CreateTokenCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: 'refresh_token', refreshToken: entry.refreshToken }),
      { abortSignal: signal },
    );
    return tokenEntry(session, reg, out, clockOf(ctx).now(), doing);
  } catch (e) {
    // Its registration is usually the cached one: the sign-in that follows must not reuse it.
    throw noteRefusedClient(mapServiceError(e, session, doing, oidcEndpoint(session, ctx)), reg.clientId);
  }
}
