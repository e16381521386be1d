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
 *
 * This file: the arguments and the order of the sections. The targets and verdicts are in
 * bench/targets.ts, the JSON's keys in bench/summaryJson.ts, the Markdown in bench/report.ts.
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
import { credentialProcessScript, measureEndpoint, type EndpointResult } from './endpoint';
import { machine, say } from './lib';
import { markdown } from './report';
import { summaryJson, type Results } from './summaryJson';
import { benchManager, useBenchEnvironment, writeBenchAwsHome } from './switchSetup';
import { measureLargeConfigSwitch, measureSwitching, type LargeConfigSwitchResult, type SwitchResult } from './switchLatency';
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
        // The ratio target is judged at 2,000 profiles: more processes there, because single cold
        // runs on a shared machine vary by half and five medians could decide the verdict alone.
        const processes = (size: number): number => (size === 2_000 ? (q ? 3 : 11) : q ? 2 : 5);
        partial.config = await measureConfigScale({ sizes: [10, 1_000, 2_000, 10_000], processes, warmRuns: q ? 3 : 5, node: findCodeServer(root).node });
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
  const json = summaryJson(results);
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
