/**
 * `npm run bench`: the extension's performance figures, measured on this machine against a real
 * STS (moto_server on loopback) and real clients, printed as Markdown tables, or with `--json`
 * as one JSON object on stdout. The latest run is also written to bench/results/latest.{json,md}.
 *
 *   node .bench/main.js [--json] [--quick] [--only activation,config,switch,endpoint,sso] [--no-save]
 *
 * Run through bench/run.sh, which builds what is measured first. Progress goes to stderr.
 * Not a test: timings depend on the machine and its load; targets are reported, not enforced.
 * Timing targets are ratios where a floor exists (the same work done bare, measured in the same
 * run): they hold from one machine to the next where absolute times would not.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findCodeServer, repoRoot } from '../test/support/codeServer';
import { FaultProxy } from '../test/support/faultProxy';
import { startMoto, type MotoServer } from '../test/support/moto';
import { measureActivation, type ActivationResult } from './activation';
import { measureConfigInVsCode, type VsCodeScaleLevel } from './configInVsCode';
import { measureConfigScale, type ScaleLevel } from './configScale';
import { generateConfig } from './configGen';
import { PROFILES_SHOWN_FIRST } from '../src/vscode/views/presentation';
import { credentialProcessScript, measureEndpoint, type EndpointResult } from './endpoint';
import { bytesCell, cell, machine, round, say, table, verdict, type Machine } from './lib';
import { benchManager, useBenchEnvironment, writeBenchAwsHome } from './switchSetup';
import { measureLargeConfigSwitch, measureSwitching, type LargeConfigSwitchResult, type Measured, type StsCalls, type SwitchResult } from './switchLatency';
import { measureSsoScale, type SsoScaleResult } from './ssoScale';

const SECTIONS = ['activation', 'config', 'switch', 'endpoint', 'sso'] as const;
type Section = (typeof SECTIONS)[number];

interface Args {
  json: boolean;
  quick: boolean;
  save: boolean;
  only: Set<Section>;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { json: false, quick: false, save: true, only: new Set(SECTIONS) };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (a === '--quick') args.quick = true;
    else if (a === '--no-save') args.save = false;
    else if (a === '--only') {
      const list = (argv[++i] ?? '').split(',').filter(Boolean);
      const bad = list.filter((s) => !(SECTIONS as readonly string[]).includes(s));
      if (list.length === 0 || bad.length) throw new Error(`--only takes a comma-separated list of ${SECTIONS.join(', ')} (got ${bad.join(', ') || 'nothing'})`);
      args.only = new Set(list as Section[]);
    } else throw new Error(`Unknown argument ${a}. Usage: npm run bench -- [--json] [--quick] [--only ${SECTIONS.join(',')}] [--no-save]`);
  }
  // A partial or quick run is for development: it must not replace the recorded figures.
  if (args.quick || args.only.size < SECTIONS.length) args.save = false;
  return args;
}

/** How a measured value is held against its limit. */
type Rule = '<' | '<=' | '>=' | '=';

interface Target {
  readonly rule: Rule;
  readonly limit: number;
  /** The limit as the Markdown states it. */
  readonly text: string;
}

/**
 * The targets the project set itself; reported with every run. Each key is a headline key; the
 * value checked is that key's, except where the target is a ratio of two keys (`ratioOf`).
 */
const TARGETS = {
  activateMs: { rule: '<', limit: 10, text: '`activateMs` < 10 ms' },
  vsixBytes: { rule: '<', limit: 300_000, text: '`vsixBytes` < 300,000 bytes' },
  profiles2kMs: { rule: '<=', limit: 2.5, text: '`profiles2kMs` ≤ 2.5 × `profiles2kFloorMs`' },
  profiles10kMs: { rule: '<', limit: 150, text: '`profiles10kMs` < 150 ms' },
  switchSpeedupVsCli: { rule: '>=', limit: 10, text: '`switchSpeedupVsCli` ≥ 10' },
  assumeOverStsRatio: { rule: '<=', limit: 1.5, text: '`assumeOverStsRatio` ≤ 1.5' },
  endpointP99Ratio: { rule: '<=', limit: 1.15, text: '`endpointP99Ratio` ≤ 1.15' },
  // Not timings: what each operation costs in STS calls.
  assumeStsCalls: { rule: '=', limit: 1, text: '`assumeStsCalls` = 1 (one STS call per assume)' },
  endpointStsCallsPerRequest: { rule: '=', limit: 0, text: '`endpointStsCallsPerRequest` = 0' },
} satisfies Record<string, Target>;

