/**
 * What the IAM Identity Center flows (ssoSignIn.ts, ssoTwoWindows.ts, ssoRestore.ts) need beyond
 * E2eFixture: the strict fake of SSO-OIDC and the portal that test/runE2e.ts starts next to moto
 * (its request counts are the flows' proof of how many sign-ins happened), the [sso-session] the
 * runner adds to the fixture HOME and the AWS CLI's token cache there, and steps on the sign-in
 * node, accounts and roles done the way a person does them: clicks on rows and on their inline
 * actions, reading rows as a screen reader does.
 */
import { createHash } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { BrowserContext, Locator, Page, Request, Route } from 'playwright-core';
import type { FakeAccount, SsoFake } from '../support/ssoFake';
import { escapeRegExp, until, UI_TIMEOUT_MS, Workbench } from './workbench';

/** The [sso-session] of the fixture HOME. */
export const SSO_SESSION = 'e2e';
/** The account the roles are used in (moto's: role credentials always come from it). */
export const SSO_ACCOUNT_NAME = 'E2E Sandbox';
export const SSO_OTHER_ACCOUNT = { id: '210987654321', name: 'E2E Audit' } as const;
/** A fixture profile that already takes SsoReadOnly in the sandbox account (the row is marked). */
export const SSO_FIXTURE_PROFILE = 'sso-readonly';
/** The user name the portal hands role sessions to (the last part of the assumed-role ARN). */
export const SSO_USER = 'e2e-user';

export function ssoAccounts(motoAccount: string): FakeAccount[] {
  return [
    { accountId: motoAccount, accountName: SSO_ACCOUNT_NAME, emailAddress: 'sandbox@example.com', roles: ['SsoAdmin', 'SsoReadOnly'] },
    { accountId: SSO_OTHER_ACCOUNT.id, accountName: SSO_OTHER_ACCOUNT.name, emailAddress: 'audit@example.com', roles: ['SsoAuditor'] },
  ];
}

/** The sections test/runE2e.ts appends to the fixture HOME's config. */
export function ssoConfigSections(startUrl: string, motoAccount: string): string {
  return [
    '',
    '# Added by test/runE2e.ts: IAM Identity Center (the fake in test/support/ssoFake.ts).',
    `[sso-session ${SSO_SESSION}]`,
    `sso_start_url = ${startUrl}`,
    'sso_region = eu-west-1',
    'sso_registration_scopes = sso:account:access',
    '',
    `[profile ${SSO_FIXTURE_PROFILE}]`,
    `sso_session = ${SSO_SESSION}`,
    `sso_account_id = ${motoAccount}`,
    'sso_role_name = SsoReadOnly',
    'region = eu-west-1',
    '',
  ].join('\n');
}

export interface SsoE2eSetup {
  readonly fake: SsoFake;
  /** `<publisher>.<name>`, for a Workbench on a second window. */
  readonly extensionId: string;
  /** The AWS CLI's SSO token cache of the fixture HOME (`~/.aws/sso/cache`). */
  readonly cacheDir: string;
}

let setup: SsoE2eSetup | undefined;

/** Called by test/runE2e.ts once the fake runs. */
export function provideSso(s: SsoE2eSetup): void {
  setup = s;
}

export function ssoSetup(): SsoE2eSetup {
  if (!setup) throw new Error('test/runE2e.ts did not start the IAM Identity Center fake (provideSso was not called).');
  return setup;
}

/** The fake's successful calls of these operations, now. */
export function ssoCalls(fake: SsoFake): Record<string, number> {
  const ops = ['RegisterClient', 'StartDeviceAuthorization', 'Authorize', 'CreateToken:authorization_code', 'CreateToken:urn:ietf:params:oauth:grant-type:device_code', 'CreateToken:refresh_token', 'ListAccounts', 'GetRoleCredentials', 'Logout'];
  return Object.fromEntries(ops.map((op) => [op, fake.calls[op] ?? 0]));
}

/** What happened at the fake between two `ssoCalls` readings (operations with a change only). */
export function callsSince(before: Record<string, number>, fake: SsoFake): Record<string, number> {
  const now = ssoCalls(fake);
  return Object.fromEntries(Object.entries(now).filter(([op, n]) => n !== before[op]).map(([op, n]) => [op, n - (before[op] ?? 0)]));
}

/**
 * The session's token file in the AWS CLI's cache: `<sha1(sso-session name)>.json`, computed here
 * as botocore does rather than asked of the extension, so a flow also proves where it looks.
 */
