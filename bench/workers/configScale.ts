/**
 * Worker: config scale for one profile count, in a fresh Node process (so the first run is the
 * cold one the extension host sees when the Profiles view first opens).
 *
 *   node --expose-gc .bench/worker-config-scale.js <profiles> <warmRuns> [cold | all | floor]
 *
 * Times what the Profiles view does before it can draw its first level: read and index both
 * files (the extension's public reading, see ../configReading.ts, as ProfileStore reads them),
 * describe the profiles of the first level (`listing.first(PROFILES_SHOWN_FIRST)`, as getChildren does) and turn
 * each into its row (`profileRowView`, what getTreeItem does minus the vscode wrapper; tooltips are built on hover).
 * `cold`: the first level, cold only. `all`: the same with every profile described (`listing.model()`: the pickers, the API, and the view
 * after "Show all"), cold only. `floor`: see bareSplit.
 */
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { resolveConfigPaths } from '../../src/config/configFiles';
import type { ProfileInfo, ProfileListing } from '../../src/shared/types';
import { PROFILES_SHOWN_FIRST, profileRowView, type ProfileRowView } from '../../src/vscode/views/presentation';
import { generateConfig } from '../configGen';
import { configReadingUsed, readListing } from '../configReading';
import { emit, nowMs, round } from '../lib';

interface Run {
  readonly totalMs: number;
  readonly loadMs: number;
  readonly viewMs: number;
}

type Listed = { run: Run; listing: ProfileListing; profiles: ReadonlyArray<ProfileInfo>; views: ProfileRowView[] };

/** The first level (`all`: every profile) from the files: read, index, describe, rows. */
async function firstLevel(env: NodeJS.ProcessEnv, active: string, all = false): Promise<Listed> {
  const t0 = nowMs();
  // As ProfileStore lists profiles.
  const listing = await readListing(resolveConfigPaths(env));
  // getChildren's list, then getTreeItem's view for each row.
  const profiles = all ? listing.model().profiles : listing.first(PROFILES_SHOWN_FIRST);
  const t1 = nowMs();
  const views = profiles.map((p) => profileRowView(p, p.name === active, 'us-east-1'));
  const t2 = nowMs();
  return { run: { totalMs: t2 - t0, loadMs: t1 - t0, viewMs: t2 - t1 }, listing, profiles, views };
}

/**
 * Everything V8 can reclaim reclaimed, then heapUsed. A heap snapshot's collection also clears
 * V8's internal caches; after plain `gc()` calls heapUsed came out bimodal (8.4 or 12.8 MiB for
 * 10,000 profiles, process by process) although the snapshots of both cases held the same objects.
 */
async function settledHeapUsed(gc: () => void): Promise<number> {
  for await (const chunk of v8.getHeapSnapshot()) void chunk; // drained, not kept
  gc();
  return process.memoryUsage().heapUsed;
}

/** The first run in this process, checked (every generated profile is counted, none listed is flagged). */
async function coldRun(env: NodeJS.ProcessEnv, active: string, total: number, gc: () => void, all = false): Promise<{ run: Run; kinds: Record<string, number> }> {
  gc();
  gc();
  return checked(await firstLevel(env, active, all), total);
}

/**
 * The memory one listing and its first level's rows hold, as the view holds them, then the same
 * with every profile described: settled heapUsed while they are held minus the same once they are
 * dropped (compiled code and the harness are in both and cancel out). Measured last: the heap
 * snapshots it takes would change the timed runs' heap.
 */
async function heldByOneListing(env: NodeJS.ProcessEnv, active: string, gc: () => void): Promise<{ firstLevel: number; all: number }> {
  const holder = globalThis as { benchKept?: unknown };
  // Held in a global, not in a local of this frame, so that dropping it really releases it.
  holder.benchKept = await firstLevel(env, active);
  const first = await heldBytes(holder, gc);
  holder.benchKept = await firstLevel(env, active, true);
  return { firstLevel: first, all: await heldBytes(holder, gc) };
}

/** The run's timing and the kinds of its profiles, once every profile is known to be there and usable. */
function checked({ run, listing, profiles }: Listed, total: number): { run: Run; kinds: Record<string, number> } {
  const flagged = profiles.filter((p) => p.problem);
  const expected = Math.min(total, PROFILES_SHOWN_FIRST);
  if (listing.total !== total || profiles.length < expected || listing.fileProblems.length > 0 || flagged.length > 0) {
    throw new Error(
      `listing mismatch: ${listing.total} profiles of ${total}, ${profiles.length} described, file problems ${JSON.stringify(listing.fileProblems)}, ` +
        `flagged ${flagged.slice(0, 3).map((p) => `${p.name}: ${p.problem ?? ''}`).join('; ')}`,
    );
  }
  const kinds: Record<string, number> = {};
  for (const p of profiles) kinds[p.kind] = (kinds[p.kind] ?? 0) + 1;
  return { run, kinds };
}

