/**
 * The API's consent gate and "Open in Config File" on a file with secrets, in the real VS Code.
 *
 * Credentials and switches need the session of the `awsIdentity` authentication provider, which
 * VS Code gives an extension only after the user allowed it in VS Code's own modal. VS Code
 * refuses to show that modal in extension tests, so here: every way of calling without consent is
 * refused. The consent itself ("Allow" clicked, credentials returned, an API switch announced and
 * not remembered) is the e2e flow test/e2e/apiConsent.ts, with a real consumer extension.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AwsIdentityApi, ProfileInfo } from '../../src/api';
import { AUTH_PROVIDER, requestSwitch, userSwitch } from './access';

const extensionId = 'aws-identity-switcher.aws-identity-switcher';
const REFUSAL = /only to extensions the user has allowed.*vscode\.authentication\.getSession\('awsIdentity', \[\], \{ createIfNone: true \}\)/s;


/** Every secret value of the fixture credentials file (the values after aws_secret_access_key). */
function fixtureSecrets(): string[] {
  const text = fs.readFileSync(process.env.AWS_SHARED_CREDENTIALS_FILE!, 'utf8');
  const secrets = [...text.matchAll(/^\s*aws_secret_access_key\s*=\s*(\S+)/gm)].map((m) => m[1]!);
  assert.ok(secrets.length >= 3, 'the fixture credentials file should hold secret keys');
  return secrets;
}

describe('api consent: other extensions get credentials and switch only with the user\'s consent', function () {
  this.timeout(60_000);
  let api: AwsIdentityApi;

  before(async () => {
    const ext = vscode.extensions.getExtension<AwsIdentityApi>(extensionId);
    assert.ok(ext, `${extensionId} is not loaded`);
    api = await ext.activate();
    assert.equal(api.apiVersion, 2);
    assert.equal(api.authenticationProviderId, AUTH_PROVIDER);
    await userSwitch('dev');
  });

  it('without a session, getCredentials is refused with a message naming getSession; forged and v1-style calls too', async () => {
    const noSession = api.getCredentials as (access?: unknown) => Promise<unknown>;
    await assert.rejects(noSession(), (e: Error) => REFUSAL.test(e.message) && e.name === 'AwsIdentityAccessError');
    await assert.rejects(api.getCredentials({ accessToken: 'forged-token-0000000000000000000000000000000' }), REFUSAL);
    await assert.rejects(api.getCredentials({ accessToken: '' }), REFUSAL);
  });

  it('without a session, switches are refused and the identity stays', async () => {
    const before = api.getActiveIdentity();
    assert.ok(before);
    const v1UseProfile = api.useProfile as unknown as (name: string) => Promise<unknown>;
    await assert.rejects(v1UseProfile('ops-admin'), REFUSAL);
    await assert.rejects(api.assumeRole({ accessToken: 'nope' }, 'arn:aws:iam::123456789012:role/Deployer'), REFUSAL);
    assert.equal(api.getActiveIdentity()?.arn, before.arn);
  });

  it('the API object is frozen, and an identity a command returns is a copy: changing either changes nothing', async () => {
    assert.ok(Object.isFrozen(api), 'every extension gets this one object: none may replace its methods');
    assert.throws(() => {
      (api as { getActiveIdentity: unknown }).getActiveIdentity = () => undefined;
    }, TypeError);
    const returned = await requestSwitch('dev');
    assert.ok(returned);
    const region = api.getActiveIdentity()?.region;
    (returned as { region: string }).region = 'eu-west-9';
    (returned as { arn: string }).arn = 'arn:aws:iam::000000000000:user/someone-else';
    assert.equal(api.getActiveIdentity()?.region, region);
    assert.match(api.getActiveIdentity()?.arn ?? '', /^arn:aws:(?!iam::000000000000)/);
  });

  it('the non-secret reads stay open: profiles, the active identity', async () => {
    assert.ok((await api.listProfiles()).some((p) => p.name === 'dev'));
    assert.match(api.getActiveIdentity()?.arn ?? '', /^arn:aws:/);
  });

  it('before consent VS Code gives no session: silently none, and createIfNone needs the user (refused in tests)', async () => {
    assert.equal(await vscode.authentication.getSession(AUTH_PROVIDER, [], { silent: true }), undefined, 'a session without consent');
    // VS Code asks the user in a modal, which it refuses to show in extension tests: the request
    // fails, naming the prompt it would have shown (the e2e flow "api-consent" clicks it).
    await assert.rejects(Promise.resolve(vscode.authentication.getSession(AUTH_PROVIDER, [], { createIfNone: true })), /AWS Identity Switcher.*wants to sign in using AWS Identity/);
    assert.equal(await vscode.authentication.getSession(AUTH_PROVIDER, [], { silent: true }), undefined);
  });
});

