/**
 * The Markdown a run prints (and keeps in bench/results/latest.md): one section per measured
 * part, then the Targets table.
 */
import { PROFILES_SHOWN_FIRST } from '../src/vscode/views/presentation';
import { bytesCell, cell, round, table } from './lib';
import type { Measured, StsCalls } from './switchLatency';
import { headline, type Results } from './summaryJson';
import { TARGETS, targetVerdict, targets, type TargetCheck } from './targets';

function callsCell(c: StsCalls, varied?: boolean): string {
  const parts = Object.entries(c).map(([k, v]) => `${v} ${k}`);
  return (parts.join(' + ') || '0') + (varied ? ' (varied)' : '');
}

/** The value a target was held to; for a ratio, the two figures it came from as well. */
function measuredCell(c: TargetCheck, h: Record<string, unknown>): string {
  if (c.value === null) return 'not measured';
  if (!c.ratioOf) return String(round(c.value, 3));
  const [over, under] = c.ratioOf;
  return `${String(h[over])} ms / ${String(h[under])} ms = ${c.value}×`;
}

export function markdown(r: Results): string {
  const m = r.machine;
  const out: string[] = [];
  const b = targets(headline(r));
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
          ['`activate()`: the extension host\'s CPU time (same log line)', cell(a.activateCpuMs), String(a.activateCpuMs.n), ''],
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