/** Settled heapUsed with `holder.benchKept` held, minus the same once it is dropped. */
async function heldBytes(holder: { benchKept?: unknown }, gc: () => void): Promise<number> {
  const held = await settledHeapUsed(gc);
  holder.benchKept = undefined;
  return held - (await settledHeapUsed(gc));
}

/**
 * The floor: the least an eager reading of these files does, timed cold like firstLevel. Each
 * line found with indexOf, each header, key and value sliced, each section's settings put in a
 * Map; none of the CLI's rules, no model, no rows. What firstLevel costs above this is the
 * extension's own work; the floor itself is V8 making the strings and Maps of the data.
 */
async function bareSplit(env: { AWS_CONFIG_FILE: string; AWS_SHARED_CREDENTIALS_FILE: string }): Promise<{ ms: number; sections: number }> {
  const t0 = nowMs();
  const texts = await Promise.all([fsp.readFile(env.AWS_CONFIG_FILE, 'utf8'), fsp.readFile(env.AWS_SHARED_CREDENTIALS_FILE, 'utf8')]);
  const sections: { header: string; settings: Map<string, string> }[] = [];
  for (const text of texts) {
    let settings = new Map<string, string>();
    for (let i = 0; i < text.length; ) {
      let end = text.indexOf('\n', i);
      if (end < 0) end = text.length;
      const first = text.charCodeAt(i);
      if (first === 0x5b /* [ */) {
        settings = new Map();
        sections.push({ header: text.slice(i + 1, text.lastIndexOf(']', end)), settings });
      } else if (end > i && first !== 0x23 /* # */) {
        const equals = text.indexOf('=', i);
        if (equals < end) {
          // The generated files write `key = value`: one space each side, none at the line's end.
          let keyEnd = equals;
          while (text.charCodeAt(keyEnd - 1) === 0x20) keyEnd--;
          let valueStart = equals + 1;
          while (text.charCodeAt(valueStart) === 0x20) valueStart++;
          settings.set(text.slice(i, keyEnd), text.slice(valueStart, end));
        }
      }
      i = end + 1;
    }
  }
  return { ms: nowMs() - t0, sections: sections.length };
}

async function main(): Promise<void> {
  const total = Number(process.argv[2]);
  const warmRuns = Number(process.argv[3] ?? 10);
  const mode = process.argv[4];
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (the memory figure needs it)');
  const files = generateConfig(total);
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'ais-bench-config-'));
  try {
    const env = { AWS_CONFIG_FILE: path.join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials') };
    await fsp.writeFile(env.AWS_CONFIG_FILE, files.config, { mode: 0o600 });
    await fsp.writeFile(env.AWS_SHARED_CREDENTIALS_FILE, files.credentials, { mode: 0o600 });
    const active = files.samples.chain;
    if (mode === 'cold') {
      emit({ coldMs: round((await coldRun(env, active, total, gc)).run.totalMs), node: process.version });
      return;
    }
    if (mode === 'all') {
      // Cold, every profile described: the kinds are of the whole config.
      const all = await coldRun(env, active, total, gc, true);
      emit({ allMs: round(all.run.totalMs), kinds: all.kinds });
      return;
    }
    if (mode === 'floor') {
      gc();
      gc();
      const floor = await bareSplit(env);
      // Every profile's section was split (sso-sessions and [default] come on top).
      if (floor.sections < total) throw new Error(`floor split ${floor.sections} sections of ${total} profiles`);
      emit({ floorMs: round(floor.ms) });
      return;
    }

    const cold = await coldRun(env, active, total, gc);
    const warm: Run[] = [];
    for (let i = 0; i < warmRuns; i++) {
      gc(); // a collection left over from the previous run is not this run's cost
      warm.push((await firstLevel(env, active)).run);
    }
    const heapDeltaBytes = await heldByOneListing(env, active, gc);

    emit({
      profiles: total,
      node: process.version,
      reading: configReadingUsed(),
      shape: files.shape,
      configBytes: Buffer.byteLength(files.config),
      credentialsBytes: Buffer.byteLength(files.credentials),
      cold: roundRun(cold.run),
      warm: warm.map(roundRun),
      heapDeltaBytes: heapDeltaBytes.firstLevel,
      heapDeltaAllBytes: heapDeltaBytes.all,
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