/** Targets held as the ratio of one headline key over another. */
const RATIO_OF: Partial<Record<keyof typeof TARGETS, readonly [string, string]>> = {
  profiles2kMs: ['profiles2kMs', 'profiles2kFloorMs'],
};

interface Results {
  readonly machine: Machine & { readonly loadAverageAtEnd: readonly number[] };
  readonly startedAt: string;
  readonly durationS: number;
  readonly activation?: ActivationResult;
  readonly config?: readonly ScaleLevel[];
  readonly configInVsCode?: readonly VsCodeScaleLevel[];
  readonly switching?: SwitchResult;
  readonly switchingLarge?: LargeConfigSwitchResult;
  readonly endpoint?: EndpointResult;
  readonly sso?: SsoScaleResult;
}

function headline(r: Results): Record<string, unknown> {
  const twoK = r.config?.find((l) => l.profiles === 2_000);
  const tenK = r.config?.find((l) => l.profiles === 10_000);
  const tenKInVsCode = r.configInVsCode?.find((l) => l.profiles === 10_000);
  const oneClient = r.endpoint?.levels.find((l) => l.clients === 1);
  return {
    activateMs: r.activation?.activateMs.median ?? null,
    vsixBytes: r.activation?.vsixBytes ?? null,
    extensionJsBytes: r.activation?.extensionJsBytes ?? null,
    sdkJsBytes: r.activation?.sdkJsBytes ?? null,
    requireExtensionMs: r.activation?.requireMs.median ?? null,
    profiles2kMs: twoK?.coldMs.median ?? null,
    profiles2kFloorMs: twoK?.floorColdMs.median ?? null,
    profiles2kOverFloor: twoK?.coldOverFloor ?? null,
    profiles2kBasis: 'as profiles10kBasis, for 2,000 profiles; the floor: a bare parse of the same files into sections and Maps, cold, in its own fresh processes on the same Node; the ratio is of the medians',
    configReading: r.config?.[0]?.reading ?? null,
    profiles10kMs: tenK?.coldMs.median ?? null,
    profiles10kBasis: `the Profiles view's first level, cold: read + index every profile, describe the first ${PROFILES_SHOWN_FIRST}, their rows`,
    profiles10kWarmMs: tenK?.warmMs.median ?? null,
    profiles10kAllColdMs: tenK?.allColdMs.median ?? null,
    profiles10kMachineNodeMs: tenK?.machineNodeColdMs.median ?? null,
    profiles10kNode: tenK?.node ?? null,
    profiles10kFloorMs: tenK?.floorColdMs.median ?? null,
    profiles10kHeapBytes: tenK?.heapDeltaBytes.median ?? null,
    profiles10kHeapAllBytes: tenK?.heapDeltaAllBytes.median ?? null,
    profiles10kInVsCodeReadMs: tenKInVsCode?.readMs.median ?? null,
    profiles10kInVsCodeFirstLevelMs: tenKInVsCode?.listedMs.median ?? null,
    profiles10kInVsCodeFirstRowMs: tenKInVsCode?.firstRowMs.median ?? null,
    switchSpeedupVsCli: r.switching?.speedupAssumeVsCliV1 ?? null,
    switchSpeedupBasis: 'assume role: AWS CLI v1 median / our warm median',
    assumeWarmMs: r.switching?.ours.warmAssume.ms.median ?? null,
    assumeStsCalls: r.switching ? totalCalls(r.switching.ours.warmAssume.stsCalls) : null,
    assumeBareStsMs: r.switching?.bareAssume.ms.median ?? null,
    assumeOverStsRatio: r.switching?.assumeOverSts ?? null,
    assumeOverStsBasis: "our warm assumeRole median / a bare signed AssumeRole median (the SDK's STSClient, warm, same keys, same STS), interleaved",
    firstSwitchColdMs: r.switching?.ours.coldProfileChain.ms.median ?? null,
    switch10kProfilesMs: r.switchingLarge?.ours.ms.median ?? null,
    switch10kProfilesSpeedupVsCliV1: r.switchingLarge?.speedupVsCliV1 ?? null,
    endpointP99Ms: oneClient?.p99Ms.median ?? null,
    endpointP99MsBasis: 'one keep-alive client (a terminal); other concurrency levels under endpoint.levels',
    endpointBaselineP99Ms: oneClient?.baseline.p99Ms.median ?? null,
    endpointP99Ratio: oneClient?.p99OverBaseline.median ?? null,
    endpointP99RatioBasis: 'one client: each run’s p99 over that of the plain node:http run right after it, median over the pairs',
    endpointStealPct: oneClient?.stealPct?.median ?? null,
    endpointStsCallsPerRequest: r.endpoint ? r.endpoint.stsCallsDuringLoad / Math.max(1, r.endpoint.requestsServed) : null,
    ssoAccounts1kMs: r.sso?.accountsMs.median ?? null,
    ssoAllRolesMs: r.sso?.allRolesMs.median ?? null,
    ssoPortalCalls: r.sso?.portalCalls ?? null,
    ssoBasis: r.sso ? `${r.sso.accounts} accounts × ${r.sso.rolesPerAccount} roles on the loopback SSO fake; ListAccounts paginated (100 per page), then ListAccountRoles per account, ${r.sso.concurrency} in flight` : null,
  };
}

