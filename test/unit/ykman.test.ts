/**
 * MFA codes from a YubiKey (src/credentials/ykman.ts) against a stand-in `ykman`: a shell script
 * on PATH that answers the way YubiKey Manager 5 does (the code alone on stdout with --single; its
 * error messages on stderr). Also the MFA code source in front of the prompt (mfaPrompt.ts) is
 * covered by the integration test, where it needs VS Code.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { YkmanError, ykmanArgs, ykmanCode } from '../../src/credentials/ykman';

const ACCOUNT = 'arn:aws:iam::123456789012:mfa/alice';

/** The stand-in: behaviour chosen by FAKE_YKMAN_MODE; it logs its argv (one per line) to FAKE_YKMAN_LOG. */
const STAND_IN = `#!/bin/sh
printf '%s\\n' "$@" > "$FAKE_YKMAN_LOG"
[ "$1 $2 $3 $4 $5" = "oath accounts code --single --" ] || { echo "Error: No such command." >&2; exit 2; }
case "$FAKE_YKMAN_MODE" in
  nokey) echo "ERROR: No YubiKey detected!" >&2; exit 1 ;;
  hang) echo "Touch your YubiKey..." >&2; exec sleep 30 ;;
  garbage) echo "not a code"; exit 0 ;;
  crash) echo "Error: something odd 654321 happened" >&2; exit 3 ;;
  password) printf 'Enter the password: '; echo "Aborted!" >&2; exit 1 ;;
esac
if [ "$6" = "${ACCOUNT}" ]; then echo "123456"; exit 0; fi
echo "Error: No matching account found." >&2
exit 1
`;

describe('ykman: MFA codes from a YubiKey', function () {
  this.timeout(10_000);
  let dir: string;
  let log: string;
  const env = (mode: string, withStandIn = true): NodeJS.ProcessEnv => ({
    PATH: withStandIn ? `${dir}:/usr/bin:/bin` : '/nonexistent',
    FAKE_YKMAN_MODE: mode,
    FAKE_YKMAN_LOG: log,
  });

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ais-ykman-'));
    log = path.join(dir, 'argv.log');
    fs.writeFileSync(path.join(dir, 'ykman'), STAND_IN, { mode: 0o755 });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('returns the code ykman prints for the account, which is one argument after --', async () => {
    assert.equal(await ykmanCode(ACCOUNT, { env: env('ok') }), '123456');
    assert.deepEqual(fs.readFileSync(log, 'utf8').trim().split('\n'), ['oath', 'accounts', 'code', '--single', '--', ACCOUNT]);
    assert.deepEqual(ykmanArgs('-x; rm -rf /'), ['oath', 'accounts', 'code', '--single', '--', '-x; rm -rf /']);
  });

  it('passes an account name with shell characters through untouched (no shell)', async () => {
    const odd = `it's "$HOME" $(id) ; |`;
    await assert.rejects(ykmanCode(odd, { env: env('ok') }), (e: YkmanError) => e.reason === 'unknownAccount');
    assert.equal(fs.readFileSync(log, 'utf8').trim().split('\n')[5], odd);
  });

  it('missing binary: says to install YubiKey Manager or set the source to prompt', async () => {
    await assert.rejects(ykmanCode(ACCOUNT, { env: env('ok', false) }), (e: YkmanError) => {
      assert.equal(e.reason, 'missing');
      assert.match(e.message, /^ykman \(YubiKey Manager\) was not found on PATH: install YubiKey Manager .* or set awsIdentity\.mfa\.source to "prompt"/);
      return true;
    });
  });

  it('no key inserted: says to insert the key', async () => {
    await assert.rejects(ykmanCode(ACCOUNT, { env: env('nokey') }), (e: YkmanError) => {
      assert.equal(e.reason, 'noKey');
      assert.match(e.message, /^ykman found no YubiKey: insert the key/);
      return true;
    });
  });

  it('unknown account: names the account and the setting to fix', async () => {
    await assert.rejects(ykmanCode('arn:aws:iam::123456789012:mfa/bob', { env: env('ok') }), (e: YkmanError) => {
      assert.equal(e.reason, 'unknownAccount');
      assert.match(e.message, /has no OATH account "arn:aws:iam::123456789012:mfa\/bob": set awsIdentity\.mfa\.ykmanAccount/);
      return true;
    });
  });

  it('timeout: the process is stopped and the message mentions the touch it waited for', async () => {
    const t0 = Date.now();
    await assert.rejects(ykmanCode(ACCOUNT, { env: env('hang'), timeoutMs: 500 }), (e: YkmanError) => {
      assert.equal(e.reason, 'timeout');
      assert.match(e.message, /^ykman gave no code within 1 s\. It was waiting for a touch/);
      return true;
    });
    assert.ok(Date.now() - t0 < 5_000);
  });

  it('a password-protected key: says how to remember the password', async () => {
    await assert.rejects(ykmanCode(ACCOUNT, { env: env('password') }), (e: YkmanError) => e.reason === 'password' && /ykman oath access remember/.test(e.message));
  });

  it('never echoes what ykman printed: odd stdout is not repeated, digits in stderr are masked', async () => {
    await assert.rejects(ykmanCode(ACCOUNT, { env: env('garbage') }), (e: YkmanError) => e.reason === 'badOutput' && !e.message.includes('not a code'));
    await assert.rejects(ykmanCode(ACCOUNT, { env: env('crash') }), (e: YkmanError) => {
      assert.equal(e.reason, 'failed');
      assert.match(e.message, /^ykman failed \(exit code 3\): Error: something odd \*{6} happened\./);
      return true;
    });
  });
});
