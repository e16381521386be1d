/**
 * Section 2b, config scale in the real VS Code: the same generated configs opened by the packaged
 * extension in code-server, the Profiles view opened from the activity bar in headless Chromium.
 *
 * Two figures per workbench load (each a new window, so a new extension host, so cold code):
 * - read + model inside the extension host, from the extension's own log line
 *   `Read N profiles from … in X ms` (ProfileStore times loadProfileModel);
 * - click on the activity bar item → first row of the tree visible: what the user waits for,
 *   including VS Code's own work (getTreeItem for every row, the transfer to the workbench, the
 *   tree widget).
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { Workbench } from '../test/e2e/workbench';
import { extensionId } from '../test/support/codeServer';
import { waitFor, type MotoServer } from '../test/support/moto';
import { withBenchWorkbench } from './benchWorkbench';
import { generateConfig } from './configGen';
import { newLogMatches, nowMs, say, summarize, type Summary } from './lib';

export interface VsCodeScaleLevel {
  readonly profiles: number;
  /** read + model in the extension host, as the extension logs it (first listing, cold). */
  readonly readMs: Summary;
  /** Click on the activity bar item until the first row of the Profiles tree is visible. */
  readonly firstRowMs: Summary;
}

const ACTIVATED = /Activated in [\d.]+ ms/;
const READ = /Read (\d+) profiles from .* in ([\d.]+) ms/;

export async function measureConfigInVsCode(opts: { root: string; moto: MotoServer; sizes: readonly number[]; loads: number }): Promise<VsCodeScaleLevel[]> {
  const levels: VsCodeScaleLevel[] = [];
  for (const size of opts.sizes) {
    const samples = await loadsWithProfiles(opts, size);
    const level = { profiles: size, readMs: summarize(samples.map((s) => s.readMs)), firstRowMs: summarize(samples.map((s) => s.firstRowMs)) };
    say(`config in VS Code: ${size} profiles: read ${level.readMs.median} ms, click → first row ${level.firstRowMs.median} ms`);
    levels.push(level);
  }
  return levels;
}

async function loadsWithProfiles(opts: { root: string; moto: MotoServer; loads: number }, size: number): Promise<Array<{ readMs: number; firstRowMs: number }>> {
  say(`config in VS Code: ${size} profiles: starting code-server with the packaged .vsix installed`);
  const awsDir = async (tmp: string): Promise<string> => {
    const generated = path.join(tmp, 'aws');
    await fsp.mkdir(generated);
    const files = generateConfig(size);
    await fsp.writeFile(path.join(generated, 'config'), files.config);
    await fsp.writeFile(path.join(generated, 'credentials'), files.credentials);
    return generated;
  };
  return withBenchWorkbench({ root: opts.root, moto: opts.moto, name: 'config-vscode', awsDir }, async ({ cs, browser }) => {
    const seen = new Set<string>();
    const samples: Array<{ readMs: number; firstRowMs: number }> = [];
    for (let i = 0; i < opts.loads; i++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(cs.workbenchUrl(), { waitUntil: 'domcontentloaded', timeout: 90_000 });
      // The new window's extension host has activated the extension: its log file names this load.
      let log = '';
      await waitFor(
        () => {
          log = newLogMatches(cs.userDataDir, seen, ACTIVATED)[0]?.file ?? '';
          return log !== '';
        },
        `the activation line of workbench load ${i + 1} in ${cs.userDataDir}/logs`,
        120_000,
      );
      seen.add(log);
      if (READ.test(fs.readFileSync(log, 'utf8'))) {
        throw new Error('The profiles were read before the view was opened (the window restored the AWS Identity view): this load measures nothing.');
      }
      const activityItem = new Workbench(page, extensionId(opts.root)).activityBarItem();
      await activityItem.waitFor({ state: 'visible', timeout: 60_000 });
      const t0 = nowMs();
      await activityItem.click();
      await page.locator('.part.sidebar').getByRole('treeitem').first().waitFor({ state: 'visible', timeout: 60_000 });
      const firstRowMs = nowMs() - t0;
      let read: RegExpExecArray | undefined;
      await waitFor(
        () => {
          read = READ.exec(fs.readFileSync(log, 'utf8')) ?? undefined;
          return read !== undefined;
        },
        `the "Read N profiles" line in ${log}`,
        30_000,
      );
      const [, count, ms] = read!;
      if (Number(count) !== size) throw new Error(`The extension read ${count} profiles, not the ${size} generated.`);
      samples.push({ readMs: Number(ms), firstRowMs });
      say(`config in VS Code: ${size} profiles, load ${i + 1}/${opts.loads}: read ${ms} ms, click → first row ${firstRowMs.toFixed(0)} ms`);
      await page.close();
    }
    return samples;
  });
}
