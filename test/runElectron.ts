/**
 * Runs the integration suite (test/integration/**) in VS Code desktop through
 * @vscode/test-electron, for machines that can download VS Code (ordinary workstations,
 * hosted CI). Same `run()` entry, same fixture HOME and local STS as the code-server runner
 * (test/runIntegration.ts), which is what machines without Microsoft's update servers use.
 *
 *   node out/test/runElectron.js            # latest stable VS Code
 *   VSCODE_TEST_VERSION=min node ...        # the minimum engines.vscode from package.json
 *   VSCODE_TEST_VERSION=1.95.0 node ...     # a given version
 *
 * Linux without a display needs a virtual one: `xvfb-run -a npm run test:electron`.
 * Builds nothing: run `npm run build && npm run compile-tests` first.
 *
 * Offline it fails loudly (exit 1, the download error and what to run instead); the whole run
 * is bounded by AIS_TEST_TOTAL_TIMEOUT_MS (default 20 min) so it can never hang CI.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { repoRoot, killDescendants } from './support/codeServer';
import { createFixtureHome, isolatedEnv } from './support/fixtureHome';
import { startMoto, MotoServer } from './support/moto';
import type { IntegrationResult } from './integration/index';

const say = (line: string): void => console.log(`[electron] ${line}`);

/** 'stable' unless VSCODE_TEST_VERSION says otherwise; 'min' reads engines.vscode. */
function vscodeVersion(root: string): string {
  const wanted = process.env.VSCODE_TEST_VERSION ?? 'stable';
  if (wanted !== 'min') return wanted;
  const engine = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { vscode: string } }).engines.vscode;
  const m = /(\d+\.\d+\.\d+)/.exec(engine);
  if (!m?.[1]) throw new Error(`Cannot read a minimum version from engines.vscode "${engine}".`);
  return m[1];
}

function timeout(ms: number): Promise<never> {
  return new Promise((_, reject) => {
    setTimeout(
      () => reject(new Error(`Timed out after ${Math.round(ms / 1000)} s (AIS_TEST_TOTAL_TIMEOUT_MS) downloading or running VS Code.`)),
      ms,
    ).unref();
  });
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const root = repoRoot(__dirname);
  const testsEntry = path.join(root, 'out', 'test', 'integration', 'index.js');
  for (const [file, fix] of [
    [path.join(root, 'dist', 'extension.js'), 'npm run build'],
    [testsEntry, 'npm run compile-tests'],
  ] as const) {
    if (!fs.existsSync(file)) throw new Error(`${path.relative(root, file)} is missing: run \`${fix}\` first.`);
  }
  const version = vscodeVersion(root);
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'ais-electron-'));
  const resultFile = path.join(tmp, 'result.json');
  const workspace = path.join(tmp, 'workspace');
  await fsp.cp(path.join(root, 'test', 'fixtures', 'integration', 'workspace'), workspace, { recursive: true });
  let moto: MotoServer | undefined;
  try {
    moto = await startMoto();
    const home = await createFixtureHome(path.join(root, 'test', 'fixtures', 'integration', 'aws'), tmp);
    const extra = {
      AIS_TEST_RESULT_FILE: resultFile,
      AIS_TEST_FIXTURE_HOME: home.home,
      AIS_TEST_WORKSPACE: workspace,
      AIS_TEST_MOTO_ENDPOINT: moto.endpoint,
      AIS_TEST_REPO_ROOT: root,
      ...(process.env.AIS_TEST_GREP ? { AIS_TEST_GREP: process.env.AIS_TEST_GREP } : {}),
      ...(process.env.AIS_TEST_TIMEOUT_MS ? { AIS_TEST_TIMEOUT_MS: process.env.AIS_TEST_TIMEOUT_MS } : {}),
    };
    // test-electron starts VS Code with process.env plus extensionTestsEnv: replace our own
    // environment so no AWS_*/VSCODE_* variable of the caller reaches VS Code.
    const env = isolatedEnv(home, { stsEndpoint: moto.endpoint, extra });
    for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
    Object.assign(process.env, env);

    say(`VS Code ${version} via @vscode/test-electron (cache ${path.join(root, '.vscode-test')}); moto at ${moto.endpoint}`);
    const run = runTests({
      version,
      cachePath: path.join(root, '.vscode-test'),
      timeout: 30_000, // idle timeout of each download request
      extensionDevelopmentPath: root,
      extensionTestsPath: testsEntry,
      extensionTestsEnv: extra,
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-gpu',
        '--user-data-dir',
        path.join(tmp, 'user-data'),
        '--extensions-dir',
        path.join(tmp, 'extensions'),
      ],
    });
    try {
      await Promise.race([run, timeout(Number(process.env.AIS_TEST_TOTAL_TIMEOUT_MS ?? 20 * 60_000))]);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (!fs.existsSync(resultFile) && /ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|getaddrinfo|socket hang up|timed out/i.test(message)) {
        throw new Error(
          `Could not get VS Code ${version} from Microsoft's update servers: ${message}\n` +
            '@vscode/test-electron needs update.code.visualstudio.com. On a machine without it, run the same suite ' +
            'in code-server instead: npm run test:integration',
        );
      }
      throw e;
    }
  } catch (e) {
    console.error(`[electron] FAILED: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    killDescendants(); // VS Code left behind by a timeout
    await moto?.stop();
  }
  let result: IntegrationResult | undefined;
  try {
    result = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as IntegrationResult;
  } catch {
    result = undefined;
  }
  await fsp.rm(tmp, { recursive: true, force: true, maxRetries: 3 });
  if (result) console.log(`VS Code ${result.vscodeVersion}`);
  say(`wall time ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const passed = result?.passed ?? 0;
  const failed = result ? result.failed : 1;
  console.log(`electron: ${passed} passed, ${failed} failed`);
  return result && !result.fatal && result.failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`[electron] ${e instanceof Error ? e.message : String(e)}`);
    console.log('electron: 0 passed, 1 failed');
    process.exit(1);
  },
);
