/** Importing src/sso loads no AWS SDK module: the SSO clients are required on the first call. */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const outRoot = path.resolve(__dirname, '..', '..');

describe('sso lazy SDK loading', () => {
  it('requiring src/sso/index loads no @aws-sdk or @smithy module; loadSsoSdk then does', () => {
    const script = `
      const sso = require(${JSON.stringify(path.join(outRoot, 'src/sso/index.js'))});
      const count = () => Object.keys(require.cache).filter((k) => k.includes('@aws-sdk') || k.includes('@smithy')).length;
      const before = { loaded: count(), flag: sso.isSsoSdkLoaded() };
      require(${JSON.stringify(path.join(outRoot, 'src/sso/ssoSdkLoader.js'))}).loadSsoSdk();
      console.log(JSON.stringify({ before, after: count() > 0 && sso.isSsoSdkLoaded() }));
    `;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as unknown;
    assert.deepEqual(out, { before: { loaded: 0, flag: false }, after: true });
  });
});
