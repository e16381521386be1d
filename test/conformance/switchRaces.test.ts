/**
 * Switches racing each other and other STS calls, end to end against moto: an STS request in
 * flight while another STS client finishes (a terminal asking for credentials during a switch),
 * and a switch that fails after a newer switch or Clear replaced it. The fault proxy holds chosen
 * STS requests until the test lets them go, so the races are not left to timing.
 */
import * as assert from 'node:assert/strict';
import { STS_FAULTS } from '../support/faultProxy';
import { EventLog } from '../support/events';
import { waitFor } from '../support/moto';
import { FAST, useIdentityHarness } from '../support/identityHarness';
import { failure } from '../support/expectFailure';
import { DEFAULT_STS_TUNING, assumeRole, getCallerIdentity } from '../../src/credentials/sts';
import type { IdentityState } from '../../src/identity/identityManager';

const STATIC_KEYS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

describe('Switch races (moto)', function () {
  this.timeout(30_000);
  const h = useIdentityHarness();
  /** Resolves once a request for `action` waits at the proxy. */
  const whenHeld = (action: string): Promise<void> => waitFor(() => h.proxy.holding && h.proxy.count(action) > 0, `a held ${action} request`, 10_000);

  it('an STS request in flight is not cut off when another STS call finishes meanwhile', async () => {
    h.proxy.hold('AssumeRole');
    const slow = assumeRole(STATIC_KEYS, { roleArn: 'arn:aws:iam::111122223333:role/Deploy', sessionName: 'slow' }, 'us-east-1', { tuning: FAST });
    await whenHeld('AssumeRole');
    await getCallerIdentity(STATIC_KEYS, 'us-east-1', { tuning: FAST });
    h.proxy.release();
    const assumed = await slow;
    assert.equal(assumed.arn, 'arn:aws:sts::111122223333:assumed-role/Deploy/slow');
    assert.deepEqual(h.counter.calls.filter((c) => c.errorCode !== undefined), [], 'no attempt was reset');
  });

  it('a switch to an MFA role while a terminal gets its credentials: it succeeds, and the one-time code reaches STS once', async () => {
    h.manager.dispose();
    // The extension's own retries: a reset request would be sent again, with the same code.
    h.manager = h.newManager({ stsTuning: DEFAULT_STS_TUNING });
    await h.manager.useProfile('static');
    h.proxy.hold('AssumeRole');
    const switching = h.manager.useProfile('role-mfa');
    await whenHeld('AssumeRole');
    // A terminal opened meanwhile: the static keys' temporary credentials (GetSessionToken).
    const forTerminal = await h.manager.getExportableCredentials();
    assert.ok(forTerminal.sessionToken);
    h.proxy.release();
    const id = await switching;
    assert.match(id.arn, /^arn:aws:sts::111122223333:assumed-role\/Secure\//);
    assert.equal(h.prompts.length, 1, 'the code was asked for once');
    assert.deepEqual(
      h.proxy.requests.filter((r) => r.action === 'AssumeRole').map((r) => r.tokenCode),
      ['123456'],
      'the code was presented once: STS refuses a code it has seen, so a second AssumeRole would fail as "did not accept the MFA code"',
    );
  });

  it('a switch replaced by a newer one, that fails afterwards, ends quietly as superseded: the newer identity stays', async () => {
    await h.manager.useProfile('static');
    let answer: ((code: string) => void) | undefined;
    h.answerMfa = () => new Promise<string>((resolve) => (answer = resolve));
    const states = new EventLog<IdentityState>(h.manager.onDidChangeState);
    // Assume Role from the active identity, waiting at the MFA prompt...
    const older = h.manager.assumeRole({ roleArn: '111122223333:Secure', mfaSerial: 'arn:aws:iam::123456789012:mfa/alice', source: { type: 'active' } });
    await waitFor(() => answer !== undefined, 'the MFA prompt');
    // ...while the user picks another profile, which replaces the identity the role was to come from.
    h.answerMfa = async () => '123456';
    const newer = await h.manager.useProfile('role');
    answer?.('123456');
    const e = await failure(older, 'superseded');
    assert.match(e.message, /^The switch to role Secure \(111122223333\) was not applied: it was replaced by a newer one before it finished; the newer one applies\.$/);
    assert.ok(e.cause, 'the original failure is kept');
    assert.ok(h.logger.lines.some((l) => /was not applied.*It ended with: The credentials for profile "static" were discarded/.test(l)), 'and logged');
    assert.equal(h.manager.identity?.arn, newer.arn);
    assert.equal(h.manager.state.status, 'active');
    assert.deepEqual(states.events.filter((s) => s.status === 'error'), []);
  });

  it('a switch overtaken by Clear, that fails afterwards, ends quietly as superseded: no identity', async () => {
    await h.manager.useProfile('static');
    let answer: ((code: string) => void) | undefined;
    h.answerMfa = () => new Promise<string>((resolve) => (answer = resolve));
    h.proxy.inject({ action: 'AssumeRole', reply: STS_FAULTS.wrongMfaCode });
    const older = h.manager.useProfile('role-mfa');
    await waitFor(() => answer !== undefined, 'the MFA prompt');
    h.manager.clear();
    answer?.('123456');
    const e = await failure(older, 'superseded');
    assert.match(e.message, /^The switch to profile "role-mfa" was not applied: the identity was cleared before it finished; no identity is active\.$/);
    assert.ok(h.logger.lines.some((l) => /It ended with: STS did not accept the MFA code/.test(l)), 'the failure is logged');
    assert.equal(h.manager.identity, undefined);
    assert.equal(h.manager.state.status, 'none');
  });
});
