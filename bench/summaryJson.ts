/**
 * The JSON a run prints with `--json` and keeps in bench/results/latest.json: the headline keys
 * first, then the target checks, then every section's full results.
 */
import type { ActivationResult } from './activation';
import type { VsCodeScaleLevel } from './configInVsCode';
import type { ScaleLevel } from './configScale';
import type { EndpointResult } from './endpoint';
import type { Machine } from './lib';
import { PROFILES_SHOWN_FIRST } from '../src/vscode/views/presentation';
import type { SsoScaleResult } from './ssoScale';
import type { LargeConfigSwitchResult, StsCalls, SwitchResult } from './switchLatency';
import { targets } from './targets';

export interface Results {
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

/** The headline keys: the figures the targets are held to and the ones most often read. */
export function headline(r: Results): Record<string, unknown> {
  const twoK = r.config?.find((l) => l.profiles === 2_000);
  const tenK = r.config?.find((l) => l.profiles === 10_000);
  const tenKInVsCode = r.configInVsCode?.find((l) => l.profiles === 10_000);
  const oneClient = r.endpoint?.levels.find((l) => l.clients === 1);
  return {
    activateMs: r.activation?.activateMs.median ?? null,
    activateCpuMs: r.activation?.activateCpuMs.median ?? null,
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

/** The whole JSON object of a run, keys in their order. */
export function summaryJson(results: Results): Record<string, unknown> {
  const checks = targets(headline(results));
  // `budgets`: the name this object had before the targets replaced the budgets, for older readers.
  return { ...headline(results), targets: checks, budgets: checks, ...results };
}
