/**
 * IAM Identity Center identities through the IdentityManager, against the strict SSO fake (its
 * role credentials are moto's, so STS GetCallerIdentity confirms who they are): a role used
 * directly, its renewal through GetRoleCredentials, a renewal that needs a sign-in (reported,
 * never a browser), a signed-out profile switch offered a sign-in (accepted and declined), and a
 * role taken away from the user.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { IdentityManager, type IdentityManagerOptions, type SsoSignInNeed } from '../../src/identity/identityManager';
import { readConfigSnapshot } from '../../src/config/snapshot';
import { StsCallCounter } from '../../src/credentials/sts';
import { listAccountRoles, signIn, tokenCacheKey, type SignInUi, type SsoContext, type SsoSession } from '../../src/sso';
import { AMBIENT_AWS_ENV, setEnv, tempAwsFiles, type TempAwsFiles } from '../support/awsFiles';
import { FakeClock } from '../support/fakeClock';
import { startMoto, type MotoServer } from '../support/moto';
import { MOTO_ACCOUNT } from '../support/motoIam';
import { recordingLogger } from '../support/recordingLogger';
import type { AwsCredentials, Identity } from '../../src/shared/types';
import { approveInBrowser, SsoFake, type SsoFakeOptions } from '../support/ssoFake';
import { failure } from '../support/expectFailure';

const MIN = 60_000;

describe('IAM Identity Center identities (IdentityManager, SSO fake, moto STS)', function () {
  this.timeout(60_000);
  let moto: MotoServer;
  let fake: SsoFake;
  let files: TempAwsFiles;
  let restoreEnv: () => void;
  let ctx: SsoContext;
  let session: SsoSession;
  let manager: IdentityManager;
  let opened: string[];
  let logger: ReturnType<typeof recordingLogger>;
  const browserUi = (): SignInUi => ({ flow: 'authorizationCode', openUrl: async (url) => (opened.push(url), await approveInBrowser(url), true) });

  before(async () => {
    moto = await startMoto();
  });
  after(async () => moto.stop());

  /** A fresh fake, cache, config (an sso-session profile and a static one) and manager. */
  async function setUp(fakeOptions: Partial<SsoFakeOptions> = {}, extra: Partial<IdentityManagerOptions> = {}): Promise<void> {
    fake = await SsoFake.start({ motoEndpoint: moto.endpoint, ...fakeOptions });
    files = await tempAwsFiles(
      [
        '[profile sso-dev]',
        'sso_session = corp',
        `sso_account_id = ${MOTO_ACCOUNT}`,
        'sso_role_name = SsoReadOnly',
        'region = eu-west-1',
        '[profile keys]',
        'region = eu-west-1',
        '[sso-session corp]',
        `sso_start_url = ${fake.startUrl}`,
        'sso_region = eu-west-1',
        'sso_registration_scopes = sso:account:access',
        '',
      ].join('\n'),
      '[keys]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n',
    );
    restoreEnv = setEnv({ ...AMBIENT_AWS_ENV, AWS_ENDPOINT_URL_STS: moto.endpoint, AWS_CONFIG_FILE: files.configFile, AWS_SHARED_CREDENTIALS_FILE: files.credentialsFile, HOME: files.dir });
    ctx = { cacheDir: path.join(files.dir, '.aws', 'sso', 'cache'), oidcEndpoint: fake.endpoint, portalEndpoint: fake.endpoint, lock: { pollMs: 25 } };
    // As the config's sso-session reads: the same registration (scopes are part of its cache key).
    session = { sessionName: 'corp', startUrl: fake.startUrl, region: 'eu-west-1', registrationScopes: ['sso:account:access'] };
    opened = [];
    logger = recordingLogger();
    manager = new IdentityManager({
      logger,
      mfaCodeProvider: () => Promise.reject(new Error('no MFA here')),
      snapshot: () => readConfigSnapshot({ configFile: files.configFile, credentialsFile: files.credentialsFile }),
      environment: () => ({}),
      defaultSessionName: () => 'alice',
      defaultDurationSeconds: () => 3600,
      stsTuning: { maxAttempts: 1, connectTimeoutMs: 1000, requestTimeoutMs: 3000 },
      ssoContext: ctx,
      ...extra,
    });
  }

  afterEach(async () => {
    manager?.dispose();
    restoreEnv?.();
    assert.deepEqual(fake.rejections, [], 'the fake refused malformed requests');
    await fake.stop();
    await files.dispose();
  });

  async function callerArn(): Promise<string | undefined> {
    const sts = new STSClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: await manager.getExportableCredentials() });
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn;
  }

  it('uses a role directly: GetRoleCredentials, ONE GetCallerIdentity; STS confirms; renewed through GetRoleCredentials with the refreshed token', async () => {
    // Tokens live 200 s: every use is inside the 5-minute refresh window, so each goes through the refresh grant.
    await setUp({ accessTokenTtlSeconds: 200 });
    await signIn(session, ctx, browserUi());
    const counter = new StsCallCounter();
    const identity = await manager.useSsoRole({ session, accountId: MOTO_ACCOUNT, accountName: 'Moto', roleName: 'SsoAdmin' });
    assert.deepEqual(counter.byOperation(), { GetCallerIdentity: 1 });
    assert.equal(identity.arn, `arn:aws:sts::${MOTO_ACCOUNT}:assumed-role/SsoAdmin/alice`);
    assert.deepEqual(identity.source, { type: 'ssoRole', sessionName: 'corp', startUrl: fake.startUrl, ssoRegion: 'eu-west-1', accountId: MOTO_ACCOUNT, accountName: 'Moto', roleName: 'SsoAdmin' });
    assert.ok(identity.expiration && identity.expiration.getTime() > Date.now() + 50 * MIN);
    assert.equal(manager.state.status, 'active');
    assert.equal(manager.activeProfile, undefined);
    assert.equal(await callerArn(), identity.arn);
    assert.equal(fake.calls.GetRoleCredentials, 1);
    assert.equal(fake.calls['CreateToken:refresh_token'], 1);

    const cacheFile = path.join(ctx.cacheDir!, `${tokenCacheKey(session)}.json`);
    const tokenBefore = (JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { accessToken: string }).accessToken;
    const before = await manager.getCredentials();
    const renewed = await manager.session!.credentials.refresh('advisory');
    assert.notEqual(renewed.accessKeyId, before.accessKeyId);
    assert.equal(fake.calls.GetRoleCredentials, 2);
    assert.equal(fake.calls['CreateToken:refresh_token'], 2, 'the renewal refreshed the token near its expiry, as the CLI cache expects');
    assert.notEqual((JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { accessToken: string }).accessToken, tokenBefore, 'the refreshed token was written back for the CLI');
    assert.deepEqual(counter.byOperation(), { GetCallerIdentity: 1 }, 'renewals make no STS call');
    counter.dispose();
    assert.equal(await callerArn(), identity.arn);
    assert.equal(opened.length, 1, 'no browser page after the first sign-in');
  });

  /** Signed in, a role in use, then the token expires (11 minutes on) with its refresh revoked: the renewal fails. */
  async function expiredAndRevoked(clock: FakeClock): Promise<{ identity: Identity; held: AwsCredentials; needs: SsoSignInNeed[] }> {
    await setUp({ accessTokenTtlSeconds: 10 * 60 }, { clock });
    await signIn(session, ctx, browserUi());
    const identity = await manager.useSsoRole({ session, accountId: MOTO_ACCOUNT, roleName: 'SsoReadOnly' });
    const held = await manager.getCredentials();
    const needs: SsoSignInNeed[] = [];
    manager.onDidNeedSignIn((n) => needs.push(n));
    fake.revokeRefreshTokens();
    fake.expireAccessTokens();
    clock.jump(11 * MIN); // the cached token has expired; the role credentials (1 hour) have not
    await assert.rejects(manager.session!.credentials.refresh('advisory'), /not signed in to IAM Identity Center for role SsoReadOnly/);
    return { identity, held, needs };
  }

  it('token expired and its refresh revoked: the identity keeps its credentials until they expire; the sign-in need is reported once', async () => {
    const clock = new FakeClock(Date.now());
    const { identity, held, needs } = await expiredAndRevoked(clock);
    await assert.rejects(manager.session!.credentials.refresh('advisory'));
    assert.equal(needs.length, 1, 'one report, however often the renewal is retried');
    assert.equal(needs[0]!.session.sessionName, 'corp');
    assert.equal(needs[0]!.identity.arn, identity.arn);
    assert.match(needs[0]!.message, /aws sso login --sso-session corp.*keeps working until/);
    assert.equal(manager.state.status, 'active');
    assert.equal(manager.state.signInNeeded?.sessionName, 'corp');
    assert.equal((await manager.getCredentials()).accessKeyId, held.accessKeyId, 'still in use while valid');
    assert.equal(opened.length, 1, 'a renewal never opens a browser');
    assert.equal(fake.calls['CreateToken:refresh_token'], undefined, 'the revoked refresh token was refused');

    // Past their expiry they are refused with the reason, and the identity is still the one selected.
    clock.jump(60 * MIN);
    await failure(manager.getCredentials(), /not signed in to IAM Identity Center/);
    assert.equal(manager.identity?.arn, identity.arn);
    assert.equal(needs.length, 1);
  });

  it('the user accepts the offer to sign in again: one sign-in, the identity renewed at once, the need gone', async () => {
    const { identity, held, needs } = await expiredAndRevoked(new FakeClock(Date.now()));
    assert.equal(needs.length, 1);
    const after = await manager.signInAndRenew(needs[0]!.session, browserUi());
    assert.equal(opened.length, 2);
    assert.equal(after?.arn, identity.arn);
    assert.notEqual((await manager.getCredentials()).accessKeyId, held.accessKeyId);
    assert.equal(manager.state.signInNeeded, undefined);
    assert.equal(manager.state.refreshError, undefined);
    assert.equal(await callerArn(), identity.arn);
  });

  it('a signed-out profile switch: the UI is asked once; accepted, the switch signs in and goes on', async () => {
    const asked: SsoSession[] = [];
    await setUp({}, { ssoSignIn: async (s) => (asked.push(s), browserUi()) });
    const previous = await manager.useProfile('keys');
    const identity = await manager.useProfile('sso-dev');
    assert.equal(identity.arn, `arn:aws:sts::${MOTO_ACCOUNT}:assumed-role/SsoReadOnly/alice`);
    assert.notEqual(identity.arn, previous.arn);
    assert.deepEqual(asked, [{ sessionName: 'corp', startUrl: fake.startUrl, region: 'eu-west-1', registrationScopes: ['sso:account:access'] }]);
    assert.equal(opened.length, 1);
    assert.equal(fake.calls.RegisterClient, 1);
    assert.equal(manager.activeProfile, 'sso-dev');
    assert.equal(await callerArn(), identity.arn);
    // The token is in the CLI's cache: a direct role of the same session needs no second sign-in.
    await manager.useSsoRole({ session, accountId: MOTO_ACCOUNT, roleName: 'SsoAdmin' });
    assert.equal(asked.length, 1);
    assert.equal(fake.calls.RegisterClient, 1, 'the profile and the direct role share one registration');
  });

  it('a signed-out profile switch: declined, the switch fails naming the session and the next step; the previous identity stays', async () => {
    const asked: SsoSession[] = [];
    await setUp({}, { ssoSignIn: async (s) => (asked.push(s), undefined) });
    const previous = await manager.useProfile('keys');
    const e = await failure(manager.useProfile('sso-dev'), /^Switching to profile "sso-dev" needs a sign-in to IAM Identity Center \(sso-session "corp"\), and none was made/);
    assert.match(e.message, /run `aws sso login --profile sso-dev` in a terminal/);
    assert.equal(asked.length, 1);
    assert.equal(opened.length, 0);
    assert.equal(fake.calls.Authorize, undefined);
    assert.equal(manager.identity?.arn, previous.arn);
    assert.equal(manager.state.status, 'error');
    assert.match(manager.state.message ?? '', /is still active/);
    assert.equal(manager.activeProfile, 'keys');
  });

  it('a role removed from the user\'s assignments: a clear error, the previous identity kept', async () => {
    await setUp();
    await signIn(session, ctx, browserUi());
    const previous = await manager.useSsoRole({ session, accountId: MOTO_ACCOUNT, roleName: 'SsoAdmin' });
    fake.unassignRole(MOTO_ACCOUNT, 'SsoReadOnly');
    const e = await failure(manager.useSsoRole({ session, accountId: MOTO_ACCOUNT, accountName: 'Moto', roleName: 'SsoReadOnly' }), /^Role SsoReadOnly in account 123456789012 is not assigned to you in IAM Identity Center \(sso-session "corp"\)/);
    assert.match(e.message, /Reload the accounts and roles/);
    assert.equal(manager.identity?.arn, previous.arn);
    assert.match(manager.state.message ?? '', /SsoAdmin.*is still active/);
    const token = { accessToken: (JSON.parse(fs.readFileSync(path.join(ctx.cacheDir!, `${tokenCacheKey(session)}.json`), 'utf8')) as { accessToken: string }).accessToken, expiresAt: new Date(Date.now() + MIN), startUrl: session.startUrl, region: session.region };
    assert.deepEqual((await listAccountRoles(session, token, MOTO_ACCOUNT, ctx)).map((r) => r.roleName), ['SsoAdmin']);
    // A malformed request is refused before any switch begins.
    await failure(manager.useSsoRole({ session, accountId: '12345', roleName: 'SsoAdmin' }), /not an AWS account ID/);
    assert.equal(manager.state.status, 'error');
  });
});
