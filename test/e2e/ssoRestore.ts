/**
 * Flow 14: the workspace's last profile takes its credentials from IAM Identity Center, and the
 * sign-in has ended by the time the window opens again. sso-readonly (a profile on
 * [sso-session e2e]) is made the active identity after a browser sign-in, so the workspace
 * remembers it; then its token in the AWS CLI's cache expires, with no refresh token to renew it,
 * and the window reloads. The restore does not start a switch that would sit in the status bar
 * waiting for the person: the status bar says "no identity", IAM Identity Center hears nothing,
 * and ONE notification names the profile and the session, with a Sign In button. Sign In runs the
 * usual browser sign-in, and then the profile is the active identity again.
 */
import { check, type E2eFlow } from './harness';
import { reloadWindow, statusPattern } from './steps';
import {
  callsSince,
  clickRowAction,
  endSignInInCache,
  ensureSignedOut,
  HeldSignInPage,
  row,
  SIGNED_IN,
  SIGNED_OUT,
  SSO_FIXTURE_PROFILE,
  SSO_SESSION,
  SSO_USER,
  ssoCalls,
  ssoSetup,
  tokenCacheFile,
  waitForRow,
  waitForToast,
} from './ssoSupport';
import { until, type Workbench } from './workbench';

const APPROVE = /Signing in to IAM Identity Center \(e2e\).*approve the request in your browser/;
/** What restoring said before: it started the switch, which then asked to sign in. */
const SWITCH_PROMPT = /Sign in to IAM Identity Center \(e2e\)\?/;
const ENDED = `AWS profile "${SSO_FIXTURE_PROFILE}" was active here last time; your IAM Identity Center sign-in (${SSO_SESSION}) has ended. Choose Sign In to sign in again and use it.`;

/**
 * Runs `start` (the click that signs in) with the sign-in page held, as a person who has not
 * answered it yet; calls `whileWaiting` once the progress notification asks to approve in the
 * browser; then answers the page and checks the tab lands on the extension's "Signed in".
 */
async function browserSignIn(wb: Workbench, start: () => Promise<void>, whileWaiting?: () => Promise<unknown>): Promise<void> {
  const held = await HeldSignInPage.hold(wb);
  try {
    await start();
    await held.waitForRequest(wb);
    await waitForToast(wb, APPROVE);
    await whileWaiting?.();
    const heading = await held.approve(wb);
    check(heading === 'Signed in', `The sign-in tab shows "${heading}" after IAM Identity Center approved, not "Signed in".`);
  } finally {
    await held.dispose();
  }
}