export function tokenCacheFile(cacheDir: string, session = SSO_SESSION): string {
  return path.join(cacheDir, `${createHash('sha1').update(session, 'utf8').digest('hex')}.json`);
}

/**
 * Ends the sign-in as time does when nothing can renew it: the cached token is rewritten as
 * expired an hour ago, without its refresh token (what the CLI writes for a token that cannot be
 * refreshed). Written as the CLI writes (a temp file renamed over it, 0600), so the extension,
 * which watches the folder, never reads half a file. Messages never show the file's content.
 */
export async function endSignInInCache(file: string): Promise<void> {
  const text = await fsp.readFile(file, 'utf8').catch((e: unknown) => {
    throw new Error(`The sign-in left no token in the AWS CLI's cache at ${file}: ${e instanceof Error ? e.message : String(e)}`);
  });
  const entry = JSON.parse(text) as Record<string, unknown>;
  if (typeof entry.accessToken !== 'string' || typeof entry.expiresAt !== 'string') throw new Error(`${file} is not an IAM Identity Center token in the CLI's format (fields: ${Object.keys(entry).join(', ')}).`);
  delete entry.refreshToken;
  entry.expiresAt = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const temp = `${file}.${process.pid}.tmp`;
  await fsp.writeFile(temp, JSON.stringify(entry), { mode: 0o600 });
  await fsp.rename(temp, file);
}

const plain = (s: string): string => s.replace(/\u00a0/g, ' ');

/** A row of the Profiles view by its label: accessible name "<label>" or "<label>, <description>". */
export function row(wb: Workbench, label: string): Locator {
  return wb.page.locator('.part.sidebar').getByRole('treeitem', { name: new RegExp(`^${escapeRegExp(label)}(, |$)`) }).first();
}

/** What a screen reader reads for the row ('' when it is not on screen). */
export async function rowText(r: Locator): Promise<string> {
  return (await r.isVisible()) ? plain((await r.getAttribute('aria-label').catch(() => null)) ?? '') : '';
}

/** Waits until the row with this label reads `pattern`; returns what it reads. */
export async function waitForRow(wb: Workbench, label: string, pattern: RegExp, timeoutMs = UI_TIMEOUT_MS): Promise<string> {
  const r = row(wb, label);
  return until(
    async () => {
      const text = await rowText(r);
      return pattern.test(text) ? text : undefined;
    },
    `the "${label}" row to read ${pattern}`,
    async () => `rows: ${JSON.stringify(await wb.treeRows())}; toasts: ${JSON.stringify(await wb.toastTexts())}`,
    timeoutMs,
  );
}

/** Hovers a row and clicks its inline action (the icon buttons at the row's right end) with this title. */
export async function clickRowAction(wb: Workbench, label: string, title: string): Promise<void> {
  const r = row(wb, label);
  await r.waitFor({ state: 'visible' });
  await r.hover();
  const action = r.getByRole('button', { name: title, exact: true });
  try {
    await action.waitFor({ state: 'visible', timeout: 10_000 });
  } catch {
    const offered = await r.getByRole('button').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    throw new Error(`The "${label}" row offers no "${title}" action (it offers ${JSON.stringify(offered)}; it reads "${await rowText(r)}").`);
  }
  await action.click();
}

/** Expands a row (its twistie) unless it is expanded, and waits until it is. */
export async function expandRow(wb: Workbench, label: string): Promise<void> {
  const r = row(wb, label);
  await r.waitFor({ state: 'visible' });
  if ((await r.getAttribute('aria-expanded')) !== 'true') await r.locator('.monaco-tl-twistie').click();
  await until(async () => ((await r.getAttribute('aria-expanded')) === 'true' ? true : undefined), `the "${label}" row to expand`, async () => `aria-expanded=${await r.getAttribute('aria-expanded')}; rows: ${JSON.stringify(await wb.treeRows())}`, 10_000);
}

export const SIGNED_IN = /^e2e, signed in until \d\d:\d\d$/;
export const SIGNED_OUT = /^e2e, signed out$/;

/**
 * Brings the session to "signed out" through the UI (the Sign Out action), so a flow starts
 * where a person who has not signed in yet starts, even after an earlier flow failed midway.
 */
