/**
 * Profile credentials from one reading of temp config files (a ConfigSnapshot: the AWS CLI's
 * reading, as a plan) carried out against moto. credential_process runs a real process. IAM
 * Identity Center has no real counterpart here: its token-cache checks are src/sso's reading of
 * the CLI's cache (temp HOME), and its portal (GetRoleCredentials) is a strict loopback mock that
 * answers exactly one expected request. Plans written by hand, one per source type: resolvePlan.test.ts.
 */
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { startMoto, MotoServer } from '../support/moto';
import { AMBIENT_AWS_ENV, TempAwsFiles, setEnv } from '../support/awsFiles';
import { TEST_CREDENTIALS, testConfig, writeTestProfiles } from '../support/testProfiles';
import { createRole, createUserWithKeys, setIamAuthorization } from '../support/motoIam';
import { resolveProfileCredentials, ProfileCredentialsRequest } from '../../src/credentials/profileCredentials';
import { planNeedsMfa, planYieldsRoleSession } from '../../src/credentials/resolvePlan';
import { readConfigSnapshot } from '../../src/config/snapshot';
import { StsCallCounter } from '../../src/credentials/sts';
import { isMfaPromptFailure } from '../../src/credentials/mfa';
import type { MfaPromptContext } from '../../src/shared/types';
import { failure } from '../support/expectFailure';


