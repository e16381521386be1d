/**
 * Section 2, config scale: read + model + the tree's first level for generated configs of
 * several sizes, each size in fresh Node processes (bench/workers/configScale.ts does the work).
 */
import { runWorker, say, summarize, type Summary } from './lib';
import type { ConfigShape } from './configGen';

interface WorkerRun {
  readonly totalMs: number;
  readonly loadMs: number;
  readonly viewMs: number;
}

interface WorkerResult {
  readonly profiles: number;
  readonly shape: ConfigShape;
  readonly configBytes: number;
  readonly credentialsBytes: number;
  readonly kinds: Record<string, number>;
  readonly cold: WorkerRun;
  readonly warm: readonly WorkerRun[];
  readonly heapDeltaBytes: number;
}

export interface ScaleLevel {
  readonly profiles: number;
  readonly shape: ConfigShape;
  readonly kinds: Record<string, number>;
  readonly configBytes: number;
  readonly credentialsBytes: number;
  /** First run in a fresh process (what opening the view after start costs), over the processes. */
  readonly coldMs: Summary;
  /** Later runs in the same process (a reload after a file change), over all processes. */
  readonly warmMs: Summary;
  /** The parts of the warm runs: reading + modelling the files, and building the rows. */
  readonly warmLoadMs: Summary;
  readonly warmViewMs: Summary;
  /** What the model and the rows keep alive (settled heapUsed held minus dropped), over the processes. */
  readonly heapDeltaBytes: Summary;
  /** The floor, cold: the same files split bare into sections and Maps (see bareSplit in the worker). */
  readonly floorColdMs: Summary;
}

export async function measureConfigScale(opts: { sizes: readonly number[]; processes: number; warmRuns: number }): Promise<ScaleLevel[]> {
  const levels: ScaleLevel[] = [];
  for (const size of opts.sizes) {
    const results: WorkerResult[] = [];
    const floors: number[] = [];
    // Interleaved, so that a slower spell of the machine weighs on both alike.
    for (let i = 0; i < opts.processes; i++) {
      results.push(await runWorker<WorkerResult>('worker-config-scale', [String(size), String(opts.warmRuns)], { nodeArgs: ['--expose-gc'] }));
      floors.push((await runWorker<{ floorMs: number }>('worker-config-scale', [String(size), '0', 'floor'], { nodeArgs: ['--expose-gc'] })).floorMs);
    }
    const first = results[0]!;
    const warm = results.flatMap((r) => r.warm);
    const level: ScaleLevel = {
      profiles: size,
      shape: first.shape,
      kinds: first.kinds,
      configBytes: first.configBytes,
      credentialsBytes: first.credentialsBytes,
      coldMs: summarize(results.map((r) => r.cold.totalMs)),
      warmMs: summarize(warm.map((r) => r.totalMs)),
      warmLoadMs: summarize(warm.map((r) => r.loadMs)),
      warmViewMs: summarize(warm.map((r) => r.viewMs)),
      heapDeltaBytes: summarize(results.map((r) => r.heapDeltaBytes)),
      floorColdMs: summarize(floors),
    };
    say(`config: ${size} profiles: cold ${level.coldMs.median} ms (floor ${level.floorColdMs.median} ms), warm ${level.warmMs.median} ms`);
    levels.push(level);
  }
  return levels;
}
