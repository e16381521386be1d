/**
 * sts.ts against a real STS (moto), and error mapping (errors.ts) for every failure path:
 * real ones from moto (AccessDenied with moto's IAM authorization, unknown key, wrong secret),
 * real network ones (connection refused on a closed port), and the ones moto cannot produce from
 * the strict fault proxy (throttling, 5xx, stall, duration limits, wrong MFA, ExpiredToken, ...).
 */
import * as assert from 'node:assert/strict';
import { freePort, startMoto, MotoServer } from '../support/moto';
import { FaultProxy, STS_FAULTS } from '../support/faultProxy';
import { AMBIENT_AWS_ENV, setEnv } from '../support/awsFiles';
import { createRole, createUserWithKeys, setIamAuthorization } from '../support/motoIam';
import { StsCallCounter, assumeRole, getCallerIdentity, getSessionToken, onStsCall, StsCallEvent } from '../../src/credentials/sts';
import { UserFacingError } from '../../src/credentials/errors';
import type { AwsCredentials } from '../../src/shared/types';
import { failure } from '../support/expectFailure';

const SOURCE: AwsCredentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const FAST = { maxAttempts: 1, connectTimeoutMs: 1000, requestTimeoutMs: 3000 };
const ROLE = 'arn:aws:iam::111122223333:role/Deploy';


