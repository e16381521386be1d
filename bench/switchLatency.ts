/**
 * Section 3, switch latency and STS calls: our core (IdentityManager) against the AWS CLI doing
 * the same thing, in the same run, against the same moto, through one counting proxy that sees
 * every STS request of both (test/support/faultProxy.ts with no fault injected: it forwards
 * everything to moto unchanged and records each request's Action).
 *
 *  - profile chain: `useProfile('chain')` (role_arn + source_profile = base, static keys) until
 *    the identity is known, vs `aws sts get-caller-identity --profile chain`;
 *  - assume: `assumeRole({ roleArn, source: { type: 'active' } })` with base active, vs
 *    `aws sts assume-role --role-arn ... --role-session-name ... --profile base`, and vs the bare
 *    round trip under it: one signed AssumeRole sent by the SDK's own STSClient, created once and
 *    kept (warm, its connection kept alive), with base's keys, to the same STS through the same
 *    proxy, interleaved with ours.
 *
 * The CLIs are timed from process spawn to exit: that is what switching with the CLI costs a
 * user. AWS CLI v1 is the real pip script (not the pyenv shim, which would add a pyenv start).
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { cliV1Path, cliV2Path, clientEnv } from '../test/support/awsClients';
import type { FaultProxy } from '../test/support/faultProxy';
import type { IdentityManager } from '../src/identity/identityManager';
import { timedRun } from './clients';
import { nowMs, round, runWorker, say, summarize, type Summary } from './lib';
import { ASSUME_ROLE_ARN, BASE_KEYS, SESSION_NAME, benchManager, useBenchEnvironment, writeBenchAwsHome, type BenchAwsHome } from './switchSetup';

export type StsCalls = Readonly<Record<string, number>>;

export interface Measured {
  readonly ms: Summary;
  readonly samples: readonly number[];
  /** STS requests per operation, by action, as the proxy saw them (the same in every sample, or `varied`). */
  readonly stsCalls: StsCalls;
  readonly stsCallsVaried?: boolean;
}

export interface SwitchResult {
  readonly cliV1: string;
  readonly cliV2: string;
  readonly ours: {
    /** First switch in a fresh process: loads the SDK bundle. */
    readonly coldProfileChain: Measured;
    readonly warmProfileChain: Measured;
    readonly warmAssume: Measured;
  };
  /** The CLI's role-credential cache (~/.aws/cli/cache) emptied first: the same work as a switch. */
  readonly cliV1ProfileChain: Measured;
  /** The same command again right after, answered partly from that cache. */
  readonly cliV1ProfileChainCached: Measured;
  readonly cliV1Assume: Measured;
  readonly cliV2Assume: Measured;
  /** The bare AssumeRole round trip: the SDK's STSClient alone, warm, same keys, same STS (see the top of this file). */
  readonly bareAssume: Measured;
  /** Our warm assume's median over the bare round trip's median (the two interleaved in the same rounds). */
  readonly assumeOverSts: number;
  /** CLI v1 median / our warm median, for the assume (both one AssumeRole). */
  readonly speedupAssumeVsCliV1: number;
  readonly speedupProfileChainVsCliV1: number;
  readonly speedupAssumeVsCliV2: number;
}

function actions(proxy: FaultProxy, from: number): StsCalls {
  const out: Record<string, number> = {};
  for (const r of proxy.requests.slice(from)) out[r.action] = (out[r.action] ?? 0) + 1;
  return out;
}

/** Collects timed samples of one operation and the STS calls each made. */
class Series {
  readonly samples: number[] = [];
  private calls: StsCalls | undefined;
  private varied = false;
  constructor(private readonly proxy: FaultProxy) {}

  async time(op: () => Promise<unknown>): Promise<void> {
    const from = this.proxy.requests.length;
    const t0 = nowMs();
    await op();
    this.record(nowMs() - t0, from);
  }

  record(ms: number, from: number): void {
    this.samples.push(round(ms));
    const calls = actions(this.proxy, from);
    if (this.calls && JSON.stringify(this.calls) !== JSON.stringify(calls)) this.varied = true;
    this.calls ??= calls;
  }

  result(): Measured {
    return { ms: summarize(this.samples), samples: this.samples, stsCalls: this.calls ?? {}, ...(this.varied ? { stsCallsVaried: true } : {}) };
  }
}

async function cliChain(cli: string, env: NodeJS.ProcessEnv): Promise<void> {
  const r = await timedRun(cli, ['sts', 'get-caller-identity', '--profile', 'chain', '--output', 'json'], env);
  if (!r.stdout.includes(':assumed-role/BenchDeploy/')) throw new Error(`CLI v1 chain gave ${r.stdout}`);
}

