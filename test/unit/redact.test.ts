import * as assert from 'node:assert/strict';
import { redact, rememberSecrets } from '../../src/shared/redact';

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
});
