/**
 * Flow 4: what a person sees when a role cannot be assumed.
 *  - A malformed ARN: the picker's first row states what is wrong, Enter does not accept it, and
 *    nothing is switched.
 *  - A role whose trust policy does not name the caller (a REAL AccessDenied from moto with its
 *    IAM authorization on, signed with the keys of an IAM user that exists in moto): an error
 *    notification names the cause and the next step, and the status bar keeps the previous
 *    identity, on the error background.
 */
import { check, type E2eFlow } from './harness';
import { ASSUME_ROLE_PICKER_TITLE, openAssumeRolePicker, statusPattern, useProfile } from './steps';
import { escapeRegExp, until } from './workbench';

export const assumeRoleErrorsFlow: E2eFlow = {
  id: 'assume-role-errors',
  title: 'Assume Role errors: a wrong ARN is explained in the picker; an AccessDenied shows its message and keeps the previous identity',
  async run({ wb, fixture, shot }) {
    const userName = fixture.iamUserArn.split('/').pop() ?? fixture.iamUserProfile;
    await useProfile(wb, fixture.iamUserProfile, userName, fixture.account);
    const before = await wb.statusText();

    // 1. A malformed ARN (a 5-digit account).
    const picker = await openAssumeRolePicker(wb);
    await wb.page.keyboard.type('arn:aws:iam::12345:role/Deploy');
    const errorRow = wb.quickInput.getByRole('option', { name: /The account ID "12345" has 5 digits; it must have 12/ }).first();
    await errorRow.waitFor({ state: 'visible' }).catch(async () => {
      throw new Error(`The picker does not explain the wrong account ID (rows: ${JSON.stringify(await wb.quickInputRows())}).`);
    });
    const rows = await wb.quickInputRows();
    check(/^error\b/.test(rows[0] ?? ''), `The explanation is not the first row with an error icon: ${JSON.stringify(rows)}`);
    await shot('invalid-arn', [picker]);
    // Enter must not accept it: the picker stays, and still answers typing (the key events are
    // handled in order, so the next row proves Enter was handled and ignored).
    await wb.page.keyboard.press('Enter');
    await wb.page.keyboard.press('Control+A');
    await wb.page.keyboard.type('12345:Deploy');
    await errorRow.waitFor({ state: 'visible' }).catch(() => {
      throw new Error('The picker closed (or lost its message) after Enter on an invalid ARN.');
    });
    await wb.waitForQuickInput(ASSUME_ROLE_PICKER_TITLE);
    await wb.closeQuickInput();
    const after = await wb.statusText();
    check(after === before, `The status bar changed from "${before}" to "${after}" although no role was assumed.`);

    // 2. A role that refuses the caller: a real AccessDenied.
    await fixture.setIamAuthorization(true);
    try {
      await openAssumeRolePicker(wb);
      const roleName = fixture.lockedRoleArn.split('/').pop() ?? '';
      await wb.page.keyboard.type(fixture.lockedRoleArn);
      await wb.quickInput.getByRole('option', { name: new RegExp(`Assume ${escapeRegExp(roleName)}\\b`) }).first().waitFor({ state: 'visible' });
      await wb.page.keyboard.press('Enter');
      const toast = await wb.waitForErrorToast(new RegExp(`Access denied assuming ${escapeRegExp(fixture.lockedRoleArn)} as ${escapeRegExp(fixture.iamUserArn)}`));
      const message = (await toast.innerText()).replace(/\s+/g, ' ');
      check(/trust policy allows/.test(message), `The error does not say what to check next: "${message}"`);
    } finally {
      await fixture.setIamAuthorization(false);
    }
    // The previous identity stays, marked with the error background.
    await until(
      async () => (statusPattern(userName, fixture.account).test(await wb.statusText()) && (await wb.statusHasErrorBackground()) ? true : undefined),
      `the status bar to keep ${userName} on the error background`,
      async () => `status bar "${await wb.statusText()}", error background: ${String(await wb.statusHasErrorBackground())}`,
    );
    const { hover, text } = await wb.hoverStatus('Switch failed');
    check(text.includes(`Still using ${userName}`) && text.includes(`ARN: ${fixture.iamUserArn}`), `The tooltip does not say the previous identity is still in use: ${JSON.stringify(text)}`);
    await shot('access-denied', [wb.page.locator('.notifications-toasts'), hover, wb.statusItem()], 'assume-role-access-denied.png');
    await wb.moveMouseAway();
  },
};
