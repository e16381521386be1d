/**
 * The sandbox behind `npm run sandbox` (scripts/sandbox.sh): the extension from this checkout
 * in a real VS Code (code-server) against a throwaway HOME with demo profiles (sandbox/aws/)
 * and a local STS (moto_server). Nothing touches the user's real ~/.aws or real AWS.
 *
 *   node out/sandbox/runSandbox.js [--port N] [--check]
 *
 * Interactive: prints the URL, opens it when a display exists, runs until Ctrl-C, then stops
 * everything. `--check`: starts everything, loads the workbench in headless Chromium, waits
 * until our extension activated (extension host log), its status bar item and activity bar
 * icon show, its Profiles view lists the demo profiles, and clicking one switches the status
 * bar to it (an identity from the local STS); saves a screenshot to
 * artifacts/sandbox-check.png and exits 0 (non-zero, with the reason, otherwise).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchChromium } from './support/browser';
import { startCodeServer, repoRoot, CodeServer, tail } from './support/codeServer';
import { createFixtureHome, isolatedEnv } from './support/fixtureHome';
import { startMoto, MotoServer, waitFor } from './support/moto';
import { MOTO_ACCOUNT } from './support/motoIam';
import { SsoFake } from './support/ssoFake';
import { checkSso, SSO_DEMO_ACCOUNTS } from './sandboxSso';

const extensionId = 'aws-identity-switcher.aws-identity-switcher';
const say = (line: string): void => console.log(`[sandbox] ${line}`);

interface Args {
  check: boolean;
  port?: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--check') args.check = true;
    else if (a === '--port') {
      const port = Number(argv[++i]);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port needs a port number (0 = any free port).');
      args.port = port;
    } else throw new Error(`Unknown argument ${a}. Usage: npm run sandbox -- [--port N] [--check]`);
  }
  return args;
}

/** Whether `port` is free on loopback right now. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** The demo profile names, read from sandbox/aws/config (so the check follows edits to it). */
function demoProfiles(configFile: string): string[] {
  return [...fs.readFileSync(configFile, 'utf8').matchAll(/^\[(?:profile\s+)?([^\]\s]+)\s*\]/gm)].map((m) => m[1] as string);
}

/** Headless proof that the quick start works: workbench up, extension active, profiles listed. */
async function check(cs: CodeServer, url: string, profiles: string[], artifactsDir: string, sso: SsoFake): Promise<void> {
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const shot = path.join(artifactsDir, 'sandbox-check.png');
  await fsp.mkdir(artifactsDir, { recursive: true });
  try {
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    say('workbench loaded');

    await waitFor(
      () => {
        const log = cs.extensionHostLog();
        const failed = new RegExp(`Activating extension '?${extensionId}'? failed[^\\n]*`).exec(log);
        if (failed) throw new Error(failed[0]);
        return log.includes(`_doActivateExtension ${extensionId}`);
      },
      `the extension host to activate ${extensionId}`,
      60_000,
      200,
    );
    const activationError = new RegExp(`Activating extension '?${extensionId}'? failed[^\\n]*`).exec(cs.extensionHostLog());
    if (activationError) throw new Error(activationError[0]);
    say('extension activated (extension host log)');

    // Status bar item ids are "<extension id>.<item id>" in the DOM.
    const statusItem = page.locator(`[id^="${extensionId}."]`).first();
    await statusItem.waitFor({ state: 'visible', timeout: 30_000 });
    say(`status bar item shows: "${(await statusItem.innerText()).trim()}"`);

    const activity = page.locator('.part.activitybar [aria-label^="AWS Identity"], .part.activitybar [aria-label*="AWS Identity"]').first();
    await activity.waitFor({ state: 'visible', timeout: 30_000 });
    await activity.click();
    const expected = profiles.filter((p) => p !== 'default');
    const firstProfile = expected[0] ?? 'default';
    // Whole-word match: "dev" must not be satisfied by a longer name.
    const escaped = firstProfile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    await page.getByRole('treeitem', { name: new RegExp(`(^|\\W)${escaped}(\\W|$)`) }).first().waitFor({ state: 'visible', timeout: 30_000 });
    // Each row's label proper (without its description) is the profile name.
    const rows = (await page.locator('[role="treeitem"] .label-name').allInnerTexts()).map((t) => t.trim());
    const missing = expected.filter((p) => !rows.includes(p));
    if (missing.length > 0) throw new Error(`The Profiles view does not list ${missing.join(', ')} (rows: ${rows.join(' | ')}).`);
    say(`Profiles view lists ${expected.length} demo profiles`);

    // One switch through the UI proves the local STS answers: click a profile, the status bar names it.
    const before = (await statusItem.innerText()).trim();
    await page.locator('[role="treeitem"]', { has: page.locator('.label-name', { hasText: new RegExp(`^${escaped}$`) }) }).first().click();
    await waitFor(
      async () => {
        // Settled: "<caller name> (<12-digit account>)", both from GetCallerIdentity.
        return /\(\d{12}\)/.test((await statusItem.innerText()).trim());
      },
      `the status bar to show the identity of ${firstProfile} (an account number) after clicking it (it showed "${before}")`,
      30_000,
      200,
    );
    say(`clicked ${firstProfile}: status bar shows "${(await statusItem.innerText()).trim()}"`);
    await page.screenshot({ path: shot });
    await checkSso(page, sso, statusItem, artifactsDir, say);
    say(`screenshot: ${path.relative(process.cwd(), shot)}`);
  } catch (e) {
    await page.screenshot({ path: shot }).catch(() => undefined);
    await fsp.copyFile(cs.logFile, path.join(artifactsDir, 'sandbox-code-server.log')).catch(() => undefined);
    await fsp.cp(path.join(cs.userDataDir, 'logs'), path.join(artifactsDir, 'sandbox-vscode-logs'), { recursive: true }).catch(() => undefined);
    const detail = pageErrors.length > 0 ? `\nbrowser errors: ${pageErrors.slice(-5).join('\n')}` : '';
    throw new Error(`${e instanceof Error ? e.message : String(e)}${detail}\nscreenshot: ${shot}; extension host log tail:\n${cs.extensionHostLog().slice(-2000)}`);
  } finally {
    await browser.close();
  }
}

