/**
 * Flow 12: IAM Identity Center from sign-in to sign-out, as a person does it. Click the signed-out
 * session node: the browser sign-in (authorization code with PKCE; the runner sets
 * awsIdentity.sso.signInFlow to "browser") opens the fake's page in a new tab; once it answers,
 * the tab lands on the extension's loopback callback ("Signed in") and the node says "signed in
 * until HH:MM". Expand the session to its accounts, an account to its roles; "Use Role" puts the
 * role in the status bar; a new AWS terminal's `aws sts get-caller-identity` prints the role's
 * ARN; "Save as Profile…" adds a profile row; "Sign Out" says signed out and clears the identity.
 */
import { check, type E2eFlow } from './harness';
import { NEW_TERMINAL_COMMAND, statusPattern } from './steps';
import {
  callsSince,
  clickRowAction,
  ensureSignedOut,
  expandRow,
  HeldSignInPage,
  row,
  SIGNED_IN,
  SIGNED_OUT,
  SSO_ACCOUNT_NAME,
  SSO_FIXTURE_PROFILE,
  SSO_OTHER_ACCOUNT,
  SSO_SESSION,
  SSO_USER,
  ssoCalls,
  ssoSetup,
  waitForRow,
  waitForToast,
} from './ssoSupport';
import { escapeRegExp, until } from './workbench';

