/**
 * Steps several flows share, each done the way a person does it.
 */
import type { Locator } from 'playwright-core';
import { check, type E2eContext, type OpenedTerminal } from './harness';
import { escapeRegExp, type TooltipIdentity, type Workbench } from './workbench';

export const ASSUME_ROLE_COMMAND = 'AWS Identity: Assume Role…';
export const NEW_TERMINAL_COMMAND = 'AWS Identity: New Terminal as Active Identity';
export const ASSUME_ROLE_PICKER_TITLE = 'Assume AWS role';

/** The status bar text of an identity: "<name> (<account>)". */
export function statusPattern(name: string, account: string): RegExp {
  return new RegExp(`^${escapeRegExp(name)} \\(${account}\\)$`);
}

/** Makes a profile active by clicking its row, unless the status bar already shows `name`. */
export async function useProfile(wb: Workbench, profile: string, name: string, account: string): Promise<void> {
  const expected = statusPattern(name, account);
  if (expected.test(await wb.statusText()) && !(await wb.statusHasErrorBackground())) return;
  await wb.clickProfile(profile);
  await wb.waitForStatus(expected);
}

/**
 * Makes the assumed-role profile ops-admin active, and returns the identity its status bar
 * tooltip shows (checked to be an OpsAdmin role session): the flows that use an identity elsewhere
 * compare what they see there with it.
 */
export async function useOpsAdmin(ctx: E2eContext): Promise<TooltipIdentity> {
  const { wb, fixture } = ctx;
  await useProfile(wb, 'ops-admin', 'OpsAdmin', fixture.account);
  const identity = await wb.identityFromStatusTooltip();
  check(identity.arn.startsWith(`arn:aws:sts::${fixture.account}:assumed-role/OpsAdmin/`), `The status bar tooltip shows ${identity.arn}, not an OpsAdmin role session.`);
  return identity;
}

/**
 * F1 → "Developer: Reload Window": the workbench and the extension host restart as when the
 * window is opened again, after VS Code's orderly shutdown (which writes its state out; a raw
 * browser reload right after a change can lose what VS Code had not flushed yet). Returns once
 * the new workbench shows the extension's status bar item (the extension is active again).
 */
export async function reloadWindow(wb: Workbench): Promise<void> {
  const firstLoad = await wb.page.evaluate(() => performance.timeOrigin);
  await wb.runCommand('Developer: Reload Window');
  await wb.page.waitForFunction((before) => performance.timeOrigin !== before, firstLoad, { timeout: 60_000 });
  await wb.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  await wb.statusItem().waitFor({ state: 'visible', timeout: 60_000 });
}

/** F1 → "AWS Identity: Assume Role…" → the role picker, empty. */
export async function openAssumeRolePicker(wb: Workbench): Promise<Locator> {
  await wb.runCommand(ASSUME_ROLE_COMMAND);
  return wb.waitForQuickInput(ASSUME_ROLE_PICKER_TITLE);
}

/**
 * Types `roleInput` into the open role picker and waits for the row that offers to assume
 * `roleName`; returns that row (Enter accepts it).
 */
export async function typeRole(wb: Workbench, roleInput: string, roleName: string): Promise<Locator> {
  await wb.page.keyboard.type(roleInput);
  const row = wb.quickInput.getByRole('option', { name: new RegExp(`Assume ${escapeRegExp(roleName)}\\b`) }).first();
  try {
    await row.waitFor({ state: 'visible' });
  } catch {
    throw new Error(`The role picker offers no "Assume ${roleName}" row for "${roleInput}" (rows: ${JSON.stringify(await wb.quickInputRows())}).`);
  }
  return row;
}

/** Assumes a role through the palette and waits until the status bar shows it. */
export async function assumeRole(wb: Workbench, roleInput: string, roleName: string, account: string): Promise<void> {
  await openAssumeRolePicker(wb);
  await typeRole(wb, roleInput, roleName);
  await wb.page.keyboard.press('Enter');
  await wb.waitForStatus(statusPattern(roleName, account));
}

/**
 * The terminal of flow 5: role E2eDeploy assumed (from profile ops-admin) through the palette,
 * then "New Terminal as Active Identity", and the ARN `aws sts get-caller-identity` prints there,
 * checked against the status bar tooltip.
 */
export async function openRoleTerminal(ctx: E2eContext): Promise<OpenedTerminal> {
  const { wb, fixture } = ctx;
  await useProfile(wb, 'ops-admin', 'OpsAdmin', fixture.account);
  // The account:name shorthand, as someone who knows the account would type it.
  await assumeRole(wb, `${fixture.account}:E2eDeploy`, 'E2eDeploy', fixture.account);
  const identity = await wb.identityFromStatusTooltip();
  check(identity.arn.startsWith(`arn:aws:sts::${fixture.account}:assumed-role/E2eDeploy/`), `The status bar tooltip shows ${identity.arn}, not an E2eDeploy session.`);

  await wb.runCommand(NEW_TERMINAL_COMMAND);
  const name = `AWS: E2eDeploy (${fixture.account})`;
  await wb.waitForTerminal(name);
  // The extension's banner (written to the screen, not run in the shell) says how credentials arrive.
  const banner = (await wb.terminalScreen()).replace(/\s+/g, '');
  const expected = `AWS identity: ${identity.arn}`;
  check(banner.includes(expected.replace(/\s+/g, '')), `Terminal "${name}" does not start with "${expected}": ${JSON.stringify(await wb.terminalScreen())}`);
  check(banner.includes('refreshingcredentialsfromVSCode'), `Terminal "${name}" does not get refreshing credentials from the loopback endpoint: ${JSON.stringify(await wb.terminalScreen())}`);
  const arn = await wb.callerArnInTerminal();
  check(arn === identity.arn, `In terminal "${name}", aws sts get-caller-identity printed ${arn}; the status bar shows ${identity.arn}.`);
  const terminal = { name, arn };
  ctx.state.roleTerminal = terminal;
  return terminal;
}