function openInBrowser(url: string): void {
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return;
  const opener = spawn('xdg-open', [url], { stdio: 'ignore', detached: true });
  opener.on('error', () => undefined); // no xdg-open: the printed URL is enough
  opener.unref();
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  const root = repoRoot(__dirname);
  if (!fs.existsSync(path.join(root, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build` first.');
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'ais-sandbox-'));
  const workspace = path.join(tmp, 'workspace');
  await fsp.cp(path.join(root, 'sandbox', 'workspace'), workspace, { recursive: true });

  let moto: MotoServer | undefined;
  let sso: SsoFake | undefined;
  let cs: CodeServer | undefined;
  let stopping: Promise<void> | undefined;
  const stopAll = (): Promise<void> =>
    (stopping ??= (async () => {
      await cs?.stop();
      await sso?.stop();
      await moto?.stop();
      await fsp.rm(tmp, { recursive: true, force: true, maxRetries: 3 });
    })());

  try {
    moto = await startMoto();
    // The demo IAM Identity Center of [sso-session demo] (sandbox/aws/config): a local fake whose
    // role credentials come from moto's STS.
    sso = await SsoFake.start({ motoEndpoint: moto.endpoint, accounts: SSO_DEMO_ACCOUNTS(MOTO_ACCOUNT), userName: 'sandbox-user' });
    const home = await createFixtureHome(path.join(root, 'sandbox', 'aws'), tmp);
    let port = args.port ?? (args.check ? 0 : 8420);
    if (args.port === undefined && port !== 0 && !(await portFree(port))) port = 0;
    cs = await startCodeServer({
      workspaceFolder: workspace,
      env: isolatedEnv(home, { stsEndpoint: moto.endpoint, extra: { AWS_ENDPOINT_URL_SSO: sso.endpoint, AWS_ENDPOINT_URL_SSO_OIDC: sso.endpoint } }),
      bindAddr: `127.0.0.1:${port}`,
      stateParent: tmp,
      // The web workbench honours the URL payload (extensionDevelopmentPath) only with the
      // smoke-test driver on (a built code-server ignores it otherwise).
      smokeTestDriver: true,
    });
    const url = cs.workbenchUrl({ folder: workspace, extensionDevelopmentPath: root });
    say(`code-server ${cs.version} ready in ${(cs.startMs / 1000).toFixed(1)} s; local STS (moto) at ${moto.endpoint}; demo IAM Identity Center at ${sso.endpoint}`);
    say(`sandbox HOME: ${home.home} (a copy of sandbox/aws: edit ${home.configFile} freely)`);
    say(`code-server log: ${cs.logFile}`);

    if (args.check) {
      await check(cs, url, demoProfiles(path.join(root, 'sandbox', 'aws', 'config')), path.join(root, 'artifacts'), sso);
      say(`check passed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return 0;
    }

    console.log(`\n  Open the sandbox:  ${url}\n`);
    console.log('  (loopback only; from another machine forward the port, e.g. ssh -L ' + `${cs.port}:127.0.0.1:${cs.port})`);
    console.log('  Press Ctrl-C to stop.\n');
    openInBrowser(url);
    const server = cs;
    return await new Promise<number>((resolve) => {
      // If code-server dies on its own, say so and end too.
      const watch = setInterval(() => {
        if (!server.isRunning()) {
          clearInterval(watch);
          say(`code-server exited unexpectedly; log tail:\n${tail(server.logFile, 2000)}`);
          resolve(1);
        }
      }, 1000);
      const onSignal = (): void => {
        clearInterval(watch);
        say('stopping');
        resolve(0);
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
    });
  } finally {
    await stopAll();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`[sandbox] FAILED: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
