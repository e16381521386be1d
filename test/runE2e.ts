/**
 * Runs the end-to-end flows (test/e2e/): the PACKAGED extension (.vsix) installed into a real
 * VS Code (code-server), a fixture HOME, a real STS (moto_server), strict fakes of IAM Identity
 * Center (test/support/ssoFake.ts, role credentials from moto) and of the console federation
 * endpoint (test/support/federationFake.ts), and headless Chromium driven by Playwright like a
 * person: clicks, keys, hovers, and assertions on what is on screen. What runs is started in
 * test/e2e/services.ts; test/e2e/flowRunner.ts runs the flows.
 *
 *   node out/test/runE2e.js [--grep <regexp>] [--vsix <file>] [--rebuild] [--update-screenshots] [--keep]
 *
 *   --grep <regexp>        run only the flows whose title matches (case-insensitive), e.g. --grep console
 *   --vsix <file>          test this package instead of dist-vsix/aws-identity-switcher.vsix
 *   --rebuild              run `npm run package` even when the .vsix looks up to date
 *                          (by default it is built when missing or older than its sources)
 *   --update-screenshots   copy the README pictures the flows mark to media/screenshots/
 *                          (only from a run in which every flow passed)
 *   --keep                 keep the temp dir (HOME, code-server state) for a look afterwards
 *
 * Screenshots of every flow go to artifacts/e2e/ (emptied at the start of a run). When a flow
 * fails, its screenshot is saved as <nn>-<flow>-FAILED.png, and the code-server log, VS Code's
 * logs (with the extension's output channel) and the browser console go to artifacts/e2e/ too.
 *
 * Prints one line per flow and ends with "e2e: N passed, N failed"; exit code 0 only when every
 * flow passed. Flows that never ran (setup failed) count as failed. Time limits: each flow
 * (default 120 s), the whole run (AIS_E2E_TOTAL_TIMEOUT_MS, default 15 min).
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromiumWithProfile } from './support/browser';
import { repoRoot, extensionId, killDescendants, tail } from './support/codeServer';
import { scanRun } from './support/secretScan';
import { ensureVsix } from './support/vsixBuild';
import { flows } from './e2e/index';
import { UI_TIMEOUT_MS, Workbench } from './e2e/workbench';
import { startServices, stopServices, type E2eServices } from './e2e/services';
import { runFlows, saveLogs, say, seconds, updateMediaScreenshots, type FlowResult, type MediaShot } from './e2e/flowRunner';

interface Args {
  grep?: RegExp;
  vsix?: string;
  rebuild: boolean;
  updateScreenshots: boolean;
  keep: boolean;
}

const USAGE = 'Usage: node out/test/runE2e.js [--grep <regexp>] [--vsix <file>] [--rebuild] [--update-screenshots] [--keep]';

function parseArgs(argv: string[]): Args {
  const args: Args = { rebuild: false, updateScreenshots: false, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--grep') {
      const value = argv[++i];
      if (!value) throw new Error(`--grep needs a regular expression. ${USAGE}`);
      args.grep = new RegExp(value, 'i');
    } else if (a === '--vsix') {
      const value = argv[++i];
      if (!value || !fs.existsSync(value)) throw new Error(`--vsix needs an existing .vsix file (got ${value ?? 'nothing'}).`);
      args.vsix = path.resolve(value);
    } else if (a === '--rebuild') args.rebuild = true;
    else if (a === '--update-screenshots') args.updateScreenshots = true;
    else if (a === '--keep') args.keep = true;
    else throw new Error(`Unknown argument ${a}. ${USAGE}`);
  }
  return args;
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const args = parseArgs(process.argv.slice(2));
  const root = repoRoot(__dirname);
  const artifacts = path.join(root, 'artifacts', 'e2e');
  const selected = flows.filter((f) => !args.grep || args.grep.test(f.title));
  if (selected.length === 0) throw new Error(`No flow matches --grep ${String(args.grep)}.`);
  await fsp.rm(artifacts, { recursive: true, force: true });
  await fsp.mkdir(artifacts, { recursive: true });

  // The 17 flows take 5 to 10 min on a 2-core machine, the longer when it is loaded: 15 min leaves room without hiding a hang for long.
  const totalTimeoutMs = Number(process.env.AIS_E2E_TOTAL_TIMEOUT_MS ?? 15 * 60_000);
  const results: FlowResult[] = [];
  const mediaShots: MediaShot[] = [];
  const consoleLog: string[] = [];
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'ais-e2e-'));
  const services: E2eServices = {};
  let browser: BrowserContext | undefined;
  let page: Page | undefined;
  let setupError: string | undefined;
  let secretsLeaked = false;

  // The last line of defence: whatever hangs, the run ends, with its logs and the summary line.
  const watchdog = setTimeout(() => {
    say(`FAILED: the whole run took longer than ${seconds(totalTimeoutMs)} (AIS_E2E_TOTAL_TIMEOUT_MS); stopping everything.`);
    void saveLogs(artifacts, { ...(services.cs ? { cs: services.cs } : {}), consoleLog }).finally(() => {
      killDescendants();
      console.log(`e2e: ${results.filter((r) => r.passed).length} passed, ${selected.length - results.filter((r) => r.passed).length} failed`);
      process.exit(1);
    });
  }, totalTimeoutMs);
  watchdog.unref();

  try {
    const vsix = ensureVsix(root, args, say);
    const id = extensionId(root);
    const { cs, fixture } = await startServices(services, { root, tmp, vsix, id, say });

    // A profile of our own inside tmp: the workbench's state databases live there (scanned below).
    browser = await launchChromiumWithProfile(path.join(tmp, 'browser-profile'));
    page = await browser.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    page.on('console', (m) => consoleLog.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => consoleLog.push(`[pageerror] ${e.stack ?? e.message}`));
    let pageCrashed = false;
    page.on('crash', () => {
      pageCrashed = true;
    });

    const tLoad = Date.now();
    await page.goto(cs.workbenchUrl(), { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    const wb = new Workbench(page, id);
    // Activation (onStartupFinished) shows the status bar item; a failed activation is in the host log.
    await wb.statusItem().waitFor({ state: 'visible', timeout: 60_000 }).catch(() => {
      const failed = new RegExp(`Activating extension '?${id.replace(/\./g, '\\.')}'? failed[^\\n]*`).exec(cs.extensionHostLog());
      throw new Error(`The extension's status bar item did not appear within 60 s${failed ? `: ${failed[0]}` : ''}.`);
    });
    say(`workbench loaded, extension active, in ${seconds(Date.now() - tLoad)}`);
    // The panel under the whole window (a layout command, not a setting): terminals wide enough
    // that an ARN fits on one row. Cosmetic, so a failure here is only reported.
    await wb.runCommand('View: Set Panel Alignment to Justify').catch((e: unknown) => say(`could not justify the panel: ${String(e)}`));

    await runFlows({ flows, selected, wb, fixture, cs, artifacts, pageCrashed: () => pageCrashed, results, mediaShots });
  } catch (e) {
    setupError = e instanceof Error ? (e.stack ?? e.message) : String(e);
    say(`FAILED before the flows could finish: ${setupError}`);
    if (page) await page.screenshot({ path: path.join(artifacts, 'setup-FAILED.png'), timeout: 10_000 }).catch(() => undefined);
    const cs = services.cs;
    if (cs) console.log(`--- code-server log (tail) ---\n${tail(cs.logFile, 3000)}\n--- extension host log (tail) ---\n${cs.extensionHostLog().slice(-3000)}`);
  }

  const passed = results.filter((r) => r.passed).length;
  const failed = selected.length - passed;
  try {
    if (failed > 0) await saveLogs(artifacts, { ...(services.cs ? { cs: services.cs } : {}), consoleLog });
    if (args.updateScreenshots) {
      if (failed > 0) say('not updating media/screenshots: not every flow passed.');
      else await updateMediaScreenshots(root, mediaShots);
    }
  } finally {
    clearTimeout(watchdog);
    await browser?.close().catch(() => undefined);
    // Stopped with its state kept, so the scan sees everything it wrote; removed with tmp below.
    await stopServices(services, say);
    const { issued, home } = services;
    if (issued && home && !setupError) {
      const clean = scanRun([tmp], issued, [home.configFile, home.credentialsFile]);
      if (!clean) secretsLeaked = true;
    }
    if (args.keep) say(`kept ${tmp}`);
    else await fsp.rm(tmp, { recursive: true, force: true, maxRetries: 3 });
  }
  say(`screenshots in ${path.relative(process.cwd(), artifacts) || artifacts}; wall time ${seconds(Date.now() - t0)}`);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  return failed > 0 || setupError || secretsLeaked ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`[e2e] ${e instanceof Error ? e.message : String(e)}`);
    console.log(`e2e: 0 passed, ${flows.length} failed`);
    process.exit(1);
  },
);