export async function measureSwitching(opts: {
  aws: BenchAwsHome;
  proxy: FaultProxy;
  manager: IdentityManager;
  rounds: number;
  oursPerRound: number;
  coldRuns: number;
}): Promise<SwitchResult> {
  const { aws, proxy, manager } = opts;
  const cliV1 = cliV1Path();
  const cliV2 = cliV2Path();
  // The CLIs read the same files; v1 honours AWS_ENDPOINT_URL_STS, Debian's v2.9 needs --endpoint-url.
  const env = clientEnv(aws.home, { AWS_ENDPOINT_URL_STS: proxy.endpoint, AWS_EC2_METADATA_DISABLED: 'true' });

  say(`switch: ${opts.coldRuns} cold first switches (fresh processes)`);
  const cold = new Series(proxy);
  for (let i = 0; i < opts.coldRuns; i++) {
    const from = proxy.requests.length;
    const r = await runWorker<{ coldUseProfileMs: number; arn: string; sdkLoaded: boolean }>('worker-cold-switch', [aws.home, aws.configFile, aws.credentialsFile, proxy.endpoint]);
    if (!r.sdkLoaded || !r.arn.includes(':assumed-role/BenchDeploy/')) throw new Error(`cold switch gave ${r.arn}`);
    cold.record(r.coldUseProfileMs, from);
  }

  // The bare round trip: one client for the whole run, as warm as ours gets.
  const sts = new STSClient({ region: 'us-east-1', endpoint: proxy.endpoint, credentials: { ...BASE_KEYS }, maxAttempts: 1 });
  const bareAssume = async (): Promise<void> => {
    // What ours asks for: the role, the session name, the default duration.
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: ASSUME_ROLE_ARN, RoleSessionName: SESSION_NAME, DurationSeconds: 3600 }));
    if (!out.AssumedRoleUser?.Arn?.includes(':assumed-role/BenchAdmin/') || !out.Credentials?.SessionToken) throw new Error(`bare AssumeRole gave ${JSON.stringify(out.AssumedRoleUser)}`);
  };

  // Warm-up: loads the SDK in this process and lets every code path run once.
  await manager.useProfile('chain');
  await manager.useProfile('base');
  await manager.assumeRole({ roleArn: ASSUME_ROLE_ARN, source: { type: 'active' } });
  await bareAssume();
  await bareAssume();

  const oursChain = new Series(proxy);
  const oursAssume = new Series(proxy);
  const v1Chain = new Series(proxy);
  const v1ChainCached = new Series(proxy);
  const v1Assume = new Series(proxy);
  const v2Assume = new Series(proxy);
  const bare = new Series(proxy);
  const assumeArgs = ['sts', 'assume-role', '--role-arn', ASSUME_ROLE_ARN, '--role-session-name', SESSION_NAME, '--profile', 'base', '--output', 'json'];
  // Interleaved rounds, so a change in the machine's load hits ours and the CLIs alike.
  for (let round = 0; round < opts.rounds; round++) {
    say(`switch: round ${round + 1}/${opts.rounds}`);
    for (let i = 0; i < opts.oursPerRound; i++) {
      await oursChain.time(async () => {
        const id = await manager.useProfile('chain');
        if (!id.arn.includes(':assumed-role/BenchDeploy/')) throw new Error(`useProfile(chain) gave ${id.arn}`);
      });
    }
    // The CLI caches a source_profile chain's role credentials in ~/.aws/cli/cache: without that
    // cache it does what a switch does (AssumeRole + GetCallerIdentity); with it, one call less.
    await fsp.rm(path.join(aws.home, '.aws', 'cli', 'cache'), { recursive: true, force: true });
    await v1Chain.time(() => cliChain(cliV1, env));
    await v1ChainCached.time(() => cliChain(cliV1, env));
    for (let i = 0; i < opts.oursPerRound; i++) {
      await manager.useProfile('base'); // not timed: the source of the next assume
      const ours = (): Promise<void> =>
        oursAssume.time(async () => {
          const id = await manager.assumeRole({ roleArn: ASSUME_ROLE_ARN, source: { type: 'active' } });
          if (!id.arn.includes(':assumed-role/BenchAdmin/')) throw new Error(`assumeRole gave ${id.arn}`);
        });
      // Ours and the bare round trip take turns going first.
      if ((round * opts.oursPerRound + i) % 2 === 0) {
        await ours();
        await bare.time(bareAssume);
      } else {
        await bare.time(bareAssume);
        await ours();
      }
    }
    await v1Assume.time(async () => {
      const r = await timedRun(cliV1, assumeArgs, env);
      if (!r.stdout.includes(':assumed-role/BenchAdmin/')) throw new Error(`CLI v1 assume-role gave ${r.stdout}`);
    });
    await v2Assume.time(async () => {
      const r = await timedRun(cliV2, [...assumeArgs, '--endpoint-url', proxy.endpoint], env);
      if (!r.stdout.includes(':assumed-role/BenchAdmin/')) throw new Error(`CLI v2 assume-role gave ${r.stdout}`);
    });
  }
  const result = {
    cliV1: (await timedRun(cliV1, ['--version'], env)).stdout,
    cliV2: (await timedRun(cliV2, ['--version'], env)).stdout,
    ours: { coldProfileChain: cold.result(), warmProfileChain: oursChain.result(), warmAssume: oursAssume.result() },
    cliV1ProfileChain: v1Chain.result(),
    cliV1ProfileChainCached: v1ChainCached.result(),
    cliV1Assume: v1Assume.result(),
    cliV2Assume: v2Assume.result(),
    bareAssume: bare.result(),
  };
  sts.destroy();
  return {
    ...result,
    assumeOverSts: round(result.ours.warmAssume.ms.median / result.bareAssume.ms.median, 2),
    speedupAssumeVsCliV1: round(result.cliV1Assume.ms.median / result.ours.warmAssume.ms.median, 1),
    speedupProfileChainVsCliV1: round(result.cliV1ProfileChain.ms.median / result.ours.warmProfileChain.ms.median, 1),
    speedupAssumeVsCliV2: round(result.cliV2Assume.ms.median / result.ours.warmAssume.ms.median, 1),
  };
}

