/**
 * Section 4, the terminal credential endpoint: latency and throughput of CredentialEndpoint
 * serving a cached identity to concurrent keep-alive clients (loopback only, bounded in count and
 * time), the STS calls that causes (must be none), and how long real clients (AWS CLI v1, boto3)
 * take to have credentials through it, beside a profile whose credential_process runs a program
 * on every fetch (bench/credential-process.mjs).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { clientEnv, cliV1Path, emptyHome, pythonWithBoto3 } from '../test/support/awsClients';
import type { FaultProxy } from '../test/support/faultProxy';
import type { IdentityManager } from '../src/identity/identityManager';
import { CredentialEndpoint, type CredentialSource } from '../src/terminal/credentialEndpoint';
import { timedRun } from './clients';
import { round, runWorker, say, summarize, type Summary } from './lib';
import type { BenchAwsHome } from './switchSetup';

interface LoadRun {
  readonly clients: number;
  readonly requests: number;
  readonly elapsedMs: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly statuses: Record<string, number>;
  /** Share of the machine's CPU time the hypervisor took (steal) during the run, in %; null off Linux. */
  readonly stealPct: number | null;
}

export interface LoadLevel {
  readonly clients: number;
  /**
   * The same load against a plain node:http server in the same process answering a fixed body of
   * the same size with no checks and no work: what this machine and Node cost on their own.
   */
  readonly baseline: { readonly p50Ms: Summary; readonly p99Ms: Summary; readonly requestsPerSecond: Summary; readonly stealPct: Summary | null };
  /** Across runs: the median, min and max of each run's own p50 / p99 / requests per second. */
  readonly p50Ms: Summary;
  readonly p99Ms: Summary;
  readonly requestsPerSecond: Summary;
  /**
   * CPU steal during our runs, in %. On a virtual machine a request that arrives while the
   * hypervisor has taken a vCPU waits for it: with one client, most of the p99 tail.
   */
  readonly stealPct: Summary | null;
  /**
   * Our p99 over the plain server's, pairwise: each of our runs over the baseline run that
   * follows it (same load, same moment), then median (min–max) over the pairs.
   */
  readonly p99OverBaseline: Summary;
  readonly requestsPerRun: number;
  readonly runs: readonly LoadRun[];
  readonly stsCallsPerRequest: number;
  readonly non200: number;
}

export interface ClientTiming {
  /** Process wall time (spawn to exit). */
  readonly wallMs: Summary;
  /** boto3 only: `Session().get_credentials().get_frozen_credentials()` inside the process. */
  readonly credentialsMs?: Summary;
  /** STS requests per run, by action (the CLI's own GetCallerIdentity; the endpoint adds none). */
  readonly stsCalls: Readonly<Record<string, number>>;
}

export interface EndpointResult {
  readonly levels: readonly LoadLevel[];
  readonly stsCallsDuringLoad: number;
  readonly requestsServed: number;
  readonly clients: {
    readonly cliV1ViaEndpoint: ClientTiming;
    readonly cliV1ViaCredentialProcess: ClientTiming;
    readonly boto3ViaEndpoint: ClientTiming;
    readonly boto3ViaCredentialProcess: ClientTiming;
  };
}

const BOTO3_SCRIPT = `
import json, sys, time
t0 = time.perf_counter()
import boto3
t1 = time.perf_counter()
profile = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else None
c = boto3.Session(profile_name=profile).get_credentials().get_frozen_credentials()
t2 = time.perf_counter()
assert c.access_key and c.secret_key and c.token, "incomplete credentials"
print(json.dumps({"importMs": (t1 - t0) * 1000, "credentialsMs": (t2 - t1) * 1000}))
`;

