import * as assert from 'node:assert/strict';
import { forgetSecret, redact, rememberSecret, rememberSecrets } from '../../src/shared/redact';

describe('log redaction', () => {
  it('masks remembered secrets and anything shaped like an access key ID', () => {
    // A key ID that no test registers and that does not end in EXAMPLE (the shape rule lets
    // documentation keys through), built here so that no key-shaped string sits in the source.
    const unregisteredKeyId = `AKIA${'Z'.repeat(16)}`;
    rememberSecrets({ accessKeyId: 'ASIAQWERTYUIOEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz', sessionToken: 'FwoGZXIvYXdzEBYaDHVzsessiontoken' });
    const out = redact(`key ASIAQWERTYUIOEXAMPLE secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz token FwoGZXIvYXdzEBYaDHVzsessiontoken other ${unregisteredKeyId}`);
    assert.equal(out, 'key **** secret **** token **** other AKIA****');
  });
  it('leaves documentation example keys and ordinary text alone', () => {
    // A key no test registers as a secret (moto hands out AKIAIOSFODNN7EXAMPLE as a session key, so it is one).
    assert.equal(redact('AKIAUNUSEDKEYEXAMPLE in profile dev'), 'AKIAUNUSEDKEYEXAMPLE in profile dev');
  });
  it('keeps long-lived keys masked however many tokens come and go', () => {
    rememberSecrets({ accessKeyId: 'AKIALONGLIVEDEXAMPLE', secretAccessKey: 'long-lived-secret-of-an-iam-user' });
    // A long session: a token per terminal and per API rotation, then a renewal of some session.
    for (let i = 0; i < 600; i++) rememberSecret(`endpoint-or-api-token-${i}`);
    rememberSecrets({ accessKeyId: 'ASIARENEWEDKEYEXAMPLE', secretAccessKey: 'renewed-secret-value', sessionToken: 'renewed-session-token', expiration: new Date(Date.now() + 3600_000) });
    assert.equal(redact('s long-lived-secret-of-an-iam-user'), 's ****');
    assert.equal(redact('t endpoint-or-api-token-0'), 't ****');
  });
  it('forgets a secret its owner says is dead, and credentials an hour after they expire', () => {
    rememberSecret('revoked-endpoint-token');
    forgetSecret('revoked-endpoint-token');
    assert.equal(redact('revoked-endpoint-token'), 'revoked-endpoint-token');
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    rememberSecrets({ accessKeyId: 'ASIAEXPIRINGKEXAMPLE', secretAccessKey: 'expiring-secret-value', expiration: new Date(t0) }, t0 - 60_000);
    rememberSecret('unrelated-later-token', undefined, t0 + 59 * 60_000);
    assert.equal(redact('expiring-secret-value'), '****', 'still masked within the hour after expiry');
    rememberSecret('another-later-token', undefined, t0 + 61 * 60_000);
    assert.equal(redact('expiring-secret-value'), 'expiring-secret-value', 'dropped once that hour is over');
  });
});
