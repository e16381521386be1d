/**
 * The extension-tests entry: VS Code's extension host loads this module and calls `run()`
 * (the contract @vscode/test-electron and the code-server payload `extensionTestsPath` share).
 *
 * Runs mocha over out/test/integration/**\/*.test.js inside the real extension host, prints a
 * spec-style report, and - because in code-server the host's console goes to the browser,
 * not to us - also writes that report line by line to $AIS_TEST_PROGRESS_FILE and a JSON
 * summary to $AIS_TEST_RESULT_FILE for the runner (test/runIntegration.ts) to read.
 * Throws when any test failed, so the extension host exits non-zero too.
 *
 * Environment (all optional): AIS_TEST_RESULT_FILE, AIS_TEST_PROGRESS_FILE,
 * AIS_TEST_GREP (only tests whose full title matches), AIS_TEST_TIMEOUT_MS (per test, default 30000).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import Mocha from 'mocha';

/** What the runner reads from $AIS_TEST_RESULT_FILE. */
export interface IntegrationResult {
  readonly vscodeVersion: string;
  readonly passed: number;
  readonly failed: number;
  readonly durationMs: number;
  readonly failures: { title: string; error: string }[];
  /** Set when the suite could not run at all (load error); `failed` is then at least 1. */
  readonly fatal?: string;
}

const repo = path.resolve(__dirname, '..', '..', '..');

function testFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((f) => f.endsWith('.test.js'))
    .map((f) => path.join(dir, f))
    .sort();
}

/** Writes each report line to the console and, when configured, to the progress file. */
function reportLine(line: string): void {
  console.log(line);
  const progress = process.env.AIS_TEST_PROGRESS_FILE;
  if (progress) fs.appendFileSync(progress, `${line}\n`);
}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return String(err);
}

/**
 * A spec-like reporter that needs no TTY and no colours. Pending tests are reported as
 * failures by mocha itself (forbidPending): a test that cannot run must fail, not skip.
 */
class PlainSpecReporter extends Mocha.reporters.Base {
  readonly failureDetails: { title: string; error: string }[] = [];
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const { EVENT_SUITE_BEGIN, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;
    // The root suite (no title) also begins and ends: depth 1 is a top-level describe.
    let depth = 0;
    const indent = (): string => '  '.repeat(Math.max(0, depth - 1));
    runner.on(EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => {
      depth++;
      if (suite.title) reportLine(`  ${indent()}${suite.title}`);
    });
    runner.on(Mocha.Runner.constants.EVENT_SUITE_END, () => {
      depth--;
    });
    runner.on(EVENT_TEST_PASS, (test: Mocha.Test) => reportLine(`  ${indent()}  ✓ ${test.title} (${test.duration ?? 0} ms)`));
    runner.on(EVENT_TEST_PENDING, (test: Mocha.Test) => reportLine(`  ${indent()}  - ${test.title} (pending)`));
    runner.on(EVENT_TEST_FAIL, (test: Mocha.Test, err: unknown) => {
      this.failureDetails.push({ title: test.fullTitle(), error: describeError(err) });
      reportLine(`  ${indent()}  ✗ ${this.failureDetails.length}) ${test.title}`);
    });
  }
}

/** Unhandled rejections from our code (not from built-in extensions sharing the host) fail the test that was running. */
function rootHooks(): Mocha.RootHookObject {
  const seen: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    if (describeError(reason).includes(repo)) seen.push(reason);
  };
  return {
    beforeAll(): void {
      process.on('unhandledRejection', onRejection);
    },
    afterEach(this: Mocha.Context): void {
      if (seen.length > 0) {
        const reasons = seen.splice(0).map(describeError);
        throw new Error(`Unhandled promise rejection during "${this.currentTest?.fullTitle() ?? 'a test'}":\n${reasons.join('\n')}`);
      }
    },
    afterAll(): void {
      process.off('unhandledRejection', onRejection);
    },
  };
}

function writeResult(result: IntegrationResult): void {
  const file = process.env.AIS_TEST_RESULT_FILE;
  if (!file) return;
  // Write-then-rename: the runner never reads a half-written file.
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(result, null, 2));
  fs.renameSync(`${file}.tmp`, file);
}

/** Entry point called by VS Code's extension host. */
export async function run(): Promise<void> {
  const started = Date.now();
  let reporter: PlainSpecReporter | undefined;
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: Number(process.env.AIS_TEST_TIMEOUT_MS ?? 30_000),
    forbidOnly: true,
    forbidPending: true,
    rootHooks: rootHooks(),
  });
  // Keep a handle on the reporter instance to collect failure details.
  mocha.reporter(
    class extends PlainSpecReporter {
      constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
        super(runner, options);
        reporter = this;
      }
    },
  );
  if (process.env.AIS_TEST_GREP) mocha.grep(process.env.AIS_TEST_GREP);

  try {
    const files = testFiles(__dirname);
    if (files.length === 0) throw new Error(`No *.test.js files under ${__dirname}: run \`npm run compile-tests\` first.`);
    reportLine(`VS Code ${vscode.version}: running ${files.length} integration test file(s)`);
    for (const f of files) mocha.addFile(f);
    await mocha.loadFilesAsync();
  } catch (e) {
    const fatal = `Could not load the integration tests: ${describeError(e)}`;
    reportLine(fatal);
    writeResult({ vscodeVersion: vscode.version, passed: 0, failed: 1, durationMs: Date.now() - started, failures: [{ title: 'loading tests', error: fatal }], fatal });
    throw e;
  }

  const failedCount = await new Promise<number>((resolve) => mocha.run(resolve));
  const stats = reporter?.stats;
  const failures = reporter?.failureDetails ?? [];
  const passed = stats?.passes ?? 0;
  const failed = Math.max(failedCount, failures.length);
  reportLine('');
  reportLine(`  ${passed} passing (${Date.now() - started} ms)`);
  if (failed > 0) reportLine(`  ${failed} failing`);
  failures.forEach((f, i) => {
    reportLine('');
    reportLine(`  ${i + 1}) ${f.title}:`);
    reportLine(f.error.replace(/^/gm, '     '));
  });
  writeResult({ vscodeVersion: vscode.version, passed, failed, durationMs: Date.now() - started, failures });
  if (failed > 0) throw new Error(`${failed} integration test(s) failed.`);
}
