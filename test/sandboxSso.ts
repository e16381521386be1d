/**
 * The IAM Identity Center part of `npm run sandbox -- --check` (test/runSandbox.ts): in headless
 * Chromium, like a person, sign in to [sso-session demo] from the Profiles view (the fake's page
 * approves), expand it to the accounts and an account to its roles, click a role and see the
 * status bar name it with the account GetCallerIdentity returned. Saves screenshots of the
 * sign-in and of the account tree (artifacts/sandbox-sso-*.png).
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { FakeAccount, SsoFake } from './support/ssoFake';
import { waitFor } from './support/moto';

/** The demo portal's accounts: every role's credentials come from moto's account (a fake has no other). */
export const SSO_DEMO_ACCOUNTS = (motoAccount: string): FakeAccount[] => [
  { accountId: motoAccount, accountName: 'Sandbox Dev', emailAddress: 'dev@example.com', roles: ['AdministratorAccess', 'ReadOnlyAccess'] },
  { accountId: '210987654321', accountName: 'Sandbox Prod', emailAddress: 'prod@example.com', roles: ['ReadOnlyAccess'] },
  { accountId: '333333333333', accountName: 'Sandbox Security', emailAddress: 'security@example.com', roles: ['SecurityAudit'] },
];

const SESSION = 'demo';

function row(page: Page, label: string): Locator {
  return page.locator('[role="treeitem"]', { has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) }).first();
}

async function description(r: Locator): Promise<string> {
  return ((await r.locator('.label-description').first().innerText().catch(() => '')) || '').replace(/\u00a0/g, ' ').trim();
}

async function waitForDescription(r: Locator, pattern: RegExp, what: string, timeoutMs = 60_000): Promise<string> {
  let last = '';
  await waitFor(async () => pattern.test((last = await description(r))), `${what} (it says "${last}")`, timeoutMs, 200);
  return last;
}

export async function checkSso(page: Page, fake: SsoFake, statusItem: Locator, artifactsDir: string, say: (line: string) => void): Promise<void> {
  // A modal another part of the extension may show after the first switch (terminal consent) is not ours to answer: close it.
  const dialog = page.locator('.monaco-dialog-box').first();
  if (await dialog.isVisible().catch(() => false)) {
    say(`closing a dialog: "${(await dialog.innerText()).split('\n')[0]}"`);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
  }
  const node = row(page, SESSION);
  await node.waitFor({ state: 'visible', timeout: 30_000 });
  await waitForDescription(node, /^(signed out|expired)$/, `the "${SESSION}" sign-in node to say "signed out"`, 30_000);
  say(`Profiles view shows the sign-in node "${SESSION}": ${await description(node)}`);

  // A click signs in. VS Code in a browser uses the device code: the page it opens approves at once.
  await node.click();
  const signedIn = await waitForDescription(node, /^signed in until \d\d:\d\d$/, `the "${SESSION}" node to say "signed in until HH:MM" after clicking it`);
  say(`signed in (${fake.calls.StartDeviceAuthorization ?? 0} device code, ${fake.calls.Authorize ?? 0} authorize page): "${signedIn}"`);
  const sidebar = page.locator('.part.sidebar');
  // The whole window: the node's new state and the device code notification (with its Copy Code button).
  await page.mouse.move(700, 300);
  const title = sidebar.locator('.composite.title');
  await shot(page, [title, node, page.locator('.part.statusbar')], path.join(artifactsDir, 'sandbox-sso-signin.png'));

  // Expand the session to its accounts, an account to its roles.
  if ((await node.getAttribute('aria-expanded')) !== 'true') await node.click();
  const account = row(page, 'Sandbox Dev');
  await account.waitFor({ state: 'visible', timeout: 30_000 });
  say(`accounts listed: ${fake.accounts.length} (ListAccounts: ${fake.calls.ListAccounts ?? 0})`);
  await account.click();
  const role = row(page, 'AdministratorAccess');
  await role.waitFor({ state: 'visible', timeout: 30_000 });
  await page.mouse.move(5, 5);
  await shot(page, [title, sidebar.getByRole('treeitem').last()], path.join(artifactsDir, 'sandbox-sso-accounts.png'));

  // Click a role: the status bar names it and the account STS GetCallerIdentity answered with.
  await role.click();
  await waitFor(async () => /AdministratorAccess \(\d{12}\)/.test(await statusItem.innerText()), `the status bar to show AdministratorAccess after clicking the role (it shows "${await statusItem.innerText()}")`, 30_000, 200);
  if (!fake.calls.GetRoleCredentials) throw new Error('The role was used without a GetRoleCredentials call to the demo IAM Identity Center.');
  say(`clicked role AdministratorAccess: status bar shows "${(await statusItem.innerText()).trim()}" (GetRoleCredentials, then GetCallerIdentity)`);
  if (fake.rejections.length > 0) throw new Error(`The demo IAM Identity Center refused malformed requests: ${fake.rejections.join('; ')}`);
}

/** A screenshot of the union of the regions' boxes. */
async function shot(page: Page, regions: Locator[], file: string): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const boxes = (await Promise.all(regions.map((r) => r.boundingBox()))).filter((b): b is NonNullable<typeof b> => !!b);
  if (boxes.length === 0) {
    await page.screenshot({ path: file });
    return;
  }
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  const clip = { x, y, width: Math.max(...boxes.map((b) => b.x + b.width)) - x, height: Math.max(...boxes.map((b) => b.y + b.height)) - y };
  await page.screenshot({ path: file, clip });
}
