/**
 * Flow 7: a profile whose role needs MFA (mfa-admin): clicking it asks for the code in an input
 * box titled "AWS MFA code" that rejects anything but six digits; with a code the role becomes
 * the active identity (moto accepts any six digits).
 */
import { check, type E2eFlow } from './harness';
import { statusPattern } from './steps';

const MFA_SERIAL = 'arn:aws:iam::123456789012:mfa/fixture-user';

export const mfaFlow: E2eFlow = {
  id: 'mfa',
  title: 'MFA profile: clicking mfa-admin asks for the code; after six digits the role is active',
  async run({ wb, fixture, shot }) {
    await wb.clickProfile('mfa-admin');
    const box = await wb.waitForQuickInput('AWS MFA code');
    await wb.quickInputMessage().filter({ hasText: MFA_SERIAL }).waitFor({ state: 'visible' }).catch(async () => {
      throw new Error(`The MFA prompt does not name the device ${MFA_SERIAL}: "${await wb.quickInputMessage().innerText()}"`);
    });

    await wb.page.keyboard.type('12ab');
    await wb.quickInputMessage().filter({ hasText: 'Enter the 6 digits' }).waitFor({ state: 'visible' }).catch(async () => {
      throw new Error(`"12ab" is not rejected; the message says "${await wb.quickInputMessage().innerText()}".`);
    });
    await wb.page.keyboard.press('Control+A');
    await wb.page.keyboard.type('123456');
    await wb.quickInputMessage().filter({ hasText: MFA_SERIAL }).waitFor({ state: 'visible' });
    await shot('mfa-prompt', [box]);
    await wb.page.keyboard.press('Enter');

    await wb.waitForStatus(statusPattern('MfaAdmin', fixture.account));
    const identity = await wb.identityFromStatusTooltip();
    check(identity.arn.startsWith(`arn:aws:sts::${fixture.account}:assumed-role/MfaAdmin/`), `The status bar tooltip shows ${identity.arn}, not an MfaAdmin session.`);
    await wb.waitForTreeRow('mfa-admin', /^mfa-admin, active · /);
  },
};
