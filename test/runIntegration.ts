/**
 * Runs the integration suite (test/integration/**) inside a real VS Code: code-server with a
 * fixture HOME, a real STS (moto_server) and headless Chromium holding the workbench open.
 * The code-server twin of test/runElectron.ts, for machines that cannot download VS Code.
 *
 *   node out/test/runIntegration.js [--grep <regexp>] [--keep] [--vsix <file>] [--label <name>]
 *
 * --vsix runs the suite against the packaged extension installed into the isolated extensions
 * dir (what users get) instead of this checkout as the extension under development.
 * The last line is always "<label>: N passed, N failed" (label default "integration").
 *
 * Builds nothing: run `npm run build && npm run compile-tests` first (scripts/test.sh does).
 * Exit code 0 only when every test passed. On failure, logs and a screenshot go to artifacts/.
 *
 * How the end of the run is detected: test/integration/index.ts writes $AIS_TEST_RESULT_FILE
 * (atomically) when mocha finishes, and streams report lines to $AIS_TEST_PROGRESS_FILE; both
 * paths reach the extension host through code-server's environment, which it inherits. If the
 * extension host exits without a result (code-server logs "Extension Host Process exited with
 * code: N"), code-server dies, the page crashes, or the time limit passes, the run fails at once.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromiumWithProfile } from './support/browser';
import { startCodeServer, repoRoot, CodeServer, tail } from './support/codeServer';
import { createFixtureHome, isolatedEnv, FixtureHome } from './support/fixtureHome';
import { startMoto, MotoServer } from './support/moto';
import { FaultProxy } from './support/faultProxy';
import { cliV1Path, pythonWithBoto3 } from './support/awsClients';
import { IssuedSecrets, scanRun } from './support/secretScan';
import type { IntegrationResult } from './integration/index';
import { serveUiRequest } from './support/uiRequests';

interface Args {
  grep?: string;
  keep: boolean;
  vsix?: string;
  label: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { keep: false, label: 'integration' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--grep') {
      const value = argv[++i];
      if (!value) throw new Error('--grep needs a regular expression');
      args.grep = value;
    } else if (a === '--vsix') {
      const value = argv[++i];
      if (!value || !fs.existsSync(value)) throw new Error(`--vsix needs an existing .vsix file (got ${value ?? 'nothing'}); build one with npm run package`);
      args.vsix = path.resolve(value);
    } else if (a === '--label') {
      const value = argv[++i];
      if (!value || !/^[a-z0-9-]+$/.test(value)) throw new Error('--label needs a name of lowercase letters, digits and dashes');
      args.label = value;
    } else if (a === '--keep') args.keep = true;
    else throw new Error(`Unknown argument ${a}. Usage: node out/test/runIntegration.js [--grep <regexp>] [--keep] [--vsix <file>] [--label <name>]`);
  }
  return args;
}

const say = (line: string): void => console.log(`[integration] ${line}`);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function readResult(file: string): IntegrationResult | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as IntegrationResult;
  } catch {
    return undefined;
  }
}

/** Prints whatever the progress file gained since `offset`; returns the new offset. */
function printProgress(file: string, offset: number): number {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return offset;
  }
  const complete = text.lastIndexOf('\n') + 1;
  if (complete > offset) process.stdout.write(text.slice(offset, complete));
  return Math.max(offset, complete);
}

