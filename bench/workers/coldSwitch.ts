/**
 * Worker: the first switch after the extension host started, in a fresh Node process.
 *
 *   node .bench/worker-cold-switch.js <home> <configFile> <credentialsFile> <stsEndpoint>
 *
 * The core is bundled into this file as into dist/extension.js; the AWS SDK is not loaded until
 * the switch needs it (require of .bench/sdk.js, the production dist/sdk.js), so the time
 * includes loading the SDK, as the user's first switch does.
 */
import { emit, nowMs, round } from '../lib';
import { benchManager, useBenchEnvironment, type BenchAwsHome } from '../switchSetup';
import { isSdkLoaded } from '../../src/credentials/sdkLoader';

async function main(): Promise<void> {
  const [home, configFile, credentialsFile, sts] = process.argv.slice(2);
  if (!home || !configFile || !credentialsFile || !sts) throw new Error('usage: worker-cold-switch <home> <configFile> <credentialsFile> <stsEndpoint>');
  const aws: BenchAwsHome = { home, configFile, credentialsFile, dispose: async () => undefined };
  useBenchEnvironment(aws, sts);
  const manager = benchManager(aws);
  if (isSdkLoaded()) throw new Error('the SDK was loaded before the first switch');
  const t0 = nowMs();
  const identity = await manager.useProfile('chain');
  const coldMs = nowMs() - t0;
  manager.dispose();
  emit({ coldUseProfileMs: round(coldMs), arn: identity.arn, sdkLoaded: isSdkLoaded() });
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
