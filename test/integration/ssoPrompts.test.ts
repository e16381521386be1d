/**
 * The IAM Identity Center sign-ins the identity manager asks for, in the real extension host: a
 * switch to an SSO profile whose session is signed out (one notification; declined: the previous
 * identity stays and the status bar says why and what to do; accepted: device code sign-in, which
 * the workbench's browser approves on the fake's page, then the switch completes), and a renewal
 * that needs a sign-in (status bar warning, one notification; accepted: sign-in, then renewed).
 *
 * The notifications are answered as a user would, with the workbench's own notification commands
 * (`notification.acceptPrimaryAction` on the newest toast, `notifications.clearAll` to dismiss);
 * what was shown and answered is read back through the ssoPrompts test hook (./testHooks.ts).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Identity } from '../../src/api';
import type { ShownPrompt } from '../../src/vscode/sso';
import { waitFor } from '../support/moto';
import { MOTO_ACCOUNT } from '../support/motoIam';
import type { SsoFake } from '../support/ssoFake';
import { openSsoWindow, type SsoWindow } from './ssoWindow';
import { answerSwitchConfirmation } from './access';
import { notificationsOnScreen, testHook } from './testHooks';

const SESSION = 'prompts';
const PROFILE = 'sso-prompts';

interface StatusSnapshot {
  readonly text: string;
  readonly tooltip: string;
  readonly severity: string;
}

const status = async (): Promise<StatusSnapshot> => (await testHook<{ status: StatusSnapshot }>('inspect')).status;
/** The tooltip as read (Markdown escapes removed). */
const plain = (markdown: string): string => markdown.replace(/\\(.)/g, '$1');
const shown = async (): Promise<ShownPrompt[]> => testHook<ShownPrompt[]>('ssoPrompts');
const renewNow = async (): Promise<{ renewed: boolean; message?: string }> => testHook<{ renewed: boolean; message?: string }>('renewNow');

/**
 * Runs the switch command with the profile's name and confirms it in its picker (Enter), as the
 * user. Resolves once confirmed, with the switch still running (wrapped, so it is not awaited here).
 */
async function startSwitch(name: string): Promise<{ readonly result: Thenable<Identity | undefined> }> {
  const answered = answerSwitchConfirmation();
  const result = vscode.commands.executeCommand<Identity | undefined>('awsIdentity.useProfile', name);
  await answered;
  return { result };
}

/** Waits for the notification after the first `before` prompts; returns its index. */
async function nextPrompt(before: number, kind: ShownPrompt['kind']): Promise<number> {
  await waitFor(async () => (await shown()).slice(before).some((p) => p.kind === kind), `a ${kind} sign-in notification (shown: ${JSON.stringify((await shown()).slice(before))})`, 30_000, 100);
  return (await shown()).findIndex((p, i) => i >= before && p.kind === kind);
}

/**
 * Answers the notification at `index` with a workbench command, retried until it took (the toast
 * reaches the workbench a moment after the extension asked for it).
 */
async function answer(index: number, command: 'notification.acceptPrimaryAction' | 'notifications.clearAll', expected: string | null): Promise<void> {
  await waitFor(
    async () => {
      if ((await shown())[index]?.answer === undefined) await vscode.commands.executeCommand(command);
      await new Promise((r) => setTimeout(r, 200));
      return (await shown())[index]?.answer !== undefined;
    },
    `the notification to be answered with ${command}`,
    15_000,
    100,
  );
  assert.equal((await shown())[index]!.answer, expected);
}

