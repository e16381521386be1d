/**
 * The shared-config settings handed to the SDK clients (ConfigSnapshot.clientSettings, given to
 * the clients as sdkClientConfig of sts.ts).
 *
 * The oracle is the SDK's own STS client: for generated files and environments, the settings the
 * snapshot reads must equal what a real `STSClient` resolves by reading the whole files itself,
 * and a client given them must resolve the same values without reading the files. Then, end to
 * end against moto: an app id set in `[default]` reaches both STS requests of a switch, and an
 * edit to it counts at the next switch.
 */
import * as assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import fc from 'fast-check';
import { STSClient } from '@aws-sdk/client-sts';
import { sdkClientConfig } from '../../src/credentials/sts';
import type { ClientSettings } from '../../src/config/credentialPlan';
import { readConfigSnapshot } from '../../src/config/snapshot';
import { IdentityManager } from '../../src/identity/identityManager';
import { AMBIENT_AWS_ENV, setEnv, tempAwsFiles, type TempAwsFiles } from '../support/awsFiles';
import { FaultProxy } from '../support/faultProxy';
import { startMoto, type MotoServer } from '../support/moto';
import { TEST_CREDENTIALS, testConfig } from '../support/testProfiles';
import { recordingLogger } from '../support/recordingLogger';

/** The variables the four settings read, unset unless a case sets them. */
const SETTINGS_ENV = {
  AWS_USE_FIPS_ENDPOINT: undefined,
  AWS_USE_DUALSTACK_ENDPOINT: undefined,
  AWS_SDK_UA_APP_ID: undefined,
  AWS_AUTH_SCHEME_PREFERENCE: undefined,
};

/** A value for each setting that no generated case resolves to. */
const DECOY = 'use_fips_endpoint = true\nuse_dualstack_endpoint = true\nsdk_ua_app_id = decoy-app\nauth_scheme_preference = httpBearerAuth\n';

/** What a real STS client resolves for the four settings. */
async function resolvedBy(client: STSClient): Promise<ClientSettings> {
  const c = client.config;
  return {
    useFipsEndpoint: await c.useFipsEndpoint(),
    useDualstackEndpoint: await c.useDualstackEndpoint(),
    userAgentAppId: await c.userAgentAppId(),
    authSchemePreference: await c.authSchemePreference(),
  };
}

interface Case {
  readonly profile: string;
  readonly awsProfileEnv: string | undefined;
  readonly config: string;
  readonly credentials: string;
  readonly env: Record<string, string | undefined>;
}

const bool = fc.constantFrom(undefined, 'true', 'false', 'TRUE', 'yes', '');
const appId = fc.constantFrom(undefined, 'team-app', 'a b', '');
const authPreference = fc.constantFrom(undefined, 'sigv4', 'sigv4a, sigv4', ' , sigv4 ', '');

/** One file's sections for the profile: its settings (maybe in two sections), among others that mention its name. */
function fileText(header: string, otherHeaders: string[], lines: string[][]): string {
  const parts: string[] = [];
  for (const other of otherHeaders) parts.push(`${other}\nuse_fips_endpoint = true\nsdk_ua_app_id = other-app\n`);
  lines.forEach((ls, i) => parts.splice(i * 2, 0, `${header}\n${ls.join('\n')}\n`));
  return parts.join('\n');
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    profile: fc.constantFrom('default', 'dev', 'team.x'),
    explicitDefault: fc.boolean(),
    configHeaderForDefault: fc.constantFrom('[default]', '[profile default]'),
    fips: fc.tuple(bool, bool),
    dualstack: fc.tuple(bool, bool),
    app: fc.tuple(appId, appId),
    appKey: fc.constantFrom('sdk_ua_app_id', 'sdk-ua-app-id'),
    auth: fc.tuple(authPreference, authPreference),
    split: fc.boolean(),
    env: fc.record({
      AWS_USE_FIPS_ENDPOINT: fc.constantFrom(undefined, 'true', 'false', 'maybe'),
      AWS_USE_DUALSTACK_ENDPOINT: fc.constantFrom(undefined, 'true'),
      AWS_SDK_UA_APP_ID: fc.constantFrom(undefined, 'env-app'),
      AWS_AUTH_SCHEME_PREFERENCE: fc.constantFrom(undefined, 'sigv4a'),
    }),
  })
  .map((r): Case => {
    const setting = (key: string, v: string | undefined): string[] => (v === undefined ? [] : [`${key} = ${v}`]);
    // [0] of each pair goes to the config file, [1] to the credentials file.
    const side = (i: 0 | 1): string[] => [
      ...setting('use_fips_endpoint', r.fips[i]),
      ...setting('use_dualstack_endpoint', r.dualstack[i]),
      ...setting(r.appKey, r.app[i]),
      ...setting('auth_scheme_preference', r.auth[i]),
    ];
    const configHeader = r.profile === 'default' ? r.configHeaderForDefault : `[profile ${r.profile}]`;
    const configLines = side(0);
    // The same profile in two config sections: the SDK merges them in file order.
    const configSections = r.split && configLines.length > 1 ? [configLines.slice(0, 1), configLines.slice(1)] : [configLines];
    return {
      profile: r.profile,
      awsProfileEnv: r.profile === 'default' && !r.explicitDefault ? undefined : r.profile,
      config: fileText(configHeader, [`[profile ${r.profile}-other]`, '[profile unrelated]', `[sso-session ${r.profile}]`], configSections),
      credentials: fileText(`[${r.profile}]`, [`[${r.profile}2]`], [side(1)]),
      env: r.env,
    };
  });

