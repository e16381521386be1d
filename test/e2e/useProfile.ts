/**
 * Flow 2: click a profile in the tree; the status bar shows its identity, the row is marked
 * active, and hovering the status bar shows the ARN, account, region and expiry.
 */
import { check, type E2eFlow } from './harness';

export const useProfileFlow: E2eFlow = {
  id: 'use-profile',
  title: 'Use a profile: clicking ops-admin shows its identity in the status bar; the tooltip has ARN and expiry',
  async run({ wb, fixture, shot }) {
    await wb.clickProfile('ops-admin');
    const status = await wb.waitForStatus(new RegExp(`^OpsAdmin \\(${fixture.account}\\)$`));
    check(!(await wb.statusHasErrorBackground()), `The status bar "${status}" has the error background after a successful switch.`);

    await wb.waitForTreeRow('ops-admin', /^ops-admin, active · /);

    const { hover, text } = await wb.hoverStatus('ARN:');
    const expectedArn = `arn:aws:sts::${fixture.account}:assumed-role/OpsAdmin/fixture-ops-admin`;
    check(text.includes(`ARN: ${expectedArn}`), `The tooltip does not show the ARN ${expectedArn}: ${JSON.stringify(text)}`);
    check(text.includes(`Account: ${fixture.account}`), `The tooltip does not show the account: ${JSON.stringify(text)}`);
    check(/Region: eu-west-1/.test(text), `The tooltip does not show the profile's region: ${JSON.stringify(text)}`);
    const expires = /Expires: (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) \(in ([^;)]+)/.exec(text);
    check(expires?.[1], `The tooltip does not show an expiry time: ${JSON.stringify(text)}`);
    const remainingMs = Date.parse(expires[1]) - Date.now();
    check(remainingMs > 50 * 60_000 && remainingMs <= 61 * 60_000, `The tooltip's expiry ${expires[1]} is not about an hour from now.`);
    await shot('status-tooltip', [hover, wb.statusItem()], 'status-tooltip.png');
    await wb.moveMouseAway();
  },
};
