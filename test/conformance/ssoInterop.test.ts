/**
 * Interoperability with the AWS CLI and botocore through the shared ~/.aws/sso/cache:
 *  - after our sign-in, the AWS CLI v1 and boto3 resolve an sso-session profile from our token
 *    (botocore reaches the fake through AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL_SSO_OIDC, which
 *    botocore 1.31+ reads) without signing in again;
 *  - botocore refreshes our token (its 15-minute window) and we use what it wrote;
 *  - a token and client registration written by the AWS CLI v2's own login code (Debian's
 *    awscli 2.9.19 SSOTokenFetcher, run as a library and given the fake's endpoint) is used by us,
 *    and its registration is reused (same cache key).
 * The Debian `aws` v2 binary itself is not run here: 2.9.19 predates AWS_ENDPOINT_URL_*, so it
 * cannot be pointed at the fake's SSO endpoints.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { getRoleCredentials, getSsoToken, signIn, type SignInUi, type SsoContext, type SsoSession } from '../../src/sso';
import { tokenCacheKey } from '../../src/sso/cache';
import { callerIdentity, clientEnv } from '../support/awsClients';
import { startMoto, type MotoServer } from '../support/moto';
import { MOTO_ACCOUNT } from '../support/motoIam';
import { approveInBrowser, SsoFake } from '../support/ssoFake';

const ui: SignInUi = { flow: 'authorizationCode', openUrl: async (url) => (await approveInBrowser(url), true) };

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: 60_000, encoding: 'utf8' }, (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? -1) : 0, stdout: stdout.trim(), stderr: stderr.trim() }));
  });
}

describe('sso interop with the AWS CLI and botocore', function () {
  this.timeout(120_000);
  let moto: MotoServer;
  let fake: SsoFake;
  let home: string;
  let ctx: SsoContext;
  let session: SsoSession;
  let env: NodeJS.ProcessEnv;
  const tokenFile = () => path.join(home, '.aws', 'sso', 'cache', `${tokenCacheKey(session)}.json`);

  before(async () => {
    moto = await startMoto();
  });
  after(async () => moto.stop());

  async function setUp(ttl?: number): Promise<void> {
    fake = await SsoFake.start({ motoEndpoint: moto.endpoint, accounts: [{ accountId: MOTO_ACCOUNT, accountName: 'Dev', emailAddress: 'd@example.com', roles: ['SsoDev'] }], ...(ttl ? { accessTokenTtlSeconds: ttl } : {}) });
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'sso-interop-'));
    fs.mkdirSync(path.join(home, '.aws'));
    fs.writeFileSync(
      path.join(home, '.aws', 'config'),
      `[profile dev]\nsso_session = dev\nsso_account_id = ${MOTO_ACCOUNT}\nsso_role_name = SsoDev\nregion = us-east-1\n\n` +
        `[sso-session dev]\nsso_start_url = ${fake.startUrl}\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n`,
    );
    fs.writeFileSync(path.join(home, '.aws', 'credentials'), '');
    session = { sessionName: 'dev', startUrl: fake.startUrl, region: 'eu-west-1', registrationScopes: ['sso:account:access'] };
    ctx = { cacheDir: path.join(home, '.aws', 'sso', 'cache'), oidcEndpoint: fake.endpoint, portalEndpoint: fake.endpoint };
    env = clientEnv(home, { AWS_PROFILE: 'dev', AWS_ENDPOINT_URL_SSO: fake.endpoint, AWS_ENDPOINT_URL_SSO_OIDC: fake.endpoint, AWS_ENDPOINT_URL_STS: moto.endpoint });
  }
  afterEach(async () => {
    assert.deepEqual(fake.rejections, [], 'the fake refused malformed requests');
    await fake.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });

  for (const client of ['cli-v1', 'boto3'] as const) {
    it(`${client} uses the token our sign-in cached: sts get-caller-identity prints the moto identity, no new sign-in`, async () => {
      await setUp();
      await getSsoToken(session, ctx, ui);
      const before = { ...fake.calls };
      const r = await callerIdentity(client, env, moto.endpoint);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `arn:aws:sts::${MOTO_ACCOUNT}:assumed-role/SsoDev/alice`);
      assert.equal(fake.calls.GetRoleCredentials, (before.GetRoleCredentials ?? 0) + 1);
      for (const op of ['RegisterClient', 'Authorize', 'CreateToken:authorization_code', 'CreateToken:refresh_token']) assert.equal(fake.calls[op], before[op], op);
    });
  }

  it('botocore refreshes our token (15-minute window) and we use the token it wrote', async () => {
    await setUp(600); // 10 minutes: inside botocore's refresh window, outside ours (5)
    const ours = await getSsoToken(session, ctx, ui);
    const r = await callerIdentity('boto3', env, moto.endpoint);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fake.calls['CreateToken:refresh_token'], 1, 'botocore refreshed');
    const written = JSON.parse(fs.readFileSync(tokenFile(), 'utf8')) as Record<string, string>;
    assert.notEqual(written.accessToken, ours.accessToken);
    assert.match(written.expiresAt!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const theirs = await getSsoToken(session, ctx);
    assert.equal(theirs.accessToken, written.accessToken);
    const creds = await getRoleCredentials(session, theirs, MOTO_ACCOUNT, 'SsoDev', ctx);
    assert.ok(creds.sessionToken);
    assert.equal(fake.calls['CreateToken:refresh_token'], 1, 'we did not refresh again');
  });

  it('a token and registration written by the AWS CLI v2 login code (awscli 2.9.19) are used and reused by us', async () => {
    await setUp();
    const script = `
import sys, urllib.request
from awscli.botocore.session import Session
from awscli.botocore.utils import SSOTokenFetcher
from awscli.botocore.credentials import JSONFileCache
from awscli.customizations.sso.utils import _sso_json_dumps
endpoint, cache_dir, start_url = sys.argv[1:4]
session = Session()
def creator(name, **kw):
    return session.create_client(name, endpoint_url=endpoint, **kw)
def approve(**kw):
    urllib.request.urlopen(kw['verificationUriComplete']).read()
fetcher = SSOTokenFetcher('eu-west-1', client_creator=creator, cache=JSONFileCache(cache_dir, dumps_func=_sso_json_dumps), on_pending_authorization=approve)
fetcher.fetch_token(start_url=start_url, session_name='dev', registration_scopes=['sso:account:access'], force_refresh=True)
`;
    const r = await run('/usr/bin/python3', ['-c', script, fake.endpoint, ctx.cacheDir!, fake.startUrl], { PATH: '/usr/bin:/bin', HOME: home });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fake.calls.RegisterClient, 1);
    const written = JSON.parse(fs.readFileSync(tokenFile(), 'utf8')) as Record<string, string>;
    const token = await getSsoToken(session, ctx);
    assert.equal(token.accessToken, written.accessToken);
    const creds = await getRoleCredentials(session, token, MOTO_ACCOUNT, 'SsoDev', ctx);
    assert.ok(creds.accessKeyId.startsWith('ASIA'));
    // Our device sign-in finds the CLI's registration under the same key and reuses it.
    await signIn(session, ctx, { flow: 'deviceCode', openUrl: async () => true, showDeviceCode: (p) => fake.approveDevice(p.userCode) }, { force: true });
    assert.equal(fake.calls.RegisterClient, 1);
  });
});