export interface LargeConfigSwitchResult {
  readonly profiles: number;
  readonly configBytes: number;
  /** `useProfile('chain')`, its check included, warm, in the large config. */
  readonly ours: Measured;
  /** The same profile chain with the CLI in the same large config (its cache emptied first). */
  readonly cliV1: Measured;
  readonly speedupVsCliV1: number;
}

/**
 * A switch inside an organisation-wide config: the bench's `chain` profile after `profiles`
 * generated ones (configGen.ts), so every reading of the files by us, by the SDK and by the CLI
 * has the whole config to get through. Ours includes the check the extension runs before each
 * switch (see benchManager: a fresh snapshot per switch), since that reads the files too.
 */
export async function measureLargeConfigSwitch(opts: { proxy: FaultProxy; padding: { config: string; credentials: string }; profiles: number; rounds: number; credentialProcessScript: string }): Promise<LargeConfigSwitchResult> {
  const { proxy } = opts;
  const aws = await writeBenchAwsHome(opts.credentialProcessScript, opts.padding);
  const previous = { ...process.env };
  const manager = benchManager(aws);
  try {
    useBenchEnvironment(aws, proxy.endpoint);
    const env = clientEnv(aws.home, { AWS_ENDPOINT_URL_STS: proxy.endpoint, AWS_EC2_METADATA_DISABLED: 'true' });
    const cliV1 = cliV1Path();
    await manager.useProfile('chain'); // warm-up: the SDK is loaded and every path has run once
    const ours = new Series(proxy);
    const cli = new Series(proxy);
    for (let r = 0; r < opts.rounds; r++) {
      say(`switch in ${opts.profiles} profiles: round ${r + 1}/${opts.rounds}`);
      for (let i = 0; i < 3; i++) {
        await ours.time(async () => {
          const id = await manager.useProfile('chain');
          if (!id.arn.includes(':assumed-role/BenchDeploy/')) throw new Error(`useProfile(chain) gave ${id.arn}`);
        });
      }
      await fsp.rm(path.join(aws.home, '.aws', 'cli', 'cache'), { recursive: true, force: true });
      await cli.time(() => cliChain(cliV1, env));
    }
    const result = { ours: ours.result(), cliV1: cli.result() };
    return {
      profiles: opts.profiles,
      configBytes: (await fsp.stat(aws.configFile)).size,
      ...result,
      speedupVsCliV1: round(result.cliV1.ms.median / result.ours.ms.median, 1),
    };
  } finally {
    manager.dispose();
    // Back to the small bench home for the sections that follow.
    for (const key of Object.keys(process.env)) if (!(key in previous)) delete process.env[key];
    Object.assign(process.env, previous);
    await aws.dispose();
  }
}
