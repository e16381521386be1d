/**
 * IdentityManager switching identities, end to end against moto: using a profile, assuming a role
 * (by ARN or shorthand, chained), the region and the active profile, concurrent switches, clear(),
 * and how often a switch reads the files. Setup (moto, fault proxy, temp profiles, fake clock, STS
 * calls counted on the wire) is in test/support/identityHarness.ts. Renewals are in
 * identityRenewal.test.ts, failures in identityErrors.test.ts.
 */
import * as assert from 'node:assert/strict';
import { EventLog, nextEvent } from '../support/events';
import { MIN, useIdentityHarness } from '../support/identityHarness';
import type { IdentityState } from '../../src/identity/identityManager';
import { readConfigSnapshot } from '../../src/config/snapshot';
import type { Identity } from '../../src/shared/types';
import { failure } from '../support/expectFailure';

describe('IdentityManager (moto)', function () {
  this.timeout(30_000);
  const h = useIdentityHarness();

  it('useProfile (static keys): ONE GetCallerIdentity, states switching → active', async () => {
    const states = new EventLog<IdentityState>(h.manager.onDidChangeState);
    const changed = nextEvent(h.manager.onDidChangeIdentity, 'the identity change');
    const id = await h.manager.useProfile('static');
    assert.equal(id.arn, 'arn:aws:sts::123456789012:user/moto');
    assert.equal(id.name, 'moto');
    assert.deepEqual(id.source, { type: 'profile', profile: 'static' });
    assert.equal(id.expiration, undefined);
    assert.deepEqual(h.counter.byOperation(), { GetCallerIdentity: 1 });
    assert.equal((await changed)?.arn, id.arn);
    assert.deepEqual(states.events.map((s) => s.status), ['switching', 'active']);
    assert.equal(states.events[0]?.target, 'profile "static"');
    assert.equal(h.manager.identity?.arn, id.arn);
  });

  it('region: profile → setting → AWS_REGION/AWS_DEFAULT_REGION → us-east-1, with the source', async () => {
    assert.deepEqual(h.manager.resolveRegion('eu-central-1'), { region: 'eu-central-1', regionSource: 'profile', stsRegion: 'eu-central-1' });
    h.env = { AWS_DEFAULT_REGION: 'ap-south-1' };
    assert.equal(h.manager.resolveRegion(undefined).regionSource, 'environment');
    h.env = { AWS_REGION: 'ap-southeast-2', AWS_DEFAULT_REGION: 'ap-south-1' };
    assert.equal(h.manager.resolveRegion(undefined).region, 'ap-southeast-2');
    h.regionSetting = 'sa-east-1';
    assert.deepEqual(h.manager.resolveRegion(undefined), { region: 'sa-east-1', regionSource: 'setting', stsRegion: 'sa-east-1' });
    h.regionSetting = undefined;
    h.env = {};
    assert.deepEqual(h.manager.resolveRegion(undefined), { region: 'us-east-1', regionSource: 'default', stsRegion: undefined });
    const role = await h.manager.useProfile('role');
    assert.equal(role.region, 'eu-central-1');
    assert.equal(role.regionSource, 'profile');
  });

  it('useProfile (role profile): the chain\'s AssumeRole + ONE GetCallerIdentity', async () => {
    const id = await h.manager.useProfile('role');
    assert.match(id.arn, /^arn:aws:sts::111122223333:assumed-role\/Deploy\//);
    assert.equal(id.name, 'Deploy');
    assert.ok(id.expiration);
    assert.deepEqual(h.counter.byOperation(), { AssumeRole: 1, GetCallerIdentity: 1 });
  });

  it('assumeRole by ARN from the active identity: exactly ONE STS call (AssumeRole)', async () => {
    await h.manager.useProfile('static');
    h.counter.reset();
    const id = await h.manager.assumeRole({ roleArn: 'arn:aws:iam::111122223333:role/team/Deploy', source: { type: 'active' } });
    assert.deepEqual(h.counter.byOperation(), { AssumeRole: 1 });
    assert.equal(id.arn, 'arn:aws:sts::111122223333:assumed-role/Deploy/alice@example.com');
    assert.equal(id.account, '111122223333');
    assert.deepEqual(id.source, { type: 'assumedRole', roleArn: 'arn:aws:iam::111122223333:role/team/Deploy', sourceLabel: 'profile "static"' });
    assert.equal(id.sourceProfile, 'static');
    assert.ok(Math.abs(id.expiration!.getTime() - h.clock.now() - 3600_000) < 5000);
    assert.equal(id.notes, undefined);
  });

  it('activeProfile: the used profile; none after a role is assumed from it, or after clear()', async () => {
    assert.equal(h.manager.activeProfile, undefined);
    await h.manager.useProfile('static');
    assert.equal(h.manager.activeProfile, 'static');
    await h.manager.assumeRole({ roleArn: 'arn:aws:iam::111122223333:role/team/Deploy', source: { type: 'active' } });
    assert.equal(h.manager.activeProfile, undefined, 'an assumed role is not the profile it was assumed from');
    await h.manager.useProfile('role');
    assert.equal(h.manager.activeProfile, 'role');
    h.manager.clear();
    assert.equal(h.manager.activeProfile, undefined);
  });

  it('assumeRole by shorthand from a profile source (no GetCallerIdentity)', async () => {
    const id = await h.manager.assumeRole({ roleArn: '111122223333:Deploy', sessionName: 'ci run #7', durationSeconds: 1800, source: { type: 'profile', profile: 'static' } });
    assert.equal(id.arn, 'arn:aws:sts::111122223333:assumed-role/Deploy/ci-run-7');
    assert.deepEqual(h.counter.byOperation(), { AssumeRole: 1 });
    assert.ok(Math.abs(id.expiration!.getTime() - h.clock.now() - 1800_000) < 5000);
  });

  it('chaining two roles: the second is capped at 1 hour and says why; its renewal re-derives from the first', async () => {
    await h.manager.useProfile('static');
    const first = await h.manager.assumeRole({ roleArn: 'arn:aws:iam::111122223333:role/Hop', source: { type: 'active' } });
    h.counter.reset();
    const second = await h.manager.assumeRole({ roleArn: 'arn:aws:iam::444455556666:role/Target', durationSeconds: 7200, source: { type: 'active' } });
    assert.deepEqual(h.counter.byOperation(), { AssumeRole: 1 });
    assert.equal(second.sourceProfile, 'static');
    assert.deepEqual(second.source, { type: 'assumedRole', roleArn: 'arn:aws:iam::444455556666:role/Target', sourceLabel: 'role Hop' });
    assert.match(second.notes?.[0] ?? '', /capped at 3600 seconds \(requested 7200\).*role chaining/);
    assert.ok(Math.abs(second.expiration!.getTime() - h.clock.now() - 3600_000) < 5000);
    assert.ok(h.logger.lines.some((l) => /role chaining/.test(l)), 'the cap is logged');
    assert.notEqual(first.arn, second.arn);

    // The first role's session lives on as the source, without a timer of its own.
    const parent = h.manager.session?.parent;
    assert.ok(parent && !parent.isDisposed);
    assert.equal(parent.credentials.nextTimerAt, undefined, 'a source-only session has no timer of its own');
  });

  it('static keys + mfa_serial: GetSessionToken with MFA; those temporary credentials are exported as they are', async () => {
    const id = await h.manager.useProfile('static-mfa');
    assert.deepEqual(h.counter.byOperation(), { GetSessionToken: 1, GetCallerIdentity: 1 });
    assert.equal(h.prompts.length, 1);
    assert.equal(h.prompts[0]?.context?.trigger, 'user');
    assert.equal(id.region, 'eu-west-1');
    const exported = await h.manager.getExportableCredentials();
    assert.ok(exported.sessionToken && exported.expiration);
    assert.equal(h.counter.total, 2, 'no extra call to export');
  });

  it('concurrent switches: the last requested wins; an older one finishing later does not override it', async () => {
    let releaseCode: ((code: string) => void) | undefined;
    h.answerMfa = () => new Promise<string>((resolve) => (releaseCode = resolve));
    const identities = new EventLog<Identity | undefined>(h.manager.onDidChangeIdentity);
    const slow = h.manager.useProfile('role-mfa'); // waits at the MFA prompt
    await new Promise((r) => setImmediate(r));
    const fast = await h.manager.useProfile('static');
    releaseCode?.('123456');
    const old = await failure(slow, 'superseded');
    assert.match(old.message, /replaced by a newer one/);
    assert.equal(h.manager.identity?.arn, fast.arn);
    assert.equal(h.manager.state.status, 'active');
    assert.deepEqual(identities.events.map((i) => i?.arn), [fast.arn]);
  });

  it('clear(): no identity, credentials released, events fired', async () => {
    await h.manager.useProfile('role');
    const session = h.manager.session!;
    const cleared = nextEvent(h.manager.onDidChangeIdentity, 'the identity cleared');
    h.manager.clear();
    assert.equal(await cleared, undefined);
    assert.equal(h.manager.identity, undefined);
    assert.equal(h.manager.state.status, 'none');
    assert.ok(session.isDisposed);
    assert.equal(h.clock.pending.length, 0, 'no timers left behind');
    await failure(h.manager.getCredentials(), /^No AWS identity is selected/);
  });

  it('a switch reads the files once (its check, chain and resolution); each renewal reads them again', async () => {
    h.manager.dispose();
    let readings = 0;
    h.manager = h.newManager({
      snapshot: () => {
        readings++;
        return readConfigSnapshot({ configFile: h.files.configFile, credentialsFile: h.files.credentialsFile });
      },
    });
    await h.manager.useProfile('chain');
    assert.equal(readings, 1, 'one reading for the whole switch');
    const e = await failure(h.manager.useProfile('cycle-a'), /^Profile "cycle-a" cannot be used: The source_profile chain of "cycle-a" loops/);
    assert.equal(readings, 2, 'the check before the switch uses the switch\'s reading');
    assert.equal(h.counter.count('AssumeRole'), 2, 'no STS call for a profile the CLI would refuse');
    assert.equal(h.manager.state.error, e);
    const renewed = nextEvent(h.manager.session!.onDidRefresh, 'the renewal');
    await h.clock.advance(20 * MIN);
    await renewed;
    assert.equal(readings, 3, 'the renewal read the files again, so edits count');
  });

  it('switching away disposes the previous session (no timers left behind)', async () => {
    await h.manager.useProfile('role');
    const first = h.manager.session!;
    await h.manager.useProfile('chain');
    assert.ok(first.isDisposed);
    assert.equal(h.clock.pending.length, 1, 'only the new session\'s timer');
  });
});
