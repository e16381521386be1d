/**
 * Runs the end-to-end flows (test/e2e/): the PACKAGED extension (.vsix) installed into a real
 * VS Code (code-server), a fixture HOME, a real STS (moto_server), a strict fake of IAM Identity
 * Center (test/support/ssoFake.ts, role credentials from moto), and headless Chromium driven
 * by Playwright like a person: clicks, keys, hovers, and assertions on what is on screen.
 *
 *   node out/test/runE2e.js [--grep <regexp>] [--vsix <file>] [--rebuild] [--update-screenshots] [--keep]
 *
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
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromiumWithProfile } from './support/browser';
import { startCodeServer, repoRoot, CodeServer, extensionId, killDescendants, tail } from './support/codeServer';
import { createFixtureHome, isolatedEnv, FixtureHome } from './support/fixtureHome';
import { startMoto, MotoServer } from './support/moto';
import { FaultProxy } from './support/faultProxy';
import { SsoFake } from './support/ssoFake';
import { IssuedSecrets, scanRun } from './support/secretScan';
import { MOTO_ACCOUNT, createRole, createUserWithKeys, setIamAuthorization } from './support/motoIam';
import { cliV1Path } from './support/awsClients';
import { flows } from './e2e/index';
import { shotFile, type E2eContext, type E2eFixture } from './e2e/harness';
import { UI_TIMEOUT_MS, Workbench } from './e2e/workbench';
import { provideSso, ssoAccounts, ssoConfigSections, SSO_USER } from './e2e/ssoSupport';

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

const say = (line: string): void => console.log(`[e2e] ${line}`);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** The newest modification time of the files a .vsix is built from. */
function newestSource(root: string): number {
  let newest = 0;
  const visit = (p: string): void => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(p)) visit(path.join(p, entry));
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  // media/screenshots is what this runner writes: not a reason to rebuild.
  for (const p of ['src', 'package.json', 'esbuild.mjs', '.vscodeignore', 'media/icon.png', 'media/aws-identity.svg', 'README.md', 'CHANGELOG.md', 'LICENSE']) visit(path.join(root, p));
  return newest;
}

/** The .vsix to test: the given one, or dist-vsix/aws-identity-switcher.vsix (re)built with `npm run package` when needed. */
function ensureVsix(root: string, args: Args): string {
  if (args.vsix) return args.vsix;
  const vsix = path.join(root, 'dist-vsix', 'aws-identity-switcher.vsix');
  const stale = !fs.existsSync(vsix) || fs.statSync(vsix).mtimeMs < newestSource(root);
  if (args.rebuild || stale) {
    say(`${args.rebuild ? 'rebuilding' : fs.existsSync(vsix) ? 'the .vsix is older than its sources; rebuilding' : 'building'} ${path.relative(root, vsix)} (npm run package)`);
    const t = Date.now();
    const result = spawnSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], timeout: 5 * 60_000 });
    if (result.status !== 0 || !fs.existsSync(vsix)) {
      throw new Error(`npm run package failed (status ${String(result.status)}${result.error ? `, ${result.error.message}` : ''}); see its output above.`);
    }
    say(`built in ${seconds(Date.now() - t)}`);
  } else say(`using ${path.relative(root, vsix)} (up to date with src/; --rebuild forces a build)`);
  return vsix;
}

/** Packages test/fixtures/api-consumer (another extension using the API, see test/e2e/apiConsent.ts) into `dir`. */
function packageApiConsumer(root: string, dir: string): string {
  const out = path.join(dir, 'ais-api-consumer.vsix');
  const vsce = path.join(root, 'node_modules', '.bin', 'vsce');
  const args = ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out];
  const result = spawnSync(vsce, args, { cwd: path.join(root, 'test', 'fixtures', 'api-consumer'), encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0 || !fs.existsSync(out)) throw new Error(`Packaging test/fixtures/api-consumer failed (status ${String(result.status)}): ${result.stdout}${result.stderr}`);
  return out;
}

/**
 * User settings for the workbench under test. The terminal ones make the terminal readable from
 * the DOM (xterm's DOM renderer, no sticky-scroll overlay, no suggest widget over the text) and
 * put AWS CLI v1 first on the terminals' PATH: the integrated terminal's environment comes from
 * a login shell, whose /etc/profile drops the pyenv shims, so `aws` would otherwise be Debian's
 * CLI v2, which ignores AWS_ENDPOINT_URL_STS. A user's own PATH setting does the same.
 */
