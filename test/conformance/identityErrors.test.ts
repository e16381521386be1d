/**
 * IdentityManager failures, end to end against moto: a real AccessDenied, a dismissed MFA prompt,
 * expired source tokens, durations STS refuses, invalid role input and no active identity. Each
 * says why and the next step, and leaves the previous identity active. Setup is in
 * test/support/identityHarness.ts; faults moto cannot produce come from the strict fault proxy.
 */
import * as assert from 'node:assert/strict';
import { STS_FAULTS } from '../support/faultProxy';
import { EventLog } from '../support/events';
import { createRole, createUserWithKeys, setIamAuthorization } from '../support/motoIam';
import { testConfig, TEST_CREDENTIALS } from '../support/testProfiles';
import { MIN, useIdentityHarness } from '../support/identityHarness';
import { setEnv } from '../support/awsFiles';
import type { IdentityState } from '../../src/identity/identityManager';
import { isDurationTooLongError } from '../../src/credentials/errors';
import { failure } from '../support/expectFailure';

describe('IdentityManager (moto)', function () {
  this.timeout(30_000);
  const h = useIdentityHarness();

  it('a failed switch leaves the previous identity active and says why + next step (real AccessDenied)', async () => {
    await h.moto.reset();
    const alice = await createUserWithKeys(h.moto.endpoint, 'alice');
    await createRole(h.moto.endpoint, 'Locked', 'arn:aws:iam::123456789012:user/bob');
    await h.files.write(testConfig(h.files.dir), `${TEST_CREDENTIALS}\n[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`);
    await setIamAuthorization(h.moto.endpoint, true);
    try {
      const before = await h.manager.useProfile('alice');
      assert.equal(before.arn, 'arn:aws:iam::123456789012:user/alice');
      const states = new EventLog<IdentityState>(h.manager.onDidChangeState);
      const e = await failure(h.manager.assumeRole({ roleArn: 'arn:aws:iam::123456789012:role/Locked', source: { type: 'active' } }), /^Access denied assuming/);
      assert.match(e.message, /Access denied assuming arn:aws:iam::123456789012:role\/Locked as arn:aws:iam::123456789012:user\/alice\. Check that the role's trust policy allows/);
      assert.equal(h.manager.identity?.arn, before.arn, 'previous identity still active');
      const last = states.events.at(-1);
      assert.equal(last?.status, 'error');
      assert.equal(last?.identity?.arn, before.arn);
      assert.match(last?.message ?? '', /trust policy.*alice \(123456789012\) is still active\./);
      assert.equal((await h.manager.getCredentials()).accessKeyId, alice.accessKeyId);
    } finally {
      await setIamAuthorization(h.moto.endpoint, false);
      await h.files.write(testConfig(h.files.dir), TEST_CREDENTIALS);
      await h.moto.reset();
    }
  });

  it('a dismissed MFA prompt rejects with the provider\'s error and restores the previous state', async () => {
    await h.manager.useProfile('static');
    const cancelled = Object.assign(new Error('Entering the MFA code was cancelled.'), { name: 'UserCancelledError' });
    h.answerMfa = () => Promise.reject(cancelled);
    await assert.rejects(h.manager.useProfile('role-mfa'), (e: unknown) => e === cancelled);
    assert.equal(h.manager.state.status, 'active');
    assert.equal(h.manager.identity?.source.type, 'profile');
  });

  it('expired source token: the source is renewed once and AssumeRole retried', async () => {
    await h.manager.useProfile('static');
    await h.manager.assumeRole({ roleArn: 'arn:aws:iam::111122223333:role/Hop', source: { type: 'active' } });
    h.counter.reset();
    h.proxy.requests.length = 0;
    h.proxy.inject({ action: 'AssumeRole', reply: STS_FAULTS.expiredToken });
    const id = await h.manager.assumeRole({ roleArn: 'arn:aws:iam::444455556666:role/Target', source: { type: 'active' } });
    assert.match(id.arn, /assumed-role\/Target\//);
    assert.equal(h.proxy.count('AssumeRole'), 3, 'Target (expired), Hop (renewed), Target again');
    assert.ok(h.logger.lines.some((l) => /expired; renewing them once/.test(l)));
  });

  it('expired source token that renewing cannot fix: expiredToken naming the source, previous stays', async () => {
    await h.manager.useProfile('static');
    h.proxy.inject({ action: 'AssumeRole', reply: STS_FAULTS.expiredToken, times: 2 });
    const e = await failure(h.manager.assumeRole({ roleArn: '111122223333:Deploy', source: { type: 'active' } }), 'expiredToken');
    assert.match(e.message, /credentials of arn:aws:sts::123456789012:user\/moto used for AssumeRole have expired/);
    assert.equal(h.manager.identity?.source.type, 'profile');
  });

  it('duration above the role maximum: durationTooLong with the duration to retry with', async () => {
    await h.manager.useProfile('static');
    h.proxy.inject({ action: 'AssumeRole', reply: STS_FAULTS.durationOverMax });
    const req = { roleArn: '111122223333:Deploy', durationSeconds: 43200, source: { type: 'active' } as const };
    const e = await failure(h.manager.assumeRole(req), 'durationTooLong');
    assert.ok(isDurationTooLongError(e));
    assert.match(e.message, /Retry with 3600 seconds/);
    const id = await h.manager.assumeRole({ ...req, durationSeconds: 3600 });
    assert.match(id.arn, /Deploy/);
  });

  it('a profile\'s duration_seconds above the role maximum: names the profile and says to change duration_seconds there', async () => {
    const long = '\n[profile long]\nrole_arn = arn:aws:iam::111122223333:role/Deploy\nsource_profile = static\nduration_seconds = 43200\n';
    await h.files.write(testConfig(h.files.dir) + long, TEST_CREDENTIALS);
    try {
      const before = await h.manager.useProfile('static');
      h.proxy.inject({ action: 'AssumeRole', reply: STS_FAULTS.durationOverMax });
      const e = await failure(h.manager.useProfile('long'), 'durationTooLong');
      assert.equal(
        e.message,
        `STS refused 43200 seconds (duration_seconds of profile "long") for arn:aws:iam::111122223333:role/Deploy: that exceeds the role's maximum session duration (MaxSessionDuration). ` +
          `Set duration_seconds in profile "long" (${h.files.configFile}) to 3600 or less, or remove it (every role allows 1 hour), or ask the role's owner to raise its maximum session duration.`,
      );
      assert.equal(h.manager.identity?.arn, before.arn, 'previous identity still active');
    } finally {
      await h.files.write(testConfig(h.files.dir), TEST_CREDENTIALS);
    }
  });

  it('a mistyped region: names the region and where it came from, not the network', async () => {
    await h.files.write(`${testConfig(h.files.dir)}\n[profile typo]\nrole_arn = arn:aws:iam::111122223333:role/Deploy\nsource_profile = static\nregion = us-east-11\n`, TEST_CREDENTIALS);
    // The STS host comes from the region (no endpoint override): there is no sts.us-east-11.amazonaws.com.
    const restore = setEnv({ AWS_ENDPOINT_URL_STS: undefined });
    try {
      const e = await failure(h.manager.useProfile('typo'), /^Could not reach STS for region "us-east-11" \(ENOTFOUND at https:\/\/sts\.us-east-11\.amazonaws\.com\/\): "us-east-11" is not a region AWS Identity knows/);
      assert.match(e.message, /Correct the region of profile "typo" to a region such as "us-east-1", then try again\.$/);
      assert.doesNotMatch(e.message, /Check your network connection/);
      h.regionSetting = 'eu-wset-1';
      const fromSetting = await failure(h.manager.useProfile('static'), /^Could not reach STS for region "eu-wset-1"/);
      assert.match(fromSetting.message, /Correct the awsIdentity\.defaultRegion setting to a region such as "us-east-1"/);
    } finally {
      restore();
      await h.files.write(testConfig(h.files.dir), TEST_CREDENTIALS);
    }
  });

  it('Assume Role from an identity whose MFA session expired asks for the code as for the action; dismissed, it stops quietly', async () => {
    const before = await h.manager.useProfile('role-mfa');
    h.clock.jump(61 * MIN); // its credentials expired (a laptop asleep)
    const cancelled = Object.assign(new Error('Entering the MFA code was cancelled.'), { name: 'UserCancelledError' });
    h.answerMfa = () => Promise.reject(cancelled);
    const states = new EventLog<IdentityState>(h.manager.onDidChangeState);
    const target = { roleArn: '111122223333:Target', source: { type: 'active' } } as const;
    await assert.rejects(h.manager.assumeRole(target), (e: unknown) => e === cancelled);
    assert.equal(h.prompts.at(-1)?.context?.trigger, 'user', 'the input box, not a renewal notification');
    assert.equal(h.manager.state.status, 'active');
    assert.equal(h.manager.identity?.arn, before.arn, 'the previous identity stays');
    assert.deepEqual(states.events.filter((s) => s.status === 'error'), []);
    // Asked again at once (no backoff after the dismissal): the code renews the source, then the role is assumed.
    h.answerMfa = async () => '123456';
    const id = await h.manager.assumeRole(target);
    assert.match(id.arn, /assumed-role\/Target\//);
    assert.equal(h.prompts.at(-1)?.context?.trigger, 'user');
  });

  it('STS says "role chaining" for a source we could not classify (credential_process): retried at 1 hour, noted', async () => {
    h.proxy.inject({ action: 'AssumeRole', reply: STS_FAULTS.durationOverChainLimit });
    const id = await h.manager.assumeRole({ roleArn: '111122223333:Deploy', durationSeconds: 7200, source: { type: 'profile', profile: 'process' } });
    assert.equal(h.proxy.count('AssumeRole'), 2);
    assert.match(id.notes?.join(' ') ?? '', /STS reports the source credentials are a role session/);
    assert.ok(Math.abs(id.expiration!.getTime() - h.clock.now() - 3600_000) < 5000);
  });

  it('invalid role input: precise message, no STS call, no state change', async () => {
    const states = new EventLog<IdentityState>(h.manager.onDidChangeState);
    const e = await failure(h.manager.assumeRole({ roleArn: 'arn:aws:iam::12345:role/x', source: { type: 'active' } }), /is not a role reference/);
    assert.match(e.message, /"12345" has 5 digits/);
    assert.equal(h.counter.total, 0);
    assert.equal(states.events.length, 0);
  });

  it('no active identity: getCredentials and assumeRole from active say what to do', async () => {
    await failure(h.manager.getCredentials(), /^No AWS identity is selected\. Pick a profile or assume a role first/);
    await failure(h.manager.assumeRole({ roleArn: '111122223333:Deploy', source: { type: 'active' } }), /^No AWS identity is active to assume .*Select a profile first, or choose a profile as the source/);
    assert.equal(h.manager.state.status, 'error');
  });
});
