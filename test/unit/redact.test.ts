import * as assert from 'node:assert/strict';
import { redact, rememberSecrets } from '../../src/util/redact';

describe('log redaction', () => {
  // AKIAZZZZ… must not end in EXAMPLE: it exercises the shape rule, which lets documentation keys through.
  it('masks remembered secrets and anything shaped like an access key ID', () => {
    rememberSecrets({ accessKeyId: 'ASIAQWERTYUIOEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz', sessionToken: 'FwoGZXIvYXdzEBYaDHVzsessiontoken' });
    const out = redact('key ASIAQWERTYUIOEXAMPLE secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz token FwoGZXIvYXdzEBYaDHVzsessiontoken other AKIAZZZZZZZZZZZZZZZZ');
    assert.equal(out, 'key **** secret **** token **** other AKIA****');
  });
  it('leaves documentation example keys and ordinary text alone', () => {
    // A key no test registers as a secret (moto hands out AKIAIOSFODNN7EXAMPLE as a session key, so it is one).
    assert.equal(redact('AKIAUNUSEDKEYEXAMPLE in profile dev'), 'AKIAUNUSEDKEYEXAMPLE in profile dev');
  });
});
