/**
 * IdentityManager end to end against moto: profiles in temp files, real STS calls counted on the
 * wire, a fake clock for renewals. The MFA provider is the UI's seam: tests answer it directly.
 * Faults moto cannot produce come from the strict fault proxy.
 */
import * as assert from 'node:assert/strict';
import { startMoto, MotoServer } from '../support/moto';
import { FaultProxy, STS_FAULTS } from '../support/faultProxy';
import { FakeClock } from '../support/fakeClock';
import { AMBIENT_AWS_ENV, TempAwsFiles, setEnv } from '../support/awsFiles';
import { EventLog, nextEvent } from '../support/events';
import { createRole, createUserWithKeys, setIamAuthorization } from '../support/motoIam';
import { writeTestProfiles, testConfig, TEST_CREDENTIALS } from '../support/testProfiles';
import { IdentityManager, IdentityManagerOptions, IdentityState } from '../../src/identity/identityManager';
import { StsCallCounter } from '../../src/credentials/sts';
import { readConfigSnapshot } from '../../src/config/snapshot';
import { isDurationTooLongError } from '../../src/credentials/errors';
import type { Identity, MfaPromptContext } from '../../src/shared/types';
import { failure } from '../support/expectFailure';
import { recordingLogger } from '../support/recordingLogger';

const MIN = 60_000;
const FAST = { maxAttempts: 1, connectTimeoutMs: 1000, requestTimeoutMs: 3000 };


