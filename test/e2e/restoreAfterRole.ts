/**
 * Flows 7b and 7c: a role chosen after a profile (Assume Role, or an IAM Identity Center role's
 * "Use Role") is what the workspace last used, and roles are not restored, so a reload restores
 * nothing: no silent switch back to the profile used before it, maybe in another account. The
 * restore's decision is read where a person would look for it, the extension's log, once the new
 * extension host has made it.
 */
import { check, type E2eFlow } from './harness';
import { assumeRole, reloadWindow, statusPattern, useProfile } from './steps';
import { clickRowAction, ensureSignedOut, expandRow, HeldSignInPage, row, SIGNED_IN, SSO_ACCOUNT_NAME, SSO_SESSION, waitForRow } from './ssoSupport';
import { until } from './uiWait';
import type { Workbench } from './workbench';

/** What the restore logs when it decides, with and without a profile remembered. */
const NOTHING_REMEMBERED = 'No profile remembered for this workspace.';
const RESTORING = /Restoring profile "[^"]+"/;

/** Reloads the window, then checks in the log and the status bar that no profile was restored. */
async function reloadRestoresNothing(wb: Workbench, shot: (name: string) => Promise<string>, after: string): Promise<void> {
  await reloadWindow(wb);
  await wb.runCommand('AWS Identity: Show Log');
  const log = wb.page.locator('.part.panel .monaco-editor .view-lines');
  const decision = await until(
    async () => {
      const text = (await log.innerText().catch(() => '')).replace(/\u00a0/g, ' ');
      return text.includes(NOTHING_REMEMBERED) || RESTORING.test(text) ? text : undefined;
    },
    'the restore to log its decision in the AWS Identity log',
    async () => `log panel: ${JSON.stringify(await log.innerText().catch(() => ''))}; status bar "${await wb.statusText()}"`,
  );
  await shot('log');
  check(!RESTORING.test(decision), `After ${after}, the reload restored the profile used before it: ${JSON.stringify(decision.match(RESTORING)?.[0])}; status bar "${await wb.statusText()}".`);
  const status = await wb.statusText();
  check(/AWS: no identity/.test(status), `After the reload the status bar shows "${status}", not "AWS: no identity".`);
}

export const restoreAfterRoleFlow: E2eFlow = {
  id: 'restore-after-role',
  title: 'Restore: after a profile and then an assumed role, a window reload restores nothing (not the old profile)',
  async run({ wb, fixture, shot }) {
    await useProfile(wb, 'ops-admin', 'OpsAdmin', fixture.account);
    await assumeRole(wb, `${fixture.account}:E2eDeploy`, 'E2eDeploy', fixture.account);
    await reloadRestoresNothing(wb, shot, 'a role was assumed');
  },
};

export const restoreAfterSsoRoleFlow: E2eFlow = {
  id: 'restore-after-sso-role',
  title: 'Restore: after a profile and then an IAM Identity Center role, a window reload restores nothing (not the old profile)',
  timeoutMs: 180_000,
  async run({ wb, fixture, shot }) {
    await useProfile(wb, 'ops-admin', 'OpsAdmin', fixture.account);
    await ensureSignedOut(wb);
    // Signed in from the session node, as a person does (ssoSignIn.ts), then "Use Role" on a role.
    const held = await HeldSignInPage.hold(wb);
    try {
      await row(wb, SSO_SESSION).locator('.label-name').first().click();
      await held.waitForRequest(wb);
      await held.approve(wb);
    } finally {
      await held.dispose();
    }
    await waitForRow(wb, SSO_SESSION, SIGNED_IN);
    await expandRow(wb, SSO_SESSION);
    await expandRow(wb, SSO_ACCOUNT_NAME);
    // The sign-in flow before this one may have saved the role as a profile, which its row names.
    await waitForRow(wb, 'SsoAdmin', /^SsoAdmin(, profile \S+)?$/);
    await clickRowAction(wb, 'SsoAdmin', 'Use Role');
    await wb.waitForStatus(statusPattern('SsoAdmin', fixture.account));
    await reloadRestoresNothing(wb, shot, 'an IAM Identity Center role was used');
  },
};
