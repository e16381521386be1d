/**
 * `aws login` profiles (`login_session`) resolved the way a switch does (profileCredentials.ts ->
 * sourceCredentials.ts -> the SDK's fromLoginCredentials, @aws-sdk/credential-provider-login),
 * from a sign-in cached where the AWS CLI writes it and the SDK reads it:
 * `~/.aws/login/cache/<sha256(login_session)>.json` (or $AWS_LOGIN_CACHE_DIRECTORY), holding
 * `accessToken` {accessKeyId, secretAccessKey, sessionToken, accountId, expiresAt}, `clientId`,
 * `refreshToken` and `dpopKey` (an EC P-256 private key, SEC1 PEM, that signs the DPoP proof of a
 * refresh). A cached access token with more than 5 minutes left is used as is; one closer to expiry
 * is refreshed with the Sign-In service's CreateOAuth2Token (POST /v1/token), here a strict
 * loopback fake reached through AWS_ENDPOINT_URL_SIGNIN, and the new token is written back.
 */
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { startMoto, MotoServer } from '../support/moto';
import { AMBIENT_AWS_ENV, TempAwsFiles, setEnv, tempAwsFiles } from '../support/awsFiles';
import { resolveProfileCredentials } from '../../src/credentials/profileCredentials';
import { readConfigSnapshot } from '../../src/config/snapshot';
import { failure } from '../support/expectFailure';
import { StsCallCounter } from '../../src/credentials/sts';

const SESSION = 'arn:aws:iam::123456789012:user/alice';
const CONFIG = `[profile signin]
login_session = ${SESSION}
region = eu-west-1

[profile signin-role]
role_arn = arn:aws:iam::123456789012:role/FromLogin
source_profile = signin
region = eu-west-1
`;

function cacheFile(home: string): string {
  return path.join(home, '.aws', 'login', 'cache', `${crypto.createHash('sha256').update(SESSION, 'utf8').digest('hex')}.json`);
}

function writeCache(home: string, expiresInMs: number): void {
  const dpopKey = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'pem', type: 'sec1' }).toString();
  const file = cacheFile(home);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const token = {
    accessToken: {
      accessKeyId: 'ASIALOGINCACHEXAMPLE',
      secretAccessKey: 'cached-secret-access-key',
      sessionToken: 'cached-session-token',
      accountId: '123456789012',
      expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
    },
    tokenType: 'aws_sigv4',
    clientId: 'arn:aws:signin:::devtools/same-device',
    refreshToken: 'cached-refresh-token',
    idToken: 'id-token',
    dpopKey,
  };
  fs.writeFileSync(file, JSON.stringify(token), { mode: 0o600 });
}

