/**
 * IdentityManager renewals, end to end against moto on a fake clock: chained roles renewed from
 * their source, long-lived keys wrapped and renewed for export, MFA renewal prompts, renewal
 * failures, clock skew, and leases that keep a replaced session renewing. Setup is in
 * test/support/identityHarness.ts; faults moto cannot produce come from the strict fault proxy.
 */
import * as assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import { STS_FAULTS } from '../support/faultProxy';
import { FakeClock } from '../support/fakeClock';
import { EventLog, nextEvent } from '../support/events';
import { MIN, useIdentityHarness } from '../support/identityHarness';
import { waitFor } from '../support/moto';
import type { Identity } from '../../src/shared/types';

describe('IdentityManager (moto)', function () {
  this.timeout(30_000);
  const h = useIdentityHarness();

  it('a chained role renews from its source\'s fresh credentials (the expired source is renewed first)', async () => {
    await h.manager.useProfile('static');
    await h.manager.assumeRole({ roleArn: 'arn:aws:iam::111122223333:role/Hop', durationSeconds: 900, source: { type: 'active' } });
    await h.manager.assumeRole({ roleArn: 'arn:aws:iam::444455556666:role/Target', source: { type: 'active' } });
    const parent = h.manager.session!.parent!;
    const parentBefore = parent.credentials.currentCredentials?.accessKeyId;
    h.counter.reset();
    h.proxy.requests.length = 0;
    // 45 min on, Target's advisory renewal finds Hop (15 min) long expired: Hop first, then Target with Hop's new credentials.
    const renewed = nextEvent(h.manager.session!.onDidRefresh, 'the chained renewal');
    await h.clock.advance(45 * MIN + 1000);
    await renewed;
    assert.deepEqual(h.counter.calls.map((c) => c.operation), ['AssumeRole', 'AssumeRole']);
    assert.notEqual(parent.credentials.currentCredentials?.accessKeyId, parentBefore, 'the source was renewed');
    assert.ok(parent.credentials.expiration!.getTime() > h.clock.now(), 'with fresh credentials');
  });

  it('long-lived keys are never exported: wrapped ONCE with GetSessionToken, then renewed like a session', async () => {
    await h.manager.useProfile('static');
    h.counter.reset();
    const own = await h.manager.getCredentials();
    assert.equal(own.sessionToken, undefined, 'the extension itself signs with the keys');
    const exported = await h.manager.getExportableCredentials();
    // (moto answers GetSessionToken with a fixed example key ID, so compare the token, not the ID.)
    assert.ok(exported.sessionToken && exported.expiration);
    assert.notEqual(exported.secretAccessKey, own.secretAccessKey);
    await h.manager.getExportableCredentials();
    assert.deepEqual(h.counter.byOperation(), { GetSessionToken: 1 });
    const renewed = nextEvent(h.manager.session!.onDidChangeExportableCredentials, 'the renewed exported credentials');
    await h.clock.advance(45 * MIN + 1000);
    const e = await renewed;
    assert.ok(e.credentials.sessionToken);
    assert.deepEqual(h.counter.byOperation(), { GetSessionToken: 2 });
  });

  it('a role assumed from keys that gave a terminal credentials: the keys\' terminal credentials stop renewing by timer, and renew on demand', async () => {
    await h.manager.useProfile('static');
    await h.manager.getExportableCredentials(); // a terminal opened: GetSessionToken for it
    await h.manager.assumeRole({ roleArn: 'arn:aws:iam::111122223333:role/Hop', source: { type: 'active' } });
    h.counter.reset();
    for (let i = 0; i < 3; i++) {
      const renewed = nextEvent(h.manager.session!.onDidRefresh, 'the role renewal');
      await h.clock.advance(45 * MIN + 1000);
      await renewed;
    }
    assert.deepEqual(h.counter.byOperation(), { AssumeRole: 3 }, 'in over two hours, only the active role renewed: no GetSessionToken for credentials nobody uses');
    assert.equal(h.clock.pending.length, 1, 'one timer: the active role\'s');
    // A terminal still holding the keys' session gets fresh credentials when it asks.
    const parent = h.manager.session!.parent!;
    const again = await parent.getExportableCredentials();
    assert.ok(again.sessionToken && again.expiration!.getTime() > h.clock.now());
    assert.deepEqual(h.counter.byOperation(), { AssumeRole: 3, GetSessionToken: 1 });
  });

  it('MFA role renewal asks with trigger "renewal" at the advisory point (one background prompt)', async () => {
    await h.manager.useProfile('role-mfa');
    assert.equal(h.prompts.length, 1);
    const refreshed = nextEvent(h.manager.session!.onDidRefresh, 'the MFA renewal');
    await h.clock.advance(45 * MIN + 1000);
    await refreshed;
    assert.equal(h.prompts.length, 2);
    assert.equal(h.prompts[1]?.context?.trigger, 'renewal');
    assert.match(h.prompts[1]?.reason ?? '', /renew.*MFA|expire/);
    assert.equal(h.manager.state.status, 'active');
    assert.ok(Math.abs(h.manager.identity!.expiration!.getTime() - h.clock.now() - 3600_000) < 5000, 'the status bar sees the new expiry');
  });

  it('a renewal prompt answered after switching away spends no MFA code on STS, and shows no error', async () => {
    await h.manager.useProfile('role-mfa');
    let answer: ((code: string) => void) | undefined;
    h.answerMfa = () => new Promise<string>((resolve) => (answer = resolve));
    await h.clock.advance(45 * MIN + 1000);
    await waitFor(() => answer !== undefined, 'the renewal prompt');
    // The notification stays open while the user picks another profile...
    h.answerMfa = async () => '123456';
    const now = await h.manager.useProfile('static');
    // ...then answers it anyway.
    answer?.('654321');
    await waitFor(() => h.logger.lines.some((l) => /stopped: they were discarded/.test(l)), 'the renewal to end');
    assert.deepEqual(h.proxy.requests.filter((r) => r.tokenCode === '654321'), [], 'the code typed into the old prompt reached STS');
    assert.equal(h.manager.identity?.arn, now.arn);
    assert.equal(h.manager.state.status, 'active');
    assert.ok(!h.logger.lines.some((l) => l.includes('654321')), 'the code is not logged');
  });

  it('a renewal moves the expiry in place and does not fire onDidChangeIdentity (the API documents this)', async () => {
    await h.manager.useProfile('role');
    const before = h.manager.identity!.expiration!.getTime();
    const identities = new EventLog<Identity | undefined>(h.manager.onDidChangeIdentity);
    try {
      const refreshed = nextEvent(h.manager.session!.onDidRefresh, 'the renewal');
      await h.clock.advance(45 * MIN + 1000);
      await refreshed;
      assert.ok(h.manager.identity!.expiration!.getTime() > before, 'getActiveIdentity() has the new expiry');
      assert.deepEqual(identities.events, []);
    } finally {
      identities.dispose();
    }
  });

  it('renewal failure keeps the identity active and reports refreshError', async () => {
    await h.manager.useProfile('role');
    h.proxy.inject({ action: 'AssumeRole', reply: STS_FAULTS.throttling });
    const state = nextEvent(h.manager.onDidChangeState, 'the refresh error state');
    await h.clock.advance(45 * MIN + 1000);
    const s = await state;
    assert.equal(s.status, 'active');
    assert.match(s.refreshError?.message ?? '', /STS is throttling requests/);
  });

  it('an edit pointing the active profile at another role is not renewed into: the identity stays who it says', async () => {
    const id = await h.manager.useProfile('role');
    const text = await fsp.readFile(h.files.configFile, 'utf8');
    await fsp.writeFile(h.files.configFile, text.replace('role_arn = arn:aws:iam::111122223333:role/Deploy\n', 'role_arn = arn:aws:iam::111122223333:role/Other\n'));
    h.counter.reset();
    const state = nextEvent(h.manager.onDidChangeState, 'the refresh error state');
    await h.clock.advance(45 * MIN + 1000);
    const s = await state;
    assert.equal(s.status, 'active');
    assert.match(
      s.refreshError?.message ?? '',
      /^Profile "role" was edited since you selected it: it now uses role arn:aws:iam::111122223333:role\/Other, not role arn:aws:iam::111122223333:role\/Deploy\. .*Select profile "role" again/,
    );
    assert.deepEqual(h.counter.calls.map((c) => c.operation), [], 'no AssumeRole into the edited role');
    assert.equal(h.manager.identity?.arn, id.arn);
    // Selecting it again is the way to the edited profile.
    const again = await h.manager.useProfile('role');
    assert.match(again.arn, /assumed-role\/Other\//);
  });

  it('an edit that keeps the profile\'s role (its region) still renews', async () => {
    await h.manager.useProfile('role');
    const text = await fsp.readFile(h.files.configFile, 'utf8');
    await fsp.writeFile(h.files.configFile, text.replace('role/Deploy\nsource_profile = static\nregion = eu-central-1\n', 'role/Deploy\nsource_profile = static\nregion = eu-west-1\n'));
    const refreshed = nextEvent(h.manager.session!.onDidRefresh, 'the renewal');
    await h.clock.advance(45 * MIN + 1000);
    await refreshed;
    assert.equal(h.manager.state.refreshError, undefined);
  });

  it('exported credentials are handed out as copies: changing one changes nothing held (the API passes them on)', async () => {
    await h.manager.useProfile('role');
    const first = await h.manager.getExportableCredentials();
    const { accessKeyId } = first;
    const expires = first.expiration!.getTime();
    (first as { accessKeyId: string }).accessKeyId = 'ASIAMUTATEDEXAMPLE';
    first.expiration!.setFullYear(2100);
    const again = await h.manager.getExportableCredentials();
    assert.equal(again.accessKeyId, accessKeyId);
    assert.equal(again.expiration!.getTime(), expires);
  });

  it('clock skew (local clock 20 min slow): expiration is on the local clock', async () => {
    h.manager.dispose();
    h.clock = new FakeClock(Date.now() - 20 * MIN);
    h.manager = h.newManager();
    await h.manager.useProfile('static');
    const id = await h.manager.assumeRole({ roleArn: '111122223333:Deploy', source: { type: 'active' } });
    assert.ok(Math.abs(id.expiration!.getTime() - h.clock.now() - 3600_000) < 5000, `expires ${(id.expiration!.getTime() - h.clock.now()) / MIN} min from local now`);
    assert.ok(Math.abs(h.manager.clockOffsetMs - 20 * MIN) < 5000);
  });

  it('a lease (a terminal opened earlier) keeps a replaced session alive, renewed on demand, until it is released', async () => {
    await h.manager.useProfile('role');
    const old = h.manager.session!;
    const before = (await old.getExportableCredentials()).accessKeyId;
    const lease = old.retain();
    await h.manager.useProfile('static');
    assert.equal(old.isDisposed, false);
    assert.equal(h.clock.pending.length, 0, 'no renewal timer: the active identity (static keys) has none, the replaced one no longer');
    h.counter.reset();
    await h.clock.advance(61 * MIN);
    assert.deepEqual(h.counter.byOperation(), {}, 'no renewal by timer for a session that is no longer active');
    // The terminal asks after the expiry: renewed then.
    const renewed = await old.getExportableCredentials();
    assert.ok(renewed.sessionToken);
    assert.notEqual(renewed.accessKeyId, before, 'renewed on demand');
    assert.deepEqual(h.counter.byOperation(), { AssumeRole: 1 });
    lease.dispose();
    lease.dispose();
    assert.equal(old.isDisposed, true);
    assert.equal(h.clock.pending.length, 0);
  });

  it('leaving an MFA identity a terminal still holds: no MFA prompt on the old session\'s schedule, one when the terminal asks after expiry', async () => {
    await h.manager.useProfile('role-mfa');
    const old = h.manager.session!;
    const lease = old.retain();
    await h.manager.useProfile('static');
    const prompts = h.prompts.length;
    // Nothing left to fire: the MFA role's renewal timer stopped when it stopped being active.
    assert.equal(h.clock.pending.length, 0, 'the identity left behind still has a renewal timer, which asks for an MFA code when it fires');
    h.counter.reset();
    // Past the advisory (45 min) and mandatory renewal points and the expiry: nobody asked.
    await h.clock.advance(61 * MIN);
    assert.equal(h.prompts.length, prompts, `the identity left behind asked for an MFA code by itself: ${JSON.stringify(h.prompts.slice(prompts))}`);
    assert.deepEqual(h.counter.byOperation(), {}, 'no STS call for the identity left behind');
    // The terminal asks: the code is asked for then, and the terminal gets renewed credentials.
    const renewed = await old.getExportableCredentials();
    assert.ok(renewed.expiration!.getTime() > h.clock.now(), 'renewed credentials');
    assert.equal(h.prompts.length, prompts + 1, 'one prompt, when the credentials were asked for');
    assert.deepEqual(h.counter.byOperation(), { AssumeRole: 1 });
    lease.dispose();
    assert.equal(old.isDisposed, true);
  });
});