function totalCalls(c: StsCalls): number {
  return Object.values(c).reduce((a, b) => a + b, 0);
}

function callsCell(c: StsCalls, varied?: boolean): string {
  const parts = Object.entries(c).map(([k, v]) => `${v} ${k}`);
  return (parts.join(' + ') || '0') + (varied ? ' (varied)' : '');
}

type TargetName = keyof typeof TARGETS;

interface TargetCheck {
  readonly target: string;
  readonly rule: Rule;
  readonly limit: number;
  /** The value held against the limit: the key's own, or the ratio of the two keys in `ratioOf`. */
  readonly value: number | null;
  readonly ratioOf?: readonly [string, string];
  /** null: not measured in this run. */
  readonly met: boolean | null;
}

function holds(rule: Rule, value: number, limit: number): boolean {
  switch (rule) {
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
    case '>=':
      return value >= limit;
    case '=':
      return value === limit;
  }
}

function targets(r: Results): Record<TargetName, TargetCheck> {
  const h = headline(r);
  const num = (k: string): number | null => (typeof h[k] === 'number' ? (h[k] as number) : null);
  const out = {} as Record<TargetName, TargetCheck>;
  for (const [name, t] of Object.entries(TARGETS) as [TargetName, Target][]) {
    const ratioOf = RATIO_OF[name];
    let value = num(name);
    if (ratioOf) {
      const over = num(ratioOf[0]);
      const under = num(ratioOf[1]);
      value = over !== null && under !== null && under > 0 ? round(over / under, 2) : null;
    }
    out[name] = { target: t.text, rule: t.rule, limit: t.limit, value, ...(ratioOf ? { ratioOf } : {}), met: value === null ? null : holds(t.rule, value, t.limit) };
  }
  return out;
}

/** The value a target was held to; for a ratio, the two figures it came from as well. */
function measuredCell(c: TargetCheck, h: Record<string, unknown>): string {
  if (c.value === null) return 'not measured';
  if (!c.ratioOf) return String(round(c.value, 3));
  const [over, under] = c.ratioOf;
  return `${String(h[over])} ms / ${String(h[under])} ms = ${c.value}×`;
}

function targetVerdict(c: TargetCheck): string {
  return c.met === null ? 'not measured' : verdict(c.met);
}

