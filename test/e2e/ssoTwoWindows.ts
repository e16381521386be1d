/**
 * Flow 13: two VS Code windows (two browser tabs on code-server, each with its own extension
 * host) ask to sign in to the same [sso-session] at nearly the same time. While the one sign-in
 * page that opened is still unanswered, one window says "approve the request in your browser"
 * and the other "another VS Code window is signing in…"; IAM Identity Center sees ONE
 * authorization and ONE token; once it is approved both nodes say "signed in until HH:MM" and
 * the second window lists the accounts with the token the first one got. A Sign Out in one
 * window then shows in the other.
 */
import type { Page } from 'playwright-core';
import { check, type E2eFlow } from './harness';
import { callsSince, ensureSignedOut, expandRow, HeldSignInPage, row, SIGNED_IN, SIGNED_OUT, SSO_ACCOUNT_NAME, SSO_SESSION, ssoCalls, ssoSetup, waitForRow, clickRowAction } from './ssoSupport';
import { until, UI_TIMEOUT_MS, Workbench } from './workbench';

const APPROVE = /Signing in to IAM Identity Center \(e2e\).*approve the request in your browser/;
const WAITING = /Signing in to IAM Identity Center \(e2e\).*another VS Code window is signing in to the same session/;

/** Opens the same workbench in a new tab (a second window) and waits for the extension and the session node. */
async function openSecondWindow(first: Workbench, extensionId: string, held: HeldSignInPage): Promise<Workbench> {
  const page = await first.page.context().newPage();
  held.addWindow(page);
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  await page.goto(first.page.url(), { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  const wb = new Workbench(page, extensionId);
  await wb.statusItem().waitFor({ state: 'visible', timeout: 60_000 });
  await wb.openProfilesView();
  await waitForRow(wb, SSO_SESSION, SIGNED_OUT);
  return wb;
}

/** Which of the windows shows a notification matching `pattern` now. */
async function windowsShowing(windows: readonly Workbench[], pattern: RegExp): Promise<number[]> {
  const found: number[] = [];
  for (const [i, w] of windows.entries()) if ((await w.toastTexts()).some((t) => pattern.test(t))) found.push(i);
  return found;
}

export const ssoTwoWindowsFlow: E2eFlow = {
  id: 'sso-two-windows',
  title: 'IAM Identity Center (sso): two windows signing in at once open one sign-in page; both use its token',
  timeoutMs: 180_000,
  async run({ wb, shot }) {
    const { fake, extensionId } = ssoSetup();
    await ensureSignedOut(wb);
    await wb.clearNotifications();
    let second: Page | undefined;
    const held = await HeldSignInPage.hold(wb);
    try {
      const wb2 = await openSecondWindow(wb, extensionId, held);
      second = wb2.page;
      const windows = [wb, wb2];
      const before = ssoCalls(fake);

      // Both click the signed-out node at (nearly) the same moment.
      await Promise.all(windows.map((w) => row(w, SSO_SESSION).locator('.label-name').first().click()));
      await held.waitForRequest(wb);
      // The sign-in page is unanswered: one window waits for the person, the other for that window.
      const [, waiting] = await until(
        async () => {
          const a = await windowsShowing(windows, APPROVE);
          const w = await windowsShowing(windows, WAITING);
          return a.length === 1 && w.length === 1 && a[0] !== w[0] ? [a[0]!, w[0]!] : undefined;
        },
        'one window to wait for the browser and the other for that window',
        async () => `toasts of windows 1 and 2: ${JSON.stringify(await Promise.all(windows.map((w) => w.toastTexts())))}`,
      );
      check(held.authorizeUrls.length === 1, `Two windows asking requested the sign-in page ${held.authorizeUrls.length} times: ${JSON.stringify(held.authorizeUrls)}`);
      const file = await shot('window-1-waiting');
      await wb2.screenshot(file.replace('window-1-waiting', 'window-2-waiting'));

      const heading = await held.approve(wb);
      check(heading === 'Signed in', `The sign-in tab shows "${heading}", not "Signed in".`);
      const [one, two] = [await waitForRow(wb, SSO_SESSION, SIGNED_IN), await waitForRow(wb2, SSO_SESSION, SIGNED_IN)];
      check(one === two, `The windows disagree on the sign-in: window 1 "${one}", window 2 "${two}".`);
      check(held.authorizeUrls.length === 1 && held.signInTabs.length === 1, `Two windows asking opened ${held.signInTabs.length} sign-in tab(s) with ${held.authorizeUrls.length} sign-in page request(s); one of each was expected.`);

      // The waiting window uses the other's token: it lists the accounts, and there is only one token.
      const waiter = windows[waiting]!;
      await expandRow(waiter, SSO_SESSION);
      await waitForRow(waiter, SSO_ACCOUNT_NAME, /^E2E Sandbox, \d{12} · sandbox@example\.com$/);
      const calls = callsSince(before, fake);
      check(
        calls.Authorize === 1 && calls['CreateToken:authorization_code'] === 1 && !calls.StartDeviceAuthorization && !calls['CreateToken:refresh_token'] && (calls.RegisterClient ?? 0) <= 1,
        `Two windows asking at once made IAM Identity Center see ${JSON.stringify(calls)}; one authorization (one authorize page, one code exchanged, at most one client registered) was expected.`,
      );
      check((calls.ListAccounts ?? 0) >= 1, `Window ${waiting + 1} listed no accounts: ${JSON.stringify(calls)}`);
      await wb2.screenshot(file.replace('window-1-waiting', 'window-2-signed-in'));

      // Sign Out in the first window: the second sees the token go (it watches the AWS CLI's cache).
      await wb.clearNotifications();
      await clickRowAction(wb, SSO_SESSION, 'Sign Out');
      await waitForRow(wb, SSO_SESSION, SIGNED_OUT);
      await waitForRow(wb2, SSO_SESSION, SIGNED_OUT);
      check(fake.rejections.length === 0, `IAM Identity Center refused malformed requests: ${fake.rejections.join('; ')}`);
    } finally {
      await held.dispose();
      await second?.close().catch(() => undefined);
    }
  },
};
