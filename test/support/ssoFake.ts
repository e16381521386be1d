/**
 * A strict loopback fake of IAM Identity Center for tests: the SSO-OIDC API (RegisterClient,
 * StartDeviceAuthorization, CreateToken for device_code / authorization_code with PKCE S256 /
 * refresh_token), its /authorize page and device approval page, and the portal (ListAccounts,
 * ListAccountRoles, GetRoleCredentials, Logout). One server serves both; point clients at it
 * with AWS_ENDPOINT_URL_SSO_OIDC and AWS_ENDPOINT_URL_SSO (or the `endpoint` option).
 *
 * Strict: a request of the wrong method, path, headers, query or JSON fields gets a 400 naming
 * what was wrong, and is recorded in `rejections` so a test can assert there were none. Errors
 * have the service's shapes: `x-amzn-errortype` plus {"error","error_description"} (OIDC, HTTP
 * statuses from the SDK model: 400, InvalidClient 401) or {"message"} (portal, Unauthorized 401).
 * Role credentials are real: moto's STS AssumeRole of the role in moto's IAM, so STS
 * GetCallerIdentity answers arn:aws:sts::123456789012:assumed-role/<role>/<user>.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { createRole, createUserWithKeys, MOTO_ACCOUNT } from './motoIam';

export interface FakeAccount {
  readonly accountId: string;
  readonly accountName: string;
  readonly emailAddress: string;
  readonly roles: readonly string[];
}

export interface SsoFakeOptions {
  readonly motoEndpoint: string;
  readonly startUrl?: string;
  /** Accounts and roles; every role exists in moto (credentials always come from moto's account). */
  readonly accounts?: readonly FakeAccount[];
  readonly userName?: string;
  readonly accessTokenTtlSeconds?: number;
  readonly deviceExpiresInSeconds?: number;
  readonly deviceIntervalSeconds?: number;
  readonly clientSecretTtlSeconds?: number;
  /** Issue refresh tokens (for clients registered with the refresh_token grant). Default true. */
  readonly refreshTokens?: boolean;
  /** A generated organisation instead of `accounts` (benchmarks): accounts 200000000000 upwards (the first is moto's), roles Role0..Role{n-1} each. Equally strict. */
  readonly organisation?: { readonly accounts: number; readonly rolesPerAccount: number };
}

function organisation(o: { readonly accounts: number; readonly rolesPerAccount: number }): FakeAccount[] {
  const roles = Array.from({ length: o.rolesPerAccount }, (_, i) => `Role${i}`);
  return Array.from({ length: o.accounts }, (_, i) => ({ accountId: i === 0 ? MOTO_ACCOUNT : String(200000000000 + i), accountName: `Account ${i}`, emailAddress: `account${i}@example.com`, roles }));
}

interface Client { id: string; secret: string; expiresAt: number; grantTypes?: string[]; redirectUris?: string[]; scopes?: string[]; issuerUrl?: string }
interface DeviceAuth { code: string; userCode: string; clientId: string; expiresAt: number; status: 'pending' | 'approved' | 'denied' | 'used'; interval: number; lastPoll: number }
interface AuthCode { clientId: string; redirectUri: string; challenge: string; expiresAt: number; used: boolean }
interface Session { clientId: string; expiresAt: number; refreshToken?: string }

export class SsoFake {
  readonly startUrl: string;
  readonly userName: string;
  readonly accounts: readonly FakeAccount[];
  /** Successful calls per operation. */
  readonly calls: Record<string, number> = {};
  /** Requests refused as malformed: "METHOD path: reason". */
  readonly rejections: string[] = [];
  /** Answer the next N device-code polls with slow_down. */
  slowDownNext = 0;
  /** What the /authorize page does; `wait`: shows a page and never sends the browser back, as a user who has not yet chosen. */
  authorizeDecision: 'allow' | 'deny' | 'wait' = 'allow';
  private readonly clients = new Map<string, Client>();
  private readonly devices = new Map<string, DeviceAuth>();
  private readonly codes = new Map<string, AuthCode>();
  private readonly tokens = new Map<string, Session>();
  private readonly refreshes = new Map<string, string>(); // refresh token -> client id
  private readonly unassigned = new Set<string>(); // "accountId/roleName" taken away from the user
  private readonly byId = new Map<string, FakeAccount>();
  private server!: http.Server;
  private broker!: { accessKeyId: string; secretAccessKey: string };
  endpoint = '';

