/**
 * Section 2, config scale: read + model + the tree's first level for generated configs of
 * several sizes, each size in fresh Node processes (bench/workers/configScale.ts does the work).
 */
import { round, runWorker, say, summarize, type Summary } from './lib';
import type { ConfigShape } from './configGen';

interface WorkerRun {
  readonly totalMs: number;
  readonly loadMs: number;
  readonly viewMs: number;
}

interface WorkerResult {
  readonly profiles: number;
  readonly node: string;
  readonly reading: string;
  readonly shape: ConfigShape;
  readonly configBytes: number;
  readonly credentialsBytes: number;
  readonly cold: WorkerRun;
  readonly warm: readonly WorkerRun[];
  readonly heapDeltaBytes: number;
  readonly heapDeltaAllBytes: number;
}

export interface ScaleLevel {
  readonly profiles: number;
  /** process.version of the runtime the workers ran on (the extension host's), and of the machine's. */
  readonly node: string;
  readonly machineNode: string;
  /** Which public function read the files (see configReading.ts). */
  readonly reading: string;
  readonly shape: ConfigShape;
  readonly kinds: Record<string, number>;
  readonly configBytes: number;
  readonly credentialsBytes: number;
  /** First level, first run in a fresh process (what opening the view after start costs), over the processes. */
  readonly coldMs: Summary;
  /** Every profile described, first run in its own fresh processes (the pickers, the API, "Show all"). */
  readonly allColdMs: Summary;
  /** The first level cold again, in fresh processes of the machine's Node (the bench's own) instead of the extension host's. */
  readonly machineNodeColdMs: Summary;
  /** Later runs in the same process (a reload after a file change), over all processes. */
  readonly warmMs: Summary;
  /** The parts of the warm runs: reading + modelling the files, and building the rows. */
  readonly warmLoadMs: Summary;
  readonly warmViewMs: Summary;
  /** What the listing and the first level's rows keep alive (settled heapUsed held minus dropped), over the processes. */
  readonly heapDeltaBytes: Summary;
  /** The same with every profile described and its row built. */
  readonly heapDeltaAllBytes: Summary;
  /** The floor, cold: the same files split bare into sections and Maps (see bareSplit in the worker). */
  readonly floorColdMs: Summary;
  /** coldMs over floorColdMs, of the medians (the two come from different fresh processes, interleaved). */
  readonly coldOverFloor: number;
}

/**
 * `node`: the runtime the workers run on, the extension host's (the Profiles view's code runs
 * there); the first level is also timed cold on the machine's Node, for comparison.
 */
export async function measureConfigScale(opts: { sizes: readonly number[]; processes: (size: number) => number; warmRuns: number; node: string }): Promise<ScaleLevel[]> {
  const levels: ScaleLevel[] = [];
  for (const size of opts.sizes) {
    const results: WorkerResult[] = [];
    const floors: number[] = [];
    const alls: { allMs: number; kinds: Record<string, number> }[] = [];
    const machineNodeColds: number[] = [];
    let machineNode = '';
    const on = { nodeArgs: ['--expose-gc'], node: opts.node };
    // Interleaved, so that a slower spell of the machine weighs on all of them alike.
    for (let i = 0; i < opts.processes(size); i++) {
      results.push(await runWorker<WorkerResult>('worker-config-scale', [String(size), String(opts.warmRuns)], on));
      alls.push(await runWorker<{ allMs: number; kinds: Record<string, number> }>('worker-config-scale', [String(size), '0', 'all'], on));
      floors.push((await runWorker<{ floorMs: number }>('worker-config-scale', [String(size), '0', 'floor'], on)).floorMs);
      const onMachine = await runWorker<{ coldMs: number; node: string }>('worker-config-scale', [String(size), '0', 'cold'], { nodeArgs: ['--expose-gc'] });
      machineNodeColds.push(onMachine.coldMs);
      machineNode = onMachine.node;
    }
    const first = results[0]!;
    const warm = results.flatMap((r) => r.warm);
    const coldMs = summarize(results.map((r) => r.cold.totalMs));
    const floorColdMs = summarize(floors);
    const level: ScaleLevel = {
      profiles: size,
      node: first.node,
      machineNode,
      reading: first.reading,
      shape: first.shape,
      kinds: alls[0]!.kinds,
      configBytes: first.configBytes,
      credentialsBytes: first.credentialsBytes,
      coldMs,
      allColdMs: summarize(alls.map((a) => a.allMs)),
      machineNodeColdMs: summarize(machineNodeColds),
      warmMs: summarize(warm.map((r) => r.totalMs)),
      warmLoadMs: summarize(warm.map((r) => r.loadMs)),
      warmViewMs: summarize(warm.map((r) => r.viewMs)),
      heapDeltaBytes: summarize(results.map((r) => r.heapDeltaBytes)),
      heapDeltaAllBytes: summarize(results.map((r) => r.heapDeltaAllBytes)),
      floorColdMs,
      coldOverFloor: round(coldMs.median / floorColdMs.median, 2),
    };
    say(`config: ${size} profiles: first level cold ${level.coldMs.median} ms (${level.machineNodeColdMs.median} ms on ${machineNode}), every profile cold ${level.allColdMs.median} ms (floor ${level.floorColdMs.median} ms, first level cold / floor ${level.coldOverFloor}), first level warm ${level.warmMs.median} ms`);
    levels.push(level);
  }
  return levels;
}
