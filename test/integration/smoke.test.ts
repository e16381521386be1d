/**
 * Smoke test in the real extension host: the right VS Code, our extension loads and activates
 * against the fixture HOME and the local STS, never against the real ~/.aws.
 */
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AwsIdentityApi } from '../../src/api';
import { requestSwitch } from './access';

const extensionId = 'aws-identity-switcher.aws-identity-switcher';

function ourExtension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(extensionId);
  assert.ok(
    ext,
    `Extension ${extensionId} is not loaded in this VS Code. Loaded non-built-in extensions: ` +
      `${vscode.extensions.all.filter((e) => !e.id.startsWith('vscode.') && !e.id.startsWith('ms-vscode.')).map((e) => e.id).join(', ') || 'none'}. ` +
      'Check that the runner passes the repository root as extensionDevelopmentPath and that dist/extension.js is built (npm run build).',
  );
  return ext;
}

describe('smoke: the extension in a real VS Code', () => {
  it('runs inside a real VS Code extension host', () => {
    assert.match(vscode.version, /^\d+\.\d+\.\d+/);
    assert.equal(vscode.env.uiKind === vscode.UIKind.Web || vscode.env.uiKind === vscode.UIKind.Desktop, true);
  });

  it('sees the fixture HOME and the local STS, not the user environment', () => {
    const fixtureHome = process.env.AIS_TEST_FIXTURE_HOME;
    assert.ok(fixtureHome, 'AIS_TEST_FIXTURE_HOME is not set: the runner must pass the fixture environment to VS Code.');
    assert.equal(os.homedir(), fixtureHome);
    assert.equal(process.env.AWS_CONFIG_FILE, path.join(fixtureHome, '.aws', 'config'));
    assert.equal(process.env.AWS_SHARED_CREDENTIALS_FILE, path.join(fixtureHome, '.aws', 'credentials'));
    assert.match(process.env.AWS_ENDPOINT_URL_STS ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    for (const leaked of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE']) {
      assert.equal(process.env[leaked], undefined, `${leaked} leaked into the extension host`);
    }
  });

  it('finds our extension where the runner put it, and activates it', async () => {
    const ext = ourExtension();
    const root = process.env.AIS_TEST_REPO_ROOT;
    if (process.env.AIS_TEST_EXTENSION_SOURCE === 'vsix') {
      assert.notEqual(ext.extensionPath, root, 'expected the installed .vsix, got the checkout');
      assert.match(ext.extensionPath, /[\\/]extensions[\\/]aws-identity-switcher\.aws-identity-switcher-/);
    } else if (root) {
      assert.equal(ext.extensionPath, root, 'expected this checkout as the extension under development');
    }
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('registers every command it contributes', async () => {
    const ext = ourExtension();
    await ext.activate();
    const contributed = ((ext.packageJSON as { contributes?: { commands?: { command: string }[] } }).contributes?.commands ?? []).map((c) => c.command);
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      contributed.filter((c) => !registered.has(c)),
      [],
      'contributed in package.json but not registered at activation',
    );
  });

  it('has its test hooks only when VS Code runs its tests, never as installed from the .vsix', async () => {
    await ourExtension().activate();
    const hooks = (await vscode.commands.getCommands(true)).filter((c) => c.startsWith('awsIdentity.internal.'));
    // The installed .vsix runs in production mode (the tests belong to a stub extension).
    if (process.env.AIS_TEST_EXTENSION_SOURCE === 'vsix') assert.deepEqual(hooks, [], 'a user would have these commands');
    else assert.ok(hooks.length >= 7, `the test hooks are missing (found ${hooks.join(', ') || 'none'})`);
  });

  it('exports its API (version 2, every method)', async () => {
    const api: unknown = await ourExtension().activate();
    assert.ok(
      typeof api === 'object' && api !== null,
      `activate() returned ${api === null ? 'null' : typeof api}; the extension should return its API object from activate().`,
    );
    const members = api as Record<string, unknown>;
    assert.equal(members.apiVersion, 2);
    assert.equal(members.authenticationProviderId, 'awsIdentity');
    for (const method of ['listProfiles', 'getActiveIdentity', 'useProfile', 'assumeRole', 'getCredentials']) {
      assert.equal(typeof members[method], 'function', `API method ${method} is missing`);
    }
    assert.equal(typeof members.onDidChangeIdentity, 'function', 'API event onDidChangeIdentity is missing');
  });

  // Loads the lazily required SDK bundle (dist/sdk.js) and reaches the local STS: in a run
  // against the packaged .vsix this is what proves the package ships everything it needs.
  it('switches to a static-keys profile through the local STS', async () => {
    const api = (await ourExtension().activate()) as AwsIdentityApi;
    try {
      // The user's path (the Profiles view's command): the API's switch needs the user's consent.
      const identity = await requestSwitch('dev');
      assert.ok(identity, 'the switch to "dev" failed; its notification and the "AWS Identity" log say why');
      assert.match(identity.arn, /^arn:aws:(iam|sts)::\d{12}:/);
      assert.equal(api.getActiveIdentity()?.arn, identity.arn);
    } finally {
      await vscode.commands.executeCommand('awsIdentity.clearIdentity');
    }
  });
});
