/**
 * IAM Identity Center in the real extension host: the sign-in node of an [sso-session] from the
 * token cache, signing in (the workbench's browser opens the fake's page, which approves), one
 * sign-in for two concurrent requests, the accounts and roles, Use Role, Save as Profile (the
 * config file only gains the new section) and Sign Out. The SSO services are the strict fake
 * (test/support/ssoFake.ts) started here, with role credentials from the runner's moto.
 */
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { waitFor } from '../support/moto';
import { MOTO_ACCOUNT } from '../support/motoIam';
import type { SsoFake } from '../support/ssoFake';
import { openSsoWindow, type SsoWindow } from './ssoWindow';
import type { SsoRowInspection } from '../../src/vscode/testHooks';
import { answerSwitchConfirmation } from './access';
import { testHook } from './testHooks';

const SESSION = 'itest';
const OTHER_ACCOUNT = '210987654321';

const ssoRows = async (): Promise<SsoRowInspection[]> => testHook<SsoRowInspection[]>('ssoTree');
const sessionRow = async (): Promise<SsoRowInspection | undefined> => (await ssoRows()).find((r) => r.label === SESSION);
const statusText = async (): Promise<string> => (await testHook<{ status: { text: string } }>('inspect')).status.text;

async function rowUntil(ready: (r: SsoRowInspection | undefined) => boolean, what: string, timeoutMs = 20_000): Promise<SsoRowInspection> {
  let last: SsoRowInspection | undefined;
  await waitFor(async () => ready((last = await sessionRow())), `${what} (last row: ${JSON.stringify(last && { label: last.label, description: last.description })})`, timeoutMs, 100);
  return last!;
}

async function setFlow(flow: 'auto' | 'browser' | 'deviceCode'): Promise<void> {
  await vscode.workspace.getConfiguration('awsIdentity').update('sso.signInFlow', flow, vscode.ConfigurationTarget.Global);
}

