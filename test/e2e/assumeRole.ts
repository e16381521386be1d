/**
 * Flow 3: command palette → "AWS Identity: Assume Role…" → type a role ARN → Enter; the status
 * bar shows the assumed role, and its tooltip names the session and where it came from.
 */
import { check, type E2eFlow } from './harness';
import { openAssumeRolePicker, statusPattern, typeRole, useProfile } from './steps';

export const assumeRoleFlow: E2eFlow = {
  id: 'assume-role',
  title: 'Assume Role: F1, "Assume Role…", type an ARN, Enter; the status bar shows the assumed role',
  async run({ wb, fixture, shot }) {
    await useProfile(wb, 'ops-admin', 'OpsAdmin', fixture.account);
    const picker = await openAssumeRolePicker(wb);
    const roleArn = `arn:aws:iam::${fixture.account}:role/E2eDeploy`;
    const row = await typeRole(wb, roleArn, 'E2eDeploy');
    const rowText = (await row.getAttribute('aria-label')) ?? '';
    check(rowText.includes(roleArn) && rowText.includes(`account ${fixture.account}`), `The picker row does not repeat the ARN and account: "${rowText}"`);
    await shot('picker', [picker], 'assume-role-picker.png');

    await wb.page.keyboard.press('Enter');
    await wb.waitForStatus(statusPattern('E2eDeploy', fixture.account));
    const identity = await wb.identityFromStatusTooltip();
    check(identity.arn.startsWith(`arn:aws:sts::${fixture.account}:assumed-role/E2eDeploy/`), `The tooltip shows ${identity.arn}, not an E2eDeploy session.`);
    check(/Source: role assumed from profile "ops-admin"/.test(identity.text), `The tooltip does not say the role was assumed from profile ops-admin: ${JSON.stringify(identity.text)}`);
    check(identity.expires, `The tooltip shows no expiry: ${JSON.stringify(identity.text)}`);
    await shot('status', [wb.statusItem()]);
  },
};