describe('profileCredentials (a snapshot\'s plans against moto)', function () {
  this.timeout(30_000);
  let moto: MotoServer;
  let files: TempAwsFiles;
  let restoreEnv: () => void;
  let counter: StsCallCounter;
  const prompts: Array<{ serial: string; reason: string; context?: MfaPromptContext }> = [];

  before(async () => {
    moto = await startMoto();
    files = await writeTestProfiles();
    restoreEnv = setEnv({
      ...AMBIENT_AWS_ENV,
      AWS_ENDPOINT_URL_STS: moto.endpoint,
      AWS_CONFIG_FILE: files.configFile,
      AWS_SHARED_CREDENTIALS_FILE: files.credentialsFile,
      HOME: files.dir, // an empty SSO token cache
    });
  });
  after(async () => {
    restoreEnv?.();
    await files?.dispose();
    await moto?.stop();
  });
  beforeEach(() => {
    counter = new StsCallCounter();
    prompts.length = 0;
  });
  afterEach(() => counter.dispose());

  /** A request resolving `profile` from a reading of the files as they are now. */
  async function request(profile: string, extra: Partial<ProfileCredentialsRequest> = {}): Promise<ProfileCredentialsRequest> {
    return {
      profile,
      snapshot: await readConfigSnapshot({ configFile: files.configFile, credentialsFile: files.credentialsFile }),
      region: undefined,
      mfaTrigger: 'user',
      mfaCodeProvider: async (serial, reason, context) => {
        prompts.push({ serial, reason, ...(context ? { context } : {}) });
        return '123456';
      },
      ...extra,
    };
  }

  it('static keys: returned as is, no STS call', async () => {
    const r = await resolveProfileCredentials(await request('static'));
    assert.equal(r.credentials.accessKeyId, 'AKIAIOSFODNN7EXAMPLE');
    assert.equal(r.credentials.sessionToken, undefined);
    assert.equal(r.credentials.expiration, undefined);
    assert.equal(r.plan.kind, 'static');
    assert.equal(counter.total, 0);
  });

  it('role_arn + source_profile: one AssumeRole, through AWS_ENDPOINT_URL_STS', async () => {
    const r = await resolveProfileCredentials(await request('role'));
    assert.ok(r.credentials.sessionToken);
    assert.equal(r.credentials.accountId, '111122223333');
    assert.deepEqual(counter.byOperation(), { AssumeRole: 1 });
    assert.equal(counter.calls[0]?.endpoint, `${moto.endpoint}/`);
    assert.equal(planYieldsRoleSession(r.plan), true);
    assert.equal(r.plan.region, 'eu-central-1');
    assert.ok(r.clockAdjusted);
  });

  it('a two-role source_profile chain: two AssumeRoles, duration_seconds honoured', async () => {
    const r = await resolveProfileCredentials(await request('chain'));
    assert.equal(r.credentials.accountId, '444455556666');
    assert.deepEqual(counter.byOperation(), { AssumeRole: 2 });
    const left = r.credentials.expiration!.getTime() - Date.now();
    assert.ok(left > 1790_000 && left < 1800_000 + 5000, `chain role lasts ${left} ms`);
  });

  it('role with mfa_serial: asks the MFA provider once, with the reason and context', async () => {
    await resolveProfileCredentials(await request('role-mfa'));
    assert.equal(prompts.length, 1);
    assert.equal(prompts[0]?.serial, 'arn:aws:iam::123456789012:mfa/alice');
    assert.match(prompts[0]?.reason ?? '', /profile "role-mfa" requires an MFA code/);
    assert.equal(prompts[0]?.context?.trigger, 'user');
    const plan = (await request('x')).snapshot.plan('role-mfa');
    assert.ok(!('problem' in plan) && planNeedsMfa(plan));
  });

  it('a renewal tells the provider so (renew/expire in the reason, trigger renewal)', async () => {
    const expiration = new Date(Date.now() + 14 * 60_000);
    await resolveProfileCredentials(await request('role-mfa', { mfaTrigger: 'renewal', currentExpiration: expiration }));
    assert.equal(prompts[0]?.context?.trigger, 'renewal');
    assert.match(prompts[0]?.reason ?? '', /expire at \d\d:\d\d; renewing them needs a new MFA code/);
  });

  it('static keys + mfa_serial: GetSessionToken with MFA, so MFA-protected APIs work', async () => {
    const r = await resolveProfileCredentials(await request('static-mfa', { sessionDurationSeconds: 7200 }));
    assert.equal(prompts.length, 1);
    assert.ok(r.credentials.sessionToken);
    const left = r.credentials.expiration!.getTime() - Date.now();
    assert.ok(left > 7190_000 && left < 7200_000 + 5000);
    assert.deepEqual(counter.byOperation(), { GetSessionToken: 1 });
  });

  it('credential_process: runs the process', async () => {
    const r = await resolveProfileCredentials(await request('process'));
    assert.equal(r.credentials.accessKeyId, 'ASIAPROCESSEXAMPLE01');
    assert.ok(r.credentials.expiration);
    assert.equal(counter.total, 0);
  });

  it('a dismissed MFA prompt surfaces the provider\'s own error, marked as a prompt failure', async () => {
    const cancelled = Object.assign(new Error('Entering the MFA code was cancelled.'), { name: 'UserCancelledError' });
    await assert.rejects(
      resolveProfileCredentials(await request('role-mfa', { mfaCodeProvider: () => Promise.reject(cancelled) })),
      (e: unknown) => e === cancelled && isMfaPromptFailure(e),
    );
    assert.equal(counter.total, 0, 'no AssumeRole without a code');
  });

  it('profile not found / without credentials / with a cycle: precise messages', async () => {
    const missing = await failure(resolveProfileCredentials(await request('nope')), /^Profile "nope" was not found in/);
    assert.ok(missing.message.includes(files.configFile) && missing.message.includes(files.credentialsFile));
    assert.match(missing.message, /\[profile nope\]/);
    const empty = await failure(resolveProfileCredentials(await request('only-region')), /^Profile "only-region" sets no credentials/);
    assert.match(empty.message, /sets no credentials.*role_arn with source_profile/);
    const cycle = await failure(resolveProfileCredentials(await request('cycle-a')), /^Profile "cycle-a" /);
    assert.match(cycle.message, /source_profile chain of "cycle-a" loops/);
  });

  describe('IAM Identity Center (SSO)', () => {
    it('no cached token: tells the user to run aws sso login for that profile', async () => {
      for (const profile of ['sso', 'sso-legacy']) {
        const e = await failure(resolveProfileCredentials(await request(profile)), /IAM Identity Center \(SSO\) session for profile .* is missing or has expired/);
        assert.match(e.message, new RegExp(`\`aws sso login --profile ${profile}\``));
      }
    });

    it('expired cached token: same next step', async () => {
      const cacheDir = path.join(files.dir, '.aws', 'sso', 'cache');
      await fsp.mkdir(cacheDir, { recursive: true });
      const file = path.join(cacheDir, `${crypto.createHash('sha1').update('corp').digest('hex')}.json`);
      await fsp.writeFile(file, JSON.stringify({ accessToken: 'expired-token-EXAMPLE', expiresAt: new Date(Date.now() - 60_000).toISOString(), region: 'eu-north-1', startUrl: 'https://example.awsapps.com/start' }));
      try {
        const e = await failure(resolveProfileCredentials(await request('sso')), /IAM Identity Center \(SSO\) session for profile .* is missing or has expired/);
        assert.match(e.message, /missing or has expired.*aws sso login --profile sso/);
      } finally {
        await fsp.rm(file);
      }
    });

    it('valid token: role credentials from the portal, with the profile in a non-default config file', async () => {
      const cacheDir = path.join(files.dir, '.aws', 'sso', 'cache');
      await fsp.mkdir(cacheDir, { recursive: true });
      const file = path.join(cacheDir, `${crypto.createHash('sha1').update('corp').digest('hex')}.json`);
      await fsp.writeFile(file, JSON.stringify({ accessToken: 'valid-token-EXAMPLE', expiresAt: new Date(Date.now() + 3600_000).toISOString(), region: 'eu-north-1', startUrl: 'https://example.awsapps.com/start' }));
      // Strict mock of the SSO portal: exactly the GetRoleCredentials request, nothing else.
      const seen: string[] = [];
      const portal = http.createServer((req, res) => {
        seen.push(`${req.method} ${req.url} ${String(req.headers['x-amz-sso_bearer_token'])}`);
        if (req.method === 'GET' && req.url === '/federation/credentials?account_id=123456789012&role_name=Admin' && req.headers['x-amz-sso_bearer_token'] === 'valid-token-EXAMPLE') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ roleCredentials: { accessKeyId: 'ASIASSOEXAMPLE000001', secretAccessKey: 'sso-secret-EXAMPLE', sessionToken: 'sso-token-EXAMPLE', expiration: Date.now() + 3600_000 } }));
        } else {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end('{"message":"unexpected request"}');
        }
      });
      await new Promise<void>((r) => portal.listen(0, '127.0.0.1', () => r()));
      // The default config file no longer has the profile: only the path we pass does.
      const restore = setEnv({ AWS_ENDPOINT_URL_SSO: `http://127.0.0.1:${(portal.address() as AddressInfo).port}`, AWS_CONFIG_FILE: path.join(files.dir, 'no-such-config') });
      try {
        const r = await resolveProfileCredentials(await request('sso', { region: 'us-west-2' }));
        assert.equal(r.credentials.accessKeyId, 'ASIASSOEXAMPLE000001');
        assert.deepEqual(seen, ['GET /federation/credentials?account_id=123456789012&role_name=Admin valid-token-EXAMPLE']);
      } finally {
        restore();
        portal.close();
        await fsp.rm(file);
      }
    });
  });

  describe('with moto IAM authorization (real AccessDenied in the role chain)', () => {
    let restore: () => void;
    before(async () => {
      await moto.reset();
      const alice = await createUserWithKeys(moto.endpoint, 'alice');
      await createRole(moto.endpoint, 'Locked', 'arn:aws:iam::123456789012:user/bob');
      await files.write(
        `${testConfig(files.dir)}\n[profile locked]\nrole_arn = arn:aws:iam::123456789012:role/Locked\nsource_profile = alice\n`,
        `${TEST_CREDENTIALS}\n[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`,
      );
      await setIamAuthorization(moto.endpoint, true);
      restore = () => undefined;
    });
    after(async () => {
      restore();
      await setIamAuthorization(moto.endpoint, false);
      await files.write(testConfig(files.dir), TEST_CREDENTIALS);
      await moto.reset();
    });

    it('a role profile whose trust policy refuses the source: names the role and the caller', async () => {
      const e = await failure(resolveProfileCredentials(await request('locked')), /^Access denied assuming/);
      assert.match(e.message, /Access denied assuming arn:aws:iam::123456789012:role\/Locked as arn:aws:iam::123456789012:user\/alice.*trust policy/);
    });
  });
});
