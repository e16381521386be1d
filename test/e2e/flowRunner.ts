/**
 * Runs the selected flows one after another in one workbench, each within its time limit, with a
 * screenshot when one fails and the UI reset after each; and what a run leaves behind: the logs
 * of a failed run, and the README pictures of a passed one (test/runE2e.ts --update-screenshots).
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { CodeServer } from '../support/codeServer';
import { shotFile, type E2eContext, type E2eFixture, type E2eFlow } from './harness';
import type { Workbench } from './workbench';

export const say = (line: string): void => console.log(`[e2e] ${line}`);
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export interface FlowResult {
  readonly title: string;
  readonly passed: boolean;
  readonly ms: number;
  readonly error?: string;
}

/** A screenshot a flow marked as a README picture: copied to media/screenshots/<media>. */
export interface MediaShot {
  readonly file: string;
  readonly media: string;
  readonly flow: string;
}

/** Rejects after `ms` with a message naming what took too long. */
function deadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${seconds(ms)}.`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Brings the workbench back to a neutral state after a flow: no quick input, no toasts, no hover, IAM auth off. */
async function resetUi(wb: Workbench, fixture: E2eFixture): Promise<void> {
  await fixture.setIamAuthorization(false).catch((e: unknown) => say(`could not turn moto IAM authorization off: ${String(e)}`));
  await wb.closeQuickInput().catch(() => undefined);
  await wb.clearNotifications().catch(() => undefined);
  await wb.moveMouseAway().catch(() => undefined);
}

export interface FlowRun {
  /** Every flow, in order (a flow's number and file names come from its place here). */
  readonly flows: readonly E2eFlow[];
  readonly selected: readonly E2eFlow[];
  readonly wb: Workbench;
  readonly fixture: E2eFixture;
  readonly cs: CodeServer;
  readonly artifacts: string;
  readonly pageCrashed: () => boolean;
  /** Filled as flows finish (the runner's watchdog reads it). */
  readonly results: FlowResult[];
  readonly mediaShots: MediaShot[];
}

/** Runs each selected flow, printing one line per flow (and its error). */
export async function runFlows(run: FlowRun): Promise<void> {
  const { wb, fixture, cs, artifacts } = run;
  const state: E2eContext['state'] = {};
  for (const [index, flow] of run.flows.entries()) {
    if (!run.selected.includes(flow)) continue;
    const started = Date.now();
    const ctx: E2eContext = {
      wb,
      fixture,
      state,
      shot: async (name, regions, media) => {
        const file = await wb.screenshot(shotFile(artifacts, index, flow.id, name), regions);
        if (media) run.mediaShots.push({ file, media, flow: flow.title });
        return file;
      },
    };
    let error: string | undefined;
    if (!cs.isRunning()) error = 'code-server is no longer running.';
    else if (run.pageCrashed()) error = 'The browser page holding the workbench crashed.';
    else {
      try {
        await deadline(flow.run(ctx), flow.timeoutMs ?? 120_000, `The flow "${flow.title}"`);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
        await wb.screenshot(shotFile(artifacts, index, flow.id, 'FAILED')).catch((s: unknown) => say(`no screenshot: ${String(s)}`));
      }
    }
    const result: FlowResult = { title: flow.title, passed: !error, ms: Date.now() - started, ...(error ? { error } : {}) };
    run.results.push(result);
    console.log(`  ${result.passed ? '✓' : '✗'} ${index + 1}. ${flow.title} (${seconds(result.ms)})`);
    if (error) console.log(`      ${error.split('\n').join('\n      ')}`);
    await resetUi(wb, fixture);
  }
}

/** Saves the browser console, the code-server log and VS Code's logs (with the extension's output channel) to `dir`. */
export async function saveLogs(dir: string, parts: { cs?: CodeServer; consoleLog: string[] }): Promise<void> {
  await fsp.mkdir(dir, { recursive: true });
  await fsp.writeFile(path.join(dir, 'browser-console.log'), parts.consoleLog.join('\n'));
  if (parts.cs) {
    await fsp.copyFile(parts.cs.logFile, path.join(dir, 'code-server.log')).catch(() => undefined);
    // VS Code's logs, including the extension host's and the extension's output channel.
    await fsp.cp(path.join(parts.cs.userDataDir, 'logs'), path.join(dir, 'vscode-logs'), { recursive: true }).catch(() => undefined);
  }
  say(`logs saved to ${dir}`);
}

/** Copies the README pictures the flows marked to media/screenshots/ (the caller checks every flow passed). */
export async function updateMediaScreenshots(root: string, mediaShots: readonly MediaShot[]): Promise<void> {
  const mediaDir = path.join(root, 'media', 'screenshots');
  await fsp.mkdir(mediaDir, { recursive: true });
  for (const s of mediaShots) {
    const target = path.join(mediaDir, s.media);
    await fsp.copyFile(s.file, target);
    const kb = fs.statSync(target).size / 1024;
    say(`${path.relative(root, target)} (${kb.toFixed(0)} KB)${kb > 150 ? ' - over 150 KB: clip it tighter' : ''}`);
  }
}
