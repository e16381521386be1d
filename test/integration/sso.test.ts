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
import { askUser } from '../support/uiRequests';
import { notificationsOnScreen, testHook } from './testHooks';

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

/**
 * Runs a command as another extension would and answers whatever it asks as a careless user:
 * Enter on any picker or input box, and away with any notification. Resolves with its result.
 */
async function runAnsweringAll<T>(command: string, ...args: unknown[]): Promise<T | undefined> {
  let settled = false;
  let result: T | undefined;
  const run = Promise.resolve(vscode.commands.executeCommand<T>(command, ...args)).then((r) => ((result = r), (settled = true)));
  await waitFor(async () => {
    if (!settled) {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      await vscode.commands.executeCommand('notifications.clearAll');
    }
    return settled;
  }, `${command} to end`, 20_000, 300);
  await run;
  return result;
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

  it('Switch Identity lists the roles of a session whose token expired but can be refreshed, refreshing it', async () => {
    const cacheDir = path.join(process.env.AIS_TEST_FIXTURE_HOME!, '.aws', 'sso', 'cache');
    const file = path.join(cacheDir, `${crypto.createHash('sha1').update(SESSION).digest('hex')}.json`);
    const token = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(file, JSON.stringify({ ...token, expiresAt: '2020-01-01T00:00:00Z' }), { mode: 0o600 });
    await vscode.commands.executeCommand('awsIdentity.sso.refresh');
    const refreshes = fake.calls['CreateToken:refresh_token'] ?? 0;
    // Once the picker lists the session's roles, the user types a role and takes it.
    const roleRow = `.quick-input-widget:has(.quick-input-title:has-text("AWS identity")) .monaco-list-row:has-text("IAM Identity Center ${SESSION}")`;
    const typed = askUser({ action: 'type', text: 'SsoAdmin', press: 'Enter', whenVisible: roleRow });
    const switched = vscode.commands.executeCommand('awsIdentity.switchProfile');
    try {
      await typed;
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    }
    await switched;
    await waitFor(async () => /SsoAdmin \(123456789012\)/.test(await statusText()), `the status bar to show SsoAdmin (shows "${await statusText()}")`, 30_000, 100);
    assert.equal(fake.calls['CreateToken:refresh_token'], refreshes + 1, 'the token was refreshed once');
    assert.match((await sessionRow())?.description ?? '', /^signed in until/);
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

  it('role commands on a node another extension makes up use only configured sessions: nothing written, no made-up portal', async () => {
    const before = fs.readFileSync(configFile);
    const promptsBefore = (await testHook<unknown[]>('ssoPrompts')).length;
    const callsBefore = JSON.stringify(fake.calls);
    const account = { accountId: MOTO_ACCOUNT, accountName: 'Sandbox Dev' };
    // A legacy target (Save as Profile would write its sso_start_url into the config file).
    const url = 'https://made-up.awsapps.com/start';
    const madeUp = { id: `sso-url:${url}`, label: 'made-up.awsapps.com', startUrl: url, region: 'eu-west-1', profiles: [], session: { startUrl: url, region: 'eu-west-1' } };
    const node = { type: 'ssoRole', target: madeUp, account, roleName: 'SsoAdmin' };
    for (const command of ['awsIdentity.sso.useRole', 'awsIdentity.sso.openRoleTerminal', 'awsIdentity.sso.saveRoleAsProfile', 'awsIdentity.openConsole', 'awsIdentity.copyConsoleLink']) {
      const result = await runAnsweringAll<unknown>(command, node);
      assert.ok(result === undefined || result === false, `${command} did something for a made-up session: ${JSON.stringify(result)}`);
    }
    assert.equal(fs.readFileSync(configFile, 'utf8'), before.toString('utf8'), 'the config file changed');
    assert.equal(JSON.stringify(fake.calls), callsBefore, 'IAM Identity Center was called for a made-up session');
    const prompts = (await testHook<{ session: string }[]>('ssoPrompts')).slice(promptsBefore);
    assert.deepEqual(prompts, [], 'a sign-in to a made-up session was offered');

    // The id of a configured session with a made-up start URL: the configured session is used.
    const forged = { ...node, roleName: 'SsoReadOnly', target: { ...madeUp, id: `sso-session:${SESSION}`, label: SESSION, sessionName: SESSION, session: { sessionName: SESSION, startUrl: url, region: 'eu-west-1' } } };
    const roleCalls = fake.calls.GetRoleCredentials ?? 0;
    const identity = await runAnsweringAll<{ arn: string }>('awsIdentity.sso.useRole', forged);
    assert.match(identity?.arn ?? '', /:assumed-role\/SsoReadOnly\//, 'the role of the configured session');
    assert.equal(fake.calls.GetRoleCredentials, roleCalls + 1);
    assert.deepEqual((await testHook<unknown[]>('ssoPrompts')).slice(promptsBefore), [], 'a sign-in was offered');
    await vscode.commands.executeCommand('notifications.clearAll');
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

  it('Cancel on the sign-in\'s progress notification ends it quietly: no error notification, the old sign-in stays', async () => {
    await setFlow('browser');
    await vscode.commands.executeCommand('notifications.clearAll');
    // The sign-in page opens and waits for a choice that never comes.
    fake.authorizeDecision = 'wait';
    const pages = fake.calls.Authorize ?? 0;
    const tokens = fake.calls['CreateToken:authorization_code'] ?? 0;
    let settled = false;
    const signIn = Promise.resolve(vscode.commands.executeCommand('awsIdentity.sso.signIn', (await sessionRow())!.node)).finally(() => (settled = true));
    try {
      await waitFor(async () => (fake.calls.Authorize ?? 0) > pages, 'the sign-in page to open', 30_000, 100);
      // Cancel is the only button of the progress notification, the newest one: its primary action.
      await waitFor(async () => {
        if (!settled) await vscode.commands.executeCommand('notification.acceptPrimaryAction');
        return settled;
      }, 'the sign-in to end on Cancel', 20_000, 300);
    } finally {
      fake.authorizeDecision = 'allow';
    }
    await signIn;
    assert.deepEqual(await notificationsOnScreen(), [], 'a notification after the cancelled sign-in');
    assert.equal(fake.calls['CreateToken:authorization_code'] ?? 0, tokens, 'no token was made');
    assert.match((await sessionRow())?.description ?? '', /^signed in until/);
    await vscode.commands.executeCommand('notifications.clearAll');
  });
});
