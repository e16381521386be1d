/**
 * Sign-in flows against the strict SSO fake, with real SDK clients and real moto credentials:
 * authorization code + PKCE, device code (slow_down, denial, expiry, cancel), refresh, the
 * portal, sign-out, and one sign-in for concurrent callers (in-process and across processes).
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { getRoleCredentials, getSsoToken, listAccountRoles, listAccounts, signIn, signOut, SsoError, type SignInUi, type SsoContext, type SsoSession } from '../../src/sso';
import { systemClock } from '../../src/shared/types';
import { SsoSignInRequiredError, ssoRoleCredentials } from '../../src/credentials/sourceCredentials';
import { readRegistrationEntry, registrationCacheKey, tokenCacheKey } from '../../src/sso/cache';
import { startMoto, type MotoServer } from '../support/moto';
import { MOTO_ACCOUNT } from '../support/motoIam';
import { approveInBrowser, SsoFake } from '../support/ssoFake';

/** A loopback port nothing listens on (taken, then given back). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** A loopback proxy to `target` that calls `before(route)` before it forwards each request. */
async function forwardingProxy(target: string, before: (route: string) => void): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      before(`${req.method} ${req.url}`);
      const headers = req.headers['content-type'] ? { 'content-type': req.headers['content-type'] } : undefined;
      void fetch(`${target}${req.url}`, { method: req.method, ...(headers ? { headers } : {}), ...(chunks.length ? { body: Buffer.concat(chunks) } : {}) }).then(async (r) => {
        const out: Record<string, string> = {};
        for (const k of ['content-type', 'x-amzn-errortype']) if (r.headers.get(k)) out[k] = r.headers.get(k)!;
        res.writeHead(r.status, out).end(Buffer.from(await r.arrayBuffer()));
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

const ROLES = Array.from({ length: 7 }, (_, i) => `Role${i}`);

describe('sso flows (fake IAM Identity Center, moto STS)', function () {
  this.timeout(60_000);
  let moto: MotoServer;
  let fake: SsoFake;
  let dir: string;
  let ctx: SsoContext;
  let session: SsoSession;
  let opened: string[];
  const browserUi = (): SignInUi => ({ flow: 'authorizationCode', openUrl: async (url) => (opened.push(url), await approveInBrowser(url), true) });

  before(async () => {
    moto = await startMoto();
  });
  after(async () => moto.stop());
  beforeEach(async () => {
    fake = await SsoFake.start({
      motoEndpoint: moto.endpoint,
      accounts: [
        { accountId: MOTO_ACCOUNT, accountName: 'Dev', emailAddress: 'dev@example.com', roles: ROLES },
        ...Array.from({ length: 24 }, (_, i) => ({ accountId: String(100000000000 + i), accountName: `A${i}`, emailAddress: `a${i}@example.com`, roles: ['Role0'] })),
      ],
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sso-flows-'));
    ctx = { cacheDir: path.join(dir, 'sso', 'cache'), oidcEndpoint: fake.endpoint, portalEndpoint: fake.endpoint, lock: { pollMs: 25 } };
    session = { sessionName: 'dev', startUrl: fake.startUrl, region: 'eu-west-1' };
    opened = [];
  });
  afterEach(async () => {
    assert.deepEqual(fake.rejections, [], 'the fake refused malformed requests');
    await fake.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('authorization code + PKCE: caches the CLI format, lists accounts and roles (paginated), gets moto credentials', async () => {
    const token = await getSsoToken(session, ctx, browserUi());
    assert.equal(opened.length, 1);
    const u = new URL(opened[0]!);
    assert.equal(u.origin + u.pathname, `${fake.endpoint}/authorize`);
    assert.deepEqual([...u.searchParams.keys()], ['response_type', 'client_id', 'redirect_uri', 'state', 'code_challenge_method', 'scopes', 'code_challenge']);
    assert.equal(u.searchParams.get('scopes'), 'sso:account:access');
    assert.ok(!opened[0]!.includes('code_verifier'));

    const file = path.join(ctx.cacheDir!, `${tokenCacheKey(session)}.json`);
    const cached = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
    assert.deepEqual(Object.keys(cached), ['startUrl', 'region', 'accessToken', 'expiresAt', 'clientId', 'clientSecret', 'registrationExpiresAt', 'refreshToken']);
    assert.equal(cached.accessToken, token.accessToken);
    assert.match(cached.expiresAt!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const reg = await readRegistrationEntry(path.join(ctx.cacheDir!, `${registrationCacheKey(session)}.json`));
    assert.equal(reg.status, 'ok');
    if (reg.status === 'ok') assert.deepEqual(reg.entry.grantTypes, ['authorization_code', 'refresh_token']);

    const accounts = await listAccounts(session, token, ctx);
    assert.equal(accounts.length, 25);
    const roles = await listAccountRoles(session, token, MOTO_ACCOUNT, ctx);
    assert.deepEqual(roles.map((r) => r.roleName), ROLES);
    assert.ok(fake.calls.ListAccounts! >= 1 && fake.calls.ListAccountRoles! >= 1);
    const creds = await getRoleCredentials(session, token, MOTO_ACCOUNT, 'Role3', ctx);
    const who = await new STSClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: creds }).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, `arn:aws:sts::${MOTO_ACCOUNT}:assumed-role/Role3/alice`);

    // Cached: no second browser page; a forced sign-in reuses the client registration.
    await getSsoToken(session, ctx, browserUi());
    await signIn(session, ctx, browserUi(), { force: true });
    assert.equal(opened.length, 2);
    assert.equal(fake.calls.RegisterClient, 1);
  });

  it('device code: shows the code once, polls through slow_down (+5 s), and caches the token', async () => {
    fake.slowDownNext = 1;
    const shown: string[] = [];
    const t0 = Date.now();
    const ui: SignInUi = {
      flow: 'deviceCode',
      openUrl: async () => true,
      showDeviceCode: (p) => {
        shown.push(p.userCode);
        assert.ok(p.verificationUriComplete?.includes(p.userCode));
        setTimeout(() => void fetch(p.verificationUriComplete!).then((r) => r.text()), 300);
      },
    };
    const token = await signIn(session, ctx, ui);
    assert.equal(shown.length, 1);
    assert.ok(Date.now() - t0 >= 6000, 'slow_down added 5 s to the 1 s interval');
    assert.ok(fake.isValidAccessToken(token.accessToken));
    assert.equal(fake.calls['CreateToken:urn:ietf:params:oauth:grant-type:device_code'], 1);
  });

  it('device code: denial, expiry and cancellation end with clear errors and no cache file', async () => {
    const approveOrDeny = (approve: boolean): SignInUi => ({ flow: 'deviceCode', openUrl: async () => true, showDeviceCode: (p) => fake.approveDevice(p.userCode, approve) });
    await assert.rejects(signIn(session, ctx, approveOrDeny(false)), (e: unknown) => e instanceof SsoError && e.kind === 'denied' && /administrator/.test(e.message));
    const ac = new AbortController();
    const p = signIn(session, ctx, { flow: 'deviceCode', openUrl: async () => true, showDeviceCode: () => setTimeout(() => ac.abort(), 100), signal: ac.signal });
    await assert.rejects(p, (e: unknown) => e instanceof SsoError && e.kind === 'cancelled');
    assert.equal(fs.existsSync(path.join(ctx.cacheDir!, `${tokenCacheKey(session)}.json`)), false);
    await fake.stop();
    fake = await SsoFake.start({ motoEndpoint: moto.endpoint, deviceExpiresInSeconds: 2 });
    ctx = { ...ctx, oidcEndpoint: fake.endpoint, portalEndpoint: fake.endpoint };
    session = { ...session, startUrl: fake.startUrl };
    // The cached registration belongs to the old fake: it is replaced once, silently.
    await assert.rejects(signIn(session, ctx, { flow: 'deviceCode', openUrl: async () => true }), (e: unknown) => e instanceof SsoError && e.kind === 'expired' && /Start the sign-in again/.test(e.message));
    assert.equal(fake.calls.RegisterClient, 1);
  });

  it('refresh: a token within 5 minutes of expiry is refreshed with the refresh grant, without a browser', async () => {
    await fake.stop();
    fake = await SsoFake.start({ motoEndpoint: moto.endpoint, accessTokenTtlSeconds: 200 });
    ctx = { ...ctx, oidcEndpoint: fake.endpoint, portalEndpoint: fake.endpoint };
    session = { ...session, startUrl: fake.startUrl };
    const first = await getSsoToken(session, ctx, browserUi());
    const second = await getSsoToken(session, ctx);
    assert.notEqual(second.accessToken, first.accessToken);
    assert.equal(fake.calls['CreateToken:refresh_token'], 1);
    assert.equal(opened.length, 1);
  });

  it('refresh: an expired token whose refresh cannot reach IAM Identity Center is a network error, not "sign in", and the token file stays', async () => {
    await getSsoToken(session, ctx, browserUi());
    const file = path.join(ctx.cacheDir!, `${tokenCacheKey(session)}.json`);
    const cached = fs.readFileSync(file, 'utf8');
    // Two hours on: the access token expired, the refresh token and registration are still good.
    const later: SsoContext = { ...ctx, clock: { ...systemClock, now: () => Date.now() + 2 * 3600_000 }, oidcEndpoint: `http://127.0.0.1:${await closedPort()}` };
    for (const ui of [undefined, browserUi()]) {
      await assert.rejects(getSsoToken(session, later, ui), (e: unknown) => {
        assert.ok(e instanceof SsoError, String(e));
        assert.equal(e.kind, 'network', e.message);
        assert.match(e.message, /ECONNREFUSED/);
        assert.match(e.message, /check your network and proxy, then try again/);
        assert.doesNotMatch(e.message, /not signed in/i);
        return true;
      });
    }
    // What a switch or a renewal gets: no "sign in" (which would offer a sign-in), the network message.
    await assert.rejects(ssoRoleCredentials({ session, accountId: MOTO_ACCOUNT, roleName: 'Role0' }, later), (e: unknown) => {
      assert.ok(!(e instanceof SsoSignInRequiredError), 'a sign-in would be offered');
      assert.match(String((e as Error).message), /check your network and proxy, then try again/);
      return true;
    });
    assert.equal(opened.length, 1, 'no browser page for a network failure');
    assert.equal(fs.readFileSync(file, 'utf8'), cached);
    // The service itself refusing the refresh token does mean a new sign-in.
    fake.revokeRefreshTokens();
    await assert.rejects(getSsoToken(session, { ...later, oidcEndpoint: fake.endpoint }), (e: unknown) => e instanceof SsoError && e.kind === 'signInRequired');
  });

  it('refresh: a refreshed token whose cache write fails is used, with a warning naming the file', async () => {
    await fake.stop();
    fake = await SsoFake.start({ motoEndpoint: moto.endpoint, accessTokenTtlSeconds: 200 });
    const warnings: string[] = [];
    ctx = { ...ctx, oidcEndpoint: fake.endpoint, portalEndpoint: fake.endpoint, logger: { info: () => undefined, warn: (m) => warnings.push(m), error: () => undefined } };
    session = { ...session, startUrl: fake.startUrl };
    const first = await getSsoToken(session, ctx, browserUi());
    const file = path.join(ctx.cacheDir!, `${tokenCacheKey(session)}.json`);
    // While the refresh is under way another tool puts a file there that is not ours to replace
    // (root ignores file modes, so a read-only folder would not stop the write here).
    const proxy = await forwardingProxy(fake.endpoint, (route) => {
      if (route === 'POST /token') fs.writeFileSync(file, 'written by another tool');
    });
    try {
      const second = await getSsoToken(session, { ...ctx, oidcEndpoint: proxy.endpoint });
      assert.notEqual(second.accessToken, first.accessToken);
      assert.ok(fake.isValidAccessToken(second.accessToken), 'the refreshed token is returned');
    } finally {
      await proxy.close();
    }
    assert.equal(fs.readFileSync(file, 'utf8'), 'written by another tool', 'the foreign file is left alone');
    assert.equal(fake.calls['CreateToken:refresh_token'], 1);
    assert.ok(warnings.some((w) => w.includes(file) && /could not be written/.test(w)), JSON.stringify(warnings));
  });

  it('without a token and without UI: signInRequired naming the CLI command; wrong errors never hold secrets', async () => {
    await assert.rejects(getSsoToken(session, ctx), (e: unknown) => e instanceof SsoError && e.kind === 'signInRequired' && e.message.includes('aws sso login --sso-session dev'));
    const token = await getSsoToken(session, ctx, browserUi());
    fake.expireAccessTokens();
    await assert.rejects(listAccounts(session, token, ctx), (e: unknown) => e instanceof SsoError && e.kind === 'unauthorized' && !e.message.includes(token.accessToken) && /sign in again/i.test(e.message));
  });

  it('a cache file that is not the CLI\'s is left alone and no browser page opens', async () => {
    const file = path.join(ctx.cacheDir!, `${tokenCacheKey(session)}.json`);
    fs.mkdirSync(ctx.cacheDir!, { recursive: true });
    fs.writeFileSync(file, 'garbage');
    await assert.rejects(signIn(session, ctx, browserUi()), (e: unknown) => e instanceof SsoError && e.kind === 'cacheUnusable' && e.message.includes(file));
    assert.equal(opened.length, 0);
    assert.equal(fs.readFileSync(file, 'utf8'), 'garbage');
  });

  it('sign-out: Logout at the portal (bearer header), then the cache file is removed', async () => {
    const token = await getSsoToken(session, ctx, browserUi());
    assert.deepEqual(await signOut(session, ctx), { serverLogout: true, removed: true });
    assert.equal(fake.calls.Logout, 1);
    assert.equal(fake.isValidAccessToken(token.accessToken), false);
    assert.equal(fs.existsSync(path.join(ctx.cacheDir!, `${tokenCacheKey(session)}.json`)), false);
    assert.deepEqual(await signOut(session, ctx), { serverLogout: false, removed: false });
  });

  it('two concurrent sign-ins in one process: one browser page, one token for both', async () => {
    let waited = 0;
    const ui = (): SignInUi => ({ ...browserUi(), openUrl: async (url) => (opened.push(url), await new Promise((r) => setTimeout(r, 300)), await approveInBrowser(url), true), onWaitingForOtherSignIn: () => waited++ });
    const [a, b] = await Promise.all([signIn(session, ctx, ui(), { force: true }), signIn(session, ctx, ui(), { force: true })]);
    assert.equal(a.accessToken, b.accessToken);
    assert.equal(opened.length, 1);
    assert.equal(waited, 1);
    assert.equal(fake.calls.Authorize, 1);
  });

  it('two processes signing in at once: one browser page, both use the token the first wrote', async () => {
    const index = path.resolve(__dirname, '..', '..', 'src', 'sso', 'index.js');
    const support = path.resolve(__dirname, '..', 'support', 'ssoFake.js');
    const script = `
      const { signIn } = require(${JSON.stringify(index)});
      const { approveInBrowser } = require(${JSON.stringify(support)});
      const ctx = ${JSON.stringify(ctx)};
      signIn(${JSON.stringify(session)}, ctx, { flow: 'authorizationCode',
        openUrl: async (url) => { await new Promise((r) => setTimeout(r, 500)); await approveInBrowser(url); return true; } }, { force: true })
        .then((t) => process.stdout.write(require('crypto').createHash('sha256').update(t.accessToken).digest('hex')),
              (e) => { process.stderr.write(String(e)); process.exit(1); });`;
    const run = () =>
      new Promise<string>((resolve, reject) => {
        const p = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        p.stdout.on('data', (d: Buffer) => (out += d.toString()));
        p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`child exited ${code}`))));
      });
    const [a, b] = await Promise.all([run(), run()]);
    assert.equal(a, b);
    assert.equal(fake.calls.Authorize, 1);
    assert.equal(fake.calls['CreateToken:authorization_code'], 1);
  });
});
