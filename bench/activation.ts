/**
 * Section 1, activation: bundle and package sizes, parse+evaluate of the activation bundle in
 * plain Node, and `activate()` in the real extension host (code-server with the packaged .vsix
 * installed, the workbench open in headless Chromium), read from the extension's own log line
 * `Activated in X ms (CPU Y ms; VS Code ...)` in the extension host's log files.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findCodeServer } from '../test/support/codeServer';
import { waitFor, type MotoServer } from '../test/support/moto';
import { withBenchWorkbench } from './benchWorkbench';
import { newLogMatches, nowMs, round, runWorker, say, summarize, type Summary } from './lib';

export interface ActivationResult {
  readonly extensionJsBytes: number;
  readonly sdkJsBytes: number;
  readonly vsixBytes: number;
  /** parse + evaluate of dist/extension.js in a fresh Node process (vscode stubbed). */
  readonly requireMs: Summary;
  readonly requireSamples: readonly number[];
  /** `activate()` as the extension logs it, one sample per workbench load (all servers, all loads). */
  readonly activateMs: Summary;
  readonly activateSamples: readonly number[];
  /**
   * The extension host's CPU time over the same `activate()` (the same log line). Wall time above
   * it is time spent waiting for a core, which the two-core bench machine makes common.
   */
  readonly activateCpuMs: Summary;
  readonly activateCpuSamples: readonly number[];
  /** The first load after each fresh server start (nothing cached by VS Code yet), on its own. */
  readonly activateFirstLoadMs: Summary;
  /** From `page.goto` to the activation line in the log: the workbench's own start-up dominates it. */
  readonly pageToActivatedMs: Summary;
  /** Whether the SDK bundle was loaded when the activation bundle was (it must not be). */
  readonly sdkLoadedByRequire: boolean;
  readonly vscodeVersion: string;
  readonly codeServerVersion: string;
  readonly extensionHostNode: string;
}

const LINE = /Activated in ([\d.]+) ms \(CPU ([\d.]+) ms; VS Code ([^)]+)\)/;

export async function measureActivation(opts: { root: string; moto: MotoServer; servers: number; loadsPerServer: number; requireRuns: number }): Promise<ActivationResult> {
  const { root } = opts;
  const extensionJs = path.join(root, 'dist', 'extension.js');
  const sdkJs = path.join(root, 'dist', 'sdk.js');
  const vsix = path.join(root, 'dist-vsix', 'aws-identity-switcher.vsix');
  for (const f of [extensionJs, sdkJs, vsix]) {
    if (!fs.existsSync(f)) throw new Error(`${path.relative(root, f)} is missing: run \`npm run package\` first (bench/run.sh does).`);
  }

  say(`activation: require(dist/extension.js) in ${opts.requireRuns} fresh processes`);
  const requireSamples: number[] = [];
  let sdkLoadedByRequire = false;
  for (let i = 0; i < opts.requireRuns; i++) {
    const r = await runWorker<{ requireMs: number; sdkLoaded: boolean; vscodeNamesTouchedAtLoad: string[] }>('worker-require-extension', [extensionJs]);
    requireSamples.push(r.requireMs);
    sdkLoadedByRequire ||= r.sdkLoaded;
  }

  const activateSamples: number[] = [];
  const cpuSamples: number[] = [];
  const firstLoadSamples: number[] = [];
  const pageSamples: number[] = [];
  let info = { vscodeVersion: '', codeServerVersion: '', extensionHostNode: '' };
  for (let server = 0; server < opts.servers; server++) {
    const r = await loadsOnOneServer(opts, server);
    activateSamples.push(...r.activate);
    cpuSamples.push(...r.cpu);
    firstLoadSamples.push(r.activate[0]!);
    pageSamples.push(...r.page);
    info = r.info;
  }
  return {
    extensionJsBytes: fs.statSync(extensionJs).size,
    sdkJsBytes: fs.statSync(sdkJs).size,
    vsixBytes: fs.statSync(vsix).size,
    requireMs: summarize(requireSamples),
    requireSamples,
    activateMs: summarize(activateSamples),
    activateSamples,
    activateCpuMs: summarize(cpuSamples),
    activateCpuSamples: cpuSamples,
    activateFirstLoadMs: summarize(firstLoadSamples),
    pageToActivatedMs: summarize(pageSamples.map((x) => round(x, 0))),
    sdkLoadedByRequire,
    ...info,
  };
}

/**
 * One fresh code-server (new user-data and extensions dirs, the .vsix installed anew) and
 * `loadsPerServer` workbench loads in it, each in a new page: a new window, for which the server
 * starts a new extension host that activates the extension again (onStartupFinished) and logs to
 * a new exthost<N> folder.
 */
async function loadsOnOneServer(
  opts: { root: string; moto: MotoServer; loadsPerServer: number; servers: number },
  server: number,
): Promise<{ activate: number[]; cpu: number[]; page: number[]; info: { vscodeVersion: string; codeServerVersion: string; extensionHostNode: string } }> {
  const { root } = opts;
  const fixtures = path.join(root, 'test', 'fixtures', 'integration');
  say(`activation: code-server ${server + 1}/${opts.servers}: starting with the packaged .vsix installed`);
  return withBenchWorkbench({ root, moto: opts.moto, name: 'activation', awsDir: path.join(fixtures, 'aws'), workspaceFrom: path.join(fixtures, 'workspace') }, async ({ cs, browser }) => {
    const extensionHostNode = execFileSync(findCodeServer(root).node, ['--version'], { encoding: 'utf8' }).trim();
    const seen = new Set<string>();
    const activate: number[] = [];
    const cpu: number[] = [];
    const page: number[] = [];
    let vscodeVersion = '';
    for (let i = 0; i < opts.loadsPerServer; i++) {
      const tab = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const t0 = nowMs();
      await tab.goto(cs.workbenchUrl(), { waitUntil: 'domcontentloaded', timeout: 90_000 });
      let line: { file: string; ms: number; cpuMs: number; vscode: string } | undefined;
      await waitFor(
        () => {
          const hit = newLogMatches(cs.userDataDir, seen, LINE)[0];
          line = hit && { file: hit.file, ms: Number(hit.match[1]), cpuMs: Number(hit.match[2]), vscode: hit.match[3]! };
          return line !== undefined;
        },
        `the "Activated in" line of workbench load ${i + 1} in ${cs.userDataDir}/logs`,
        120_000,
        50,
      );
      const found = line!;
      page.push(nowMs() - t0);
      seen.add(found.file);
      activate.push(found.ms);
      cpu.push(found.cpuMs);
      vscodeVersion = found.vscode;
      say(`activation: code-server ${server + 1}, load ${i + 1}/${opts.loadsPerServer}: activate() ${found.ms} ms, CPU ${found.cpuMs} ms (${path.relative(cs.userDataDir, found.file)})`);
      await tab.close();
    }
    return { activate, cpu, page, info: { vscodeVersion, codeServerVersion: cs.version, extensionHostNode } };
  });
}