function markdown(r: Results): string {
  const m = r.machine;
  const out: string[] = [];
  const b = targets(r);
  out.push(`# Benchmarks: AWS Identity Switcher`);
  out.push('');
  out.push('Produced by `npm run bench` (sources in bench/; `npm run bench -- --json` gives the same figures as JSON, kept in bench/results/latest.json).');
  out.push('');
  out.push(
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, Node ${m.node}, ${m.os}. ` +
      `Load average (1/5/15 min) ${m.loadAverage.join(' / ')} at start, ${m.loadAverageAtEnd.join(' / ')} at end. ` +
      `Run ${r.startedAt}, ${r.durationS} s. STS: moto_server on loopback.`,
  );
  out.push('');
  out.push('Figures are median (min–max) over the runs shown; "n" is the number of samples.');

  const a = r.activation;
  if (a) {
    out.push('', '## 1. Activation', '');
    out.push(
      `code-server ${a.codeServerVersion} (VS Code ${a.vscodeVersion}), extension host Node ${a.extensionHostNode}, packaged .vsix installed into fresh user-data and extensions dirs; ` +
        `${a.activateFirstLoadMs.n} fresh server starts × ${a.activateMs.n / a.activateFirstLoadMs.n} workbench loads (each a new window, so a new extension host), workbench in headless Chromium.`,
      '',
    );
    out.push(
      table(
        ['measure', 'value', 'n', 'target'],
        [
          ['`activate()` in the extension host (our log line)', cell(a.activateMs), String(a.activateMs.n), `< ${TARGETS.activateMs.limit} ms: ${targetVerdict(b.activateMs)}`],
          ['`activate()`, first workbench load after each fresh server start', cell(a.activateFirstLoadMs), String(a.activateFirstLoadMs.n), ''],
          ['page open → activation logged (workbench start-up)', cell(a.pageToActivatedMs, 'ms', 0), String(a.pageToActivatedMs.n), ''],
          ['`require(dist/extension.js)` in plain Node (parse + evaluate)', cell(a.requireMs), String(a.requireMs.n), a.sdkLoadedByRequire ? 'SDK loaded too!' : 'SDK not loaded'],
          ['dist/extension.js', bytesCell(a.extensionJsBytes), '', ''],
          ['dist/sdk.js (loaded on first use)', bytesCell(a.sdkJsBytes), '', ''],
          ['.vsix', bytesCell(a.vsixBytes), '', `< ${TARGETS.vsixBytes.limit.toLocaleString('en-US')} B: ${targetVerdict(b.vsixBytes)}`],
        ],
      ),
    );
  }

  if (r.config) {
    out.push('', '## 2. Config scale: read + model + the tree’s first level', '');
    const runtime = r.config[0]!;
    out.push(
      `Run on Node ${runtime.node}, the extension host's runtime (code-server's, as in section 1), where the Profiles view's code runs; the first level is also timed cold on the machine's Node ${runtime.machineNode}. ` +
        `First level: what the Profiles view does before it can draw: the extension's public reading, here \`${runtime.reading}(resolveConfigPaths(env))\` (read both files, index every profile; see bench/configReading.ts), \`listing.first(${PROFILES_SHOWN_FIRST})\` (describe the profiles the first level lists; a larger config gets a "Show all" row after them), then \`profileRowView\` for each (tooltips are built on hover). ` +
        'Every profile: the same with `model()` describing all of them (the pickers, the API, the view after "Show all"), cold, in its own fresh processes. ' +
        'Cold: the first run in a fresh process (opening the view after start), one per process. Warm: later runs in the same process (a reload after an edit). ' +
        'Floor: the least an eager reading of the same files does, cold, in its own fresh processes interleaved with the others: each line found, each header, key and value sliced, each section’s settings put in a Map, and nothing else (no CLI rules, no model, no rows). It is timed exactly as the first level is (a fresh process, two collections, then the first call), on the same Node. ' +
        'Heap held: what the listing and the rows keep alive, as `heapUsed` while they are held minus `heapUsed` once they are dropped, each after the full collection of a heap snapshot (within about 0.2 MiB; plain `gc()` left the figure bimodal).',
      '',
    );
    out.push(
      table(
        ['profiles', 'config size', 'mix', 'first level, cold', `first level, cold, Node ${runtime.machineNode}`, 'every profile, cold', 'floor (cold)', 'first level / floor (cold medians)', 'first level, warm', 'warm: read + index + describe', 'warm: rows', 'heap held: first level / every profile'],
        r.config.map((l) => [
          l.profiles.toLocaleString('en-US'),
          `${(l.configBytes / 1024).toFixed(0)} KiB`,
          `${l.shape.ssoProfiles} sso (${l.shape.organisations} org), ${l.shape.roleChains} role chains, ${l.shape.staticProfiles} static, 1 default`,
          `${cell(l.coldMs)} n=${l.coldMs.n}`,
          `${cell(l.machineNodeColdMs)} n=${l.machineNodeColdMs.n}`,
          `${cell(l.allColdMs)} n=${l.allColdMs.n}`,
          `${cell(l.floorColdMs)} n=${l.floorColdMs.n}`,
          `${l.coldOverFloor.toFixed(2)}×`,
          `${cell(l.warmMs)} n=${l.warmMs.n}`,
          cell(l.warmLoadMs),
          cell(l.warmViewMs),
          `${(l.heapDeltaBytes.median / 1024 / 1024).toFixed(1)} / ${(l.heapDeltaAllBytes.median / 1024 / 1024).toFixed(1)} MiB`,
        ]),
      ),
    );
    const twoK = r.config.find((l) => l.profiles === 2_000);
    const tenK = r.config.find((l) => l.profiles === 10_000);
    const targetLines: string[] = [];
    if (twoK) {
      targetLines.push(
        `Target: 2,000 profiles, the view's first level cold at most ${TARGETS.profiles2kMs.limit} × the floor (medians, on the extension host's Node): ${targetVerdict(b.profiles2kMs)} (${twoK.coldMs.median} ms / ${twoK.floorColdMs.median} ms = ${twoK.coldOverFloor}×).`,
      );
    }
    if (tenK) {
      targetLines.push(
        `Target: 10,000 profiles < ${TARGETS.profiles10kMs.limit} ms (the view's first level, cold, on the extension host's Node): ${targetVerdict(b.profiles10kMs)} (${tenK.coldMs.median} ms cold, ${tenK.machineNodeColdMs.median} ms cold on Node ${tenK.machineNode}, ${tenK.warmMs.median} ms warm; every profile described: ${tenK.allColdMs.median} ms cold; the floor is ${tenK.floorColdMs.median} ms cold, ${tenK.coldOverFloor}× under the first level).`,
      );
    }
    if (targetLines.length) out.push('', targetLines.join(' '));
  }

  if (r.configInVsCode) {
    out.push('', '### In the real VS Code', '');
    out.push(
      'The same generated configs opened by the packaged extension in code-server (setup as in section 1, one server per size), the Profiles view opened by clicking the activity bar item in headless Chromium; each load is a new window, so a new extension host and cold code. ' +
        'Read + index: the extension’s own log line (`Read N profiles … in X ms`, ProfileStore’s timing of loadProfileListing). First level: its line `Profiles view: listed K of N profiles in X ms` (getChildren’s timing: the reading it started, then its profiles described). ' +
        'Click → first row: until the first row of the tree is visible, which adds VS Code’s own work for every row of the level (getTreeItem, the transfer to the workbench, the tree widget).',
      '',
    );
    out.push(
      table(
        ['profiles', 'read + index in the extension host', 'first level in the extension host', 'click → first row visible', 'n'],
        r.configInVsCode.map((l) => [l.profiles.toLocaleString('en-US'), cell(l.readMs, 'ms', 1), cell(l.listedMs, 'ms', 1), cell(l.firstRowMs, 'ms', 0), String(l.readMs.n)]),
      ),
    );
  }

  const s = r.switching;
  if (s) {
    out.push('', '## 3. Switch latency and STS calls', '');
    out.push(
      `From call to identity known. Ours: \`IdentityManager\` in-process (production bundles: core as in dist/extension.js, SDK from dist/sdk.js). ` +
        `CLIs: process spawn to exit (${s.cliV1.split(' ')[0]}, ${s.cliV2.split(' ')[0]}). STS calls counted by a loopback proxy in front of moto that sees both. ` +
        `CLI v2.9 cannot do the source_profile chain here: its AssumeRole provider ignores --endpoint-url and the variable. ` +
        `Bare AssumeRole: the floor under our assume, one signed AssumeRole sent by the SDK's own \`STSClient\` (created once and kept, so warm and its connection kept alive) with base's keys, the same role, session name and duration, to the same STS through the same proxy, taking turns with ours in the same rounds.`,
      '',
    );
    const row = (name: string, x: Measured): string[] => [name, cell(x.ms), String(x.ms.n), callsCell(x.stsCalls, x.stsCallsVaried)];
    out.push(
      table(
        ['operation', 'time', 'n', 'STS calls'],
        [
          row('ours: first switch after start, `useProfile(chain)` (cold: loads the SDK)', s.ours.coldProfileChain),
          row('ours: `useProfile(chain)` (warm)', s.ours.warmProfileChain),
          row('AWS CLI v1: `sts get-caller-identity --profile chain` (its ~/.aws/cli/cache emptied first)', s.cliV1ProfileChain),
          row('AWS CLI v1: the same again, role credentials from its cache', s.cliV1ProfileChainCached),
          row('ours: `assumeRole(…, source: active)` (warm)', s.ours.warmAssume),
          row('bare AssumeRole: the SDK’s `STSClient` alone (warm), same keys, same STS', s.bareAssume),
          row('AWS CLI v1: `sts assume-role … --profile base`', s.cliV1Assume),
          row('AWS CLI v2: `sts assume-role … --profile base --endpoint-url`', s.cliV2Assume),
          ...(r.switchingLarge
            ? [
                row(`ours: \`useProfile(chain)\` in a ${r.switchingLarge.profiles.toLocaleString('en-US')}-profile config, with the extension's check first (warm)`, r.switchingLarge.ours),
                row(`AWS CLI v1: \`sts get-caller-identity --profile chain\` in the same config (cache emptied first)`, r.switchingLarge.cliV1),
              ]
            : []),
        ],
      ),
    );
    out.push(
      '',
      `Speed-up (CLI median / our warm median): assume ${s.speedupAssumeVsCliV1}x vs CLI v1, ${s.speedupAssumeVsCliV2}x vs CLI v2; profile chain ${s.speedupProfileChainVsCliV1}x vs CLI v1` +
        (r.switchingLarge ? `, ${r.switchingLarge.speedupVsCliV1}x vs CLI v1 in the ${r.switchingLarge.profiles.toLocaleString('en-US')}-profile config (${Math.round(r.switchingLarge.configBytes / 1024)} KiB)` : '') +
        '. ' +
        `Our warm assume over the bare AssumeRole (medians): ${s.assumeOverSts}×. ` +
        `Targets: one STS call per assume: ${targetVerdict(b.assumeStsCalls)}; ≥ ${TARGETS.switchSpeedupVsCli.limit}x faster than the CLI (assume, v1): ${targetVerdict(b.switchSpeedupVsCli)}; ` +
        `at most ${TARGETS.assumeOverStsRatio.limit}× the bare AssumeRole: ${targetVerdict(b.assumeOverStsRatio)}.`,
    );
  }

  const e = r.endpoint;
  if (e) {
    out.push('', '## 4. Terminal credential endpoint', '');
    out.push(
      'CredentialEndpoint serving the active identity (a role session, credentials cached by the session) to keep-alive clients in a separate process on loopback. ' +
        'Each run is bounded by its request count and 3 s; p50/p99 are per run, then median (min–max) over the runs. ' +
          'Reference: the same load, alternating run by run, against a plain node:http server in the same process answering a fixed body of the same size with no checks (medians): the machine’s own floor. ' +
          'p99 / plain: computed pairwise, each of our runs’ p99 over that of the plain server’s run right after it, then median (min–max) over the pairs. ' +
          'CPU steal: the share of the machine’s CPU time the hypervisor took during the runs (/proc/stat, medians); with one client, a request that arrives while a vCPU is taken waits for it.',
      '',
    );
    out.push(
      table(
        ['clients', 'p50', 'p99', 'p99 / plain p99 (pairwise)', 'requests/s', 'plain node:http p50 / p99 / req/s', 'CPU steal: ours / plain', 'runs × requests', 'non-200', 'STS calls / request'],
        e.levels.map((l) => [
          String(l.clients),
          cell(l.p50Ms, 'ms', 3),
          cell(l.p99Ms, 'ms', 3),
          cell(l.p99OverBaseline, '×', 2),
          cell(l.requestsPerSecond, '/s', 0),
          `${l.baseline.p50Ms.median.toFixed(3)} / ${l.baseline.p99Ms.median.toFixed(3)} ms / ${l.baseline.requestsPerSecond.median.toFixed(0)}`,
          l.stealPct && l.baseline.stealPct ? `${l.stealPct.median.toFixed(2)} % / ${l.baseline.stealPct.median.toFixed(2)} %` : 'n/a',
          `${l.runs.length} × ${l.requestsPerRun}`,
          String(l.non200),
          String(l.stsCallsPerRequest),
        ]),
      ),
    );
    out.push(
      '',
      `STS calls during the load: ${e.stsCallsDuringLoad} for ${e.requestsServed.toLocaleString('en-US')} requests served. ` +
        `Targets: p99 at most ${TARGETS.endpointP99Ratio.limit}× the plain server's (one client, pairwise median): ${targetVerdict(b.endpointP99Ratio)}; zero STS calls per request: ${targetVerdict(b.endpointStsCallsPerRequest)}.`,
      '',
      'Real clients, spawn to exit (the CLI includes its one GetCallerIdentity), and for boto3 also the time inside the process of `Session().get_credentials().get_frozen_credentials()`:',
      '',
    );
    const c = e.clients;
    out.push(
      table(
        ['client', 'credentials from', 'wall time', 'credentials ready (in process)', 'STS calls per run'],
        [
          ['AWS CLI v1 `sts get-caller-identity`', 'our endpoint', cell(c.cliV1ViaEndpoint.wallMs, 'ms', 0), '', callsCell(c.cliV1ViaEndpoint.stsCalls)],
          ['AWS CLI v1 `sts get-caller-identity`', 'credential_process (node script)', cell(c.cliV1ViaCredentialProcess.wallMs, 'ms', 0), '', callsCell(c.cliV1ViaCredentialProcess.stsCalls)],
          ['boto3', 'our endpoint', cell(c.boto3ViaEndpoint.wallMs, 'ms', 0), cell(c.boto3ViaEndpoint.credentialsMs!, 'ms', 1), callsCell(c.boto3ViaEndpoint.stsCalls)],
          ['boto3', 'credential_process (node script)', cell(c.boto3ViaCredentialProcess.wallMs, 'ms', 0), cell(c.boto3ViaCredentialProcess.credentialsMs!, 'ms', 1), callsCell(c.boto3ViaCredentialProcess.stsCalls)],
        ],
      ),
    );
  }
  if (r.sso) {
    const x = r.sso;
    out.push('', '## 5. IAM Identity Center at organisation scale', '');
    out.push(
      `${x.accounts.toLocaleString('en-US')} accounts × ${x.rolesPerAccount} roles served by the strict SSO fake on loopback (test/support/ssoFake.ts), listed with src/sso as the extension does: ListAccounts page by page (100 per page), then ListAccountRoles for every account with at most ${x.concurrency} requests in flight (why ${x.concurrency}: bench/ssoScale.ts). Loopback: the real portal adds its own round-trip time per request.`,
      '',
      table(
        ['measure', 'median (min–max)', 'n', 'portal calls'],
        [
          ['the account level (`ssoAccounts1kMs`)', cell(x.accountsMs, 'ms', 1), String(x.accountsMs.n), String(x.portalCallsByOperation.ListAccounts ?? 0)],
          [`every role of every account (\`ssoAllRolesMs\`, ${x.rolesListed.toLocaleString('en-US')} roles)`, cell(x.allRolesMs, 'ms', 1), String(x.allRolesMs.n), String(x.portalCalls)],
        ],
      ),
    );
  }
  out.push('', '## Targets', '');
  out.push(
    table(
      ['target', 'measured', 'verdict'],
      Object.values(b).map((v) => [v.target, measuredCell(v, headline(r)), targetVerdict(v)]),
    ),
  );
  return out.join('\n') + '\n';
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const root = repoRoot();
  const started = Date.now();
  const machineAtStart = machine();
  say(`machine: ${machineAtStart.cpu}, ${machineAtStart.cores} cores, load ${machineAtStart.loadAverage.join(' ')}`);
  const q = args.quick;
  let moto: MotoServer | undefined;
  let proxy: FaultProxy | undefined;
  const aws = await writeBenchAwsHome(credentialProcessScript(root));
  const partial: { activation?: ActivationResult; config?: ScaleLevel[]; configInVsCode?: VsCodeScaleLevel[]; switching?: SwitchResult; switchingLarge?: LargeConfigSwitchResult; endpoint?: EndpointResult; sso?: SsoScaleResult } = {};
  try {
    moto = await startMoto();
    proxy = await FaultProxy.start(moto.endpoint);
    useBenchEnvironment(aws, proxy.endpoint);
    const manager = benchManager(aws);
    try {
      if (args.only.has('activation')) partial.activation = await measureActivation({ root, moto, servers: q ? 1 : 3, loadsPerServer: q ? 2 : 3, requireRuns: q ? 3 : 9 });
      if (args.only.has('config')) {
        // On the extension host's runtime: the Profiles view's code runs there.
        partial.config = await measureConfigScale({ sizes: [10, 1_000, 2_000, 10_000], processes: q ? 2 : 5, warmRuns: q ? 3 : 5, node: findCodeServer(root).node });
        partial.configInVsCode = await measureConfigInVsCode({ root, moto, sizes: q ? [10_000] : [10, 1_000, 2_000, 10_000], loads: q ? 2 : 3 });
      }
      if (args.only.has('switch')) {
        partial.switching = await measureSwitching({ aws, proxy, manager, rounds: q ? 2 : 7, oursPerRound: 3, coldRuns: q ? 2 : 5 });
        partial.switchingLarge = await measureLargeConfigSwitch({
          proxy,
          padding: generateConfig(10_000),
          profiles: 10_000,
          rounds: q ? 2 : 5,
          credentialProcessScript: credentialProcessScript(root),
        });
      }
      if (args.only.has('endpoint')) {
        partial.endpoint = await measureEndpoint({
          aws,
          proxy,
          manager,
          levels: [1, 10, 50],
          runsPerLevel: q ? 2 : 5,
          requestsPerRun: q ? 1000 : 4000,
          maxMsPerRun: 3000,
          clientRuns: q ? 2 : 5,
        });
      }
      if (args.only.has('sso')) partial.sso = await measureSsoScale({ root, moto, runs: q ? 2 : 5 });
    } finally {
      manager.dispose();
    }
  } finally {
    await proxy?.stop();
    await moto?.stop();
    await aws.dispose();
  }
  const results: Results = {
    machine: { ...machineAtStart, loadAverageAtEnd: machine().loadAverage },
    startedAt: new Date(started).toISOString(),
    durationS: Math.round((Date.now() - started) / 1000),
    ...partial,
  };
  const checks = targets(results);
  // `budgets`: the name this object had before the targets replaced the budgets, for older readers.
  const json = { ...headline(results), targets: checks, budgets: checks, ...results };
  const md = markdown(results);
  if (args.save) {
    const dir = path.join(root, 'bench', 'results');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
    fs.writeFileSync(path.join(dir, 'latest.md'), md);
    say(`wrote bench/results/latest.json and latest.md`);
  } else {
    say('partial or --quick run: bench/results/ left as it was');
  }
  // The JSON is one line, the last on stdout, so `npm run bench -- --json | tail -1` works even with npm's banner.
  process.stdout.write(args.json ? `${JSON.stringify(json)}\n` : md);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`[bench] FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
