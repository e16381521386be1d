/**
 * Settings outside their documented range, as a user can write them in settings.json (VS Code
 * holds only its Settings editor to a setting's minimum and maximum): read back clamped.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Settings } from '../../src/vscode/settings';

describe('settings: values outside their range are clamped', () => {
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('awsIdentity');
  afterEach(async () => {
    await config().update('expiryWarningMinutes', undefined, vscode.ConfigurationTarget.Global);
    await config().update('assumeRole.durationSeconds', undefined, vscode.ConfigurationTarget.Global);
  });

  it('expiryWarningMinutes stays within 1 to 60 minutes', async () => {
    await config().update('expiryWarningMinutes', 1000, vscode.ConfigurationTarget.Global);
    assert.equal(new Settings().expiryWarningMinutes(), 60);
    await config().update('expiryWarningMinutes', 0, vscode.ConfigurationTarget.Global);
    assert.equal(new Settings().expiryWarningMinutes(), 1);
    await config().update('expiryWarningMinutes', undefined, vscode.ConfigurationTarget.Global);
    assert.equal(new Settings().expiryWarningMinutes(), 10);
  });

  it('assumeRole.durationSeconds stays within what STS accepts', async () => {
    await config().update('assumeRole.durationSeconds', 60, vscode.ConfigurationTarget.Global);
    assert.equal(new Settings().durationSeconds(), 900);
    await config().update('assumeRole.durationSeconds', 10 ** 6, vscode.ConfigurationTarget.Global);
    assert.equal(new Settings().durationSeconds(), 43_200);
  });
});
