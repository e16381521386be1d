/**
 * Worker: config scale for one profile count, in a fresh Node process (so the first run is the
 * cold one the extension host sees when the Profiles view first opens).
 *
 *   node --expose-gc .bench/worker-config-scale.js <profiles> <warmRuns>
 *
 * Times what the Profiles view does before it can draw its first level: read and model both
 * files (`loadProfileModel(resolveConfigPaths(env), { compareWithSdk: false })`, as ProfileStore does) and turn every
 * profile into its row (`profileRowView`, what getTreeItem does minus the vscode wrapper; tooltips are built on hover).
 */
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadProfileModel, resolveConfigPaths } from '../../src/aws/configFiles';
import type { ProfileModel } from '../../src/aws/types';
import { profileRowView, type ProfileRowView } from '../../src/views/presentation';
import { generateConfig } from '../configGen';
import { emit, nowMs, round } from '../lib';

interface Run {
  readonly totalMs: number;
  readonly loadMs: number;
  readonly viewMs: number;
}

async function firstLevel(env: NodeJS.ProcessEnv, active: string): Promise<{ run: Run; model: ProfileModel; views: ProfileRowView[] }> {
  const t0 = nowMs();
  // As ProfileStore lists profiles: the CLI's reading; the SDK comparison waits for a switch.
  const model = await loadProfileModel(resolveConfigPaths(env), { compareWithSdk: false });
  const t1 = nowMs();
  // getChildren's list, then getTreeItem's view for each row.
  const views = model.profiles.map((p) => profileRowView(p, p.name === active, 'us-east-1'));
  const t2 = nowMs();
  return { run: { totalMs: t2 - t0, loadMs: t1 - t0, viewMs: t2 - t1 }, model, views };
}

/**
 * The first run in this process, checked (every generated profile is in the model, none flagged),
 * and the heap it leaves behind while the model and the rows are held, as the view holds them:
 * heapUsed after full collections, before and after. Measured on the first run because only
 * there is "before" clean (later runs' predecessors linger in the async function's frame); it
 * includes the bytecode compiled on first use, which the 10-profile figure shows on its own.
 */
async function coldRun(env: NodeJS.ProcessEnv, active: string, total: number, gc: () => void): Promise<{ run: Run; kinds: Record<string, number>; heapDeltaBytes: number }> {
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const holder = globalThis as { benchKept?: unknown };
  // Held in a global so that no optimiser can drop it before the second measurement.
  holder.benchKept = await firstLevel(env, active);
  const { run, model } = holder.benchKept as Awaited<ReturnType<typeof firstLevel>>;
  gc();
  gc();
  const heapDeltaBytes = process.memoryUsage().heapUsed - before;
  const flagged = model.profiles.filter((p) => p.problem);
  if (model.profiles.length !== total || model.fileProblems.length > 0 || flagged.length > 0) {
    throw new Error(
      `model mismatch: ${model.profiles.length} profiles of ${total}, file problems ${JSON.stringify(model.fileProblems)}, ` +
        `flagged ${flagged.slice(0, 3).map((p) => `${p.name}: ${p.problem ?? ''}`).join('; ')}`,
    );
  }
  const kinds: Record<string, number> = {};
  for (const p of model.profiles) kinds[p.kind] = (kinds[p.kind] ?? 0) + 1;
  holder.benchKept = undefined;
  return { run, kinds, heapDeltaBytes };
}

async function main(): Promise<void> {
  const total = Number(process.argv[2]);
  const warmRuns = Number(process.argv[3] ?? 10);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (the memory figure needs it)');
  const files = generateConfig(total);
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'ais-bench-config-'));
  try {
    const env = { AWS_CONFIG_FILE: path.join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials') };
    await fsp.writeFile(env.AWS_CONFIG_FILE, files.config, { mode: 0o600 });
    await fsp.writeFile(env.AWS_SHARED_CREDENTIALS_FILE, files.credentials, { mode: 0o600 });
    const active = files.samples.chain;

    const cold = await coldRun(env, active, total, gc);
    const warm: Run[] = [];
    for (let i = 0; i < warmRuns; i++) {
      gc(); // a collection left over from the previous run is not this run's cost
      warm.push((await firstLevel(env, active)).run);
    }

    emit({
      profiles: total,
      shape: files.shape,
      configBytes: Buffer.byteLength(files.config),
      credentialsBytes: Buffer.byteLength(files.credentials),
      kinds: cold.kinds,
      cold: roundRun(cold.run),
      warm: warm.map(roundRun),
      heapDeltaBytes: cold.heapDeltaBytes,
    });
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

function roundRun(r: Run): Run {
  return { totalMs: round(r.totalMs), loadMs: round(r.loadMs), viewMs: round(r.viewMs) };
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
