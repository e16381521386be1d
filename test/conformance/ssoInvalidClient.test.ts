/**
 * A cached client registration IAM Identity Center rejects (invalid_client) in the authorization
 * code flow: the sign-in fails with a message saying what to do, and the next sign-in registers
 * anew instead of reusing the rejected client until its registration expires.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { signIn, SsoError, type SignInUi, type SsoContext, type SsoSession } from '../../src/sso';
import { registrationCacheKey } from '../../src/sso/cache';
import { startMoto, type MotoServer } from '../support/moto';
import { approveInBrowser, SsoFake } from '../support/ssoFake';

describe('sso: a rejected client registration (authorization code flow)', function () {
  this.timeout(60_000);
  let moto: MotoServer;
  let fake: SsoFake;
  let dir: string;
  let ctx: SsoContext;
  let session: SsoSession;
  const browserUi = (): SignInUi => ({ flow: 'authorizationCode', openUrl: async (url) => (await approveInBrowser(url), true) });
  const isInvalidClient = (e: unknown): boolean => e instanceof SsoError && e.kind === 'invalidClient' && /sign in again/i.test(e.message) && !/Allow/.test(e.message);
  const registrationFile = (): string => path.join(ctx.cacheDir!, `${registrationCacheKey(session)}.json`);

  before(async () => {
    moto = await startMoto();
  });
  after(async () => moto.stop());
  beforeEach(async () => {
    fake = await SsoFake.start({ motoEndpoint: moto.endpoint });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sso-invalid-client-'));
    ctx = { cacheDir: path.join(dir, 'sso', 'cache'), oidcEndpoint: fake.endpoint, portalEndpoint: fake.endpoint, lock: { pollMs: 25 } };
    session = { sessionName: 'dev', startUrl: fake.startUrl, region: 'eu-west-1' };
    await signIn(session, ctx, browserUi());
    assert.equal(fake.calls.RegisterClient, 1);
  });
  afterEach(async () => {
    assert.deepEqual(fake.rejections, [], 'the fake refused malformed requests');
    await fake.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('CreateToken says invalid_client: the next sign-in registers anew and succeeds', async () => {
    // The cached registration's secret no longer matches (revoked, rotated): /authorize still
    // knows the client id, CreateToken refuses the client.
    const reg = JSON.parse(fs.readFileSync(registrationFile(), 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(registrationFile(), JSON.stringify({ ...reg, clientSecret: 'revoked' }));
    await assert.rejects(signIn(session, ctx, browserUi(), { force: true }), isInvalidClient);
    assert.equal(fake.calls.RegisterClient, 1, 'no registration while the first attempt runs');

    await signIn(session, ctx, browserUi(), { force: true });
    assert.equal(fake.calls.RegisterClient, 2, 'the second attempt did not reuse the rejected client');
    const fresh = JSON.parse(fs.readFileSync(registrationFile(), 'utf8')) as Record<string, unknown>;
    assert.notEqual(fresh.clientId, reg.clientId);
  });

  it('the browser comes back with error=invalid_client: no "choose Allow", and the next sign-in registers anew', async () => {
    // What IAM Identity Center's page does for a client it does not accept: back to the
    // redirect URI with the error and our state.
    const refusingBrowser: SignInUi = {
      flow: 'authorizationCode',
      openUrl: async (url) => {
        const q = new URL(url).searchParams;
        const back = new URL(q.get('redirect_uri')!);
        back.searchParams.set('error', 'invalid_client');
        back.searchParams.set('state', q.get('state')!);
        await (await fetch(back)).text();
        return true;
      },
    };
    await assert.rejects(signIn(session, ctx, refusingBrowser, { force: true }), isInvalidClient);

    await signIn(session, ctx, browserUi(), { force: true });
    assert.equal(fake.calls.RegisterClient, 2);
  });
});
