/**
 * The AWS console: with an assumed role active, F1 → "AWS Identity: Open AWS Console as Identity"
 * opens the browser on the console sign-in link. VS Code asks before it opens an external website
 * (answered "Open", as a person does); the new tab lands on the login page of the console
 * federation fake (test/support/federationFake.ts, on 127.0.0.2 so that code-server leaves the
 * link alone), which says as whom and in which region it signed the browser in. The fake saw
 * exactly one getSigninToken, with keys moto names as the role, and one login with the token it
 * issued. The link and the token are secrets: nothing here prints them.
 */
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { FederationFake, FederationRequest } from '../support/federationFake';
import { check, type E2eFlow } from './harness';
import { clippedScreenshot } from './screenshots';
import { useOpsAdmin } from './steps';
import { escapeRegExp, until, type Workbench } from './workbench';

const OPEN_CONSOLE_COMMAND = 'AWS Identity: Open AWS Console as Identity';
const COPY_LINK_COMMAND = 'AWS Identity: Copy Console Sign-in Link';

let federation: FederationFake | undefined;

/** Called by test/e2e/services.ts once the fake runs (and the setting points at it). */
export function provideConsole(s: { fake: FederationFake }): void {
  federation = s.fake;
}

function fake(): FederationFake {
  if (!federation) throw new Error('test/runE2e.ts did not start the console federation fake (provideConsole was not called).');
  return federation;
}