function workbenchSettings(cliV1Dir: string): Record<string, unknown> {
  return {
    'terminal.integrated.gpuAcceleration': 'off',
    'terminal.integrated.stickyScroll.enabled': false,
    'terminal.integrated.suggest.enabled': false,
    'terminal.integrated.enablePersistentSessions': false,
    'terminal.integrated.defaultProfile.linux': 'bash',
    'terminal.integrated.env.linux': { PATH: `${cliV1Dir}:\${env:PATH}` },
    'workbench.hover.delay': 300,
    // code-server would announce every port a terminal or the extension opens.
    'remote.autoForwardPorts': false,
  };
}

/** Removes one `[section]` (up to the next section) from an ini file. */
async function dropSection(file: string, section: string): Promise<void> {
  const lines = (await fsp.readFile(file, 'utf8')).split('\n');
  let inside = false;
  const kept = lines.filter((line) => {
    const header = /^\s*\[([^\]]+)\]/.exec(line);
    if (header) inside = header[1]?.trim() === section;
    return !inside;
  });
  await fsp.writeFile(file, kept.join('\n'));
}

interface FlowResult {
  readonly title: string;
  readonly passed: boolean;
  readonly ms: number;
  readonly error?: string;
}

/** Rejects after `ms` with a message naming what took too long. */
function deadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${seconds(ms)}.`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function saveLogs(dir: string, parts: { cs?: CodeServer; consoleLog: string[] }): Promise<void> {
  await fsp.mkdir(dir, { recursive: true });
  await fsp.writeFile(path.join(dir, 'browser-console.log'), parts.consoleLog.join('\n'));
  if (parts.cs) {
    await fsp.copyFile(parts.cs.logFile, path.join(dir, 'code-server.log')).catch(() => undefined);
    // VS Code's logs, including the extension host's and the extension's output channel.
    await fsp.cp(path.join(parts.cs.userDataDir, 'logs'), path.join(dir, 'vscode-logs'), { recursive: true }).catch(() => undefined);
  }
  say(`logs saved to ${dir}`);
}

/** Brings the workbench back to a neutral state after a flow: no quick input, no toasts, no hover, IAM auth off. */
async function resetUi(wb: Workbench, fixture: E2eFixture): Promise<void> {
  await fixture.setIamAuthorization(false).catch((e: unknown) => say(`could not turn moto IAM authorization off: ${String(e)}`));
  await wb.closeQuickInput().catch(() => undefined);
  await wb.clearNotifications().catch(() => undefined);
  await wb.moveMouseAway().catch(() => undefined);
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

  // The 12 flows take about 8 min on a loaded 2-core machine: 15 min leaves room without hiding a hang for long.
  const totalTimeoutMs = Number(process.env.AIS_E2E_TOTAL_TIMEOUT_MS ?? 15 * 60_000);
  const results: FlowResult[] = [];
  const mediaShots: { file: string; media: string; flow: string }[] = [];
  const consoleLog: string[] = [];
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'ais-e2e-'));
  let moto: MotoServer | undefined;
  let home: FixtureHome | undefined;
  let cs: CodeServer | undefined;
  let browser: BrowserContext | undefined;
  let page: Page | undefined;
  let setupError: string | undefined;
  let stsProxy: FaultProxy | undefined;
  let sso: SsoFake | undefined;
  let issued: IssuedSecrets | undefined;
  let secretsLeaked = false;

  // The last line of defence: whatever hangs, the run ends, with its logs and the summary line.
  const watchdog = setTimeout(() => {
    say(`FAILED: the whole run took longer than ${seconds(totalTimeoutMs)} (AIS_E2E_TOTAL_TIMEOUT_MS); stopping everything.`);
    void saveLogs(artifacts, { ...(cs ? { cs } : {}), consoleLog }).finally(() => {
      killDescendants();
      console.log(`e2e: ${results.filter((r) => r.passed).length} passed, ${selected.length - results.filter((r) => r.passed).length} failed`);
      process.exit(1);
    });
  }, totalTimeoutMs);
  watchdog.unref();

  try {
    const vsix = ensureVsix(root, args);
    const id = extensionId(root);

    moto = await startMoto();
    // An IAM user that exists in moto, so its requests still pass once IAM authorization is on,
    // and a role that trusts someone else: assuming it is a real AccessDenied.
    const user = await createUserWithKeys(moto.endpoint, 'alice');
    const lockedRoleArn = await createRole(moto.endpoint, 'E2eLocked', `arn:aws:iam::${MOTO_ACCOUNT}:user/bob`);

    home = await createFixtureHome(path.join(root, 'test', 'fixtures', 'integration', 'aws'), tmp);
    // Keys in [default] make every AWS client prefer them to the loopback credential endpoint,
    // so the extension falls back to environment variables. Without them terminals get what
    // most users get: the endpoint (the default `awsIdentity.terminal.credentials` mode).
    await dropSection(home.credentialsFile, 'default');
    // moto made these keys just now (they are fake and die with moto), so they cannot be a
    // hand-written fixture: the profile is appended to the fixture HOME's copy.
    await fsp.appendFile(home.configFile, '\n# Added by test/runE2e.ts: an IAM user that exists in moto.\n[profile alice]\nregion = us-east-1\n');
    await fsp.appendFile(home.credentialsFile, `\n[alice]\naws_access_key_id = ${user.accessKeyId}\naws_secret_access_key = ${user.secretAccessKey}\n`);

    const workspace = path.join(tmp, 'workspace');
    await fsp.cp(path.join(root, 'test', 'fixtures', 'integration', 'workspace'), workspace, { recursive: true });
    // STS traffic goes through a recording proxy: every key, secret and token moto issues is
    // remembered, and after the run every file VS Code and the extension wrote is searched for them.
    stsProxy = await FaultProxy.start(moto.endpoint);
    issued = IssuedSecrets.recordFrom(stsProxy);
    // IAM Identity Center (SSO-OIDC and the portal): its role credentials are moto's AssumeRole
    // answers through the recording proxy, so the secrets scan covers them too.
    sso = await SsoFake.start({ motoEndpoint: stsProxy.endpoint, accounts: ssoAccounts(MOTO_ACCOUNT), userName: SSO_USER });
    await fsp.appendFile(home.configFile, ssoConfigSections(sso.startUrl, MOTO_ACCOUNT));
    const env = isolatedEnv(home, { stsEndpoint: stsProxy.endpoint, extra: { AWS_ENDPOINT_URL_SSO: sso.endpoint, AWS_ENDPOINT_URL_SSO_OIDC: sso.endpoint } });
    const consumer = packageApiConsumer(root, tmp);
    cs = await startCodeServer({ workspaceFolder: workspace, env, vsix, extraVsix: [consumer], stateParent: tmp, settings: workbenchSettings(path.dirname(cliV1Path())) });
    const installed = fs.readdirSync(cs.extensionsDir).filter((d) => d.startsWith(`${id}-`));
    if (installed.length !== 1) throw new Error(`Installing ${vsix} did not put ${id} into ${cs.extensionsDir} (found: ${fs.readdirSync(cs.extensionsDir).join(', ') || 'nothing'}).`);
    say(`installed ${path.relative(root, vsix)} as ${installed[0]}; code-server ${cs.version} ready in ${seconds(cs.startMs)}; moto at ${moto.endpoint}; IAM Identity Center fake at ${sso.endpoint}`);
    // code-server is VS Code for the Web, where signInFlow "auto" means a device code. Here the
    // browser and the extension host share a machine, so the browser sign-in (authorization code
    // + PKCE, a callback on 127.0.0.1) works, and it is what the flows test (the device code is
    // covered by test/integration/sso.test.ts and the sandbox check). The setting is
    // machine-scoped: a remote window reads it from the server's Machine settings.
    await fsp.mkdir(path.join(cs.userDataDir, 'Machine'), { recursive: true });
    await fsp.writeFile(path.join(cs.userDataDir, 'Machine', 'settings.json'), JSON.stringify({ 'awsIdentity.sso.signInFlow': 'browser' }, null, 2));
    provideSso({ fake: sso, extensionId: id });

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
      const failed = new RegExp(`Activating extension '?${id.replace(/\./g, '\\.')}'? failed[^\\n]*`).exec(cs?.extensionHostLog() ?? '');
      throw new Error(`The extension's status bar item did not appear within 60 s${failed ? `: ${failed[0]}` : ''}.`);
    });
    say(`workbench loaded, extension active, in ${seconds(Date.now() - tLoad)}`);
    // The panel under the whole window (a layout command, not a setting): terminals wide enough
    // that an ARN fits on one row. Cosmetic, so a failure here is only reported.
    await wb.runCommand('View: Set Panel Alignment to Justify').catch((e: unknown) => say(`could not justify the panel: ${String(e)}`));

    const motoEndpoint = moto.endpoint;
    const stsEndpoint = stsProxy.endpoint;
    const proxy = stsProxy;
    const fixture: E2eFixture = {
      stsEndpoint,
      account: MOTO_ACCOUNT,
      iamUserProfile: 'alice',
      iamUserArn: user.userArn,
      lockedRoleArn,
      setIamAuthorization: (on) => setIamAuthorization(motoEndpoint, on),
      shortenNextRoleSession: (roleName, seconds) =>
        proxy.rewriteNext({
          action: 'AssumeRole',
          when: (params) => (params.get('RoleArn') ?? '').endsWith(`:role/${roleName}`),
          rewrite: (xml) => xml.replace(/<Expiration>[^<]*<\/Expiration>/, `<Expiration>${new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')}</Expiration>`),
        }),
    };
    const state: E2eContext['state'] = {};

    for (const [index, flow] of flows.entries()) {
      if (!selected.includes(flow)) continue;
      const started = Date.now();
      const ctx: E2eContext = {
        wb,
        fixture,
        state,
        shot: async (name, regions, media) => {
          const file = await wb.screenshot(shotFile(artifacts, index, flow.id, name), regions);
          if (media) mediaShots.push({ file, media, flow: flow.title });
          return file;
        },
      };
      let error: string | undefined;
      if (!cs.isRunning()) error = 'code-server is no longer running.';
      else if (pageCrashed) error = 'The browser page holding the workbench crashed.';
      else {
        try {
          await deadline(flow.run(ctx), flow.timeoutMs ?? 120_000, `The flow "${flow.title}"`);
        } catch (e) {
          error = e instanceof Error ? e.message : String(e);
          await wb.screenshot(shotFile(artifacts, index, flow.id, 'FAILED')).catch((s: unknown) => say(`no screenshot: ${String(s)}`));
        }
      }
      const result: FlowResult = { title: flow.title, passed: !error, ms: Date.now() - started, ...(error ? { error } : {}) };
      results.push(result);
      console.log(`  ${result.passed ? '✓' : '✗'} ${index + 1}. ${flow.title} (${seconds(result.ms)})`);
      if (error) console.log(`      ${error.split('\n').join('\n      ')}`);
      await resetUi(wb, fixture);
    }
  } catch (e) {
    setupError = e instanceof Error ? (e.stack ?? e.message) : String(e);
    say(`FAILED before the flows could finish: ${setupError}`);
    if (page) await page.screenshot({ path: path.join(artifacts, 'setup-FAILED.png'), timeout: 10_000 }).catch(() => undefined);
    if (cs) console.log(`--- code-server log (tail) ---\n${tail(cs.logFile, 3000)}\n--- extension host log (tail) ---\n${cs.extensionHostLog().slice(-3000)}`);
  }

  const passed = results.filter((r) => r.passed).length;
  const failed = selected.length - passed;
  try {
    if (failed > 0) await saveLogs(artifacts, { ...(cs ? { cs } : {}), consoleLog });
    if (args.updateScreenshots) {
      if (failed > 0) say('not updating media/screenshots: not every flow passed.');
      else {
        const mediaDir = path.join(root, 'media', 'screenshots');
        await fsp.mkdir(mediaDir, { recursive: true });
        for (const s of mediaShots) {
          const target = path.join(mediaDir, s.media);
          await fsp.copyFile(s.file, target);
          const kb = fs.statSync(target).size / 1024;
          say(`${path.relative(root, target)} (${kb.toFixed(0)} KB)${kb > 150 ? ' - over 150 KB: clip it tighter' : ''}`);
        }
      }
    }
  } finally {
    clearTimeout(watchdog);
    await browser?.close().catch(() => undefined);
    // Stopped with its state kept, so the scan sees everything it wrote; removed with tmp below.
    await cs?.stop({ keepState: true }).catch((e: unknown) => say(`stopping code-server: ${String(e)}`));
    if (sso && sso.rejections.length > 0) say(`IAM Identity Center fake refused malformed requests: ${sso.rejections.join('; ')}`);
    await sso?.stop().catch((e: unknown) => say(`stopping the IAM Identity Center fake: ${String(e)}`));
    await stsProxy?.stop();
    await moto?.stop();
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