describe('sso sign-in prompts in the real VS Code (fake IAM Identity Center, moto STS)', function () {
  this.timeout(120_000);
  let sso: SsoWindow;
  let fake: SsoFake;

  before(async () => {
    sso = await openSsoWindow(
      [{ accountId: MOTO_ACCOUNT, accountName: 'Sandbox Dev', emailAddress: 'dev@example.com', roles: ['SsoAdmin'] }],
      (f) =>
        `\n[sso-session ${SESSION}]\nsso_start_url = ${f.startUrl}\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n` +
        `\n[profile ${PROFILE}]\nsso_session = ${SESSION}\nsso_account_id = ${MOTO_ACCOUNT}\nsso_role_name = SsoAdmin\nregion = eu-west-1\n`,
    );
    fake = sso.fake;
    // code-server is VS Code for the Web: "auto" signs in with a device code; the workbench's browser opens the fake's page, which approves.
    await vscode.workspace.getConfiguration('awsIdentity').update('sso.signInFlow', 'auto', vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
    await sso?.close();
  });

  it('a switch to a signed-out session asks once; declined, the previous identity stays and the status bar says what to do', async () => {
    const dev = await (await startSwitch('dev')).result;
    assert.ok(dev, 'the switch to "dev" failed; the "AWS Identity" log says why');
    await vscode.commands.executeCommand('notifications.clearAll');
    const before = (await shown()).length;
    const { result } = await startSwitch(PROFILE);
    const index = await nextPrompt(before, 'switch');
    await answer(index, 'notifications.clearAll', null);
    assert.equal(await result, undefined, 'the declined switch returned an identity');

    const prompts = (await shown()).slice(before);
    assert.equal(prompts.length, 1, `one notification: ${JSON.stringify(prompts)}`);
    assert.deepEqual({ ...prompts[0], message: undefined }, { kind: 'switch', severity: 'info', session: SESSION, message: undefined, actions: ['Sign In'], answer: null });
    assert.match(prompts[0]!.message, /^Sign in to IAM Identity Center \(prompts\)\?/);
    assert.equal(fake.calls.StartDeviceAuthorization, undefined, 'no sign-in started');

    const s = await status();
    assert.equal(s.severity, 'error');
    assert.equal(s.text, `$(error) ${dev.name} (${dev.account})`, 'the previous identity is still shown');
    const tooltip = plain(s.tooltip);
    assert.ok(tooltip.includes(`needs a sign-in to IAM Identity Center (sso-session "${SESSION}"), and none was made. Select it again and accept the sign-in, or run`), tooltip);
    assert.ok(tooltip.includes(`aws sso login --profile ${PROFILE}`), tooltip);
    assert.ok(tooltip.includes(`Still using **${dev.name}**`), tooltip);
  });

  it('accepted, then Cancel on the sign-in\'s progress notification: the switch ends quietly, the previous identity stays', async () => {
    const dev = await (await startSwitch('dev')).result;
    assert.ok(dev, 'the switch to "dev" failed; the "AWS Identity" log says why');
    await vscode.commands.executeCommand('notifications.clearAll');
    // A browser sign-in whose page waits for a choice that never comes.
    await vscode.workspace.getConfiguration('awsIdentity').update('sso.signInFlow', 'browser', vscode.ConfigurationTarget.Global);
    fake.authorizeDecision = 'wait';
    const pages = fake.calls.Authorize ?? 0;
    const before = (await shown()).length;
    try {
      const { result } = await startSwitch(PROFILE);
      await answer(await nextPrompt(before, 'switch'), 'notification.acceptPrimaryAction', 'Sign In');
      await waitFor(async () => (fake.calls.Authorize ?? 0) > pages, 'the sign-in page to open', 30_000, 100);
      let settled = false;
      void Promise.resolve(result).finally(() => (settled = true));
      // Cancel is the only button of the progress notification, the newest one: its primary action.
      await waitFor(async () => {
        if (!settled) await vscode.commands.executeCommand('notification.acceptPrimaryAction');
        return settled;
      }, 'the switch to end on Cancel', 20_000, 300);
      assert.equal(await result, undefined, 'the cancelled switch returned an identity');
    } finally {
      fake.authorizeDecision = 'allow';
      await vscode.workspace.getConfiguration('awsIdentity').update('sso.signInFlow', 'auto', vscode.ConfigurationTarget.Global);
    }
    assert.deepEqual(await notificationsOnScreen(), [], 'a notification after the cancelled switch');
    const s = await status();
    assert.equal(s.severity, 'normal', `the status bar reports the cancel: ${JSON.stringify(s)}`);
    assert.equal(s.text, `$(cloud) ${dev.name} (${dev.account})`, 'the previous identity is still shown');
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('accepted, it signs in (device code, approved in the browser) and the switch completes as the role', async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
    const before = (await shown()).length;
    const { result } = await startSwitch(PROFILE);
    const index = await nextPrompt(before, 'switch');
    await answer(index, 'notification.acceptPrimaryAction', 'Sign In');
    const identity = await result;
    assert.ok(identity, 'the switch after the sign-in failed; the "AWS Identity" log says why');
    assert.match(identity.arn, /:assumed-role\/SsoAdmin\//);

    assert.equal((await shown()).slice(before).length, 1, 'one notification');
    assert.equal(fake.calls.StartDeviceAuthorization, 1, `one device authorization: ${JSON.stringify(fake.calls)}`);
    await waitFor(async () => (await status()).severity === 'normal', 'the status bar to show the identity', 10_000, 100);
    const s = await status();
    assert.equal(s.text, `$(cloud) ${identity.name} (${MOTO_ACCOUNT})`);
    assert.ok(plain(s.tooltip).includes('assumed-role/SsoAdmin/'), s.tooltip);
  });

  it('a renewal that needs a sign-in: status bar warning, ONE notification; accepted, it signs in and renews', async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
    const before = (await shown()).length;
    const roleCalls = fake.calls.GetRoleCredentials ?? 0;
    // The portal no longer takes the token, and it cannot be refreshed: only a new sign-in helps.
    fake.expireAccessTokens();
    fake.revokeRefreshTokens();
    const failed = await renewNow();
    assert.equal(failed.renewed, false, 'the renewal succeeded without a sign-in');

    await waitFor(async () => (await status()).severity === 'warning', 'the status bar warning', 10_000, 100);
    const s = await status();
    assert.match(s.text, /^\$\(warning\) .+ \(123456789012\): sign-in needed$/);
    const tooltip = plain(s.tooltip);
    assert.match(tooltip, new RegExp(`The IAM Identity Center sign-in for ${SESSION} expired\\*\\*, so .+ cannot be renewed: its credentials last until \\d\\d:\\d\\d\\.`));
    assert.ok(tooltip.includes('Next step: choose **Sign In** on the notification'), tooltip);

    const index = await nextPrompt(before, 'renewal');
    // Renewals retry; the offer is not repeated.
    assert.equal((await renewNow()).renewed, false);
    await new Promise((r) => setTimeout(r, 500));
    const prompts = (await shown()).slice(before);
    assert.equal(prompts.length, 1, `ONE notification: ${JSON.stringify(prompts)}`);
    assert.deepEqual(prompts[0]!.actions, ['Sign In']);
    assert.equal(prompts[0]!.severity, 'warning');
    assert.match(prompts[0]!.message, /^The IAM Identity Center sign-in for prompts expired and could not be refreshed, so .+ cannot be renewed: its credentials last until \d\d:\d\d\. Choose Sign In/);

    await answer(index, 'notification.acceptPrimaryAction', 'Sign In');
    await waitFor(async () => (await status()).severity === 'normal', `the identity to be renewed (status: ${JSON.stringify(await status())})`, 60_000, 200);
    assert.ok(!(await status()).text.includes('sign-in needed'));
    assert.equal(fake.calls.StartDeviceAuthorization, 2, `a new sign-in: ${JSON.stringify(fake.calls)}`);
    assert.ok((fake.calls.GetRoleCredentials ?? 0) > roleCalls, 'renewed with the new sign-in');
    assert.equal((await renewNow()).renewed, true, 'renews without a sign-in again');
  });
});
