/**
 * Flow 6: switch identity from the status bar menu; a terminal opened afterwards has the new
 * identity, while the terminal opened before still has the old one.
 */
import { check, type E2eFlow } from './harness';
import { openRoleTerminal, statusPattern } from './steps';

export const switchIdentityFlow: E2eFlow = {
  id: 'switch-identity',
  title: 'Switch identity: a new terminal gets the new identity, the old terminal keeps the old one',
  timeoutMs: 180_000,
  async run(ctx) {
    const { wb, fixture } = ctx;
    // The terminal flow 5 opened; made again when flow 5 did not get that far.
    const old = ctx.state.roleTerminal ?? (await openRoleTerminal(ctx));

    // Click the status bar: its menu switches profile, assumes roles, opens terminals.
    await wb.statusItem().click();
    await wb.waitForQuickInput(/^AWS identity: /);
    await wb.page.keyboard.type('ops-admin');
    const profileRow = wb.quickInput.getByRole('option', { name: /\bops-admin\b/ }).first();
    await profileRow.waitFor({ state: 'visible' }).catch(async () => {
      throw new Error(`The identity menu offers no ops-admin row (rows: ${JSON.stringify(await wb.quickInputRows())}).`);
    });
    await profileRow.click();
    await wb.waitForStatus(statusPattern('OpsAdmin', fixture.account));
    const current = await wb.identityFromStatusTooltip();

    await wb.statusItem().click();
    await wb.waitForQuickInput(/^AWS identity: OpsAdmin/);
    const terminalRow = wb.quickInput.getByRole('option', { name: /New Terminal as OpsAdmin/ }).first();
    await terminalRow.waitFor({ state: 'visible' }).catch(async () => {
      throw new Error(`The identity menu offers no "New Terminal as OpsAdmin" (rows: ${JSON.stringify(await wb.quickInputRows())}).`);
    });
    await terminalRow.click();
    const name = `AWS: OpsAdmin (${fixture.account})`;
    await wb.waitForTerminal(name);
    const newArn = await wb.callerArnInTerminal();
    check(newArn === current.arn, `The new terminal "${name}" printed ${newArn}; the status bar shows ${current.arn}.`);
    check(newArn !== old.arn, `The new terminal printed the old identity's ARN ${newArn}.`);
    await ctx.shot('new-terminal', [wb.page.locator('.part.panel'), wb.statusItem()]);

    await wb.widenTerminalTabs(320);
    await wb.selectTerminal(old.name);
    const oldArn = await wb.callerArnInTerminal();
    check(oldArn === old.arn, `The old terminal "${old.name}" printed ${oldArn} after the switch; it was opened as ${old.arn}.`);
    await ctx.shot('old-terminal', [wb.page.locator('.part.panel'), wb.statusItem()]);
  },
};
