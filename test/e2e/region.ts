/**
 * Region: the region item in the status bar shows the active identity's region; clicking it opens
 * the region picker (names searchable: "Stockholm" finds eu-north-1); picking one moves the
 * identity there without a new sign-in, and a terminal opened afterwards has AWS_REGION and
 * AWS_DEFAULT_REGION set to it. The flow puts the original region back at the end.
 */
import type { Locator } from 'playwright-core';
import { check, type E2eFlow } from './harness';
import { NEW_TERMINAL_COMMAND, statusPattern, useProfile } from './steps';
import { escapeRegExp, until, type Workbench } from './workbench';

const EXTENSION_ID = 'aws-identity-switcher.aws-identity-switcher';
const PICKER_TITLE = /^Region for OpsAdmin/;

function regionItem(wb: Workbench): Locator {
  return wb.page.locator(`[id="${EXTENSION_ID}.awsIdentity.region"]`);
}

async function regionText(wb: Workbench): Promise<string> {
  return (await regionItem(wb).innerText().catch(() => '')).replace(/\u00a0/g, ' ').trim();
}

async function waitForRegion(wb: Workbench, region: RegExp): Promise<string> {
  return until(
    async () => {
      const text = await regionText(wb);
      return region.test(text) ? text : undefined;
    },
    `the region status item to show ${region}`,
    async () => `region item "${await regionText(wb)}"; identity item "${await wb.statusText()}"; toasts: ${JSON.stringify(await wb.toastTexts())}`,
  );
}

/** Clicks the region item, types `search` into the picker, and clicks the row of `code`. */
async function pickRegion(wb: Workbench, search: string, code: string, opened?: () => Promise<void>): Promise<void> {
  await regionItem(wb).click();
  await wb.waitForQuickInput(PICKER_TITLE);
  if (opened) await opened();
  await wb.page.keyboard.type(search);
  const row = wb.quickInput.getByRole('option', { name: new RegExp(`^${escapeRegExp(code)}\\b`) }).first();
  await row.waitFor({ state: 'visible' }).catch(async () => {
    throw new Error(`The region picker offers no ${code} row after typing "${search}" (rows: ${JSON.stringify(await wb.quickInputRows())}).`);
  });
  await row.click();
  await waitForRegion(wb, new RegExp(`${escapeRegExp(code)}$`));
}

export const regionFlow: E2eFlow = {
  id: 'region',
  title: 'Region: click the region in the status bar, pick another; a new terminal uses it',
  timeoutMs: 180_000,
  async run(ctx) {
    const { wb, fixture } = ctx;
    await useProfile(wb, 'ops-admin', 'OpsAdmin', fixture.account);
    const original = /([a-z]{2}(?:-[a-z]+)+-\d+)$/.exec(await waitForRegion(wb, /[a-z]{2}(-[a-z]+)+-\d+$/))?.[1];
    check(original, `The region item shows no region: "${await regionText(wb)}".`);
    const target = original === 'eu-north-1' ? 'eu-south-1' : 'eu-north-1';
    const search = target === 'eu-north-1' ? 'Stockholm' : 'Milan';

    await pickRegion(wb, search, target, async () => {
      // The picker for the README: every region with its name, the current one marked.
      await ctx.shot('picker', [wb.quickInput, regionItem(wb)], 'region-picker.png');
    });
    await wb.waitForStatus(statusPattern('OpsAdmin', fixture.account));
    check((await wb.errorToastTexts()).length === 0, `An error notification appeared after picking ${target}: ${JSON.stringify(await wb.errorToastTexts())}`);

    // A new terminal: its banner names the region, and the shell has it in both variables.
    await wb.runCommand(NEW_TERMINAL_COMMAND);
    await wb.waitForTerminal(`AWS: OpsAdmin (${fixture.account})`);
    await until(
      async () => ((await wb.terminalScreen()).replace(/\s+/g, '').includes(`(${target})`) ? true : undefined),
      `the new terminal's banner to name ${target}`,
      async () => JSON.stringify(await wb.terminalScreen()),
    );
    await wb.typeInTerminal('echo "REGIONS=$AWS_REGION/$AWS_DEFAULT_REGION"');
    const printed = await until(
      async () => /REGIONS=([a-z0-9-]*\/[a-z0-9-]*)/.exec((await wb.terminalScreen()).replace(/REGIONS=\$AWS_REGION/g, ''))?.[1],
      'the terminal to print AWS_REGION/AWS_DEFAULT_REGION',
      async () => JSON.stringify(await wb.terminalScreen()),
    );
    check(printed === `${target}/${target}`, `The new terminal has AWS_REGION/AWS_DEFAULT_REGION = ${printed}; the region item shows ${target}.`);
    await ctx.shot('terminal', [wb.page.locator('.part.panel'), regionItem(wb)]);

    // Back to where it was, so later flows see the fixture's region.
    await pickRegion(wb, original, original);
  },
};