describe('sts.ts against moto', function () {
  this.timeout(30_000);
  let moto: MotoServer;
  let restoreEnv: () => void;
  let counter: StsCallCounter;

  before(async () => {
    moto = await startMoto();
    restoreEnv = setEnv({ ...AMBIENT_AWS_ENV, AWS_ENDPOINT_URL_STS: moto.endpoint });
  });
  after(async () => {
    restoreEnv?.();
    await moto?.stop();
  });
  beforeEach(() => (counter = new StsCallCounter()));
  afterEach(() => counter.dispose());

  it('honours AWS_ENDPOINT_URL_STS for every operation (the SDK resolves it natively)', async () => {
    const seen: StsCallEvent[] = [];
    const sub = onStsCall((e) => seen.push(e));
    await getCallerIdentity(SOURCE, 'eu-central-1');
    await assumeRole(SOURCE, { roleArn: ROLE, sessionName: 's' }, undefined);
    await getSessionToken(SOURCE, {}, 'us-west-2');
    sub.dispose();
    assert.deepEqual(
      seen.map((e) => [e.operation, e.endpoint, e.statusCode]),
      [
        ['GetCallerIdentity', `${moto.endpoint}/`, 200],
        ['AssumeRole', `${moto.endpoint}/`, 200],
        ['GetSessionToken', `${moto.endpoint}/`, 200],
      ],
    );
  });

  it('AssumeRole returns credentials, the assumed-role ARN and the account in ONE call', async () => {
    const r = await assumeRole(SOURCE, { roleArn: ROLE, sessionName: 'alice', durationSeconds: 1800 }, 'us-east-1');
    assert.equal(r.arn, 'arn:aws:sts::111122223333:assumed-role/Deploy/alice');
    assert.equal(r.account, '111122223333');
    assert.match(r.assumedRoleId, /^AROA\w+:alice$/);
    assert.ok(r.credentials.sessionToken);
    assert.equal(r.credentials.accountId, '111122223333');
    const left = r.credentials.expiration!.getTime() - Date.now();
    assert.ok(left > 1790_000 && left <= 1800_000 + 5000, `expires in ${left} ms`);
    assert.deepEqual(counter.byOperation(), { AssumeRole: 1 });
  });

  it('GetCallerIdentity of assumed credentials names the assumed role', async () => {
    const r = await assumeRole(SOURCE, { roleArn: ROLE, sessionName: 'bob' }, undefined);
    const who = await getCallerIdentity(r.credentials, undefined);
    assert.equal(who.arn, 'arn:aws:sts::111122223333:assumed-role/Deploy/bob');
    assert.equal(who.account, '111122223333');
  });

  it('GetSessionToken with an MFA code (moto accepts any code)', async () => {
    const c = await getSessionToken(SOURCE, { mfaSerial: 'arn:aws:iam::123456789012:mfa/alice', tokenCode: '123456', durationSeconds: 7200 }, undefined);
    assert.ok(c.sessionToken);
    const left = c.expiration!.getTime() - Date.now();
    assert.ok(left > 7190_000 && left <= 7200_000 + 5000, `expires in ${left} ms`);
  });

  describe('without AWS_ENDPOINT_URL_STS (no network here: only where the request goes is checked)', () => {
    let restore: () => void;
    before(() => (restore = setEnv({ AWS_ENDPOINT_URL_STS: undefined })));
    after(() => restore());

    async function endpointFor(region: string | undefined): Promise<{ endpoint: string; error?: UserFacingError }> {
      const seen: StsCallEvent[] = [];
      const sub = onStsCall((e) => seen.push(e));
      let error: UserFacingError | undefined;
      try {
        await getCallerIdentity(SOURCE, region, { tuning: { maxAttempts: 1, connectTimeoutMs: 1500, requestTimeoutMs: 3000 } });
      } catch (e) {
        error = e as UserFacingError;
      } finally {
        sub.dispose();
      }
      return { endpoint: seen[0]?.endpoint ?? '', ...(error ? { error } : {}) };
    }

    it('no region: us-east-1 on the global endpoint; a region: its regional endpoint', async () => {
      const global = await endpointFor(undefined);
      assert.equal(global.endpoint, 'https://sts.amazonaws.com/');
      const regional = await endpointFor('eu-west-1');
      assert.equal(regional.endpoint, 'https://sts.eu-west-1.amazonaws.com/', 'a legacy global region keeps its regional endpoint');
      // Offline (this machine), the failure names the endpoint and the variable to set.
      if (global.error?.message.startsWith('Could not reach STS')) {
        assert.match(global.error.message, /https:\/\/sts\.amazonaws\.com\/.*AWS_ENDPOINT_URL_STS/);
      } else {
        // Said out loud, so that a run with network access does not pass this check unseen.
        console.log(`      [not checked] the offline message: the global endpoint gave ${global.error ? global.error.message : 'no error'}`);
      }
    });
  });

  describe('failures moto produces for real (IAM authorization on)', () => {
    let alice: Awaited<ReturnType<typeof createUserWithKeys>>;
    let openRole: string;
    let lockedRole: string;
    before(async () => {
      await moto.reset();
      alice = await createUserWithKeys(moto.endpoint, 'alice');
      openRole = await createRole(moto.endpoint, 'Open', alice.userArn);
      lockedRole = await createRole(moto.endpoint, 'Locked', 'arn:aws:iam::123456789012:user/bob');
      await setIamAuthorization(moto.endpoint, true);
    });
    after(async () => {
      await setIamAuthorization(moto.endpoint, false);
      await moto.reset();
    });
    const aliceCreds = (): AwsCredentials => ({ accessKeyId: alice.accessKeyId, secretAccessKey: alice.secretAccessKey });

    it('AccessDenied: the role trust policy does not allow the caller (names caller, role, trust policy)', async () => {
      assert.equal((await assumeRole(aliceCreds(), { roleArn: openRole, sessionName: 's' }, undefined, { tuning: FAST })).arn, 'arn:aws:sts::123456789012:assumed-role/Open/s');
      const e = await failure(assumeRole(aliceCreds(), { roleArn: lockedRole, sessionName: 's' }, undefined, { tuning: FAST }), /^Access denied assuming/);
      assert.match(e.message, /arn:aws:iam::123456789012:role\/Locked/);
      assert.match(e.message, /as arn:aws:iam::123456789012:user\/alice/, 'caller ARN taken from the STS message');
      assert.match(e.message, /trust policy allows/);
    });

    it('AccessDenied names the caller ARN given by the caller of assumeRole', async () => {
      const e = await failure(assumeRole(aliceCreds(), { roleArn: lockedRole, sessionName: 's' }, undefined, { tuning: FAST, callerArn: 'arn:aws:iam::123456789012:user/alice' }), /^Access denied assuming/);
      assert.match(e.message, /Access denied assuming arn:aws:iam::123456789012:role\/Locked as arn:aws:iam::123456789012:user\/alice\./);
    });

    it('a role ARN that does not exist in moto IAM is still assumable (moto does not check existence)', async () => {
      const r = await assumeRole(aliceCreds(), { roleArn: 'arn:aws:iam::123456789012:role/NoSuchRole', sessionName: 's' }, undefined, { tuning: FAST });
      assert.equal(r.arn, 'arn:aws:sts::123456789012:assumed-role/NoSuchRole/s');
    });

    it('unknown access key: InvalidClientTokenId → invalidCredentials', async () => {
      const e = await failure(getCallerIdentity(SOURCE, undefined, { tuning: FAST, profile: 'dev' }), /InvalidClientTokenId/);
      assert.match(e.message, /does not recognise the access key.*Update the keys of profile "dev"/);
    });

    it('wrong secret: SignatureDoesNotMatch → invalidCredentials', async () => {
      const e = await failure(getCallerIdentity({ ...aliceCreds(), secretAccessKey: 'not-the-secret-not-the-secret-000000' }, undefined, { tuning: FAST }), /SignatureDoesNotMatch/);
      assert.match(e.message, /secret access key does not match/);
    });
  });

  describe('failures from the fault proxy (strict mock of STS errors moto cannot produce)', () => {
    let proxy: FaultProxy;
    let restore: () => void;
    before(async () => {
      proxy = await FaultProxy.start(moto.endpoint);
      restore = setEnv({ AWS_ENDPOINT_URL_STS: proxy.endpoint });
    });
    after(async () => {
      restore();
      await proxy.stop();
    });
    beforeEach(() => proxy.reset());
    afterEach(() => proxy.assertConsumed());

    it('throttling is retried with backoff, then reported with the attempt count', async () => {
      proxy.inject({ action: 'AssumeRole', reply: STS_FAULTS.throttling, times: 3 });
      const e = await failure(assumeRole(SOURCE, { roleArn: ROLE, sessionName: 's' }, undefined, { tuning: { maxAttempts: 3 } }), /STS is throttling requests/);
      assert.equal(proxy.count('AssumeRole'), 3);
      assert.equal(counter.count('AssumeRole'), 3, 'each attempt is counted');
      assert.match(e.message, /throttling.*after 3 attempts.*Wait a minute and try again/, 'the attempt count, and that trying later may work');
    });

    it('a throttled attempt followed by success is invisible to the caller', async () => {
      proxy.inject({ action: 'AssumeRole', reply: STS_FAULTS.throttling, times: 1 });
      const r = await assumeRole(SOURCE, { roleArn: ROLE, sessionName: 's' }, undefined, { tuning: { maxAttempts: 3 } });
      assert.ok(r.credentials.sessionToken);
      assert.equal(proxy.count('AssumeRole'), 2);
    });

    it('5xx after retries → serviceUnavailable', async () => {
      proxy.inject({ action: 'GetCallerIdentity', reply: STS_FAULTS.internalFailure, times: 2 });
      const e = await failure(getCallerIdentity(SOURCE, undefined, { tuning: { maxAttempts: 2 } }), /^STS failed with a server error/);
      assert.match(e.message, /server error \(InternalFailure\).*try again/);
    });

    it('a stalled STS fails within the request timeout (seconds, not minutes), naming the endpoint', async () => {
      proxy.inject({ action: 'GetCallerIdentity', reply: 'stall', times: 2 });
      const started = Date.now();
      const e = await failure(getCallerIdentity(SOURCE, undefined, { tuning: { maxAttempts: 2, requestTimeoutMs: 400, connectTimeoutMs: 400 } }), /^Could not reach STS/);
      const elapsed = Date.now() - started;
      assert.ok(elapsed < 5000, `took ${elapsed} ms`);
      assert.equal(proxy.count('GetCallerIdentity'), 2, 'retried once');
      assert.match(e.message, new RegExp(`Could not reach STS \\((TimeoutError|ETIMEDOUT).*${proxy.endpoint.replace(/[.]/g, '\\.')}.*AWS_ENDPOINT_URL_STS is set to`));
    });

    it('DurationSeconds above the role maximum → durationTooLong with a duration to retry with', async () => {
      proxy.inject({ action: 'AssumeRole', reply: STS_FAULTS.durationOverMax });
      const e = await failure(assumeRole(SOURCE, { roleArn: ROLE, sessionName: 's', durationSeconds: 43200 }, undefined, { tuning: FAST }), 'durationTooLong');
      assert.match(e.message, /43200 seconds.*MaxSessionDuration.*Retry with 3600/);
    });

    it('role-chaining duration limit → chainedDurationTooLong', async () => {
      proxy.inject({ action: 'AssumeRole', reply: STS_FAULTS.durationOverChainLimit });
      const e = await failure(assumeRole(SOURCE, { roleArn: ROLE, sessionName: 's', durationSeconds: 7200 }, undefined, { tuning: FAST }), 'chainedDurationTooLong');
      assert.match(e.message, /role chaining.*1 hour.*Retry with a duration of 3600 seconds or less/);
    });

    it('wrong MFA code → mfaInvalid (AssumeRole and GetSessionToken)', async () => {
      proxy.inject({ action: 'AssumeRole', reply: STS_FAULTS.wrongMfaCode });
      proxy.inject({ action: 'GetSessionToken', reply: STS_FAULTS.wrongMfaCode });
      const mfa = { mfaSerial: 'arn:aws:iam::123456789012:mfa/alice', tokenCode: '000000' };
      const a = await failure(assumeRole(SOURCE, { roleArn: ROLE, sessionName: 's', ...mfa }, undefined, { tuning: FAST }), /^STS did not accept the MFA code/);
      assert.match(a.message, /MFA code for arn:aws:iam::123456789012:mfa\/alice.*next code/);
      await failure(getSessionToken(SOURCE, mfa, undefined, { tuning: FAST }), /^STS did not accept the MFA code/);
    });

    it('expired source token → expiredToken naming the source', async () => {
      proxy.inject({ action: 'AssumeRole', reply: STS_FAULTS.expiredToken });
      const e = await failure(assumeRole(SOURCE, { roleArn: ROLE, sessionName: 's' }, undefined, { tuning: FAST, sourceLabel: 'profile "dev"' }), 'expiredToken');
      assert.match(e.message, /credentials of profile "dev" used for AssumeRole have expired.*Renew them/);
      assert.doesNotMatch(e.message, /wait|try again/i, 'retrying unchanged cannot help: the message says to renew instead');
    });

    it('malformed role ARN rejected by STS → invalidRoleArn', async () => {
      proxy.inject({ action: 'AssumeRole', reply: STS_FAULTS.malformedArn });
      const e = await failure(assumeRole(SOURCE, { roleArn: 'arn:aws:iam::123:role/x', sessionName: 's' }, undefined, { tuning: FAST }), /^STS rejected the role ARN/);
      assert.match(e.message, /rejected the role ARN arn:aws:iam::123:role\/x.*Use the form arn:aws:iam::123456789012:role\/Name/);
    });

    it('something that is not STS answering (HTML 404 from a proxy) → says so and points at the endpoint', async () => {
      proxy.inject({ action: 'GetCallerIdentity', reply: { raw: { status: 404, body: '<html><body>Not Found</body></html>' } } });
      const e = await failure(getCallerIdentity(SOURCE, undefined, { tuning: FAST }), 'unknown');
      assert.match(e.message, new RegExp(`${proxy.endpoint.replace(/[.]/g, '\\.')}/ answered GetCallerIdentity with HTTP 404 and no STS error.*Check AWS_ENDPOINT_URL_STS \\(set to`));
    });

    it('STS not activated in the region → regionDisabled', async () => {
      proxy.inject({ action: 'GetCallerIdentity', reply: STS_FAULTS.regionDisabled });
      const e = await failure(getCallerIdentity(SOURCE, 'ap-east-1', { tuning: FAST }), /^STS is not activated in region/);
      assert.match(e.message, /not activated in region ap-east-1.*Choose another region/);
    });
  });

  it('connection refused (a closed port) → unreachable, within seconds, naming the endpoint', async () => {
    const port = await freePort();
    const restore = setEnv({ AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${port}` });
    try {
      const started = Date.now();
      const e = await failure(getCallerIdentity(SOURCE, undefined, { tuning: { maxAttempts: 3 } }), /^Could not reach STS \(ECONNREFUSED/);
      assert.ok(Date.now() - started < 10_000);
      assert.match(e.message, new RegExp(`Could not reach STS \\(ECONNREFUSED after 3 attempts\\) at http://127\\.0\\.0\\.1:${port}/.*AWS_ENDPOINT_URL_STS is set to http://127\\.0\\.0\\.1:${port}`));
      assert.equal(counter.count('GetCallerIdentity'), 3);
    } finally {
      restore();
    }
  });
});
