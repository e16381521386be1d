/**
 * MFA codes from a YubiKey in the real VS Code: with awsIdentity.mfa.source = "ykman" the fixture's
 * mfa-admin profile (role with mfa_serial, moto accepts any six digits) switches with the code a
 * stand-in `ykman` prints, and no prompt appears. The stand-in is a script put first on this
 * extension host's PATH (the tests run in the same process as the extension); it answers only for
 * the MFA serial, as YubiKey Manager does for an OATH account of that name, and logs its argv.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AwsIdentityApi, Identity } from '../../src/api';
import { askUser, pickerTitled } from '../support/uiRequests';
import { answerSwitchConfirmation, userSwitch } from './access';

const extensionId = 'aws-identity-switcher.aws-identity-switcher';
const SERIAL = 'arn:aws:iam::123456789012:mfa/fixture-user';

describe('MFA codes from a YubiKey (stand-in ykman) in the real VS Code', function () {
  this.timeout(60_000);
  let dir: string;
  let argvLog: string;
  let originalPath: string | undefined;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ais-ykman-'));
    argvLog = path.join(dir, 'argv.log');
    fs.writeFileSync(
      path.join(dir, 'ykman'),
      `#!/bin/sh\nprintf '%s\\n' "$@" >> '${argvLog}'\nif [ "$1 $2 $3 $4 $5 $6" = "oath accounts code --single -- ${SERIAL}" ]; then echo 246810; exit 0; fi\necho "Error: No matching account found." >&2\nexit 1\n`,
      { mode: 0o755 },
    );
    originalPath = process.env.PATH;
    process.env.PATH = `${dir}${path.delimiter}${originalPath ?? ''}`;
    const ext = vscode.extensions.getExtension<AwsIdentityApi>(extensionId);
    assert.ok(ext, `${extensionId} is not loaded`);
    await ext.activate();
    await vscode.workspace.getConfiguration('awsIdentity').update('mfa.source', 'ykman', vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    process.env.PATH = originalPath;
    await vscode.workspace.getConfiguration('awsIdentity').update('mfa.source', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('awsIdentity').update('mfa.ykmanAccount', undefined, vscode.ConfigurationTarget.Global);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('an account the key does not have: the prompt appears instead, and the typed code switches', async () => {
    await vscode.workspace.getConfiguration('awsIdentity').update('mfa.ykmanAccount', 'not-on-the-key', vscode.ConfigurationTarget.Global);
    try {
      await userSwitch('dev');
      // The switch confirmation (a picker), then the MFA input box (placeholder 123456) once ykman failed.
      const confirmed = answerSwitchConfirmation();
      const result = vscode.commands.executeCommand<Identity | undefined>('awsIdentity.useProfile', 'mfa-admin');
      assert.ok((await confirmed).ok, 'the switch confirmation was not answered');
      const typed = await askUser({ action: 'type', text: '135790', press: 'Enter', whenVisible: '.quick-input-widget input[placeholder="123456"]' });
      assert.ok(typed.ok, `the MFA prompt did not appear after ykman failed: ${typed.detail}`);
      const identity = await result;
      assert.match(identity?.arn ?? '', /assumed-role\/MfaAdmin\//);
      assert.ok(fs.readFileSync(argvLog, 'utf8').split('\n').includes('not-on-the-key'), 'ykman was asked for the configured account first');
    } finally {
      await vscode.workspace.getConfiguration('awsIdentity').update('mfa.ykmanAccount', undefined, vscode.ConfigurationTarget.Global);
      fs.rmSync(argvLog, { force: true });
    }
  });

  it('"Assume Role with Options…": the MFA device typed there gets its code from ykman, without a code box', async () => {
    await userSwitch('dev');
    const result = vscode.commands.executeCommand<Identity | undefined>('awsIdentity.assumeRoleWithOptions');
    const answer = async (title: string, text: string): Promise<void> => {
      await askUser({ action: 'type', text, press: 'Enter', whenVisible: pickerTitled(title) });
    };
    await answer('Assume AWS role', 'arn:aws:iam::123456789012:role/MfaAdmin');
    await answer('Assume the role with which credentials?', '');
    await answer('Role session name', '');
    await answer('Session duration in seconds', '');
    await answer('External ID (optional)', '');
    // The last question: after it, an MFA code box would wait for ever and the test time out.
    await answer('MFA device ARN (optional)', SERIAL);
    const identity = await result;
    assert.match(identity?.arn ?? '', /^arn:aws:sts::123456789012:assumed-role\/MfaAdmin\//);
    assert.ok(fs.readFileSync(argvLog, 'utf8').split('\n').includes(SERIAL), 'ykman was asked for the MFA device typed in the options');
    fs.rmSync(argvLog, { force: true });
  });

  it('the MFA profile switches with the code from ykman, without a prompt', async () => {
    await userSwitch('dev');
    // userSwitch answers only the switch confirmation: an MFA input box would be left open and the
    // switch would never finish (the test then times out).
    const identity = await userSwitch('mfa-admin');
    assert.match(identity.arn, /^arn:aws:sts::123456789012:assumed-role\/MfaAdmin\//);
    const calls = fs.readFileSync(argvLog, 'utf8').trim().split('\n');
    assert.deepEqual(calls.slice(0, 6), ['oath', 'accounts', 'code', '--single', '--', SERIAL], 'ykman was asked for the MFA serial\'s account');
  });
});
