/**
 * Flow 9: a session that needs an MFA code to renew. Before its credentials expire, ONE
 * non-modal notification says so (no input box appears by itself); its button opens the code
 * prompt, and with a new code the session goes on with fresh credentials, no switch needed.
 *
 * STS never issues credentials for less than 15 minutes, and a real workbench cannot fast-forward
 * time, so the runner's proxy shortens this one AssumeRole answer's Expiration to 80 s
 * (fixture.shortenNextRoleSession): the renewal then falls due about 40 s later.
 */
import { check, type E2eFlow } from './harness';
import { statusPattern } from './steps';
import { until } from './workbench';

const NOTICE = /renewing them needs a new MFA code/;

export const mfaRenewalFlow: E2eFlow = {
  id: 'mfa-renewal',
  title: 'MFA renewal: one notification before expiry asks for a new code; with it the session goes on',
  timeoutMs: 180_000,
  async run({ wb, fixture, shot }) {
    fixture.shortenNextRoleSession('MfaAdmin', 80);
    await wb.clickProfile('mfa-admin');
    await wb.waitForQuickInput('AWS MFA code');
    await wb.page.keyboard.type('123456');
    await wb.page.keyboard.press('Enter');
    await wb.waitForStatus(statusPattern('MfaAdmin', fixture.account));
    const first = await wb.identityFromStatusTooltip();
    check(first.expires && Date.parse(first.expires) - Date.now() < 90_000, `The session should expire within 90 s (shortened by the proxy); the tooltip says ${first.expires}.`);

    const toast = wb.page.locator('.notification-toast .notification-list-item').filter({ hasText: NOTICE });
    await toast.first().waitFor({ state: 'visible', timeout: 90_000 });
    check((await wb.page.locator('.quick-input-widget:visible').count()) === 0, 'An input box opened by itself for the renewal; it must wait for the notification.');
    check((await toast.count()) === 1, `Expected one renewal notification, saw ${await toast.count()}.`);
    await shot('mfa-renewal-notification', [toast.first()]);

    await toast.first().getByRole('button', { name: 'Enter MFA Code' }).click();
    await wb.waitForQuickInput('AWS MFA code');
    await wb.page.keyboard.type('654321');
    await wb.page.keyboard.press('Enter');

    // Renewed in place: same role, the expiry moved about an hour ahead, no error.
    let renewed = first;
    const movedAhead = (expires: string | undefined): boolean => !!expires && Date.parse(expires) - Date.now() > 50 * 60_000;
    await until(
      async () => {
        renewed = await wb.identityFromStatusTooltip();
        return movedAhead(renewed.expires) ? true : undefined;
      },
      'the expiry to move about an hour ahead',
      async () => `status tooltip: ${JSON.stringify(renewed)}`,
      30_000,
    ).catch(() => undefined); // the checks below say what is wrong
    check(movedAhead(renewed.expires), `After the new code the expiry is still ${renewed.expires}.`);
    check(renewed.arn.includes(':assumed-role/MfaAdmin/'), `After renewal the identity is ${renewed.arn}.`);
    check(!(await wb.statusHasErrorBackground()), 'The status bar shows an error after the renewal.');
  },
};
