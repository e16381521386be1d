/**
 * Opening a repository must not be able to switch the user's credentials: every setting that
 * chooses an identity, a role, a region or how credentials reach terminals is machine-scoped,
 * so VS Code ignores it in a workspace's .vscode/settings.json.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { waitFor } from '../support/moto';

const extensionId = 'aws-identity-switcher.aws-identity-switcher';

describe('workspace settings cannot choose credentials', function () {
  this.timeout(30_000);
  let settingsFile: string;

  before(() => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder, 'the integration run must open a workspace folder');
    assert.ok(path.resolve(folder).startsWith(path.resolve(os.tmpdir())), `refusing to write settings into ${folder}: the runner must open a temporary copy of the fixture workspace`);
    settingsFile = path.join(folder, '.vscode', 'settings.json');
  });
  after(() => fs.rmSync(path.dirname(settingsFile), { recursive: true, force: true }));

  it('declares every setting machine- or application-scoped, and untrusted-workspace support honestly', () => {
    const pkg = vscode.extensions.getExtension(extensionId)?.packageJSON as {
      contributes: { configuration: { properties: Record<string, { scope?: string }> } };
      capabilities: { untrustedWorkspaces: { supported: boolean | string } };
    };
    const props = Object.entries(pkg.contributes.configuration.properties);
    assert.ok(props.length >= 5);
    for (const [key, def] of props) assert.ok(def.scope === 'machine' || def.scope === 'application', `${key} has scope ${def.scope ?? 'window (default)'}`);
    // Safe in an untrusted workspace: it reads nothing from the workspace and no workspace setting applies.
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, true);
  });

  it('ignores a workspace .vscode/settings.json that tries to change them', async () => {
    const before = vscode.workspace.getConfiguration('awsIdentity');
    const original = {
      mode: before.get('terminal.credentials'),
      region: before.get('defaultRegion'),
      session: before.get('assumeRole.sessionName'),
      duration: before.get('assumeRole.durationSeconds'),
    };
    fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
    fs.writeFileSync(
      settingsFile,
      JSON.stringify({
        'editor.tabSize': 7, // a window-scoped setting: proves VS Code read this file
        'awsIdentity.terminal.credentials': 'off',
        'awsIdentity.defaultRegion': 'ap-east-1',
        'awsIdentity.assumeRole.sessionName': 'attacker-chosen',
        'awsIdentity.assumeRole.durationSeconds': 43200,
      }),
    );
    await waitFor(() => vscode.workspace.getConfiguration('editor').get('tabSize') === 7, 'VS Code to read the workspace settings', 20_000, 100);
    const after = vscode.workspace.getConfiguration('awsIdentity');
    assert.deepEqual(
      { mode: after.get('terminal.credentials'), region: after.get('defaultRegion'), session: after.get('assumeRole.sessionName'), duration: after.get('assumeRole.durationSeconds') },
      original,
    );
  });
});
