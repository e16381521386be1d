/**
 * Flow 10: another extension (test/fixtures/api-consumer, installed from its own .vsix) uses the
 * API as docs/api.md says. Without the user's consent its credential request is refused with a
 * message that says what to do; it then asks VS Code for the session, VS Code shows its own
 * modal naming the extension, and after "Allow" the credentials (temporary ones) are returned.
 * Its identity switch is announced in the status bar, and is not remembered: after a reload the
 * user's own choice comes back.
 */
import { check, type E2eFlow } from './harness';
import { statusPattern, useProfile } from './steps';

const CONSUMER = 'AIS API Consumer';

export const apiConsentFlow: E2eFlow = {
  id: 'api-consent',
  title: 'API consent: another extension gets credentials only after "Allow"; its switch is announced and not remembered',
  timeoutMs: 180_000,
  async run({ wb, fixture, shot }) {
    const { page } = wb;
    // The user's own choice, remembered for the workspace.
    await useProfile(wb, 'audit-readonly', 'AuditReadOnly', '210987654321');

    // 1. Without consent: refused, with the cause and the next step.
    await wb.runCommand(`${CONSUMER}: Read AWS Credentials Without Asking`);
    const refused = await wb.waitForErrorToast(/only to extensions the user has allowed/);
    const refusal = (await refused.innerText()).replace(/\s+/g, ' ');
    check(/getSession\('awsIdentity', \[\], \{ createIfNone: true \}\)/.test(refusal), `The refusal does not say how to ask for consent: ${refusal}`);
    await shot('refused');
    await wb.clearNotifications();

    // 2. VS Code's own consent modal names the extension; "Allow" gives the credentials.
    await wb.runCommand(`${CONSUMER}: Read AWS Credentials`);
    const dialog = page.locator('.monaco-dialog-box').filter({ hasText: 'wants to sign in using AWS Identity' }).first();
    await dialog.waitFor({ state: 'visible' });
    const prompt = (await dialog.innerText()).replace(/\s+/g, ' ');
    check(prompt.includes(`The extension '${CONSUMER}' wants to sign in using AWS Identity`), `The consent modal does not name the extension: ${prompt}`);
    await shot('consent-modal', [dialog], 'api-consent.png');
    await dialog.getByRole('button', { name: 'Allow', exact: true }).click();
    const granted = page.locator('.notification-toast .notification-list-item').filter({ hasText: /AIS API Consumer: got temporary credentials ASIA…/ }).first();
    await granted.waitFor({ state: 'visible' });
    await wb.clearNotifications();

    // 3. An API switch: announced in the status bar, no prompt the second time.
    await wb.runCommand(`${CONSUMER}: Switch AWS Identity to ops-admin`);
    const status = await wb.waitForStatus(new RegExp(`^OpsAdmin \\(${fixture.account}\\) \\(set by ${CONSUMER}\\)$`));
    check((await page.locator('.monaco-dialog-box').count()) === 0, 'VS Code asked again although the extension was allowed.');
    const { hover, text } = await wb.hoverStatus('Set by the extension');
    check(text.includes(CONSUMER) && text.includes('not remembered'), `The tooltip does not say who set the identity: ${JSON.stringify(text)}`);
    await shot('set-by', [hover, wb.statusItem()]);
    await wb.moveMouseAway();
    await wb.clearNotifications();

    // 4. Not remembered: after a reload the user's own choice is restored.
    const firstLoad = await page.evaluate(() => performance.timeOrigin);
    await wb.runCommand('Developer: Reload Window');
    await page.waitForFunction((before) => performance.timeOrigin !== before, firstLoad, { timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    const restored = await wb.waitForStatus(statusPattern('AuditReadOnly', '210987654321'));
    check(restored !== status, `After the reload the status bar shows "${restored}"; the API's switch must not be remembered.`);
    await shot('restored-user-choice');
  },
};
