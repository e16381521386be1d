/**
 * A switch the user replaced by a newer one before it finished: the newer one applies, and the
 * older one's command returns nothing. The older switch is held in its credential_process, which
 * answers only when the test releases it. (That the older one shows no error notification,
 * reportFailure in src/vscode/commands/context.ts, is not checked here: this workbench rendered
 * no notification toast at all, not even a test's own showErrorMessage.)
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AwsIdentityApi, Identity } from '../../src/api';
import { waitFor } from '../support/moto';
import { answerSwitchConfirmation, userSwitch } from './access';

const extensionId = 'aws-identity-switcher.aws-identity-switcher';

describe('a switch replaced by a newer one, in the real VS Code', function () {
  this.timeout(60_000);
  let ext: AwsIdentityApi;
  let dir: string;
  let configFile: string;
  let original: string;
  let started: string;
  let release: string;

  before(async () => {
    const extension = vscode.extensions.getExtension<AwsIdentityApi>(extensionId);
    assert.ok(extension, `${extensionId} is not loaded`);
    ext = await extension.activate();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ais-supersede-'));
    started = path.join(dir, 'started');
    release = path.join(dir, 'release');
    const script = path.join(dir, 'held-credentials.js');
    // Says it runs, then waits for the test's go (a file) before printing keys moto accepts.
    fs.writeFileSync(
      script,
      `const fs = require('fs');\nfs.writeFileSync(${JSON.stringify(started)}, '');\n` +
        `const t = setInterval(() => { if (!fs.existsSync(${JSON.stringify(release)})) return; clearInterval(t);\n` +
        `  process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: 'AKIAIOSFODNN7EXAMPLE', SecretAccessKey: 'held-process-secret-EXAMPLE' })); }, 20);\n`,
    );
    configFile = process.env.AWS_CONFIG_FILE!;
    original = fs.readFileSync(configFile, 'utf8');
    fs.writeFileSync(configFile, `${original}\n[profile held-process]\ncredential_process = "${process.execPath}" "${script}"\n`);
    await waitFor(async () => (await ext.listProfiles()).some((p) => p.name === 'held-process' && !p.problem), 'the held-process profile to be listed as usable', 20_000, 100);
  });
  after(async () => {
    fs.writeFileSync(configFile, original);
    fs.rmSync(dir, { recursive: true, force: true });
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('awsIdentity.clearIdentity');
  });

  it('the newer switch applies, and the replaced one returns no identity', async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
    const confirmed = answerSwitchConfirmation();
    const replaced = vscode.commands.executeCommand<Identity | undefined>('awsIdentity.useProfile', 'held-process');
    assert.ok((await confirmed).ok, 'the switch confirmation was not answered');
    await waitFor(async () => fs.existsSync(started), 'the held switch to run its credential_process', 20_000, 50);
    const newer = await userSwitch('dev');
    fs.writeFileSync(release, '');
    assert.equal(await replaced, undefined, 'the replaced switch returns no identity');
    assert.equal(ext.getActiveIdentity()?.arn, newer.arn, 'the newer switch stays active');
  });
});