export const ssoSignInFlow: E2eFlow = {
  id: 'sso-sign-in',
  title: 'IAM Identity Center (sso): browser sign-in from the session node, accounts and roles, Use Role, terminal, Save as Profile, Sign Out',
  timeoutMs: 180_000,
  async run({ wb, fixture, shot }) {
    const { fake } = ssoSetup();
    const { page } = wb;
    await ensureSignedOut(wb);
    const before = ssoCalls(fake);

    // 1. Click the node; the sign-in page opens in a new tab and waits for the person.
    const held = await HeldSignInPage.hold(wb);
    try {
      await row(wb, SSO_SESSION).locator('.label-name').first().click();
      const authorize = await held.waitForRequest(wb);
      const progress = await waitForToast(wb, /Signing in to IAM Identity Center \(e2e\).*approve the request in your browser/);
      check(authorize.searchParams.get('code_challenge_method') === 'S256' && /^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/.test(authorize.searchParams.get('redirect_uri') ?? ''), `The sign-in page is not an authorization-code + PKCE request to a loopback callback: ${authorize.toString()}`);
      await shot('waiting-for-browser', [wb.page.locator('.notifications-toasts'), row(wb, SSO_SESSION)]);
      const heading = await held.approve(wb);
      check(heading === 'Signed in', `The sign-in tab shows "${heading}" after IAM Identity Center approved, not "Signed in". Progress was: ${progress}`);
    } finally {
      await held.dispose();
    }
    await waitForRow(wb, SSO_SESSION, SIGNED_IN);
    const calls = callsSince(before, fake);
    check(calls.Authorize === 1 && calls['CreateToken:authorization_code'] === 1 && !calls.StartDeviceAuthorization, `One browser sign-in (one authorize page, one code exchanged, no device code) was expected; IAM Identity Center saw ${JSON.stringify(calls)}.`);

    // 2. The accounts under the session (sorted by name, with ID and email), the roles under one.
    await expandRow(wb, SSO_SESSION);
    const sandbox = await waitForRow(wb, SSO_ACCOUNT_NAME, new RegExp(`^${SSO_ACCOUNT_NAME}, ${fixture.account} · sandbox@example\\.com$`));
    await waitForRow(wb, SSO_OTHER_ACCOUNT.name, new RegExp(`^${SSO_OTHER_ACCOUNT.name}, ${SSO_OTHER_ACCOUNT.id} · audit@example\\.com$`));
    const rows = await wb.treeRows();
    check(rows.indexOf(`${SSO_OTHER_ACCOUNT.name}, ${SSO_OTHER_ACCOUNT.id} · audit@example.com`) < rows.indexOf(sandbox), `The accounts are not sorted by name: ${JSON.stringify(rows)}`);
    await expandRow(wb, SSO_ACCOUNT_NAME);
    await waitForRow(wb, 'SsoAdmin', /^SsoAdmin$/);
    // The fixture's [profile sso-readonly] already takes this role: the row says so.
    await waitForRow(wb, 'SsoReadOnly', new RegExp(`^SsoReadOnly, profile ${SSO_FIXTURE_PROFILE}$`));

    // 3. Use Role: the status bar shows the role; the tooltip the assumed-role ARN of the portal's user.
    await clickRowAction(wb, 'SsoAdmin', 'Use Role');
    await wb.waitForStatus(statusPattern('SsoAdmin', fixture.account));
    await waitForRow(wb, 'SsoAdmin', /^SsoAdmin, active$/);
    const identity = await wb.identityFromStatusTooltip();
    const roleArn = `arn:aws:sts::${fixture.account}:assumed-role/SsoAdmin/${SSO_USER}`;
    check(identity.arn === roleArn, `After Use Role the status bar tooltip shows ${identity.arn}, not ${roleArn}.`);
    check(callsSince(before, fake).GetRoleCredentials === 1, `Use Role did not get the role's credentials from the portal once: ${JSON.stringify(callsSince(before, fake))}`);
    await wb.moveMouseAway();
    const sidebar = page.locator('.part.sidebar');
    await shot('accounts-and-roles', [sidebar.locator('.composite.title'), row(wb, SSO_SESSION), row(wb, 'SsoReadOnly'), wb.statusItem()], 'sso-accounts-roles.png');

    // 4. An AWS terminal as the role: the CLI in it is the role.
    await wb.runCommand(NEW_TERMINAL_COMMAND);
    const terminal = `AWS: SsoAdmin (${fixture.account})`;
    await wb.waitForTerminal(terminal);
    const printed = await wb.callerArnInTerminal();
    check(printed === roleArn, `In terminal "${terminal}", aws sts get-caller-identity printed ${printed}, not the role's ${roleArn}.`);
    await shot('terminal', [page.locator('.part.panel'), wb.statusItem()]);

    // 5. Save as Profile…: the suggested name, kept with Enter, becomes a profile row and marks the role.
    await clickRowAction(wb, 'SsoAdmin', 'Save as Profile…');
    const box = await wb.waitForQuickInput(/^Save SsoAdmin \(E2E Sandbox\) as a profile$/);
    const name = (await box.locator('input.input').inputValue()).trim();
    check(/^[A-Za-z0-9][\w.-]*$/.test(name), `The suggested profile name is "${name}".`);
    await page.keyboard.press('Enter');
    await waitForToast(wb, new RegExp(`Saved as profile "${escapeRegExp(name)}"`));
    await wb.treeRow(name).waitFor({ state: 'visible' });
    await waitForRow(wb, 'SsoAdmin', new RegExp(`^SsoAdmin, active · profile ${escapeRegExp(name)}$`));
    await shot('saved-profile', [sidebar.locator('.composite.title'), wb.treeRow(name)]);
    await wb.clearNotifications();

    // 6. Sign Out: the node says signed out, its accounts go, the identity taken through it is cleared.
    await clickRowAction(wb, SSO_SESSION, 'Sign Out');
    const message = await waitForToast(wb, /^Signed out of e2e/);
    check(/The active identity SsoAdmin \(\d{12}\) came from it and was cleared/.test(message), `The sign-out message does not say the identity was cleared: ${message}`);
    await waitForRow(wb, SSO_SESSION, SIGNED_OUT);
    await until(async () => ((await row(wb, SSO_ACCOUNT_NAME).isVisible()) ? undefined : true), 'the accounts to leave the view after signing out', async () => JSON.stringify(await wb.treeRows()), 10_000);
    const status = await wb.waitForStatus(/no identity/i);
    check(!/SsoAdmin/.test(status), `After Sign Out the status bar still shows "${status}".`);
    const out = callsSince(before, fake);
    check(out.Logout === 1, `Sign Out did not log out at the portal once: ${JSON.stringify(out)}`);
    check(fake.rejections.length === 0, `IAM Identity Center refused malformed requests: ${fake.rejections.join('; ')}`);
    await shot('signed-out', [sidebar.locator('.composite.title'), row(wb, SSO_SESSION), wb.statusItem()]);
  },
};
