/**
 * The IdentityManager conformance tests' setup (identitySwitch, identityRenewal, identityErrors):
 * moto behind the strict fault proxy, profiles in temp files, real STS calls counted on the wire,
 * a fake clock for renewals. The MFA provider is the UI's seam: tests answer it directly.
 */
import * as assert from 'node:assert/strict';
import { startMoto, MotoServer } from './moto';
import { FaultProxy } from './faultProxy';
import { FakeClock } from './fakeClock';
import { AMBIENT_AWS_ENV, TempAwsFiles, setEnv } from './awsFiles';
import { writeTestProfiles } from './testProfiles';
import { recordingLogger } from './recordingLogger';
import { IdentityManager, IdentityManagerOptions } from '../../src/identity/identityManager';
import { StsCallCounter } from '../../src/credentials/sts';
import { readConfigSnapshot } from '../../src/config/snapshot';
import type { MfaPromptContext } from '../../src/shared/types';

export const MIN = 60_000;
export const FAST = { maxAttempts: 1, connectTimeoutMs: 1000, requestTimeoutMs: 3000 };

/** The state the tests share; the fields a test may replace (clock, manager, answerMfa, ...) are read when used. */
export interface IdentityHarness {
  moto: MotoServer;
  proxy: FaultProxy;
  files: TempAwsFiles;
  clock: FakeClock;
  counter: StsCallCounter;
  logger: ReturnType<typeof recordingLogger>;
  manager: IdentityManager;
  prompts: Array<{ serial: string; reason: string; context?: MfaPromptContext }>;
  answerMfa: (serial: string) => Promise<string>;
  regionSetting: string | undefined;
  env: Record<string, string | undefined>;
  /** A manager on the harness's clock, logger, MFA answers, files, region setting and environment. */
  newManager(extra?: Partial<IdentityManagerOptions>): IdentityManager;
}

/**
 * In the calling describe: starts moto and the fault proxy, writes the test profiles and points the
 * environment at them (before); gives each test a fresh clock, counter, logger and manager, and
 * checks afterwards that every injected fault was used and no secret reached the logs.
 */
export function useIdentityHarness(): IdentityHarness {
  let restoreEnv: () => void;
  const h = {
    newManager(extra: Partial<IdentityManagerOptions> = {}): IdentityManager {
      return new IdentityManager({
        logger: h.logger,
        clock: h.clock,
        mfaCodeProvider: (serial, reason, context) => {
          h.prompts.push({ serial, reason, ...(context ? { context } : {}) });
          return h.answerMfa(serial);
        },
        // A fresh reading each time, as the VS Code store gives after a file changed.
        snapshot: () => readConfigSnapshot({ configFile: h.files.configFile, credentialsFile: h.files.credentialsFile }),
        defaultRegion: () => h.regionSetting,
        environment: () => h.env,
        defaultSessionName: () => 'alice@example.com',
        defaultDurationSeconds: () => 3600,
        stsTuning: FAST,
        ...extra,
      });
    },
  } as IdentityHarness;

  before(async () => {
    h.moto = await startMoto();
    h.proxy = await FaultProxy.start(h.moto.endpoint);
    h.files = await writeTestProfiles();
    restoreEnv = setEnv({ ...AMBIENT_AWS_ENV, AWS_ENDPOINT_URL_STS: h.proxy.endpoint, AWS_CONFIG_FILE: h.files.configFile, AWS_SHARED_CREDENTIALS_FILE: h.files.credentialsFile, HOME: h.files.dir });
    // Warm up (SDK loaded, moto answering) before the first test. Renewal tests advance the fake
    // clock by 45 min + 1 s from the test's start, and skew under 5 s is ignored, so a cold first
    // test that spent seconds of real time on its STS calls would wait for a renewal not yet due.
    h.clock = new FakeClock(Date.now());
    h.logger = recordingLogger();
    h.prompts = [];
    h.answerMfa = async () => '123456';
    h.env = {};
    const warm = h.newManager();
    try {
      await warm.useProfile('static');
    } finally {
      warm.dispose();
    }
  });
  after(async () => {
    restoreEnv?.();
    await h.files?.dispose();
    await h.proxy?.stop();
    await h.moto?.stop();
  });
  beforeEach(() => {
    h.clock = new FakeClock(Date.now());
    h.counter = new StsCallCounter();
    h.logger = recordingLogger();
    h.prompts = [];
    h.answerMfa = async () => '123456';
    h.regionSetting = undefined;
    h.env = {};
    h.proxy.reset();
    h.manager = h.newManager();
  });
  afterEach(() => {
    h.manager.dispose();
    h.counter.dispose();
    h.proxy.assertConsumed();
    for (const line of h.logger.lines) assert.doesNotMatch(line, /wJalrXUtnFEMI|je7MtGbClwBF|SecretAccessKey|FwoGZX/, 'no secret in logs');
  });
  return h;
}