export async function ensureSignedOut(wb: Workbench): Promise<void> {
  await wb.openProfilesView();
  const text = await waitForRow(wb, SSO_SESSION, /^e2e, (signed out|signed in until \d\d:\d\d|expired)$/);
  if (SIGNED_OUT.test(text)) return;
  await clickRowAction(wb, SSO_SESSION, 'Sign Out');
  await waitForRow(wb, SSO_SESSION, SIGNED_OUT);
  await wb.clearNotifications();
}

/** The text of the notification that matches `pattern` (progress notifications included), once it shows. */
export async function waitForToast(wb: Workbench, pattern: RegExp, timeoutMs = UI_TIMEOUT_MS): Promise<string> {
  return until(async () => (await wb.toastTexts()).find((t) => pattern.test(t)), `a notification matching ${pattern}`, async () => `toasts: ${JSON.stringify(await wb.toastTexts())}`, timeoutMs);
}

/**
 * The IAM Identity Center sign-in page held open like a page a person has not answered yet: the
 * browser's requests for the fake's /authorize wait until `approve()`; then the page answers
 * (the fake approves and redirects to the extension's loopback callback). Every page the
 * workbench opens meanwhile (vscode.env.openExternal: a new tab) is collected.
 */
export class HeldSignInPage {
  readonly authorizeUrls: string[] = [];
  /** Every tab opened while held (the workbench's sign-in page, and any a flow opens itself). */
  readonly opened: Page[] = [];
  private release!: () => void;
  private readonly gate = new Promise<void>((r) => (this.release = r));
  private readonly onPage = (p: Page): void => void this.opened.push(p);
  private readonly isAuthorize = (url: URL): boolean => /\/authorize$/.test(url.pathname);
  private readonly handler = async (route: Route, request: Request): Promise<void> => {
    // (A new tab's first navigation is requested before its frame exists: the tab is found from the 'page' events.)
    this.authorizeUrls.push(request.url());
    await this.gate;
    await route.continue().catch(() => undefined);
  };

  private constructor(
    private readonly context: BrowserContext,
    /** The windows' own tabs (not sign-in pages). */
    private readonly workbenches: Page[],
  ) {}

  /** Tabs opened while held that are not a window of the workbench. */
  get signInTabs(): Page[] {
    return this.opened.filter((p) => !this.workbenches.includes(p));
  }

  /** A tab the flow opens itself as a window of the workbench (not a sign-in page). */
  addWindow(page: Page): void {
    this.workbenches.push(page);
  }

  static async hold(wb: Workbench): Promise<HeldSignInPage> {
    const context = wb.page.context();
    const h = new HeldSignInPage(context, [...context.pages()]);
    context.on('page', h.onPage);
    await context.route(h.isAuthorize, h.handler);
    return h;
  }

  /** Waits until the workbench asked the browser for the sign-in page (the /authorize request, held). */
  async waitForRequest(wb: Workbench): Promise<URL> {
    await until(
      async () => (this.authorizeUrls.length > 0 ? true : undefined),
      'the browser to open the sign-in page (the IAM Identity Center /authorize URL)',
      async () => `tabs opened: ${JSON.stringify(this.opened.map((p) => p.url()))}; toasts: ${JSON.stringify(await wb.toastTexts())}`,
    );
    return new URL(this.authorizeUrls[0]!);
  }

  /**
   * Lets the held page answer: the fake approves and redirects to the extension's loopback
   * callback. Waits for the new tab (Playwright announces a tab once its first page loads) to
   * land there; returns the heading the callback page shows.
   */
  async approve(wb: Workbench): Promise<string> {
    this.release();
    const tab = await until(async () => this.signInTabs[0], 'the sign-in page to show in a new browser tab', async () => `tabs opened: ${JSON.stringify(this.opened.map((p) => p.url()))}; toasts: ${JSON.stringify(await wb.toastTexts())}`);
    await tab.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback\?/, { timeout: UI_TIMEOUT_MS }).catch(async () => {
      throw new Error(`The sign-in tab did not come back to the loopback callback; it shows ${tab.url()}: ${JSON.stringify(await tab.locator('body').innerText().catch(() => ''))}`);
    });
    const heading = tab.locator('h1');
    await heading.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    return (await heading.innerText()).trim();
  }

  async dispose(): Promise<void> {
    this.release();
    this.context.off('page', this.onPage);
    await this.context.unroute(this.isAuthorize, this.handler).catch(() => undefined);
    for (const p of this.signInTabs) await p.close().catch(() => undefined);
  }
}