describe('IdentityManager (moto)', function () {
  this.timeout(30_000);
  let moto: MotoServer;
  let proxy: FaultProxy;
  let files: TempAwsFiles;
  let restoreEnv: () => void;
  let clock: FakeClock;
  let counter: StsCallCounter;
  let logger: ReturnType<typeof recordingLogger>;
  let manager: IdentityManager;
  let prompts: Array<{ serial: string; reason: string; context?: MfaPromptContext }>;
  let answerMfa: (serial: string) => Promise<string>;
  let regionSetting: string | undefined;
  let env: Record<string, string | undefined>;

  before(async () => {
    moto = await startMoto();
    proxy = await FaultProxy.start(moto.endpoint);
    files = await writeTestProfiles();
    restoreEnv = setEnv({ ...AMBIENT_AWS_ENV, AWS_ENDPOINT_URL_STS: proxy.endpoint, AWS_CONFIG_FILE: files.configFile, AWS_SHARED_CREDENTIALS_FILE: files.credentialsFile, HOME: files.dir });
  });
  after(async () => {
    restoreEnv?.();
    await files?.dispose();
    await proxy?.stop();
    await moto?.stop();
  });
  function newManager(extra: Partial<IdentityManagerOptions> = {}): IdentityManager {
    return new IdentityManager({
      logger,
      clock,
      mfaCodeProvider: (serial, reason, context) => {
        prompts.push({ serial, reason, ...(context ? { context } : {}) });
        return answerMfa(serial);
      },
      // A fresh reading each time, as the VS Code store gives after a file changed.
      snapshot: () => readConfigSnapshot({ configFile: files.configFile, credentialsFile: files.credentialsFile }),
      defaultRegion: () => regionSetting,
      environment: () => env,
      defaultSessionName: () => 'alice@example.com',
      defaultDurationSeconds: () => 3600,
      stsTuning: FAST,
      ...extra,
    });
  }
  beforeEach(() => {
    clock = new FakeClock(Date.now());
    counter = new StsCallCounter();
    logger = recordingLogger();
    prompts = [];
    answerMfa = async () => '123456';
    regionSetting = undefined;
    env = {};
    proxy.reset();
    manager = newManager();
  });
  afterEach(() => {
    manager.dispose();
    counter.dispose();
    proxy.assertConsumed();
    for (const line of logger.lines) assert.doesNotMatch(line, /wJalrXUtnFEMI|je7MtGbClwBF|SecretAccessKey|FwoGZX/, 'no secret in logs');
  });

  it('useProfile (static keys): ONE GetCallerIdentity, states switching → active', async () => {
    const states = new EventLog<IdentityState>(manager.onDidChangeState);
    const changed = nextEvent(manager.onDidChangeIdentity, 'the identity change');
    const id = await manager.useProfile('static');
    assert.equal(id.arn, 'arn:aws:sts::123456789012:user/moto');
    assert.equal(id.name, 'moto');
    assert.deepEqual(id.source, { type: 'profile', profile: 'static' });
    assert.equal(id.expiration, undefined);
    assert.deepEqual(counter.byOperation(), { GetCallerIdentity: 1 });
    assert.equal((await changed)?.arn, id.arn);
    assert.deepEqual(states.events.map((s) => s.status), ['switching', 'active']);
    assert.equal(states.events[0]?.target, 'profile "static"');
    assert.equal(manager.identity?.arn, id.arn);
  });

  it('region: profile → setting → AWS_REGION/AWS_DEFAULT_REGION → us-east-1, with the source', async () => {
    assert.deepEqual(manager.resolveRegion('eu-central-1'), { region: 'eu-central-1', regionSource: 'profile', stsRegion: 'eu-central-1' });
    env = { AWS_DEFAULT_REGION: 'ap-south-1' };
    assert.equal(manager.resolveRegion(undefined).regionSource, 'environment');
    env = { AWS_REGION: 'ap-southeast-2', AWS_DEFAULT_REGION: 'ap-south-1' };
    assert.equal(manager.resolveRegion(undefined).region, 'ap-southeast-2');
    regionSetting = 'sa-east-1';
    assert.deepEqual(manager.resolveRegion(undefined), { region: 'sa-east-1', regionSource: 'setting', stsRegion: 'sa-east-1' });
    regionSetting = undefined;
    env = {};
    assert.deepEqual(manager.resolveRegion(undefined), { region: 'us-east-1', regionSource: 'default', stsRegion: undefined });
    const role = await manager.useProfile('role');
    assert.equal(role.region, 'eu-central-1');
    assert.equal(role.regionSource, 'profile');
  });

  it('useProfile (role profile): the chain\'s AssumeRole + ONE GetCallerIdentity', async () => {
    const id = await manager.useProfile('role');
    assert.match(id.arn, /^arn:aws:sts::111122223333:assumed-role\/Deploy\//);
    assert.equal(id.name, 'Deploy');
    assert.ok(id.expiration);
    assert.deepEqual(counter.byOperation(), { AssumeRole: 1, GetCallerIdentity: 1 });
  });

  it('assumeRole by ARN from the active identity: exactly ONE STS call (AssumeRole)', async () => {
    await manager.useProfile('static');
    counter.reset();
    const id = await manager.assumeRole({ roleArn: 'arn:aws:iam::111122223333:role/team/Deploy', source: { type: 'active' } });
    assert.deepEqual(counter.byOperation(), { AssumeRole: 1 });
    assert.equal(id.arn, 'arn:aws:sts::111122223333:assumed-role/Deploy/alice@example.com');
    assert.equal(id.account, '111122223333');
    assert.deepEqual(id.source, { type: 'assumedRole', roleArn: 'arn:aws:iam::111122223333:role/team/Deploy', sourceLabel: 'profile "static"' });
    assert.equal(id.sourceProfile, 'static');
    assert.ok(Math.abs(id.expiration!.getTime() - clock.now() - 3600_000) < 5000);
    assert.equal(id.notes, undefined);
  });

  it('activeProfile: the used profile; none after a role is assumed from it, or after clear()', async () => {
    assert.equal(manager.activeProfile, undefined);
    await manager.useProfile('static');
    assert.equal(manager.activeProfile, 'static');
    await manager.assumeRole({ roleArn: 'arn:aws:iam::111122223333:role/team/Deploy', source: { type: 'active' } });
    assert.equal(manager.activeProfile, undefined, 'an assumed role is not the profile it was assumed from');
    await manager.useProfile('role');
    assert.equal(manager.activeProfile, 'role');
    manager.clear();
    assert.equal(manager.activeProfile, undefined);
  });

  it('assumeRole by shorthand from a profile source (no GetCallerIdentity)', async () => {
    const id = await manager.assumeRole({ roleArn: '111122223333:Deploy', sessionName: 'ci run #7', durationSeconds: 1800, source: { type: 'profile', profile: 'static' } });
    assert.equal(id.arn, 'arn:aws:sts::111122223333:assumed-role/Deploy/ci-run-7');
    assert.deepEqual(counter.byOperation(), { AssumeRole: 1 });
    assert.ok(Math.abs(id.expiration!.getTime() - clock.now() - 1800_000) < 5000);
  });

  it('chaining two roles: the second is capped at 1 hour and says why; its renewal re-derives from the first', async () => {
    await manager.useProfile('static');
    const first = await manager.assumeRole({ roleArn: 'arn:aws:iam::111122223333:role/Hop', source: { type: 'active' } });
    counter.reset();
    const second = await manager.assumeRole({ roleArn: 'arn:aws:iam::444455556666:role/Target', durationSeconds: 7200, source: { type: 'active' } });
    assert.deepEqual(counter.byOperation(), { AssumeRole: 1 });
    assert.equal(second.sourceProfile, 'static');
    assert.deepEqual(second.source, { type: 'assumedRole', roleArn: 'arn:aws:iam::444455556666:role/Target', sourceLabel: 'role Hop' });
    assert.match(second.notes?.[0] ?? '', /capped at 3600 seconds \(requested 7200\).*role chaining/);
    assert.ok(Math.abs(second.expiration!.getTime() - clock.now() - 3600_000) < 5000);
    assert.ok(logger.lines.some((l) => /role chaining/.test(l)), 'the cap is logged');
    assert.notEqual(first.arn, second.arn);

    // The first role's session lives on as the source, without a timer of its own.
    const parent = manager.session?.parent;
    assert.ok(parent && !parent.isDisposed);
    assert.equal(parent.credentials.nextTimerAt, undefined, 'a source-only session has no timer of its own');
  });

  it('a chained role renews from its source\'s fresh credentials (the expired source is renewed first)', async () => {
    await manager.useProfile('static');
    await manager.assumeRole({ roleArn: 'arn:aws:iam::111122223333:role/Hop', durationSeconds: 900, source: { type: 'active' } });
    await manager.assumeRole({ roleArn: 'arn:aws:iam::444455556666:role/Target', source: { type: 'active' } });
    const parent = manager.session!.parent!;
    const parentBefore = parent.credentials.currentCredentials?.accessKeyId;
    counter.reset();
    proxy.requests.length = 0;
    // 45 min on, Target's advisory renewal finds Hop (15 min) long expired: Hop first, then Target with Hop's new credentials.
    const renewed = nextEvent(manager.session!.onDidRefresh, 'the chained renewal');
    await clock.advance(45 * MIN + 1000);
    await renewed;
    assert.deepEqual(counter.calls.map((c) => c.operation), ['AssumeRole', 'AssumeRole']);
    assert.notEqual(parent.credentials.currentCredentials?.accessKeyId, parentBefore, 'the source was renewed');
    assert.ok(parent.credentials.expiration!.getTime() > clock.now(), 'with fresh credentials');
  });

  it('static keys + mfa_serial: GetSessionToken with MFA; those temporary credentials are exported as they are', async () => {
    const id = await manager.useProfile('static-mfa');
    assert.deepEqual(counter.byOperation(), { GetSessionToken: 1, GetCallerIdentity: 1 });
    assert.equal(prompts.length, 1);
    assert.equal(prompts[0]?.context?.trigger, 'user');
    assert.equal(id.region, 'eu-west-1');
    const exported = await manager.getExportableCredentials();
    assert.ok(exported.sessionToken && exported.expiration);
    assert.equal(counter.total, 2, 'no extra call to export');
  });

  it('long-lived keys are never exported: wrapped ONCE with GetSessionToken, then renewed like a session', async () => {
    await manager.useProfile('static');
    counter.reset();
    const own = await manager.getCredentials();
    assert.equal(own.sessionToken, undefined, 'the extension itself signs with the keys');
    const exported = await manager.getExportableCredentials();
    // (moto answers GetSessionToken with a fixed example key ID, so compare the token, not the ID.)
    assert.ok(exported.sessionToken && exported.expiration);
    assert.notEqual(exported.secretAccessKey, own.secretAccessKey);
    await manager.getExportableCredentials();
    assert.deepEqual(counter.byOperation(), { GetSessionToken: 1 });
    const renewed = nextEvent(manager.session!.onDidChangeExportableCredentials, 'the renewed exported credentials');
    await clock.advance(45 * MIN + 1000);
    const e = await renewed;
    assert.ok(e.credentials.sessionToken);
    assert.deepEqual(counter.byOperation(), { GetSessionToken: 2 });
  });

  it('a failed switch leaves the previous identity active and says why + next step (real AccessDenied)', async () => {
    await moto.reset();
    const alice = await createUserWithKeys(moto.endpoint, 'alice');
    await createRole(moto.endpoint, 'Locked', 'arn:aws:iam::123456789012:user/bob');
    await files.write(testConfig(files.dir), `${TEST_CREDENTIALS}\n[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`);
    await setIamAuthorization(moto.endpoint, true);
    try {
      const before = await manager.useProfile('alice');
      assert.equal(before.arn, 'arn:aws:iam::123456789012:user/alice');
      const states = new EventLog<IdentityState>(manager.onDidChangeState);
      const e = await failure(manager.assumeRole({ roleArn: 'arn:aws:iam::123456789012:role/Locked', source: { type: 'active' } }), /^Access denied assuming/);
      assert.match(e.message, /Access denied assuming arn:aws:iam::123456789012:role\/Locked as arn:aws:iam::123456789012:user\/alice\. Check that the role's trust policy allows/);
      assert.equal(manager.identity?.arn, before.arn, 'previous identity still active');
      const last = states.events.at(-1);
      assert.equal(last?.status, 'error');
      assert.equal(last?.identity?.arn, before.arn);
      assert.match(last?.message ?? '', /trust policy.*alice \(123456789012\) is still active\./);
      assert.equal((await manager.getCredentials()).accessKeyId, alice.accessKeyId);
    } finally {
      await setIamAuthorization(moto.endpoint, false);
      await files.write(testConfig(files.dir), TEST_CREDENTIALS);
      await moto.reset();
    }
  });

  it('concurrent switches: the last requested wins; an older one finishing later does not override it', async () => {
    let releaseCode: ((code: string) => void) | undefined;
    answerMfa = () => new Promise<string>((resolve) => (releaseCode = resolve));
    const identities = new EventLog<Identity | undefined>(manager.onDidChangeIdentity);
    const slow = manager.useProfile('role-mfa'); // waits at the MFA prompt
    await new Promise((r) => setImmediate(r));
    const fast = await manager.useProfile('static');
    releaseCode?.('123456');
    const old = await failure(slow, 'superseded');
    assert.match(old.message, /replaced by a newer one/);
    assert.equal(manager.identity?.arn, fast.arn);
    assert.equal(manager.state.status, 'active');
    assert.deepEqual(identities.events.map((i) => i?.arn), [fast.arn]);
  });

  it('a dismissed MFA prompt rejects with the provider\'s error and restores the previous state', async () => {
    await manager.useProfile('static');
    const cancelled = Object.assign(new Error('Entering the MFA code was cancelled.'), { name: 'UserCancelledError' });
    answerMfa = () => Promise.reject(cancelled);
    await assert.rejects(manager.useProfile('role-mfa'), (e: unknown) => e === cancelled);
    assert.equal(manager.state.status, 'active');
    assert.equal(manager.identity?.source.type, 'profile');
  });

  it('MFA role renewal asks with trigger "renewal" at the advisory point (one background prompt)', async () => {
    await manager.useProfile('role-mfa');
    assert.equal(prompts.length, 1);
    const refreshed = nextEvent(manager.session!.onDidRefresh, 'the MFA renewal');
    await clock.advance(45 * MIN + 1000);
    await refreshed;
    assert.equal(prompts.length, 2);
    assert.equal(prompts[1]?.context?.trigger, 'renewal');
    assert.match(prompts[1]?.reason ?? '', /renew.*MFA|expire/);
    assert.equal(manager.state.status, 'active');
    assert.ok(Math.abs(manager.identity!.expiration!.getTime() - clock.now() - 3600_000) < 5000, 'the status bar sees the new expiry');
  });

  it('a renewal moves the expiry in place and does not fire onDidChangeIdentity (the API documents this)', async () => {
    await manager.useProfile('role');
    const before = manager.identity!.expiration!.getTime();
    const identities = new EventLog<Identity | undefined>(manager.onDidChangeIdentity);
    try {
      const refreshed = nextEvent(manager.session!.onDidRefresh, 'the renewal');
      await clock.advance(45 * MIN + 1000);
      await refreshed;
      assert.ok(manager.identity!.expiration!.getTime() > before, 'getActiveIdentity() has the new expiry');
      assert.deepEqual(identities.events, []);
    } finally {
      identities.dispose();
    }
  });

  it('renewal failure keeps the identity active and reports refreshError', async () => {
    await manager.useProfile('role');
    proxy.inject({ action: 'AssumeRole', reply: STS_FAULTS.throttling });
    const state = nextEvent(manager.onDidChangeState, 'the refresh error state');
    await clock.advance(45 * MIN + 1000);
    const s = await state;
    assert.equal(s.status, 'active');
    assert.match(s.refreshError?.message ?? '', /STS is throttling requests/);
  });

  it('clock skew (local clock 20 min slow): expiration is on the local clock', async () => {
    manager.dispose();
    clock = new FakeClock(Date.now() - 20 * MIN);
    manager = newManager();
    await manager.useProfile('static');
    const id = await manager.assumeRole({ roleArn: '111122223333:Deploy', source: { type: 'active' } });
    assert.ok(Math.abs(id.expiration!.getTime() - clock.now() - 3600_000) < 5000, `expires ${(id.expiration!.getTime() - clock.now()) / MIN} min from local now`);
    assert.ok(Math.abs(manager.clockOffsetMs - 20 * MIN) < 5000);
  });

  it('expired source token: the source is renewed once and AssumeRole retried', async () => {
    await manager.useProfile('static');
    await manager.assumeRole({ roleArn: 'arn:aws:iam::111122223333:role/Hop', source: { type: 'active' } });
    counter.reset();
    proxy.requests.length = 0;
    proxy.inject({ action: 'AssumeRole', reply: STS_FAULTS.expiredToken });
    const id = await manager.assumeRole({ roleArn: 'arn:aws:iam::444455556666:role/Target', source: { type: 'active' } });
    assert.match(id.arn, /assumed-role\/Target\//);
    assert.equal(proxy.count('AssumeRole'), 3, 'Target (expired), Hop (renewed), Target again');
    assert.ok(logger.lines.some((l) => /expired; renewing them once/.test(l)));
  });

  it('expired source token that renewing cannot fix: expiredToken naming the source, previous stays', async () => {
    await manager.useProfile('static');
    proxy.inject({ action: 'AssumeRole', reply: STS_FAULTS.expiredToken, times: 2 });
    const e = await failure(manager.assumeRole({ roleArn: '111122223333:Deploy', source: { type: 'active' } }), 'expiredToken');
    assert.match(e.message, /credentials of arn:aws:sts::123456789012:user\/moto used for AssumeRole have expired/);
    assert.equal(manager.identity?.source.type, 'profile');
  });

  it('duration above the role maximum: durationTooLong with the duration to retry with', async () => {
    await manager.useProfile('static');
    proxy.inject({ action: 'AssumeRole', reply: STS_FAULTS.durationOverMax });
    const req = { roleArn: '111122223333:Deploy', durationSeconds: 43200, source: { type: 'active' } as const };
    const e = await failure(manager.assumeRole(req), 'durationTooLong');
    assert.ok(isDurationTooLongError(e));
    assert.match(e.message, /Retry with 3600 seconds/);
    const id = await manager.assumeRole({ ...req, durationSeconds: 3600 });
    assert.match(id.arn, /Deploy/);
  });

  it('STS says "role chaining" for a source we could not classify (credential_process): retried at 1 hour, noted', async () => {
    proxy.inject({ action: 'AssumeRole', reply: STS_FAULTS.durationOverChainLimit });
    const id = await manager.assumeRole({ roleArn: '111122223333:Deploy', durationSeconds: 7200, source: { type: 'profile', profile: 'process' } });
    assert.equal(proxy.count('AssumeRole'), 2);
    assert.match(id.notes?.join(' ') ?? '', /STS reports the source credentials are a role session/);
    assert.ok(Math.abs(id.expiration!.getTime() - clock.now() - 3600_000) < 5000);
  });

  it('invalid role input: precise message, no STS call, no state change', async () => {
    const states = new EventLog<IdentityState>(manager.onDidChangeState);
    const e = await failure(manager.assumeRole({ roleArn: 'arn:aws:iam::12345:role/x', source: { type: 'active' } }), /is not a role reference/);
    assert.match(e.message, /"12345" has 5 digits/);
    assert.equal(counter.total, 0);
    assert.equal(states.events.length, 0);
  });

  it('no active identity: getCredentials and assumeRole from active say what to do', async () => {
    await failure(manager.getCredentials(), /^No AWS identity is selected\. Pick a profile or assume a role first/);
    await failure(manager.assumeRole({ roleArn: '111122223333:Deploy', source: { type: 'active' } }), /^No AWS identity is active to assume .*Select a profile first, or choose a profile as the source/);
    assert.equal(manager.state.status, 'error');
  });

  it('clear(): no identity, credentials released, events fired', async () => {
    await manager.useProfile('role');
    const session = manager.session!;
    const cleared = nextEvent(manager.onDidChangeIdentity, 'the identity cleared');
    manager.clear();
    assert.equal(await cleared, undefined);
    assert.equal(manager.identity, undefined);
    assert.equal(manager.state.status, 'none');
    assert.ok(session.isDisposed);
    assert.equal(clock.pending.length, 0, 'no timers left behind');
    await failure(manager.getCredentials(), /^No AWS identity is selected/);
  });

  it('a lease (a terminal opened earlier) keeps a replaced session renewing until it is released', async () => {
    await manager.useProfile('role');
    const old = manager.session!;
    const lease = old.retain();
    await manager.useProfile('static');
    assert.equal(old.isDisposed, false);
    const renewed = nextEvent(old.onDidRefresh, 'the replaced session renewing');
    await clock.advance(45 * MIN + 1000);
    await renewed;
    assert.ok((await old.getExportableCredentials()).sessionToken);
    lease.dispose();
    lease.dispose();
    assert.equal(old.isDisposed, true);
    assert.equal(clock.pending.length, 0);
  });

  it('a switch reads the files once (its check, chain and resolution); each renewal reads them again', async () => {
    manager.dispose();
    let readings = 0;
    manager = newManager({
      snapshot: () => {
        readings++;
        return readConfigSnapshot({ configFile: files.configFile, credentialsFile: files.credentialsFile });
      },
    });
    await manager.useProfile('chain');
    assert.equal(readings, 1, 'one reading for the whole switch');
    const e = await failure(manager.useProfile('cycle-a'), /^Profile "cycle-a" cannot be used: The source_profile chain of "cycle-a" loops/);
    assert.equal(readings, 2, 'the check before the switch uses the switch\'s reading');
    assert.equal(counter.count('AssumeRole'), 2, 'no STS call for a profile the CLI would refuse');
    assert.equal(manager.state.error, e);
    const renewed = nextEvent(manager.session!.onDidRefresh, 'the renewal');
    await clock.advance(20 * MIN);
    await renewed;
    assert.equal(readings, 3, 'the renewal read the files again, so edits count');
  });

  it('switching away disposes the previous session (no timers left behind)', async () => {
    await manager.useProfile('role');
    const first = manager.session!;
    await manager.useProfile('chain');
    assert.ok(first.isDisposed);
    assert.equal(clock.pending.length, 1, 'only the new session\'s timer');
  });
});
