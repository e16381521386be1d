/**
 * Section 2b, config scale in the real VS Code: the same generated configs opened by the packaged
 * extension in code-server, the Profiles view opened from the activity bar in headless Chromium.
 *
 * Three figures per workbench load (each a new window, so a new extension host, so cold code):
 * - read + index inside the extension host, from the extension's own log line
 *   `Read N profiles from … in X ms` (ProfileStore times loadProfileListing);
 * - the first level inside the extension host, from `Profiles view: listed K of N profiles in X ms`
 *   (getChildren times itself: the files' reading it started, then its profiles described);
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
import { PROFILES_SHOWN_FIRST } from '../src/vscode/views/presentation';
import { newLogMatches, nowMs, say, summarize, type Summary } from './lib';

export interface VsCodeScaleLevel {
  readonly profiles: number;
  /** read + index in the extension host, as the extension logs it (first listing, cold). */
  readonly readMs: Summary;
  /** getChildren of the first level in the extension host, the reading included, as the extension logs it. */
  readonly listedMs: Summary;
  /** Click on the activity bar item until the first row of the Profiles tree is visible. */
  readonly firstRowMs: Summary;
}

const ACTIVATED = /Activated in [\d.]+ ms/;
const READ = /Read (\d+) profiles from .* in ([\d.]+) ms/;
const LISTED = /Profiles view: listed (\d+) of (\d+) profiles in ([\d.]+) ms/;

export async function measureConfigInVsCode(opts: { root: string; moto: MotoServer; sizes: readonly number[]; loads: number }): Promise<VsCodeScaleLevel[]> {
  const levels: VsCodeScaleLevel[] = [];
  for (const size of opts.sizes) {
    const samples = await loadsWithProfiles(opts, size);
    const level = {
      profiles: size,
      readMs: summarize(samples.map((s) => s.readMs)),
      listedMs: summarize(samples.map((s) => s.listedMs)),
      firstRowMs: summarize(samples.map((s) => s.firstRowMs)),
    };
    say(`config in VS Code: ${size} profiles: read ${level.readMs.median} ms, first level ${level.listedMs.median} ms, click → first row ${level.firstRowMs.median} ms`);
    levels.push(level);
  }
  return levels;
}

type Sample = { readMs: number; listedMs: number; firstRowMs: number };

async function loadsWithProfiles(opts: { root: string; moto: MotoServer; loads: number }, size: number): Promise<Sample[]> {
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
    const samples: Sample[] = [];
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
      let listed: RegExpExecArray | undefined;
      await waitFor(
        () => {
          const text = fs.readFileSync(log, 'utf8');
          read = READ.exec(text) ?? undefined;
          listed = LISTED.exec(text) ?? undefined;
          return read !== undefined && listed !== undefined;
        },
        `the "Read N profiles" and "Profiles view: listed" lines in ${log}`,
        30_000,
      );
      const [, count, ms] = read!;
      const [, shown, total, listedMs] = listed!;
      if (Number(count) !== size || Number(total) !== size) throw new Error(`The extension read ${count} and listed ${total} profiles, not the ${size} generated.`);
      if (Number(shown) !== Math.min(size, PROFILES_SHOWN_FIRST)) throw new Error(`The view's first level has ${shown} profiles, not ${Math.min(size, PROFILES_SHOWN_FIRST)}.`);
      samples.push({ readMs: Number(ms), listedMs: Number(listedMs), firstRowMs });
      say(`config in VS Code: ${size} profiles, load ${i + 1}/${opts.loads}: read ${ms} ms, first level ${listedMs} ms, click → first row ${firstRowMs.toFixed(0)} ms`);
      await page.close();
    }
    return samples;
  });
}
