/**
 * Shared helpers of the benchmarks: summary statistics, the machine description, child-process
 * workers that answer with one JSON line, and formatting. No measurement logic lives here.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { walk } from '../test/support/secretScan';

/** Median, min and max of a series of samples (ms, bytes, ...), with the sample count. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('summarize: no samples (the measurement produced nothing)');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median: round(median), min: round(sorted[0]!), max: round(sorted[sorted.length - 1]!), n: sorted.length };
}

/** Rounds to 3 significant decimals for ms figures (keeps the JSON readable). */
export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** High-resolution milliseconds. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
  readonly loadAverage: readonly number[];
}

export function machine(): Machine {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (m?.[1]) cpu = m[1].trim();
  } catch {
    // not Linux: os.cpus() said it
  }
  return {
    cpu,
    cores: os.cpus().length,
    memoryGiB: round(os.totalmem() / 1024 ** 3, 1),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadAverage: os.loadavg().map((l) => round(l, 2)),
  };
}

/** Progress for the person watching: stderr, so `--json` keeps stdout to the one object. */
export function say(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/** The folder holding the bench bundles (.bench/), i.e. where this code runs from. */
export const BUNDLE_DIR = __dirname;

/**
 * Runs a bench worker (`.bench/<name>.js`) in a fresh Node process (this one's binary unless
 * `node` names another) and returns the JSON it prints as its last stdout line. A fresh process
 * is how "cold" (first use after start) is measured.
 */
export function runWorker<T>(
  name: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; nodeArgs?: readonly string[]; timeoutMs?: number; node?: string } = {},
): Promise<T> {
  const file = path.join(BUNDLE_DIR, `${name}.js`);
  return new Promise((resolve, reject) => {
    const child = spawn(options.node ?? process.execPath, [...(options.nodeArgs ?? []), file, ...args], {
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`bench worker ${name} ${args.join(' ')} failed (${code ?? signal}):\n${err}${out}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`bench worker ${name} printed no JSON result:\n${out}\n${err}`));
      }
    });
  });
}

/** Prints a worker's result as its one JSON line (workers only). */
export function emit(result: unknown): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** `median (min–max)` for a Markdown cell. */
export function cell(s: Summary, unit = 'ms', digits = 2): string {
  const f = (x: number): string => x.toFixed(digits);
  return `${f(s.median)} ${unit} (${f(s.min)}–${f(s.max)})`;
}

export function bytesCell(n: number): string {
  return `${(n / 1024).toFixed(1)} KiB (${n.toLocaleString('en-US')} B)`;
}

/** A Markdown table from a header row and body rows. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function verdict(ok: boolean): string {
  return ok ? 'met' : '**not met**';
}

/**
 * Lines matching `pattern` in the extension host's log files under `<userDataDir>/logs` that are
 * not in `seen` yet, one per file (the first match). The extension's LogOutputChannel is written
 * by the host to `logs/<session>/exthost<N>/<extension id>/AWS Identity.log`; any .log file under
 * logs/ counts, so a change of that layout does not break the benchmarks.
 */
export function newLogMatches(userDataDir: string, seen: ReadonlySet<string>, pattern: RegExp): Array<{ file: string; match: RegExpExecArray }> {
  const found: Array<{ file: string; match: RegExpExecArray }> = [];
  for (const file of walk(path.join(userDataDir, 'logs'))) {
    if (seen.has(file) || !file.endsWith('.log')) continue;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const match = pattern.exec(text);
    if (match) found.push({ file, match });
  }
  return found;
}
