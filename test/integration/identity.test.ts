/**
 * The profiles tree, the status bar, switching and the API, in the real extension host against
 * moto_server (AWS_ENDPOINT_URL_STS) and the fixture HOME the runner prepared.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { waitFor } from '../support/moto';
import type { AwsIdentityApi, Identity } from '../../src/api';
import { requestSwitch, userSwitch } from './access';
import { askUser, pickerTitled } from '../support/uiRequests';
import { testHook } from './testHooks';

const extensionId = 'aws-identity-switcher.aws-identity-switcher';

interface Inspection {
  status: { text: string; tooltip: string; severity: string };
  tree: { label: string; description: string; contextValue: string; icon?: string; command?: { command: string; arguments: number } }[];
}

async function api(): Promise<AwsIdentityApi> {
  const ext = vscode.extensions.getExtension<AwsIdentityApi>(extensionId);
  assert.ok(ext, `${extensionId} is not loaded`);
  return ext.activate();
}

const inspect = async (): Promise<Inspection> => testHook<Inspection>('inspect');
const row = (i: Inspection, name: string) => i.tree.find((r) => r.label === name);
/** The first inspection that satisfies `ready`, polled. */
async function inspectUntil(ready: (i: Inspection) => boolean, what: string): Promise<Inspection> {
  let last: Inspection | undefined;
  await waitFor(async () => ready((last = await inspect())), what, 20_000, 100);
  return last!;
}

