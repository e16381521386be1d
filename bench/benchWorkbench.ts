/**
 * One code-server for a benchmark: a temp folder holding a fixture HOME (its ~/.aws copied from
 * `awsDir`), a workspace, fresh user-data and extensions dirs with the packaged .vsix installed,
 * and headless Chromium to open workbench windows in. Everything is stopped and removed after.
 */
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../test/support/browser';
import { startCodeServer, type CodeServer } from '../test/support/codeServer';
import { createFixtureHome, isolatedEnv, type FixtureHome } from '../test/support/fixtureHome';
import type { MotoServer } from '../test/support/moto';

export interface BenchWorkbench {
  readonly cs: CodeServer;
  readonly browser: Browser;
}

export async function withBenchWorkbench<T>(
  opts: {
    readonly root: string;
    readonly moto: MotoServer;
    /** Names the temp folder (`ais-bench-<name>-…`). */
    readonly name: string;
    /** The folder with `config` and `credentials`, or a function writing them into the temp folder. */
    readonly awsDir: string | ((tmp: string) => Promise<string>);
    /** A folder copied as the workspace; an empty one otherwise. */
    readonly workspaceFrom?: string;
  },
  run: (w: BenchWorkbench) => Promise<T>,
): Promise<T> {
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), `ais-bench-${opts.name}-`));
  let home: FixtureHome | undefined;
  let cs: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    const workspace = path.join(tmp, 'workspace');
    if (opts.workspaceFrom) await fsp.cp(opts.workspaceFrom, workspace, { recursive: true });
    else await fsp.mkdir(workspace);
    home = await createFixtureHome(typeof opts.awsDir === 'string' ? opts.awsDir : await opts.awsDir(tmp), tmp);
    cs = await startCodeServer({
      workspaceFolder: workspace,
      env: isolatedEnv(home, { stsEndpoint: opts.moto.endpoint }),
      vsix: path.join(opts.root, 'dist-vsix', 'aws-identity-switcher.vsix'),
      stateParent: tmp,
    });
    browser = await launchChromium();
    return await run({ cs, browser });
  } finally {
    await browser?.close().catch(() => undefined);
    await cs?.stop();
    await home?.dispose();
    await fsp.rm(tmp, { recursive: true, force: true, maxRetries: 3 });
  }
}