async function saveArtifacts(dir: string, parts: { cs?: CodeServer; page?: Page; tmp: string; consoleLog: string[] }): Promise<void> {
  await fsp.mkdir(dir, { recursive: true });
  if (parts.page) {
    await parts.page.screenshot({ path: path.join(dir, 'workbench.png'), timeout: 10_000 }).catch((e: unknown) => say(`no screenshot: ${String(e)}`));
  }
  await fsp.writeFile(path.join(dir, 'browser-console.log'), parts.consoleLog.join('\n'));
  for (const f of ['progress.log', 'result.json']) {
    await fsp.copyFile(path.join(parts.tmp, f), path.join(dir, f)).catch(() => undefined);
  }
  if (parts.cs) {
    await fsp.copyFile(parts.cs.logFile, path.join(dir, 'code-server.log')).catch(() => undefined);
    // The extension host's own logs, including our extension's output channel.
    await fsp.cp(path.join(parts.cs.userDataDir, 'logs'), path.join(dir, 'vscode-logs'), { recursive: true }).catch(() => undefined);
  }
  say(`artifacts saved to ${path.relative(process.cwd(), dir) || dir}`);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  const root = repoRoot(__dirname);
  const extensionMain = path.join(root, 'dist', 'extension.js');
  const testsEntry = path.join(root, 'out', 'test', 'integration', 'index.js');
  for (const [file, fix] of [
    [extensionMain, 'npm run build'],
    [testsEntry, 'npm run compile-tests'],
  ] as const) {
    if (!fs.existsSync(file)) throw new Error(`${path.relative(root, file)} is missing: run \`${fix}\` first.`);
  }
  const totalTimeoutMs = Number(process.env.AIS_TEST_TOTAL_TIMEOUT_MS ?? 15 * 60_000);
  const startTimeoutMs = Number(process.env.AIS_TEST_START_TIMEOUT_MS ?? 120_000);
  // Ctrl-C / a CI cancel: stop waiting, clean up below, exit non-zero.
  let interrupted: string | undefined;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      interrupted = signal;
    });
  }

  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'ais-integration-'));
  const resultFile = path.join(tmp, 'result.json');
  const progressFile = path.join(tmp, 'progress.log');
  // Tests ask the runner to act as the user here (answer a dialog, type): see support/uiRequests.ts.
  const uiRequestFile = path.join(tmp, 'ui-request.json');
  const workspace = path.join(tmp, 'workspace');
  await fsp.cp(path.join(root, 'test', 'fixtures', 'integration', 'workspace'), workspace, { recursive: true });

  let moto: MotoServer | undefined;
  let home: FixtureHome | undefined;
  let cs: CodeServer | undefined;
  let browser: BrowserContext | undefined;
  let page: Page | undefined;
  const consoleLog: string[] = [];
  let failure: string | undefined;
  let result: IntegrationResult | undefined;
  let stsProxy: FaultProxy | undefined;
  let issued: IssuedSecrets | undefined;
  let secretsLeaked = false;
  try {
    moto = await startMoto();
    // VS Code's STS traffic goes through a recording proxy: every key, secret and token moto
    // issues is remembered, and after the run every file VS Code and the extension wrote is
    // searched for them (scanRun below).
    stsProxy = await FaultProxy.start(moto.endpoint);
    issued = IssuedSecrets.recordFrom(stsProxy);
    home = await createFixtureHome(path.join(root, 'test', 'fixtures', 'integration', 'aws'), tmp);
    const env = isolatedEnv(home, {
      stsEndpoint: stsProxy.endpoint,
      extra: {
        AIS_TEST_RESULT_FILE: resultFile,
        AIS_TEST_PROGRESS_FILE: progressFile,
        AIS_TEST_UI_REQUEST_FILE: uiRequestFile,
        AIS_TEST_FIXTURE_HOME: home.home,
        AIS_TEST_WORKSPACE: workspace,
        AIS_TEST_MOTO_ENDPOINT: moto.endpoint,
        AIS_TEST_REPO_ROOT: root,
        // Resolved here, with the real HOME: in the extension host HOME is the fixture's, where
        // pyenv (the pip CLI v1 and boto3) cannot be found. Terminals run these exact programs.
        AIS_TEST_AWS_CLI_V1: cliV1Path(),
        AIS_TEST_PYTHON_BOTO3: pythonWithBoto3(),
        AIS_TEST_EXTENSION_SOURCE: args.vsix ? 'vsix' : 'checkout',
        ...(args.grep ? { AIS_TEST_GREP: args.grep } : {}),
        ...(process.env.AIS_TEST_TIMEOUT_MS ? { AIS_TEST_TIMEOUT_MS: process.env.AIS_TEST_TIMEOUT_MS } : {}),
      },
    });
    cs = await startCodeServer({ workspaceFolder: workspace, env, smokeTestDriver: true, stateParent: tmp, ...(args.vsix ? { vsix: args.vsix } : {}) });
    if (args.vsix) say(`installed ${path.relative(root, args.vsix)} into ${cs.extensionsDir}`);
    say(`code-server ${cs.version} ready at ${cs.url} in ${seconds(cs.startMs)}; moto at ${moto.endpoint}; HOME=${home.home}`);

    // A profile of our own inside tmp: the workbench's state databases live there (scanned below).
    browser = await launchChromiumWithProfile(path.join(tmp, 'browser-profile'));
    page = await browser.newPage();
    let pageCrashed = false;
    page.on('console', (m) => consoleLog.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => consoleLog.push(`[pageerror] ${e.stack ?? e.message}`));
    page.on('crash', () => {
      pageCrashed = true;
    });
    const tLoad = Date.now();
    // VS Code runs extensionTestsPath only in an extension development host, so with --vsix the
    // development extension is an empty stub and ours is the installed one.
    let developmentPath = root;
    if (args.vsix) {
      developmentPath = path.join(tmp, 'test-host-stub');
      await fsp.mkdir(developmentPath, { recursive: true });
      await fsp.writeFile(
        path.join(developmentPath, 'package.json'),
        JSON.stringify({ name: 'test-host-stub', publisher: 'ais-tests', version: '0.0.0', engines: { vscode: '*' } }),
      );
    }
    const url = cs.workbenchUrl({ folder: workspace, extensionDevelopmentPath: developmentPath, extensionTestsPath: testsEntry });
    await page.goto(url, {
      waitUntil: 'domcontentloaded',
      timeout: 60_000,
    });

    // Poll for the end of the run; each condition that can never recover fails at once.
    let offset = 0;
    const deadline = t0 + totalTimeoutMs;
    const startDeadline = Date.now() + startTimeoutMs;
    for (;;) {
      if (interrupted) {
        failure = `Interrupted by ${interrupted}.`;
        break;
      }
      offset = printProgress(progressFile, offset);
      result = readResult(resultFile);
      if (result) break;
      const exits = cs.extensionHostExits();
      if (exits.length > 0) {
        // The host may exit in the instant between the result rename and our read.
        result = readResult(resultFile);
        if (result) break;
        failure = `The extension host exited with code ${exits.join(', ')} before the tests reported a result (a crash, or run() was never called).`;
        break;
      }
      if (!cs.isRunning()) {
        failure = 'code-server exited during the test run.';
        break;
      }
      if (pageCrashed) {
        failure = 'The browser page holding the workbench crashed.';
        break;
      }
      if (!fs.existsSync(progressFile) && Date.now() > startDeadline) {
        failure = `The tests did not start within ${seconds(startTimeoutMs)} of loading the workbench (AIS_TEST_START_TIMEOUT_MS): VS Code never called run() in ${path.relative(root, testsEntry)}.`;
        break;
      }
      if (Date.now() > deadline) {
        failure = `Timed out after ${seconds(totalTimeoutMs)} (AIS_TEST_TOTAL_TIMEOUT_MS) waiting for the integration tests to finish; the last report line shows where they stopped.`;
        break;
      }
      if (fs.existsSync(uiRequestFile)) await serveUiRequest(page, uiRequestFile);
      await new Promise((r) => setTimeout(r, 200));
    }
    printProgress(progressFile, offset);
    if (result) {
      say(`tests finished ${seconds(Date.now() - tLoad)} after the page load`);
      console.log(`VS Code ${result.vscodeVersion}`);
      console.log(`code-server ${cs.version}`);
      if (result.fatal) failure = result.fatal;
      else if (result.failed > 0) failure = `${result.failed} test(s) failed.`;
    }
  } catch (e) {
    failure = e instanceof Error ? (e.stack ?? e.message) : String(e);
  }

  // Without a result (crash, timeout) count the passes the progress report already showed.
  const passed = result?.passed ?? (tail(progressFile, Number.MAX_SAFE_INTEGER).match(/^\s*✓ /gm) ?? []).length;
  const failed = result ? result.failed : 1;
  try {
    if (failure) {
      say(`FAILED: ${failure}`);
      if (cs && !result) {
        console.log(`--- code-server log (tail) ---\n${tail(cs.logFile, 3000)}`);
        const hostLog = cs.extensionHostLog();
        console.log(`--- extension host log (tail) ---\n${hostLog.slice(-3000)}`);
      }
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      await saveArtifacts(path.join(root, 'artifacts', `integration-${stamp}`), { ...(cs ? { cs } : {}), ...(page ? { page } : {}), tmp, consoleLog });
    }
  } finally {
    await browser?.close().catch(() => undefined);
    // Stopped with its state kept, so the scan sees everything it wrote; removed with tmp below.
    await cs?.stop({ keepState: true });
    await stsProxy?.stop();
    await moto?.stop();
    if (issued && home && result) secretsLeaked = !scanRun([tmp], issued, [home.configFile, home.credentialsFile]);
    if (args.keep) say(`kept ${tmp}`);
    else await fsp.rm(tmp, { recursive: true, force: true, maxRetries: 3 });
  }
  say(`wall time ${seconds(Date.now() - t0)}`);
  if (secretsLeaked) say('FAILED: the secrets scan did not pass (see "secrets" above).');
  console.log(`${args.label}: ${passed} passed, ${failed + (secretsLeaked ? 1 : 0)} failed`);
  return failure || secretsLeaked ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`[integration] ${e instanceof Error ? e.message : String(e)}`);
    const label = process.argv.indexOf('--label');
    console.log(`${(label > 0 && process.argv[label + 1]) || 'integration'}: 0 passed, 1 failed`);
    process.exit(1);
  },
);