export const ssoRestoreFlow: E2eFlow = {
  id: 'sso-restore',
  title: 'IAM Identity Center (sso): after a reload with the sign-in ended, one notification offers Sign In (no switch waits); Sign In restores the profile',
  timeoutMs: 180_000,
  async run({ wb, fixture, shot }) {
    const { fake, cacheDir } = ssoSetup();
    const { page } = wb;
    const status = statusPattern('SsoReadOnly', fixture.account);
    const roleArn = `arn:aws:sts::${fixture.account}:assumed-role/SsoReadOnly/${SSO_USER}`;

    // 1. Signed in (from the session node, as in ssoSignIn.ts), then the profile clicked: it is the
    //    active identity, and the workspace remembers its name.
    await ensureSignedOut(wb);
    await browserSignIn(wb, () => row(wb, SSO_SESSION).locator('.label-name').first().click());
    await waitForRow(wb, SSO_SESSION, SIGNED_IN);
    await wb.clearNotifications();
    await wb.clickProfile(SSO_FIXTURE_PROFILE);
    await wb.waitForStatus(status);
    const first = await wb.identityFromStatusTooltip();
    check(first.arn === roleArn, `After clicking ${SSO_FIXTURE_PROFILE} the status bar tooltip shows ${first.arn}, not ${roleArn}.`);

    // 2. The sign-in ends: the token in the CLI's cache expires, with nothing to renew it. (Not
    //    waited for in this window's view: its cache watcher is blind when ~/.aws/sso/cache did
    //    not exist as the extension started, as in this fresh HOME. The reloaded window reads it.)
    await endSignInInCache(tokenCacheFile(cacheDir));

    // 3. The window opens again (its role credentials are gone with the extension host).
    const before = ssoCalls(fake);
    await reloadWindow(wb);

    // 4. One notification offers the sign-in, and no switch starts before the person answers. The
    //    old restore started the switch (the status bar spinning on it), whose sign-in prompt
    //    "Sign in to IAM Identity Center (e2e)?" waited behind it: either ends the wait at once.
    const notice = page.locator('.notification-toast .notification-list-item').filter({ hasText: ENDED });
    await until(
      async () => {
        const shown = await wb.statusText().catch(() => '');
        if (/…$/.test(shown)) throw new Error(`After the reload the status bar shows a switch under way ("${shown}") before anyone chose to sign in; with the sign-in ended, the restore must not start one (toasts: ${JSON.stringify(await wb.toastTexts())}).`);
        const asked = (await wb.toastTexts()).find((t) => SWITCH_PROMPT.test(t));
        if (asked) throw new Error(`After the reload the restore started a switch to ${SSO_FIXTURE_PROFILE} that asks to sign in ("${asked}"; status bar "${shown}"), instead of one notification offering Sign In without a switch.`);
        return (await notice.first().isVisible()) ? true : undefined;
      },
      `the notification "${ENDED}"`,
      async () => `status bar "${await wb.statusText()}"; toasts: ${JSON.stringify(await wb.toastTexts())}`,
    );
    const text = (await wb.toastTexts()).find((t) => t.includes(ENDED)) ?? '';
    check(text.includes(`"${SSO_FIXTURE_PROFILE}"`) && text.includes(`sign-in (${SSO_SESSION})`), `The notification does not name the profile and the session: ${text}`);
    check((await notice.count()) === 1, `Expected one notification that the sign-in ended, saw ${await notice.count()}: ${JSON.stringify(await wb.toastTexts())}`);
    check((await notice.first().locator('.codicon-info').count()) > 0, `The notification is not an information message: ${text}`);
    const signIn = notice.first().getByRole('button', { name: 'Sign In', exact: true });
    check(await signIn.isVisible(), `The notification offers no "Sign In" button: ${text}`);
    // Nothing is under way while it waits for the person: no switch in the status bar, no call to IAM Identity Center.
    const idle = await wb.statusText();
    check(/^AWS: no identity$/.test(idle) && !(await wb.statusHasErrorBackground()), `While the notification waits, the status bar shows "${idle}"; "AWS: no identity" (no switch under way) was expected.`);
    check(Object.keys(callsSince(before, fake)).length === 0, `Restoring called IAM Identity Center before the person chose Sign In: ${JSON.stringify(callsSince(before, fake))}`);
    // The Profiles view says why: the session's sign-in expired.
    await wb.openProfilesView();
    await waitForRow(wb, SSO_SESSION, /^e2e, expired$/);
    await shot('sign-in-ended-notification', [notice.first(), wb.statusItem()]);

    // 5. Sign In: the browser sign-in, then the profile is the active identity again.
    await browserSignIn(
      wb,
      () => signIn.click(),
      () => shot('waiting-for-browser', [page.locator('.notifications-toasts'), wb.statusItem()]),
    );
    await wb.waitForStatus(status);
    const restored = await wb.identityFromStatusTooltip();
    check(restored.arn === roleArn && restored.account === fixture.account, `After Sign In the status bar tooltip shows ${restored.arn} (account ${restored.account}), not ${roleArn}.`);
    await wb.openProfilesView();
    await waitForRow(wb, SSO_SESSION, SIGNED_IN);
    await wb.waitForTreeRow(SSO_FIXTURE_PROFILE, new RegExp(`^${SSO_FIXTURE_PROFILE}, active\\b`));
    const calls = callsSince(before, fake);
    check(
      calls.Authorize === 1 && calls['CreateToken:authorization_code'] === 1 && calls.GetRoleCredentials === 1 && !calls.StartDeviceAuthorization && !calls['CreateToken:refresh_token'],
      `One browser sign-in and one role credential request were expected after Sign In; IAM Identity Center saw ${JSON.stringify(calls)}.`,
    );
    check((await notice.count()) === 0, 'The notification that the sign-in ended is still shown after signing in.');
    await shot('restored', [page.locator('.part.sidebar .composite.title'), row(wb, SSO_SESSION), wb.treeRow(SSO_FIXTURE_PROFILE), wb.statusItem()]);

    // 6. Signed out again, as flows 11 and 12 leave the session (the identity taken through it is cleared).
    await wb.clearNotifications();
    await clickRowAction(wb, SSO_SESSION, 'Sign Out');
    await waitForRow(wb, SSO_SESSION, SIGNED_OUT);
    await wb.waitForStatus(/no identity/i);
    check(fake.rejections.length === 0, `IAM Identity Center refused malformed requests: ${fake.rejections.join('; ')}`);
  },
};
