/**
 * Activation must not load the AWS SDK: importing the core and constructing the identity manager
 * leaves it unloaded; the first switch loads it. Checked in a fresh Node process, since this test
 * run has long loaded the SDK.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const outRoot = path.resolve(__dirname, '..', '..');

describe('lazy SDK loading', () => {
  it('importing the core and constructing IdentityManager loads no @aws-sdk module', () => {
    const script = `
      const { IdentityManager } = require(${JSON.stringify(path.join(outRoot, 'src/identity/identityManager.js'))});
      const { isSdkLoaded } = require(${JSON.stringify(path.join(outRoot, 'src/credentials/sdkLoader.js'))});
      const m = new IdentityManager({ logger: { info() {}, warn() {}, error() {} }, mfaCodeProvider: async () => '000000',
        snapshot: () => Promise.reject(new Error('no reading at activation')),
        defaultSessionName: () => 'x', defaultDurationSeconds: () => 3600 });
      const loaded = Object.keys(require.cache).filter((k) => k.includes('@aws-sdk') || k.includes('@smithy'));
      console.log(JSON.stringify({ loaded: loaded.length, flag: isSdkLoaded(), identity: m.identity === undefined }));
    `;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { loaded: number; flag: boolean; identity: boolean };
    assert.deepEqual(out, { loaded: 0, flag: false, identity: true });
  });
});