describe('aws login profiles (login_session) from a cached sign-in', function () {
  this.timeout(30_000);
  let moto: MotoServer;
  let files: TempAwsFiles;
  let restoreEnv: () => void;

  const request = async (profile: string) => ({
    profile,
    snapshot: await readConfigSnapshot({ configFile: files.configFile, credentialsFile: files.credentialsFile }),
    region: undefined,
    mfaTrigger: 'user' as const,
    mfaCodeProvider: () => Promise.reject(new Error('no MFA here')),
  });

  before(async () => {
    moto = await startMoto();
    files = await tempAwsFiles(CONFIG, '');
    restoreEnv = setEnv({
      ...AMBIENT_AWS_ENV,
      AWS_LOGIN_CACHE_DIRECTORY: undefined,
      AWS_ENDPOINT_URL_SIGNIN: undefined,
      AWS_ENDPOINT_URL_STS: moto.endpoint,
      AWS_CONFIG_FILE: files.configFile,
      AWS_SHARED_CREDENTIALS_FILE: files.credentialsFile,
      HOME: files.dir,
    });
  });
  after(async () => {
    restoreEnv?.();
    await files?.dispose();
    await moto?.stop();
  });
  afterEach(() => fs.rmSync(path.join(files.dir, '.aws'), { recursive: true, force: true }));

  it('a valid cached sign-in: its credentials, with no network call', async () => {
    writeCache(files.dir, 60 * 60_000);
    const counter = new StsCallCounter();
    const r = await resolveProfileCredentials(await request('signin')).finally(() => counter.dispose());
    assert.equal(counter.total, 0);
    assert.equal(r.plan.kind, 'login');
    assert.equal(r.credentials.accessKeyId, 'ASIALOGINCACHEXAMPLE');
    assert.equal(r.credentials.sessionToken, 'cached-session-token');
    assert.equal(r.credentials.accountId, '123456789012');
    assert.ok(r.credentials.expiration && r.credentials.expiration.getTime() > Date.now() + 50 * 60_000);
  });

  it('a role whose source_profile signs in with aws login: AssumeRole (moto) with the cached credentials', async () => {
    writeCache(files.dir, 60 * 60_000);
    const r = await resolveProfileCredentials(await request('signin-role'));
    assert.ok(r.credentials.sessionToken);
    assert.notEqual(r.credentials.accessKeyId, 'ASIALOGINCACHEXAMPLE');
  });

  it('no cached sign-in: the problem says exactly which command signs in', async () => {
    const e = await failure(resolveProfileCredentials(await request('signin')), /aws login/);
    assert.equal(
      e.message,
      'Profile "signin" signs in with `aws login` and no valid sign-in is cached for it. Run `aws login --profile signin` in a terminal, then select the profile again.',
    );
  });

  it('an expired sign-in the service refuses to refresh (TOKEN_EXPIRED): the same exact problem text', async () => {
    writeCache(files.dir, -60_000);
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' });
        res.end(JSON.stringify({ error: 'TOKEN_EXPIRED', message: 'Session expired' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const restore = setEnv({ AWS_ENDPOINT_URL_SIGNIN: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    try {
      const e = await failure(resolveProfileCredentials(await request('signin')), /aws login/);
      assert.equal(
        e.message,
        'Profile "signin" signs in with `aws login` and no valid sign-in is cached for it. Run `aws login --profile signin` in a terminal, then select the profile again.',
      );
    } finally {
      restore();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('an access token about to expire is refreshed (CreateOAuth2Token with a DPoP proof) and written back', async () => {
    writeCache(files.dir, 60_000); // inside the SDK's 5-minute refresh window
    const seen: Array<{ method?: string; url?: string; dpop: boolean; body: Record<string, unknown> }> = [];
    const server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (d: Buffer) => (raw += d.toString('utf8')));
      req.on('end', () => {
        const body = JSON.parse(raw || '{}') as Record<string, unknown>;
        seen.push({ method: req.method, url: req.url, dpop: typeof req.headers.dpop === 'string' && req.headers.dpop.split('.').length === 3, body });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            accessToken: { accessKeyId: 'ASIALOGINREFREXAMPLE', secretAccessKey: 'refreshed-secret', sessionToken: 'refreshed-session-token' },
            tokenType: 'aws_sigv4',
            expiresIn: 900,
            refreshToken: 'rotated-refresh-token',
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const restore = setEnv({ AWS_ENDPOINT_URL_SIGNIN: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    try {
      const r = await resolveProfileCredentials(await request('signin'));
      assert.equal(r.credentials.accessKeyId, 'ASIALOGINREFREXAMPLE');
      assert.equal(seen.length, 1);
      assert.equal(seen[0]!.method, 'POST');
      assert.match(seen[0]!.url ?? '', /^\/v1\/token/);
      assert.ok(seen[0]!.dpop, 'the request carries a DPoP proof (a JWT)');
      const input = (seen[0]!.body.tokenInput ?? seen[0]!.body) as Record<string, unknown>;
      assert.equal(input.grantType, 'refresh_token');
      assert.equal(input.refreshToken, 'cached-refresh-token');
      const saved = JSON.parse(fs.readFileSync(cacheFile(files.dir), 'utf8')) as { refreshToken: string; accessToken: { accessKeyId: string } };
      assert.equal(saved.refreshToken, 'rotated-refresh-token');
      assert.equal(saved.accessToken.accessKeyId, 'ASIALOGINREFREXAMPLE');
    } finally {
      restore();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
