import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IssuedSecrets, scanForSecrets } from '../support/secretScan';

// The scanner is what proves "zero secrets on disk"; it must itself be shown to find them.
describe('test support: the secrets scan finds what it looks for', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ais-scan-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds issued secrets as UTF-8 and UTF-16 bytes, in nested and binary files', () => {
    const issued = new IssuedSecrets();
    issued.addFromStsXml('<Credentials><AccessKeyId>ASIAQQQQQQQQQEXAMPLE</AccessKeyId><SecretAccessKey>s3cr3tS3CR3Ts3cr3tS3CR3Ts3cr3tS3CR3T0000</SecretAccessKey><SessionToken>FQoGZXIvYXdzEXAMPLETOKENxxxxxxxxxx</SessionToken></Credentials>');
    assert.equal(issued.size, 3);
    fs.mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'a', 'b', 'state.vscdb'), Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from('xxASIAQQQQQQQQQEXAMPLEyy')]));
    fs.writeFileSync(path.join(dir, 'utf16.log'), Buffer.from('token FQoGZXIvYXdzEXAMPLETOKENxxxxxxxxxx', 'utf16le'));
    fs.writeFileSync(path.join(dir, 'clean.txt'), 'nothing here');
    const result = scanForSecrets([dir], issued);
    assert.equal(result.filesScanned, 3);
    assert.deepEqual(result.hits.map((h) => [path.basename(h.file), h.kind]).sort(), [
      ['state.vscdb', 'AccessKeyId'],
      ['utf16.log', 'SessionToken'],
    ]);
  });
});