describe('profiles, status bar and switching in the real VS Code', function () {
  this.timeout(60_000);
  let ext: AwsIdentityApi;

  before(async () => {
    ext = await api();
    await vscode.commands.executeCommand('awsIdentity.clearIdentity');
  });

  /** Presses Enter in whatever picker or input box is up, as a user keeping the defaults would, until the Deployer role is active. */
  const pressEnterUntilDeployer = (what: string, timeoutMs: number, intervalMs: number): Promise<void> =>
    waitFor(
      async () => {
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        return /Deployer/.test(ext.getActiveIdentity()?.arn ?? '');
      },
      what,
      timeoutMs,
      intervalMs,
    );

  it('lists every fixture profile with its kind; invalid ones with their reason', async () => {
    const profiles = await ext.listProfiles();
    const byName = new Map(profiles.map((p) => [p.name, p]));
    for (const name of ['default', 'dev', 'no-region', 'ops-admin', 'audit-readonly', 'mfa-admin', 'broken-source', 'broken-arn', 'ci-bot']) {
      assert.ok(byName.has(name), `profile ${name} is missing from listProfiles()`);
    }
    assert.equal(byName.get('dev')?.kind, 'static');
    assert.equal(byName.get('ops-admin')?.kind, 'sourceProfile');
    assert.equal(byName.get('ops-admin')?.roleArn, 'arn:aws:iam::123456789012:role/OpsAdmin');
    assert.equal(byName.get('ops-admin')?.sourceProfile, 'dev');
    assert.equal(byName.get('mfa-admin')?.mfaSerial, 'arn:aws:iam::123456789012:mfa/fixture-user');
    assert.match(byName.get('broken-source')?.problem ?? '', /does-not-exist/);
    assert.match(byName.get('broken-arn')?.problem ?? '', /role_arn/);
    assert.equal(byName.get('dev')?.problem, undefined);
    for (const p of profiles) assert.doesNotMatch(JSON.stringify(p), /EXAMPLEKEY/, `a secret leaked into ProfileInfo of ${p.name}`);
  });

  it('shows the tree: kind and region in the description, the reason on invalid rows', async () => {
    const i = await inspect();
    assert.match(row(i, 'dev')?.description ?? '', /static keys · eu-west-1/);
    assert.match(row(i, 'no-region')?.description ?? '', /us-east-1 \(default\)/);
    assert.match(row(i, 'ops-admin')?.description ?? '', /role via source_profile/);
    assert.match(row(i, 'broken-source')?.description ?? '', /^⚠ .*does-not-exist/);
    assert.equal(row(i, 'broken-source')?.contextValue, 'awsIdentity.profile.invalid');
    assert.ok(!i.tree.some((r) => /EXAMPLEKEY/.test(JSON.stringify(r))), 'a secret is shown in the tree');
  });

  it('clicking a profile (its command) makes it the active identity: status bar, tree and API agree', async () => {
    const changed = new Promise<Identity | undefined>((resolve) => {
      const sub = ext.onDidChangeIdentity((id) => {
        if (id) {
          sub.dispose();
          resolve(id);
        }
      });
    });
    await requestSwitch('dev');
    const identity = await changed;
    assert.ok(identity);
    assert.match(identity.arn, /^arn:aws:(iam|sts)::123456789012:/);
    assert.equal(identity.account, '123456789012');
    assert.equal(identity.region, 'eu-west-1');
    assert.deepEqual(ext.getActiveIdentity()?.arn, identity.arn);
    const i = await inspect();
    assert.equal(i.status.text, `$(cloud) ${identity.name} (123456789012)`);
    assert.match(i.status.tooltip, /eu\\-west\\-1/);
    assert.equal(row(i, 'dev')?.contextValue, 'awsIdentity.profile.usable.active');
    // Another extension gets copies: changing one changes nothing the extension uses.
    (ext.getActiveIdentity() as { region: string }).region = 'mars-north-1';
    (identity as { region: string }).region = 'mars-north-1';
    assert.equal(ext.getActiveIdentity()?.region, 'eu-west-1');
    // getCredentials() needs the user's consent in VS Code's modal, which VS Code refuses to show
    // in extension tests: the e2e flow "api-consent" clicks "Allow" and checks the credentials.
  });

  it('switches through a source_profile chain of two hops', async () => {
    const identity = await userSwitch('audit-readonly');
    assert.match(identity.arn, /:assumed-role\/AuditReadOnly\//);
    assert.equal(identity.account, '210987654321');
    assert.ok(identity.expiration && identity.expiration.getTime() > Date.now(), 'an assumed role has an expiry');
    const i = await inspect();
    assert.match(i.status.text, /AuditReadOnly \(210987654321\)/);
    assert.match(i.status.tooltip, /Expires: /);
  });

  it('a switch asked by anything but the user\'s click waits for the user: a name asks first, a node-shaped object is not taken', async () => {
    const before = await userSwitch('ops-admin');
    // A profile name, as another extension or a link would pass it: Cancel leaves the identity.
    assert.equal(await requestSwitch('dev', 'Cancel'), undefined);
    assert.equal(ext.getActiveIdentity()?.arn, before.arn, 'a declined request must not switch');
    // An object shaped like the view's node, made elsewhere: ignored, so the command falls back to
    // the profile picker, where the user decides (Escape here).
    const forged = { type: 'profile', profile: { name: 'dev', kind: 'static', definedIn: [] } };
    const escaped = askUser({ action: 'type', text: '', press: 'Escape', whenVisible: pickerTitled('Switch to AWS profile') });
    const result = vscode.commands.executeCommand('awsIdentity.useProfile', forged);
    await escaped;
    assert.equal(await result, undefined);
    assert.equal(ext.getActiveIdentity()?.arn, before.arn, 'a forged node must not switch');
  });

  it('a failed switch keeps the previous identity and shows the error state with the reason', async () => {
    const before = await userSwitch('ops-admin');
    assert.equal(await requestSwitch('broken-source'), undefined, 'the switch to broken-source should fail');
    assert.equal(ext.getActiveIdentity()?.arn, before.arn, 'the previous identity must stay active');
    const i = await inspect();
    assert.equal(i.status.severity, 'error');
    assert.match(i.status.text, /OpsAdmin/);
    assert.match(i.status.tooltip, /does\\-not\\-exist|does-not-exist/);
  });

  it('an unknown profile name is refused with the cause and the next step', async () => {
    assert.equal(await requestSwitch('no-such-profile'), undefined);
    const { tooltip } = (await inspect()).status;
    assert.match(tooltip, /no\\?-such\\?-profile/);
    assert.match(tooltip, /config/i);
  });

  it('the palette flow: "Assume Role…" with the role ARN typed; the status bar shows it', async () => {
    await userSwitch('dev');
    const running = vscode.commands.executeCommand('awsIdentity.assumeRole');
    // The user types the role, as a person would, and presses Enter (the runner types it). It is
    // then among the recently used roles, which the next test accepts with Enter.
    await askUser({ action: 'type', text: 'arn:aws:iam::123456789012:role/Deployer', press: 'Enter', whenVisible: '.quick-input-widget .quick-input-box input' });
    await pressEnterUntilDeployer('the Assume Role picker to accept the typed role', 20_000, 200);
    await running;
    assert.match((await inspect()).status.text, /Deployer/);
  });

  it('"Assume Role with Options…": every picker and input box answered with Enter, ending on the assumed role', async () => {
    await userSwitch('dev');
    const running = vscode.commands.executeCommand('awsIdentity.assumeRoleWithOptions');
    // Role (recent: Deployer), source (the active identity), session name, duration, external ID
    // and MFA device: each accepts its default with Enter, as a user keeping the defaults would.
    await pressEnterUntilDeployer('the options flow to finish', 30_000, 150);
    await running;
    const identity = ext.getActiveIdentity();
    assert.ok(identity && identity.source.type === 'assumedRole');
    assert.match(identity.arn, /assumed-role\/Deployer\/vscode-/, 'the default session name vscode-<user> was used');
    assert.match((await inspect()).status.text, /Deployer \(123456789012\)/);
  });

  it('context actions: open the profile\'s section in its file, copy its name', async () => {
    const profile = (await ext.listProfiles()).find((p) => p.name === 'ops-admin');
    assert.ok(profile);
    await vscode.commands.executeCommand('awsIdentity.openProfileSource', { type: 'profile', profile });
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'no editor opened');
    assert.equal(editor.document.uri.fsPath, process.env.AWS_CONFIG_FILE);
    assert.equal(editor.document.lineAt(editor.selection.active.line).text.trim(), '[profile ops-admin]');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await vscode.commands.executeCommand('awsIdentity.copyProfileName', { type: 'profile', profile });
    assert.equal(await vscode.env.clipboard.readText(), 'ops-admin');
  });

  it('deleting and rewriting the config file while an identity is active keeps that identity working', async () => {
    const configFile = process.env.AWS_CONFIG_FILE!;
    const original = fs.readFileSync(configFile, 'utf8');
    const active = await userSwitch('ops-admin');
    try {
      fs.rmSync(configFile);
      await waitFor(async () => !(await ext.listProfiles()).some((p) => p.name === 'ops-admin'), 'the tree to drop the deleted profiles', 20_000, 100);
      assert.equal(ext.getActiveIdentity()?.arn, active.arn);
      fs.writeFileSync(configFile, '[profile ops-admin]\nthis line is not ini = [\n');
      await waitFor(async () => (await ext.listProfiles()).some((p) => p.name === 'ops-admin'), 'the rewritten file to be read', 20_000, 100);
      assert.equal(ext.getActiveIdentity()?.arn, active.arn);
    } finally {
      fs.writeFileSync(configFile, original);
    }
    await waitFor(async () => (await ext.listProfiles()).some((p) => p.name === 'audit-readonly'), 'the restored file to be read', 20_000, 100);
  });

  it('clearing the identity empties the status bar and the API', async () => {
    await vscode.commands.executeCommand('awsIdentity.clearIdentity');
    assert.equal(ext.getActiveIdentity(), undefined);
    assert.equal((await inspect()).status.text, '$(cloud) AWS: no identity');
  });

  it('edits to the config file refresh the tree without a reload (create, change, delete)', async () => {
    const configFile = process.env.AWS_CONFIG_FILE!;
    const original = fs.readFileSync(configFile, 'utf8');
    try {
      fs.appendFileSync(configFile, '\n[profile added-later]\nregion = ap-southeast-2\n');
      await waitFor(async () => (await ext.listProfiles()).some((p) => p.name === 'added-later'), 'the new profile to appear', 20_000, 100);
      await waitFor(async () => /ap-southeast-2/.test(row(await inspect(), 'added-later')?.description ?? ''), 'the tree to show the new profile', 20_000, 100);
      fs.rmSync(configFile);
      await waitFor(async () => !(await ext.listProfiles()).some((p) => p.name === 'ops-admin'), 'the deleted file to empty config profiles', 20_000, 100);
    } finally {
      fs.writeFileSync(configFile, original);
    }
    await waitFor(async () => (await ext.listProfiles()).some((p) => p.name === 'ops-admin'), 'the recreated file to be read', 20_000, 100);
  });

  it('a large config lists its first 500 profiles and a "Show all" row that lists the rest', async () => {
    const configFile = process.env.AWS_CONFIG_FILE!;
    const original = fs.readFileSync(configFile, 'utf8');
    const added = 700;
    const bulk = Array.from({ length: added }, (_, i) => `[profile bulk-${String(i).padStart(4, '0')}]\nregion = eu-north-1\n`).join('');
    try {
      fs.appendFileSync(configFile, `\n${bulk}`);
      await waitFor(async () => (await ext.listProfiles()).some((p) => p.name === 'bulk-0699'), 'the added profiles to be read', 20_000, 100);
      const total = (await ext.listProfiles()).length;
      assert.ok(total > 500 + 10, `expected over 510 profiles, got ${total}`);
      const first = await inspectUntil((i) => i.tree.some((r) => r.contextValue === 'awsIdentity.moreProfiles'), 'the tree to show the "Show all" row');
      const profileRows = first.tree.filter((r) => r.contextValue.startsWith('awsIdentity.profile.'));
      assert.equal(profileRows.length, 500, 'the first level lists 500 profiles');
      const more = first.tree[first.tree.length - 1]!;
      assert.equal(more.contextValue, 'awsIdentity.moreProfiles', 'the "Show all" row comes last');
      assert.equal(more.label, `Show all ${total.toLocaleString('en-US')} profiles`);
      assert.equal(more.description, `${(total - 500).toLocaleString('en-US')} more`);
      assert.equal(row(first, 'bulk-0699'), undefined, 'the last profile is not listed yet');

      // What clicking the row runs.
      assert.ok(more.command, 'the "Show all" row has no command');
      await vscode.commands.executeCommand(more.command.command);
      const all = await inspectUntil((i) => row(i, 'bulk-0699') !== undefined, 'the tree to list every profile');
      assert.equal(all.tree.filter((r) => r.contextValue.startsWith('awsIdentity.profile.')).length, total);
      assert.ok(!all.tree.some((r) => r.contextValue === 'awsIdentity.moreProfiles'), 'the "Show all" row is still there');
      assert.match(row(all, 'bulk-0699')!.description, /eu-north-1/);
    } finally {
      fs.writeFileSync(configFile, original);
    }
    await waitFor(async () => !(await ext.listProfiles()).some((p) => p.name === 'bulk-0000'), 'the restored file to be read', 20_000, 100);
  });
});