  private constructor(private readonly o: SsoFakeOptions) {
    this.startUrl = o.startUrl ?? 'https://d-1234567890.awsapps.com/start';
    this.userName = o.userName ?? 'alice';
    this.accounts = o.organisation ? organisation(o.organisation) : (o.accounts ?? [{ accountId: MOTO_ACCOUNT, accountName: 'Moto', emailAddress: 'aws@example.com', roles: ['SsoReadOnly', 'SsoAdmin'] }]);
    // Looked up per request: a linear search would make a 1,000-account listing quadratic in the fake, not in the client.
    for (const a of this.accounts) this.byId.set(a.accountId, a);
  }

  static async start(o: SsoFakeOptions): Promise<SsoFake> {
    const f = new SsoFake(o);
    const user = await createUserWithKeys(o.motoEndpoint, `sso-broker-${randomBytes(3).toString('hex')}`);
    f.broker = { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey };
    for (const role of new Set(f.accounts.flatMap((a) => a.roles))) await createRole(o.motoEndpoint, role, user.userArn).catch(() => undefined);
    f.server = http.createServer((req, res) => void f.handle(req, res));
    await new Promise<void>((r) => f.server.listen(0, '127.0.0.1', r));
    f.endpoint = `http://127.0.0.1:${(f.server.address() as AddressInfo).port}`;
    return f;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  /** Approves a pending device authorization, as a user entering the code would. */
  approveDevice(userCode: string, approve = true): void {
    const d = [...this.devices.values()].find((x) => x.userCode === userCode);
    if (!d) throw new Error(`no device authorization with user code ${userCode}`);
    d.status = approve ? 'approved' : 'denied';
  }

  /** Makes every issued access token expired (server side), as after a session timeout. */
  expireAccessTokens(): void {
    for (const s of this.tokens.values()) s.expiresAt = 0;
  }

  /** Revokes every refresh token issued so far (an administrator ended the sessions): refreshing fails with invalid_grant. */
  revokeRefreshTokens(): void {
    this.refreshes.clear();
  }

  /** Takes a role away from the user (its assignment was removed): it is no longer listed, and GetRoleCredentials answers as for any role not assigned (ResourceNotFoundException). */
  unassignRole(accountId: string, roleName: string): void {
    this.unassigned.add(`${accountId}/${roleName}`);
  }

  private rolesOf(a: FakeAccount): readonly string[] {
    return this.unassigned.size === 0 ? a.roles : a.roles.filter((r) => !this.unassigned.has(`${a.accountId}/${r}`));
  }

  isValidAccessToken(t: string): boolean {
    const s = this.tokens.get(t);
    return !!s && s.expiresAt > Date.now();
  }

  private count(op: string): void {
    this.calls[op] = (this.calls[op] ?? 0) + 1;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.endpoint);
    const route = `${req.method} ${url.pathname}`;
    try {
      const r = await this.route(route, url, req.headers, body);
      if ('redirect' in r) {
        res.writeHead(302, { location: r.redirect }).end();
      } else if ('html' in r) {
        res.writeHead(200, { 'content-type': 'text/html' }).end(r.html);
      } else {
        const text = r.json === undefined ? '' : JSON.stringify(r.json);
        res.writeHead(r.status ?? 200, { 'content-type': 'application/json', ...(r.type ? { 'x-amzn-errortype': r.type } : {}) }).end(text);
      }
    } catch (e) {
      if (!(e instanceof Reject)) throw e;
      this.rejections.push(`${route}: ${e.message}`);
      res.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'InvalidRequestException' }).end(JSON.stringify({ error: 'invalid_request', error_description: e.message, message: e.message }));
    }
  }

  private route(route: string, url: URL, h: http.IncomingHttpHeaders, body: string): Promise<Answer> | Answer {
    switch (route) {
      case 'POST /client/register': return this.registerClient(oidcJson(url, h, body, ['clientName', 'clientType'], ['scopes', 'redirectUris', 'grantTypes', 'issuerUrl', 'entitledApplicationArn']));
      case 'POST /device_authorization': return this.startDevice(oidcJson(url, h, body, ['clientId', 'clientSecret', 'startUrl'], []));
      case 'POST /token': return this.createToken(oidcJson(url, h, body, ['clientId', 'clientSecret', 'grantType'], ['deviceCode', 'code', 'refreshToken', 'scope', 'redirectUri', 'codeVerifier']));
      case 'GET /authorize': return this.authorize(query(url, body, ['response_type', 'client_id', 'redirect_uri', 'state', 'code_challenge_method', 'scopes', 'code_challenge'], []));
      case 'GET /device': return this.devicePage(query(url, body, ['user_code'], []));
      case 'GET /assignment/accounts': return this.portal(h, body, () => this.listAccounts(query(url, body, [], ['max_result', 'next_token'])));
      case 'GET /assignment/roles': return this.portal(h, body, () => this.listRoles(query(url, body, ['account_id'], ['max_result', 'next_token'])));
      case 'GET /federation/credentials': return this.portal(h, body, () => this.roleCredentials(query(url, body, ['role_name', 'account_id'], [])));
      case 'POST /logout': return this.portal(h, body, (token) => this.logout(token));
    }
    throw new Reject(`no operation at ${route}`);
  }

  private registerClient(b: Json): Answer {
    if (b.clientType !== 'public') throw new Reject(`clientType must be "public", got ${JSON.stringify(b.clientType)}`);
    const grants = strings(b, 'grantTypes');
    for (const g of grants ?? []) if (!['authorization_code', 'refresh_token', DEVICE].includes(g)) throw new Reject(`unknown grant type ${g}`);
    const redirectUris = strings(b, 'redirectUris');
    if (grants?.includes('authorization_code')) {
      if (!redirectUris?.length || !redirectUris.every((u) => /^http:\/\/127\.0\.0\.1(:\d+)?\/oauth\/callback$/.test(u))) throw new Reject('authorization_code clients need loopback redirectUris');
      if (typeof b.issuerUrl !== 'string' || b.issuerUrl !== this.startUrl) throw new Reject(`issuerUrl must be the start URL ${this.startUrl}`);
    }
    const c: Client = { id: token('cid'), secret: token('cs', 96), expiresAt: Date.now() + (this.o.clientSecretTtlSeconds ?? 90 * 86400) * 1000, grantTypes: grants, redirectUris, scopes: strings(b, 'scopes') };
    this.clients.set(c.id, c);
    this.count('RegisterClient');
    return { json: { clientId: c.id, clientSecret: c.secret, clientIdIssuedAt: Math.floor(Date.now() / 1000), clientSecretExpiresAt: Math.floor(c.expiresAt / 1000) } };
  }

  private client(b: Json): Client | Answer {
    const c = this.clients.get(String(b.clientId));
    if (!c || c.secret !== b.clientSecret || c.expiresAt < Date.now()) return oidcError(401, 'InvalidClientException', 'invalid_client', 'Invalid client');
    return c;
  }

  private startDevice(b: Json): Answer {
    const c = this.client(b);
    if (!('secret' in c)) return c;
    if (c.grantTypes && !c.grantTypes.includes(DEVICE)) return oidcError(400, 'UnauthorizedClientException', 'unauthorized_client', 'Client not registered for the device grant');
    if (b.startUrl !== this.startUrl) return oidcError(400, 'InvalidRequestException', 'invalid_request', 'Unknown start URL');
    const interval = this.o.deviceIntervalSeconds ?? 1;
    const d: DeviceAuth = { code: token('dc'), userCode: `${word()}-${word()}`, clientId: c.id, expiresAt: Date.now() + (this.o.deviceExpiresInSeconds ?? 600) * 1000, status: 'pending', interval, lastPoll: 0 };
    this.devices.set(d.code, d);
    this.count('StartDeviceAuthorization');
    const verificationUri = `${this.endpoint}/device`;
    return { json: { deviceCode: d.code, userCode: d.userCode, verificationUri, verificationUriComplete: `${verificationUri}?user_code=${d.userCode}`, expiresIn: this.o.deviceExpiresInSeconds ?? 600, interval } };
  }

  private createToken(b: Json): Answer {
    const allowed: Record<string, string[]> = { [DEVICE]: ['deviceCode'], authorization_code: ['code', 'redirectUri', 'codeVerifier'], refresh_token: ['refreshToken'] };
    const need = allowed[String(b.grantType)];
    if (!need) return oidcError(400, 'UnsupportedGrantTypeException', 'unsupported_grant_type', 'Unsupported grant type');
    for (const k of need) if (typeof b[k] !== 'string') throw new Reject(`${k} is required for grant ${String(b.grantType)}`);
    for (const k of Object.keys(b)) if (!['clientId', 'clientSecret', 'grantType', 'scope', ...need].includes(k)) throw new Reject(`${k} does not belong to grant ${String(b.grantType)}`);
    const c = this.client(b);
    if (!('secret' in c)) return c;
    if (c.grantTypes && !c.grantTypes.includes(String(b.grantType))) return oidcError(400, 'UnauthorizedClientException', 'unauthorized_client', 'Grant not registered for this client');
    if (b.grantType === DEVICE) {
      const d = this.devices.get(String(b.deviceCode));
      if (!d || d.clientId !== c.id || d.status === 'used') return oidcError(400, 'InvalidGrantException', 'invalid_grant', 'Invalid grant provided');
      if (d.expiresAt < Date.now()) return oidcError(400, 'ExpiredTokenException', 'expired_token', 'Device code expired');
      if (d.status === 'denied') return oidcError(400, 'AccessDeniedException', 'access_denied', 'Access denied');
      const early = Date.now() - d.lastPoll < d.interval * 1000 - 200;
      d.lastPoll = Date.now();
      if (this.slowDownNext > 0 || (early && d.status === 'pending')) {
        this.slowDownNext = Math.max(0, this.slowDownNext - 1);
        d.interval += 5;
        return oidcError(400, 'SlowDownException', 'slow_down', 'Client is polling too fast');
      }
      if (d.status === 'pending') return oidcError(400, 'AuthorizationPendingException', 'authorization_pending', 'Authorization pending');
      d.status = 'used';
    } else if (b.grantType === 'authorization_code') {
      const a = this.codes.get(String(b.code));
      if (!a || a.used || a.clientId !== c.id || a.expiresAt < Date.now()) return oidcError(400, 'InvalidGrantException', 'invalid_grant', 'Invalid authorization code');
      if (a.redirectUri !== b.redirectUri) return oidcError(400, 'InvalidGrantException', 'invalid_grant', 'redirect_uri does not match the authorization request');
      if (createHash('sha256').update(String(b.codeVerifier)).digest('base64url') !== a.challenge) return oidcError(400, 'InvalidGrantException', 'invalid_grant', 'PKCE verification failed');
      a.used = true;
    } else {
      const owner = this.refreshes.get(String(b.refreshToken));
      if (owner !== c.id) return oidcError(400, 'InvalidGrantException', 'invalid_grant', 'Invalid refresh token');
      this.refreshes.delete(String(b.refreshToken)); // rotated: the old one is spent
    }
    this.count(`CreateToken:${String(b.grantType)}`);
    return { json: this.issue(c) };
  }

  private issue(c: Client): Json {
    const ttl = this.o.accessTokenTtlSeconds ?? 3600;
    const accessToken = token('aoa', 120);
    const withRefresh = (this.o.refreshTokens ?? true) && (c.grantTypes?.includes('refresh_token') ?? false);
    const refreshToken = withRefresh ? token('aor', 120) : undefined;
    this.tokens.set(accessToken, { clientId: c.id, expiresAt: Date.now() + ttl * 1000, refreshToken });
    if (refreshToken) this.refreshes.set(refreshToken, c.id);
    return { accessToken, tokenType: 'Bearer', expiresIn: ttl, ...(refreshToken ? { refreshToken } : {}) };
  }

  private authorize(q: Record<string, string>): Answer {
    if (q.response_type !== 'code' || q.code_challenge_method !== 'S256') throw new Reject('response_type must be code and code_challenge_method S256');
    if (!/^[A-Za-z0-9_-]{43}$/.test(q.code_challenge!)) throw new Reject('code_challenge must be 43 base64url characters (S256, no padding)');
    const c = this.clients.get(q.client_id!);
    if (!c?.grantTypes?.includes('authorization_code')) throw new Reject('client_id is not registered for authorization_code');
    // RFC 8252 7.3: a loopback redirect matches its registration whatever the port.
    const portless = q.redirect_uri!.replace(/^(http:\/\/127\.0\.0\.1)(:\d+)?/, '$1');
    if (!c.redirectUris?.some((u) => u.replace(/^(http:\/\/127\.0\.0\.1)(:\d+)?/, '$1') === portless)) throw new Reject('redirect_uri is not registered for this client');
    const scopes = q.scopes!.split(' ');
    if (c.scopes && !scopes.every((s) => c.scopes!.includes(s))) throw new Reject('scopes were not registered');
    this.count('Authorize');
    if (this.authorizeDecision === 'wait') return { html: '<p>Allow access?</p>' };
    const back = new URL(q.redirect_uri!);
    if (this.authorizeDecision === 'deny') {
      back.searchParams.set('error', 'access_denied');
    } else {
      const code = token('ac');
      this.codes.set(code, { clientId: c.id, redirectUri: q.redirect_uri!, challenge: q.code_challenge!, expiresAt: Date.now() + 600_000, used: false });
      back.searchParams.set('code', code);
    }
    back.searchParams.set('state', q.state!);
    return { redirect: back.toString() };
  }

  private devicePage(q: Record<string, string>): Answer {
    this.approveDevice(q.user_code!);
    return { html: '<p>Request approved</p>' };
  }

  private async portal(h: http.IncomingHttpHeaders, body: string, op: (token: string) => Answer | Promise<Answer>): Promise<Answer> {
    if (body) throw new Reject('portal requests have no body');
    if (h.authorization) throw new Reject('portal requests are not signed (no Authorization header)');
    const t = h['x-amz-sso_bearer_token'];
    if (typeof t !== 'string' || !this.isValidAccessToken(t)) return { status: 401, type: 'UnauthorizedException', json: { message: 'Session token not found or invalid' } };
    return op(t);
  }

  private page<T>(items: readonly T[], q: Record<string, string>): { items: T[]; nextToken?: string } {
    const max = q.max_result === undefined ? 20 : Number(q.max_result);
    if (!Number.isInteger(max) || max < 1 || max > 100) throw new Reject('max_result must be an integer from 1 to 100');
    const start = q.next_token === undefined ? 0 : Number(Buffer.from(q.next_token, 'base64url').toString());
    if (!Number.isInteger(start) || start < 0) throw new Reject('next_token is not one this service issued');
    const next = start + max < items.length ? Buffer.from(String(start + max)).toString('base64url') : undefined;
    return { items: items.slice(start, start + max), ...(next ? { nextToken: next } : {}) };
  }

  private listAccounts(q: Record<string, string>): Answer {
    const p = this.page(this.accounts, q);
    this.count('ListAccounts');
    return { json: { accountList: p.items.map((a) => ({ accountId: a.accountId, accountName: a.accountName, emailAddress: a.emailAddress })), ...(p.nextToken ? { nextToken: p.nextToken } : {}) } };
  }

  private listRoles(q: Record<string, string>): Answer {
    const a = this.byId.get(q.account_id!);
    if (!a) return { status: 404, type: 'ResourceNotFoundException', json: { message: 'Account not found' } };
    const p = this.page(this.rolesOf(a), q);
    this.count('ListAccountRoles');
    return { json: { roleList: p.items.map((roleName) => ({ roleName, accountId: a.accountId })), ...(p.nextToken ? { nextToken: p.nextToken } : {}) } };
  }

  private async roleCredentials(q: Record<string, string>): Promise<Answer> {
    const a = this.byId.get(q.account_id!);
    if (!a || !this.rolesOf(a).includes(q.role_name!)) return { status: 404, type: 'ResourceNotFoundException', json: { message: 'No access' } };
    const sts = new STSClient({ region: 'us-east-1', endpoint: this.o.motoEndpoint, credentials: this.broker });
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${MOTO_ACCOUNT}:role/${q.role_name}`, RoleSessionName: this.userName, DurationSeconds: 3600 }));
    const c = out.Credentials!;
    this.count('GetRoleCredentials');
    return { json: { roleCredentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration!.getTime() } } };
  }

  private logout(t: string): Answer {
    const s = this.tokens.get(t);
    this.tokens.delete(t);
    if (s?.refreshToken) this.refreshes.delete(s.refreshToken);
    this.count('Logout');
    return { json: undefined };
  }
}

type Json = Record<string, unknown>;
type Answer = { status?: number; type?: string; json: unknown } | { redirect: string } | { html: string };
class Reject extends Error {}
const DEVICE = 'urn:ietf:params:oauth:grant-type:device_code';

function token(prefix: string, len = 48): string {
  return prefix + randomBytes(len).toString('base64url').slice(0, len);
}

function word(): string {
  return Array.from(randomBytes(4), (b) => 'BCDFGHJKLMNPQRSTVWXZ'[b % 20]).join('');
}

function oidcError(status: number, type: string, error: string, description: string): Answer {
  return { status, type, json: { error, error_description: description } };
}

/** An OIDC JSON body: JSON content type, no signature, no query, exactly the known fields of the right types. */
function oidcJson(url: URL, h: http.IncomingHttpHeaders, body: string, required: string[], optional: string[]): Json {
  if (url.search) throw new Reject('unexpected query string');
  if (!/^application\/json\b/.test(h['content-type'] ?? '')) throw new Reject(`content-type must be application/json, got ${h['content-type'] ?? 'none'}`);
  if (h.authorization) throw new Reject('SSO-OIDC requests are not signed (no Authorization header)');
  let b: unknown;
  try {
    b = JSON.parse(body);
  } catch {
    throw new Reject('body is not JSON');
  }
  if (typeof b !== 'object' || b === null || Array.isArray(b)) throw new Reject('body is not a JSON object');
  const o = b as Json;
  for (const k of required) if (o[k] === undefined) throw new Reject(`missing field ${k}`);
  for (const [k, v] of Object.entries(o)) {
    if (!required.includes(k) && !optional.includes(k)) throw new Reject(`unknown field ${k}`);
    if (Array.isArray(v) ? v.some((x) => typeof x !== 'string') : typeof v !== 'string') throw new Reject(`field ${k} has the wrong type`);
  }
  return o;
}

function strings(b: Json, k: string): string[] | undefined {
  return b[k] === undefined ? undefined : Array.isArray(b[k]) ? (b[k] as string[]) : (() => { throw new Reject(`field ${k} must be a list`); })();
}

/** Exactly the required query parameters plus optional ones, each once; no body. */
function query(url: URL, body: string, required: string[], optional: string[]): Record<string, string> {
  if (body) throw new Reject('GET requests have no body');
  const q: Record<string, string> = {};
  for (const [k, v] of url.searchParams) {
    if (!required.includes(k) && !optional.includes(k)) throw new Reject(`unknown query parameter ${k}`);
    if (k in q) throw new Reject(`query parameter ${k} given twice`);
    q[k] = v;
  }
  for (const k of required) if (!q[k]) throw new Reject(`missing query parameter ${k}`);
  return q;
}

/** "Approves" an authorize URL as a browser would: GET it, follow the redirect to the callback. Returns the callback's status. */
export async function approveInBrowser(authorizeUrl: string): Promise<number> {
  const first = await fetch(authorizeUrl, { redirect: 'manual' });
  const to = first.headers.get('location');
  if (first.status !== 302 || !to) throw new Error(`authorize answered ${first.status}: ${await first.text()}`);
  const back = await fetch(to);
  await back.text();
  return back.status;
}