describe('SDK client settings (read once, handed to the clients)', function () {
  this.timeout(60_000);

  describe('the same values as the SDK client reading the whole files itself', () => {
    let files: TempAwsFiles;
    let restore: (() => void) | undefined;
    let run = 0;
    before(async () => {
      files = await tempAwsFiles();
    });
    after(async () => {
      await files?.dispose();
    });
    afterEach(() => restore?.());

    it('for generated files and environments (AWS_PROFILE, both files, both app id spellings, invalid values)', async () => {
      await fc.assert(
        fc.asyncProperty(caseArb, async (c) => {
          // A new path per run: smithy caches each file's text for the life of the process.
          const dir = path.join(files.dir, String(++run));
          await fsp.mkdir(dir);
          const configFile = path.join(dir, 'config');
          const credentialsFile = path.join(dir, 'credentials');
          await fsp.writeFile(configFile, c.config);
          await fsp.writeFile(credentialsFile, c.credentials);
          restore = setEnv({ ...AMBIENT_AWS_ENV, ...SETTINGS_ENV, ...c.env, AWS_PROFILE: c.awsProfileEnv, AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile });
          try {
            const oracle = new STSClient({ region: 'us-east-1' });
            const expected = await resolvedBy(oracle);
            oracle.destroy();

            const ours = (await readConfigSnapshot({ configFile, credentialsFile })).clientSettings(process.env);
            assert.deepEqual(ours, expected);

            // Given them, a client resolves the same values without reading the files: these
            // decoys say otherwise wherever the environment leaves the files a say.
            process.env.AWS_CONFIG_FILE = path.join(dir, 'decoy-config');
            process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, 'decoy-credentials');
            await fsp.writeFile(process.env.AWS_CONFIG_FILE, `[profile ${c.profile}]\n${DECOY}[default]\n${DECOY}`);
            await fsp.writeFile(process.env.AWS_SHARED_CREDENTIALS_FILE, `[${c.profile}]\n${DECOY}`);
            const given = new STSClient({ region: 'us-east-1', ...sdkClientConfig(ours) });
            assert.deepEqual(await resolvedBy(given), expected);
            given.destroy();
          } finally {
            restore();
            restore = undefined;
          }
        }),
        { numRuns: 150 },
      );
    });

    it('no files, no environment: the SDK defaults', async () => {
      restore = setEnv({ ...AMBIENT_AWS_ENV, ...SETTINGS_ENV });
      const none = { configFile: path.join(files.dir, 'no-config'), credentialsFile: path.join(files.dir, 'no-credentials') };
      assert.deepEqual((await readConfigSnapshot(none)).clientSettings(process.env), {
        useFipsEndpoint: false,
        useDualstackEndpoint: false,
        userAgentAppId: undefined,
        authSchemePreference: [],
      });
    });
  });

  describe('a switch against moto', () => {
    let moto: MotoServer;
    let proxy: FaultProxy;
    let files: TempAwsFiles;
    let restoreEnv: () => void;

    before(async () => {
      moto = await startMoto();
      proxy = await FaultProxy.start(moto.endpoint);
      files = await tempAwsFiles();
      restoreEnv = setEnv({ ...AMBIENT_AWS_ENV, ...SETTINGS_ENV, AWS_ENDPOINT_URL_STS: proxy.endpoint, AWS_CONFIG_FILE: files.configFile, AWS_SHARED_CREDENTIALS_FILE: files.credentialsFile, HOME: files.dir });
    });
    after(async () => {
      restoreEnv?.();
      await files?.dispose();
      await proxy?.stop();
      await moto?.stop();
    });

    it('the app id in [default] reaches both STS requests of a switch, and an edit counts at the next switch', async () => {
      const manager = new IdentityManager({
        logger: recordingLogger(),
        mfaCodeProvider: () => Promise.reject(new Error('no MFA in this test')),
        snapshot: () => readConfigSnapshot({ configFile: files.configFile, credentialsFile: files.credentialsFile }),
        defaultRegion: () => undefined,
        environment: () => ({}),
        defaultSessionName: () => 'alice@example.com',
        defaultDurationSeconds: () => 3600,
      });
      try {
        const switchWith = async (app: string): Promise<Array<{ action: string; app: boolean }>> => {
          await files.write(`[default]\nsdk_ua_app_id = ${app}\n${testConfig(files.dir)}`, TEST_CREDENTIALS);
          proxy.reset();
          const id = await manager.useProfile('role');
          assert.match(id.arn, /:assumed-role\/Deploy\//);
          return proxy.requests.map((r) => ({ action: r.action, app: r.userAgent.includes(`app/${app}`) }));
        };
        // The role's AssumeRole and the GetCallerIdentity, each by its own client.
        const both = (app: boolean): Array<{ action: string; app: boolean }> => [
          { action: 'AssumeRole', app },
          { action: 'GetCallerIdentity', app },
        ];
        assert.deepEqual(await switchWith('team-before'), both(true));
        // The SDK alone would still send team-before here: it keeps the first text it read.
        assert.deepEqual(await switchWith('team-after'), both(true));
      } finally {
        manager.dispose();
      }
    });
  });
});
