/**
 * IdentityManager.setRegion against moto: the active identity moves to another region without a
 * new sign-in (no STS call, counted on the wire), as a new Identity value, with onDidChangeRegion
 * (not onDidChangeIdentity); renewals keep the chosen region; refusals change nothing; a region
 * remembered for an identity applies when it becomes active. Setup: test/support/identityHarness.ts.
 */
import * as assert from 'node:assert/strict';
import { EventLog, nextEvent } from '../support/events';
import { MIN, useIdentityHarness } from '../support/identityHarness';
import type { IdentityState, RegionChange } from '../../src/identity/identityManager';
import { UserFacingError } from '../../src/credentials/errors';
import type { Identity } from '../../src/shared/types';

describe('IdentityManager region change (moto)', function () {
  this.timeout(30_000);
  const h = useIdentityHarness();

  it('changes the region with NO STS call: a new Identity value, the same credentials, onDidChangeRegion and a state update', async () => {
    const before = await h.manager.useProfile('role');
    assert.equal(before.region, 'eu-central-1');
    const credentialsBefore = await h.manager.getCredentials();
    h.counter.reset();
    const regions = new EventLog<RegionChange>(h.manager.onDidChangeRegion);
    const identities = new EventLog<Identity | undefined>(h.manager.onDidChangeIdentity);
    const states = new EventLog<IdentityState>(h.manager.onDidChangeState);
    try {
      const after = h.manager.setRegion('eu-west-1');
      assert.notEqual(after, before, 'a new Identity value');
      assert.equal(before.region, 'eu-central-1', 'the old value is not mutated');
      assert.deepEqual({ ...after, region: before.region, regionSource: before.regionSource }, before, 'only the region changed');
      assert.equal(after.region, 'eu-west-1');
      assert.equal(after.regionSource, 'user');
      assert.equal(h.manager.identity, after);
      assert.equal(h.manager.session?.identity, after, 'terminals read the session: they see it');
      assert.deepEqual(regions.events, [{ identity: after, previous: 'eu-central-1' }]);
      assert.deepEqual(identities.events, [], 'not a switch');
      assert.deepEqual(states.events.map((s) => [s.status, s.identity?.region]), [['active', 'eu-west-1']]);
      const credentialsAfter = await h.manager.getCredentials();
      assert.equal(credentialsAfter.accessKeyId, credentialsBefore.accessKeyId, 'the same credentials session');
      assert.deepEqual(h.counter.calls, [], 'no STS call');
      assert.match(h.logger.lines.join('\n'), /changed from eu-central-1 to eu-west-1: the same credentials, no new sign-in/);
    } finally {
      regions.dispose();
      identities.dispose();
      states.dispose();
    }
  });

  it('the same region again changes nothing and fires nothing', async () => {
    await h.manager.useProfile('static');
    const first = h.manager.setRegion('ap-south-1');
    const regions = new EventLog<RegionChange>(h.manager.onDidChangeRegion);
    try {
      assert.equal(h.manager.setRegion('ap-south-1'), first);
      assert.deepEqual(regions.events, []);
    } finally {
      regions.dispose();
    }
  });

  it('renewals keep the chosen region (only the expiry moves)', async () => {
    await h.manager.useProfile('role');
    h.manager.setRegion('sa-east-1');
    const expiry = h.manager.identity!.expiration!.getTime();
    h.counter.reset();
    const refreshed = nextEvent(h.manager.session!.onDidRefresh, 'the renewal');
    await h.clock.advance(45 * MIN + 1000);
    await refreshed;
    assert.deepEqual(h.counter.byOperation(), { AssumeRole: 1 }, 'the renewal itself is the only STS call');
    const renewed = h.manager.identity!;
    assert.ok(renewed.expiration!.getTime() > expiry, 'renewed');
    assert.equal(renewed.region, 'sa-east-1');
    assert.equal(renewed.regionSource, 'user');
  });

  it('refuses an unknown region, one of another partition, and a change with no identity: nothing changes, the reason is given', async () => {
    assert.throws(() => h.manager.setRegion('eu-west-1'), (e: unknown) => e instanceof UserFacingError && /No AWS identity is selected.*Pick a profile or assume a role first/.test(e.message));
    const id = await h.manager.useProfile('static');
    const regions = new EventLog<RegionChange>(h.manager.onDidChangeRegion);
    const states = new EventLog<IdentityState>(h.manager.onDidChangeState);
    try {
      assert.throws(() => h.manager.setRegion('eu-west-9'), /was not changed: "eu-west-9" is not a region known to this version of AWS Identity\. Pick one with/);
      assert.throws(() => h.manager.setRegion('cn-north-1'), /is in the "aws-cn" partition, but the active identity is in "aws": its credentials do not work there/);
      assert.throws(() => h.manager.setRegion('us-gov-west-1'), /"aws-us-gov" partition/);
      assert.equal(h.manager.identity, id);
      assert.deepEqual(regions.events, []);
      assert.deepEqual(states.events, []);
    } finally {
      regions.dispose();
      states.dispose();
    }
  });

  it('a role assumed from the active identity takes its chosen region', async () => {
    await h.manager.useProfile('static');
    h.manager.setRegion('eu-west-2');
    const role = await h.manager.assumeRole({ roleArn: 'arn:aws:iam::111122223333:role/Hop', source: { type: 'active' } });
    assert.equal(role.region, 'eu-west-2');
  });

  it('a region remembered for an identity applies when it becomes active, before anyone hears of the switch', async () => {
    const asked: string[] = [];
    h.manager.setRegionPreference((identity) => {
      asked.push(identity.source.type === 'profile' ? identity.source.profile : identity.arn);
      return identity.source.type === 'profile' && identity.source.profile === 'role' ? 'ap-northeast-1' : undefined;
    });
    const changed = new EventLog<Identity | undefined>(h.manager.onDidChangeIdentity);
    const regions = new EventLog<RegionChange>(h.manager.onDidChangeRegion);
    try {
      const id = await h.manager.useProfile('role');
      assert.equal(id.region, 'ap-northeast-1');
      assert.equal(id.regionSource, 'user');
      assert.deepEqual(changed.events.map((i) => i?.region), ['ap-northeast-1'], 'one change, already in the remembered region');
      assert.deepEqual(regions.events, [], 'a switch, not a region change');
      const other = await h.manager.useProfile('static');
      assert.equal(other.regionSource, h.manager.resolveRegion(undefined).regionSource, 'nothing remembered for it: its own region');
      assert.deepEqual(asked, ['role', 'static']);
      assert.match(h.logger.lines.join('\n'), /Region ap-northeast-1 applies: it was chosen for Deploy in this workspace \(instead of eu-central-1\)/);
    } finally {
      changed.dispose();
      regions.dispose();
    }
  });

  it('a remembered region that does not fit the identity is logged and ignored', async () => {
    h.manager.setRegionPreference(() => 'cn-north-1');
    const id = await h.manager.useProfile('role');
    assert.equal(id.region, 'eu-central-1');
    assert.equal(id.regionSource, 'profile');
    assert.match(h.logger.lines.join('\n'), /The region "cn-north-1" remembered for Deploy in this workspace is not used: .*"aws-cn" partition/);
  });
});