describe('api consent: "Open in Config File" never puts a secret into an open document', function () {
  this.timeout(60_000);

  it('a profile defined in the credentials file opens masked and read-only at its section', async () => {
    const credentialsFile = process.env.AWS_SHARED_CREDENTIALS_FILE!;
    const dev = (await (await vscode.extensions.getExtension<AwsIdentityApi>(extensionId)!.activate()).listProfiles()).find((p) => p.name === 'dev');
    assert.ok(dev);
    const line = fs.readFileSync(credentialsFile, 'utf8').split('\n').findIndex((l) => l.trim() === '[dev]');
    // The tree node of a profile whose section is in the credentials file.
    const profile: ProfileInfo = { ...dev, definedIn: [{ file: credentialsFile, line }] };
    await vscode.commands.executeCommand('awsIdentity.openProfileSource', { type: 'profile', profile });

    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'no editor opened');
    assert.equal(editor.document.uri.scheme, 'aws-identity-masked');
    assert.equal(editor.document.uri.path, vscode.Uri.file(credentialsFile).path);
    assert.equal(editor.document.lineAt(editor.selection.active.line).text.trim(), '[dev]');
    assert.match(editor.document.getText(), /^aws_secret_access_key = •+$/m);
    assert.match(editor.document.getText(), /aws_access_key_id = AKIAI44QH8DHBEXAMPLE/, 'key ids stay readable');
    for (const doc of vscode.workspace.textDocuments) {
      for (const secret of fixtureSecrets()) assert.ok(!doc.getText().includes(secret), `${doc.uri.toString()} holds a secret of the credentials file`);
    }
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.scheme === 'file' && d.uri.fsPath === credentialsFile), 'the real credentials file was opened');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('a node another extension made up opens no file of its choosing: only where the profile is defined', async () => {
    const other = path.join(os.tmpdir(), `ais-not-a-profile-${process.pid}.txt`);
    fs.writeFileSync(other, 'private notes\n');
    const isOther = (d: vscode.TextDocument): boolean => d.uri.path === vscode.Uri.file(other).path;
    try {
      const dev = (await (await vscode.extensions.getExtension<AwsIdentityApi>(extensionId)!.activate()).listProfiles()).find((p) => p.name === 'dev');
      assert.ok(dev);
      await vscode.commands.executeCommand('awsIdentity.openProfileSource', { type: 'profile', profile: { ...dev, definedIn: [{ file: other, line: 0 }] } });
      assert.ok(!vscode.workspace.textDocuments.some(isOther), 'the made-up file was opened');
      assert.match(vscode.window.activeTextEditor?.document.uri.path ?? '', /\/(config|credentials)$/, "dev's own definition opens instead");
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      // Not a profile of the config, and not even a profile: refused with a message, no exception.
      await vscode.commands.executeCommand('awsIdentity.openProfileSource', { type: 'profile', profile: { name: 'not-in-config', definedIn: [{ file: other, line: 0 }] } });
      await vscode.commands.executeCommand('awsIdentity.openProfileSource', { type: 'profile', profile: {} });
      assert.ok(!vscode.workspace.textDocuments.some(isOther), 'the made-up file was opened');
    } finally {
      fs.rmSync(other, { force: true });
      await vscode.commands.executeCommand('notifications.clearAll');
    }
  });

  it('the masked scheme shows only the two shared files', async () => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file('/etc/hostname').with({ scheme: 'aws-identity-masked' }));
    assert.match(doc.getText(), /^# Not shown/);
  });
});