export async function measureEndpoint(opts: {
  aws: BenchAwsHome;
  proxy: FaultProxy;
  manager: IdentityManager;
  levels: readonly number[];
  runsPerLevel: number;
  requestsPerRun: number;
  maxMsPerRun: number;
  clientRuns: number;
}): Promise<EndpointResult> {
  const { proxy, manager } = opts;
  // The identity a terminal would get: a role session, its credentials cached by the session.
  await manager.useProfile('chain');
  const session = manager.session;
  if (!session) throw new Error('no active session after useProfile(chain)');
  // What the extension grants (environmentCollection.ts GrantedIdentity): the session's exportable credentials.
  const source: CredentialSource = { label: `${session.identity.name} (${session.identity.account})`, getCredentials: () => session.getExportableCredentials() };
  const endpoint = await CredentialEndpoint.start();
  const grant = endpoint.grant(source);
  const empty = emptyHome();
  let baseline: { url: string; close(): Promise<void> } | undefined;
  try {
    const load = async (url: string, clients: number, requests: number): Promise<LoadRun & { meanBodyBytes: number }> => {
      const before = cpuTimes();
      const run = await runWorker<Omit<LoadRun, 'stealPct'> & { meanBodyBytes: number }>('worker-load-client', [
        url,
        grant.token,
        String(clients),
        String(requests),
        String(opts.maxMsPerRun),
      ]);
      return { ...run, stealPct: stealBetween(before, cpuTimes()) };
    };
    const steal = (runs: readonly LoadRun[]): Summary | null =>
      runs.every((r) => r.stealPct !== null) ? summarize(runs.map((r) => r.stealPct!)) : null;
    const warmUp = await load(grant.url, 10, 500); // JIT, sockets; and the size of our answer
    baseline = await startBaseline(warmUp.meanBodyBytes);
    await load(baseline.url, 10, 500);

    const stsBefore = proxy.requests.length;
    const servedBefore = endpoint.stats.served;
    const levels: LoadLevel[] = [];
    for (const clients of opts.levels) {
      const runs: LoadRun[] = [];
      const baselineRuns: LoadRun[] = [];
      let requests = 0;
      let stsCalls = 0;
      for (let i = 0; i < opts.runsPerLevel; i++) {
        // Ours and the baseline alternate, so both see the same machine.
        const from = proxy.requests.length;
        const run = await load(grant.url, clients, opts.requestsPerRun);
        stsCalls += proxy.requests.length - from;
        requests += run.requests;
        runs.push(run);
        baselineRuns.push(await load(baseline.url, clients, opts.requestsPerRun));
        say(`endpoint: ${clients} clients, run ${i + 1}/${opts.runsPerLevel}: p99 ${run.p99Ms} ms (plain node:http ${baselineRuns[i]!.p99Ms} ms)`);
      }
      levels.push({
        clients,
        p50Ms: summarize(runs.map((r) => r.p50Ms)),
        p99Ms: summarize(runs.map((r) => r.p99Ms)),
        requestsPerSecond: summarize(runs.map((r) => r.requestsPerSecond)),
        stealPct: steal(runs),
        p99OverBaseline: summarize(runs.map((r, i) => r.p99Ms / baselineRuns[i]!.p99Ms)),
        baseline: {
          p50Ms: summarize(baselineRuns.map((r) => r.p50Ms)),
          p99Ms: summarize(baselineRuns.map((r) => r.p99Ms)),
          requestsPerSecond: summarize(baselineRuns.map((r) => r.requestsPerSecond)),
          stealPct: steal(baselineRuns),
        },
        requestsPerRun: opts.requestsPerRun,
        runs,
        stsCallsPerRequest: stsCalls / requests,
        non200: runs.reduce((n, r) => n + Object.entries(r.statuses).filter(([s]) => s !== '200').reduce((m, [, c]) => m + c, 0), 0),
      });
    }
    const stsCallsDuringLoad = proxy.requests.length - stsBefore;
    const requestsServed = endpoint.stats.served - servedBefore;

    // Real clients: spawn to credentials (boto3) or to the answer of one STS call (CLI).
    const cliV1 = cliV1Path();
    const python = pythonWithBoto3();
    const viaEndpoint = clientEnv(empty.home, {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: grant.url,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: grant.token,
      AWS_ENDPOINT_URL_STS: proxy.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    const viaProcess = clientEnv(opts.aws.home, { AWS_ENDPOINT_URL_STS: proxy.endpoint, AWS_EC2_METADATA_DISABLED: 'true' });
    const kinds = ['cliV1ViaEndpoint', 'cliV1ViaCredentialProcess', 'boto3ViaEndpoint', 'boto3ViaCredentialProcess'] as const;
    const wall: Record<(typeof kinds)[number], number[]> = { cliV1ViaEndpoint: [], cliV1ViaCredentialProcess: [], boto3ViaEndpoint: [], boto3ViaCredentialProcess: [] };
    const creds: Record<string, number[]> = { boto3ViaEndpoint: [], boto3ViaCredentialProcess: [] };
    const calls: Record<string, Record<string, number>> = {};
    const run = async (kind: (typeof kinds)[number]): Promise<void> => {
      const from = proxy.requests.length;
      const servedFrom = endpoint.stats.served;
      const viaEp = kind.endsWith('ViaEndpoint');
      if (kind.startsWith('cliV1')) {
        const r = await timedRun(cliV1, ['sts', 'get-caller-identity', '--output', 'json', ...(viaEp ? [] : ['--profile', 'proc'])], viaEp ? viaEndpoint : viaProcess);
        if (!r.stdout.includes('"Arn"')) throw new Error(`${kind}: ${r.stdout}`);
        wall[kind].push(round(r.ms));
      } else {
        const r = await timedRun(python, ['-c', BOTO3_SCRIPT, viaEp ? '' : 'proc'], viaEp ? viaEndpoint : viaProcess);
        wall[kind].push(round(r.ms));
        creds[kind]!.push(round((JSON.parse(r.stdout) as { credentialsMs: number }).credentialsMs));
      }
      if (viaEp && endpoint.stats.served === servedFrom) throw new Error(`${kind} did not fetch from the endpoint`);
      const c: Record<string, number> = {};
      for (const req of proxy.requests.slice(from)) c[req.action] = (c[req.action] ?? 0) + 1;
      calls[kind] = c;
    };
    for (let i = 0; i < opts.clientRuns; i++) {
      say(`endpoint: real clients, round ${i + 1}/${opts.clientRuns}`);
      for (const kind of kinds) await run(kind);
    }
    const timing = (kind: (typeof kinds)[number]): ClientTiming => ({
      wallMs: summarize(wall[kind]),
      ...(creds[kind] ? { credentialsMs: summarize(creds[kind]!) } : {}),
      stsCalls: calls[kind] ?? {},
    });
    return {
      levels,
      stsCallsDuringLoad,
      requestsServed,
      clients: {
        cliV1ViaEndpoint: timing('cliV1ViaEndpoint'),
        cliV1ViaCredentialProcess: timing('cliV1ViaCredentialProcess'),
        boto3ViaEndpoint: timing('boto3ViaEndpoint'),
        boto3ViaCredentialProcess: timing('boto3ViaCredentialProcess'),
      },
    };
  } finally {
    await baseline?.close();
    grant.revoke();
    await endpoint.dispose();
    empty.cleanup();
  }
}

/** The machine's CPU time so far, in clock ticks: all of it, and what the hypervisor stole (Linux's /proc/stat). */
function cpuTimes(): { total: number; steal: number } | undefined {
  try {
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest time is in user)
    const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    if (fields.length < 8 || fields.some((n) => !Number.isFinite(n))) return undefined;
    return { total: fields.reduce((a, b) => a + b, 0), steal: fields[7]! };
  } catch {
    return undefined;
  }
}

function stealBetween(a: ReturnType<typeof cpuTimes>, b: ReturnType<typeof cpuTimes>): number | null {
  if (!a || !b || b.total <= a.total) return null;
  return round(((b.steal - a.steal) / (b.total - a.total)) * 100, 2);
}

/** A plain node:http server on loopback answering every request with `bytes` of fixed JSON. */
async function startBaseline(bytes: number): Promise<{ url: string; close(): Promise<void> }> {
  const body = JSON.stringify({ Padding: 'x'.repeat(Math.max(0, bytes - 15)) });
  const server = http.createServer({ keepAliveTimeout: 1000 }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/aws-identity/credentials`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Where the credential_process program lives (bench/, next to the sources; not bundled). */
export function credentialProcessScript(root: string): string {
  return path.join(root, 'bench', 'credential-process.mjs');
}