/** A URL without its query (where a login link keeps its token): safe to print. */
function withoutQuery(url: string): string {
  return url.split(/[?#]/)[0] ?? '';
}

/** VS Code's "Do you want … to open the external website?" (link protection for untrusted domains). */
function externalSiteDialog(wb: Workbench) {
  return wb.page.locator('.monaco-dialog-box').filter({ hasText: /open the external website/i }).first();
}

/** What the fake answered to these requests, one entry each ("login 400 (reason)"), without a secret. */
function summary(requests: readonly FederationRequest[]): string {
  return JSON.stringify(requests.map((r) => `${r.action || '?'} ${r.status}${r.reason ? ` (${r.reason})` : ''}`));
}

/**
 * F1, types the start of the console commands, and waits until both rows show: the moment the
 * README picture shows (the palette with the status bar identity and region under it).
 */
async function paletteWithConsoleCommands(wb: Workbench): Promise<void> {
  await wb.closeQuickInput();
  await wb.page.keyboard.press('F1');
  const input = wb.quickInput.locator('input.input');
  await input.waitFor({ state: 'visible' });
  await until(async () => ((await input.inputValue()).startsWith('>') ? true : undefined), 'the command palette', async () => `input: ${await input.inputValue()}`, 10_000);
  await wb.page.keyboard.type('AWS Identity: console');
  for (const title of [OPEN_CONSOLE_COMMAND, COPY_LINK_COMMAND]) {
    const row = wb.quickInput.getByRole('option', { name: new RegExp(`^${escapeRegExp(title)}(,|$)`) }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 }).catch(async () => {
      throw new Error(`The command palette offers no "${title}" for "AWS Identity: console" (rows: ${JSON.stringify(await wb.quickInputRows())}).`);
    });
  }
}

/** Moves the palette's focus with the arrow keys to the row of `title`, as a person picks a row. */
async function focusPaletteRow(wb: Workbench, title: string): Promise<void> {
  const focused = wb.quickInput.locator('.monaco-list-row.focused');
  const name = async (): Promise<string> => ((await focused.getAttribute('aria-label').catch(() => null)) ?? '').replace(/\u00a0/g, ' ');
  const wanted = new RegExp(`^${escapeRegExp(title)}(,|$)`);
  for (let i = 0; i < 10 && !wanted.test(await name()); i++) {
    const before = await name();
    await wb.page.keyboard.press('ArrowDown');
    await until(async () => ((await name()) !== before ? true : undefined), 'the focus in the palette to move down', async () => `focused row: "${await name()}"`, 10_000);
  }
  check(wanted.test(await name()), `The arrow keys did not reach "${title}" in the palette (focused: "${await name()}"; rows: ${JSON.stringify(await wb.quickInputRows())}).`);
}

export const consoleFlow: E2eFlow = {
  id: 'console',
  title: 'Console: F1, "Open AWS Console as Identity"; the browser lands signed in as the role, in its region',
  timeoutMs: 150_000,
  async run(ctx) {
    const { wb } = ctx;
    const endpoint = fake().endpoint;
    const identity = await useOpsAdmin(ctx);
    const region = /Region: ([a-z]{2}(?:-[a-z]+)+-\d+)/.exec(identity.text)?.[1];
    check(region, `The status bar tooltip shows no region: ${JSON.stringify(identity.text)}`);
    const destination = `https://${region}.console.aws.amazon.com/console/home?region=${region}`;

    const from = fake().requests.length;
    const sinceStart = (): FederationRequest[] => fake().requests.slice(from);
    // window.open from the workbench makes a new tab in the same browser context; collect them all.
    const context = wb.page.context();
    const opened: Page[] = [];
    const onPage = (p: Page): void => void opened.push(p);
    context.on('page', onPage);
    try {
      await paletteWithConsoleCommands(wb);
      await focusPaletteRow(wb, OPEN_CONSOLE_COMMAND);
      const regionItem = wb.page.locator('[id$=".awsIdentity.region"]');
      const paletteShot = await ctx.shot('palette', [wb.quickInput, wb.statusItem(), regionItem], 'console-command.png');
      await wb.page.keyboard.press('Enter');

      const landing = (): Page | undefined => opened.find((p) => withoutQuery(p.url()) === endpoint);
      // A tab elsewhere will not come back: code-server's /proxy/<port>/ route, for one.
      const astray = (): Page | undefined => opened.find((p) => p !== wb.page && !/^(about:blank)?$/.test(p.url()) && withoutQuery(p.url()) !== endpoint);
      const notAstray = (): void => {
        const tab = astray();
        if (tab) throw new Error(`The browser opened ${withoutQuery(tab.url())}, not the sign-in endpoint ${endpoint}; fake saw: ${summary(sinceStart())}`);
      };
      const describe = async (): Promise<string> =>
        `tabs opened: ${JSON.stringify(opened.map((p) => withoutQuery(p.url())))}; external-site dialog: ${await externalSiteDialog(wb).isVisible()}; ` +
        `fake saw: ${summary(sinceStart())}; toasts: ${JSON.stringify(await wb.toastTexts())}`;
      // The link goes to the browser through VS Code's opener, which asks first for a domain the
      // user has not trusted; either the question or the tab comes.
      const first = await until(
        async () => {
          if (landing()) return 'tab';
          notAstray();
          if (await externalSiteDialog(wb).isVisible()) return 'dialog';
          const errors = await wb.errorToastTexts();
          if (errors.length > 0) throw new Error(`An error notification appeared instead of the console: ${errors.join(' | ')}; fake saw: ${summary(sinceStart())}`);
          return undefined;
        },
        'VS Code to ask before opening the console, or a browser tab with it',
        describe,
      );
      if (first === 'dialog') {
        // Its text holds the sign-in link: read nothing from it but its button.
        await externalSiteDialog(wb).getByRole('button', { name: 'Open', exact: true }).click();
        await externalSiteDialog(wb).waitFor({ state: 'hidden' });
      }
      const tab = await until(
        async () => {
          const found = landing();
          if (!found) notAstray();
          return found;
        },
        `a browser tab on the console sign-in page (${endpoint})`,
        describe,
      );
      await tab.waitForLoadState('domcontentloaded');
      const heading = tab.locator('#signed-in');
      await heading.waitFor({ state: 'visible' }).catch(async () => {
        throw new Error(`The console tab shows no sign-in heading; it shows ${JSON.stringify((await tab.locator('body').innerText().catch(() => '')).slice(0, 300))}; fake saw: ${summary(sinceStart())}`);
      });
      const page = {
        heading: (await heading.innerText()).replace(/\s+/g, ' ').trim(),
        arn: (await tab.locator('#arn').innerText()).trim(),
        destination: (await tab.locator('#destination').innerText()).trim(),
      };
      // ctx.shot photographs the workbench; the tab's picture goes next to the palette's.
      await clippedScreenshot(tab, path.join(path.dirname(paletteShot), path.basename(paletteShot).replace(/palette\.png$/, 'landed.png')), [tab.locator('header'), tab.locator('main')], 0);

      // What the browser shows: the role, its session ARN, the region's console.
      check(page.heading === `Signed in to the AWS console as OpsAdmin, region ${region}`, `The console tab reads "${page.heading}", not signed in as OpsAdmin in ${region}.`);
      check(page.arn === identity.arn, `The console tab was signed in as ${page.arn}; the status bar shows ${identity.arn}.`);
      check(page.destination === destination, `The console tab would open ${page.destination}, not ${destination}.`);

      // What the fake saw: one getSigninToken with the role's keys, one login with the token it gave.
      const tokens = sinceStart().filter((r) => r.action === 'getSigninToken');
      const logins = sinceStart().filter((r) => r.action === 'login');
      check(tokens.length === 1 && logins.length === 1, `The fake saw ${tokens.length} getSigninToken and ${logins.length} login requests, not one each: ${summary(sinceStart())}`);
      const [token, login] = [tokens[0]!, logins[0]!];
      check(token.status === 200 && token.callerArn === identity.arn, `getSigninToken was answered ${token.status} for ${token.callerArn ?? 'no caller'} (${token.reason ?? 'no reason'}); the identity is ${identity.arn}.`);
      check(token.params.SessionDuration === '3600', `getSigninToken asked for a console session of ${token.params.SessionDuration ?? 'no'} seconds; a role assumed with long-term keys gets awsIdentity.console.sessionDurationSeconds (3600).`);
      check(login.status === 200 && token.issuedToken !== undefined && login.params.SigninToken === token.issuedToken, `The browser's login was answered ${login.status} (${login.reason ?? 'no reason'}), or did not carry the SigninToken the fake issued.`);
      check(login.params.Destination === destination && login.params.Issuer === 'aws-identity-switcher', `The login asked for Destination ${login.params.Destination ?? 'none'} from Issuer ${login.params.Issuer ?? 'none'}.`);
      check(sinceStart().every((r) => r.status === 200), `The fake refused requests: ${summary(sinceStart())}`);
      check((await wb.errorToastTexts()).length === 0, `An error notification appeared: ${JSON.stringify(await wb.errorToastTexts())}`);
    } finally {
      context.off('page', onPage);
      // Neither the sign-in link (in the dialog) nor the console tab stays on screen for a later picture.
      if (await externalSiteDialog(wb).isVisible().catch(() => false)) await wb.page.keyboard.press('Escape');
      for (const p of opened) if (p !== wb.page) await p.close().catch(() => undefined);
      await wb.page.bringToFront().catch(() => undefined);
    }
  },
};