describe('IAM Identity Center in the real VS Code (fake IAM Identity Center, moto STS)', function () {
  this.timeout(90_000);
  let sso: SsoWindow;
  let fake: SsoFake;
  let configFile: string;

  before(async () => {
    sso = await openSsoWindow(
      [
        { accountId: MOTO_ACCOUNT, accountName: 'Sandbox Dev', emailAddress: 'dev@example.com', roles: ['SsoAdmin', 'SsoReadOnly'] },
        { accountId: OTHER_ACCOUNT, accountName: 'Prod Payments', emailAddress: 'payments@example.com', roles: ['SsoReadOnly'] },
      ],
      (f) => `\n[sso-session ${SESSION}]\nsso_start_url = ${f.startUrl}\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n`,
    );
    ({ fake, configFile } = sso);
  });

  after(async () => {
    await setFlow('auto');
    await sso?.close();
  });

  it('shows the [sso-session] as a signed-out sign-in node, from the cache alone', async () => {
    const row = await rowUntil((r) => r !== undefined, 'the sign-in node');
    assert.equal(row.description, 'signed out');
    assert.equal(row.contextValue, 'awsIdentity.sso.session.signedOut');
    assert.equal(Object.keys(fake.calls).length, 0, `no call to IAM Identity Center before signing in: ${JSON.stringify(fake.calls)}`);
  });

  it('signs in to no session another extension makes up: no call to IAM Identity Center', async () => {
    // Any extension can run the command with an object shaped like a sign-in node's target.
    const madeUp = { id: 'sso-session:made-up', label: 'made-up', startUrl: 'https://made-up.awsapps.com/start', region: 'eu-west-1', sessionName: 'made-up', profiles: [] };
    const made = { ...madeUp, session: { startUrl: madeUp.startUrl, region: madeUp.region, sessionName: madeUp.sessionName, registrationScopes: ['sso:account:access'] } };
    await setFlow('auto');
    await vscode.commands.executeCommand('awsIdentity.sso.signIn', made);
    await vscode.commands.executeCommand('awsIdentity.sso.signOut', { type: 'ssoSession', target: made });
    assert.equal(Object.keys(fake.calls).length, 0, `IAM Identity Center was called for a made-up session: ${JSON.stringify(fake.calls)}`);
    assert.equal((await sessionRow())?.description, 'signed out');
  });

  it('signs in with a device code (VS Code in a browser); two concurrent requests make one sign-in', async () => {
    // code-server is VS Code for the Web: "auto" picks the device code; the workbench's browser opens the fake's page, which approves.
    await setFlow('auto');
    const first = vscode.commands.executeCommand('awsIdentity.sso.signIn');
    const second = vscode.commands.executeCommand('awsIdentity.sso.signIn');
    await Promise.all([first, second]);
    const row = await rowUntil((r) => /^signed in until \d\d:\d\d$/.test(r?.description ?? ''), 'the node to say "signed in until HH:MM"', 60_000);
    assert.equal(row.contextValue, 'awsIdentity.sso.session.signedIn');
    assert.equal(fake.calls.StartDeviceAuthorization, 1, `one device authorization for two requests: ${JSON.stringify(fake.calls)}`);
    const cacheDir = path.join(process.env.AIS_TEST_FIXTURE_HOME!, '.aws', 'sso', 'cache');
    const tokens = fs.readdirSync(cacheDir).filter((f) => /^[0-9a-f]{40}\.json$/.test(f));
    assert.ok(tokens.length >= 1, `a token in the AWS CLI's cache: ${JSON.stringify(fs.readdirSync(cacheDir))}`);
    for (const f of tokens) assert.equal(fs.statSync(path.join(cacheDir, f)).mode & 0o777, 0o600);
  });

  it('lists the accounts (name, ID, email) and, expanded, their roles', async () => {
    const row = await rowUntil((r) => (r?.children.length ?? 0) >= 2, 'the accounts under the node');
    const accounts = row.children.map((c) => `${c.label} | ${c.description}`);
    assert.deepEqual(accounts, [`Prod Payments | ${OTHER_ACCOUNT} · payments@example.com`, `Sandbox Dev | ${MOTO_ACCOUNT} · dev@example.com`]);
    const dev = row.children.find((c) => c.label === 'Sandbox Dev')!;
    assert.deepEqual(dev.children.map((r) => r.label), ['SsoAdmin', 'SsoReadOnly']);
    assert.deepEqual(dev.children.map((r) => r.contextValue), ['awsIdentity.sso.role', 'awsIdentity.sso.role']);
    const calls = fake.calls.ListAccountRoles;
    await ssoRows();
    assert.equal(fake.calls.ListAccountRoles, calls, 'roles are cached for the window');
  });

  it("another session's unusable token file flags that session's row only, with the file and what to do", async () => {
    const original = fs.readFileSync(configFile);
    const cacheDir = path.join(process.env.AIS_TEST_FIXTURE_HOME!, '.aws', 'sso', 'cache');
    const badFile = path.join(cacheDir, `${crypto.createHash('sha1').update('broken').digest('hex')}.json`);
    // A time without a zone: botocore's token provider fails on it as well.
    fs.writeFileSync(badFile, JSON.stringify({ startUrl: 'https://broken.example/start', region: 'eu-west-1', accessToken: 'aoaBROKEN', expiresAt: '2099-01-01 00:00:00' }), { mode: 0o600 });
    fs.appendFileSync(configFile, '\n[sso-session broken]\nsso_start_url = https://broken.example/start\nsso_region = eu-west-1\n');
    try {
      let rows: SsoRowInspection[] = [];
      await waitFor(async () => (rows = await ssoRows()).some((r) => r.label === 'broken'), 'the broken session\'s row', 20_000, 100);
      const broken = rows.find((r) => r.label === 'broken')!;
      assert.equal(broken.contextValue, 'awsIdentity.sso.session.invalid');
      assert.ok(broken.description.includes(badFile), broken.description);
      const healthy = rows.find((r) => r.label === SESSION)!;
      assert.match(healthy.description, /^signed in until/);
      assert.deepEqual(healthy.children.map((c) => c.label), ['Prod Payments', 'Sandbox Dev'], 'the healthy session still lists its accounts');
    } finally {
      fs.writeFileSync(configFile, original);
      fs.rmSync(badFile, { force: true });
    }
    await waitFor(async () => !(await ssoRows()).some((r) => r.label === 'broken'), 'the broken session\'s row to go with its section', 20_000, 100);
  });

  it('Use Role makes the role the active identity (GetRoleCredentials, then STS)', async function () {
    const role = (await sessionRow())!.children.find((c) => c.label === 'Sandbox Dev')!.children.find((r) => r.label === 'SsoAdmin')!;
    // The node comes from the test's inspection, not from a click on the view: the command asks
    // the user first (Enter takes "Switch to role …"), as it would for another extension.
    const confirmed = answerSwitchConfirmation();
    await vscode.commands.executeCommand('awsIdentity.sso.useRole', role.node);
    await confirmed;
    await waitFor(async () => /SsoAdmin \(123456789012\)/.test(await statusText()), `the status bar to show SsoAdmin (shows "${await statusText()}")`, 30_000, 100);
    assert.ok((fake.calls.GetRoleCredentials ?? 0) >= 1);
  });

  it('Save as Profile appends [profile …] and changes no other byte; the role is then marked', async () => {
    const before = fs.readFileSync(configFile);
    const role = (await sessionRow())!.children.find((c) => c.label === 'Prod Payments')!.children.find((r) => r.label === 'SsoReadOnly')!;
    const done = vscode.commands.executeCommand('awsIdentity.sso.saveRoleAsProfile', role.node);
    // The name input box opens with a suggestion; Enter keeps it, as a user would.
    let finished = false;
    void done.then(() => (finished = true));
    await waitFor(async () => {
      if (!finished) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return finished;
    }, 'the profile name box to be accepted', 20_000, 300);
    const after = fs.readFileSync(configFile);
    assert.deepEqual(after.subarray(0, before.length), before, 'the existing bytes changed');
    assert.equal(
      after.subarray(before.length).toString('utf8'),
      '\n[profile Prod-Payments-SsoReadOnly]\nsso_session = itest\nsso_account_id = 210987654321\nsso_role_name = SsoReadOnly\nregion = eu-west-1\n',
    );
    await waitFor(async () => {
      const r = (await sessionRow())?.children.find((c) => c.label === 'Prod Payments')?.children.find((x) => x.label === 'SsoReadOnly');
      return r?.contextValue === 'awsIdentity.sso.role.saved' && r.description.includes('profile Prod-Payments-SsoReadOnly');
    }, 'the role to be marked as saved', 20_000, 200);
  });

  it('Sign Out removes the token, logs out at the portal and clears the identity that came from it', async () => {
    const row = (await sessionRow())!;
    await vscode.commands.executeCommand('awsIdentity.sso.signOut', row.node);
    assert.equal(fake.calls.Logout, 1);
    await rowUntil((r) => r?.description === 'signed out', 'the node to say "signed out"');
    await waitFor(async () => (await statusText()) === '$(cloud) AWS: no identity', 'the identity to be cleared', 10_000, 100);
  });

  it('signs in with the browser (authorization code + PKCE) when the setting asks', async () => {
    await setFlow('browser');
    await vscode.commands.executeCommand('awsIdentity.sso.signIn', (await sessionRow())!.node);
    await rowUntil((r) => /^signed in until/.test(r?.description ?? ''), 'the node to say "signed in until"', 60_000);
    assert.equal(fake.calls.Authorize, 1, `one authorize page: ${JSON.stringify(fake.calls)}`);
    assert.equal(fake.calls['CreateToken:authorization_code'], 1);
  });
});
