/**
 * Which credentials the real clients use when the terminal's environment carries ours AND
 * something of the user's (AWS_PROFILE, a [default] profile, inherited keys). The terminal rules
 * in src/terminal/terminalRules.ts are built on these results; if a client changes its
 * precedence, this test says so.
 *
 * Three identities, all real moto AssumeRole sessions: "Chosen" (what the extension serves),
 * "ShellProfile" (profile [other] in the credentials file) and "DefaultProfile" ([default]).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startMoto, MotoServer } from '../support/moto';
import { ALL_CLIENTS, ClientName, assumeRole, callerIdentity, clientEnv, emptyHome } from '../support/awsClients';
import { CachingStsSource } from '../support/stsSource';
import { CredentialEndpoint } from '../../src/terminal/credentialEndpoint';
import type { AwsCredentials } from '../../src/shared/types';

type Outcome = 'Chosen' | 'ShellProfile' | 'DefaultProfile' | 'error';
type Expected = Record<ClientName, Outcome>;
const all = (o: Outcome): Expected => ({ 'cli-v1': o, 'cli-v2': o, boto3: o, 'js-sdk': o });

interface Scenario {
  readonly name: string;
  readonly via: 'endpoint' | 'environment';
  readonly defaultProfile?: boolean;
  readonly extra?: (ids: { other: AwsCredentials }) => Record<string, string>;
  readonly expected: Expected;
}

const SCENARIOS: Scenario[] = [
  { name: 'keys in env, nothing else', via: 'environment', expected: all('Chosen') },
  { name: 'endpoint, nothing else', via: 'endpoint', expected: all('Chosen') },
  { name: 'keys in env + AWS_PROFILE=other', via: 'environment', extra: () => ({ AWS_PROFILE: 'other' }), expected: { ...all('Chosen'), 'js-sdk': 'ShellProfile' } },
  { name: 'endpoint + AWS_PROFILE=other', via: 'endpoint', extra: () => ({ AWS_PROFILE: 'other' }), expected: all('ShellProfile') },
  { name: 'keys in env + [default] with credentials', via: 'environment', defaultProfile: true, expected: all('Chosen') },
  { name: 'endpoint + [default] with credentials', via: 'endpoint', defaultProfile: true, expected: all('DefaultProfile') },
  {
    name: 'endpoint + inherited keys of another identity',
    via: 'endpoint',
    extra: ({ other }) => ({ AWS_ACCESS_KEY_ID: other.accessKeyId, AWS_SECRET_ACCESS_KEY: other.secretAccessKey, AWS_SESSION_TOKEN: other.sessionToken! }),
    expected: all('ShellProfile'),
  },
  { name: 'endpoint + EMPTY key variables', via: 'endpoint', extra: () => ({ AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_SESSION_TOKEN: '', AWS_CREDENTIAL_EXPIRATION: '' }), expected: all('Chosen') },
  { name: 'keys in env + EMPTY AWS_PROFILE', via: 'environment', extra: () => ({ AWS_PROFILE: '' }), expected: { ...all('error'), 'js-sdk': 'Chosen' } },
  { name: 'endpoint + AWS_PROFILE naming a profile without credentials', via: 'endpoint', extra: () => ({ AWS_PROFILE: 'regiononly' }), expected: all('Chosen') },
  { name: 'endpoint + AWS_DEFAULT_PROFILE=other', via: 'endpoint', extra: () => ({ AWS_DEFAULT_PROFILE: 'other' }), expected: { ...all('ShellProfile'), 'js-sdk': 'Chosen' } },
  { name: 'keys in env + AWS_PROFILE=chosen (the identity\'s own profile)', via: 'environment', extra: () => ({ AWS_PROFILE: 'chosen' }), expected: all('Chosen') },
];

describe('credential precedence in real clients (AWS_PROFILE, [default], env keys, endpoint)', function () {
  this.timeout(180_000);
  let moto: MotoServer;
  let endpoint: CredentialEndpoint;
  let home: ReturnType<typeof emptyHome>;
  let chosen: CachingStsSource;
  let chosenCreds: AwsCredentials;
  let other: AwsCredentials;
  let dflt: AwsCredentials;
  const table: string[] = [];

  before(async () => {
    moto = await startMoto();
    endpoint = await CredentialEndpoint.start();
    chosen = new CachingStsSource(moto.endpoint, 'Chosen');
    chosenCreds = await chosen.getCredentials();
    other = await assumeRole(moto.endpoint, 'ShellProfile');
    dflt = await assumeRole(moto.endpoint, 'DefaultProfile');
    home = emptyHome();
    fs.mkdirSync(path.join(home.home, '.aws'));
    fs.writeFileSync(path.join(home.home, '.aws', 'config'), '[profile regiononly]\nregion = us-east-1\n');
  });
  after(async () => {
    await endpoint?.dispose();
    await moto?.stop();
    home?.cleanup();
    if (table.length) console.log(`      [figure] precedence (cli-v1 | cli-v2 | boto3 | js-sdk):\n${table.map((l) => `        ${l}`).join('\n')}`);
  });

  const section = (name: string, c: AwsCredentials): string =>
    `[${name}]\naws_access_key_id = ${c.accessKeyId}\naws_secret_access_key = ${c.secretAccessKey}\naws_session_token = ${c.sessionToken}\n`;

  for (const s of SCENARIOS) {
    it(s.name, async () => {
      fs.writeFileSync(
        path.join(home.home, '.aws', 'credentials'),
        section('other', other) + section('chosen', chosenCreds) + (s.defaultProfile ? section('default', dflt) : ''),
      );
      const grant = endpoint.grant(chosen);
      try {
        const ours: Record<string, string> =
          s.via === 'endpoint'
            ? { AWS_CONTAINER_CREDENTIALS_FULL_URI: grant.url, AWS_CONTAINER_AUTHORIZATION_TOKEN: grant.token }
            : { AWS_ACCESS_KEY_ID: chosenCreds.accessKeyId, AWS_SECRET_ACCESS_KEY: chosenCreds.secretAccessKey, AWS_SESSION_TOKEN: chosenCreds.sessionToken! };
        // The user's variables first, then ours: the terminal's environment holds both.
        const env = clientEnv(home.home, { AWS_ENDPOINT_URL_STS: moto.endpoint, AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1', ...(s.extra?.({ other }) ?? {}), ...ours });
        const got = {} as Record<ClientName, Outcome>;
        const detail: string[] = [];
        // One client at a time: on a loaded machine four at once can push the JS SDK past its 1 s
        // container-endpoint timeout, which would be measured as a precedence "error".
        for (const client of ALL_CLIENTS) {
          const r = await callerIdentity(client, env, moto.endpoint);
          const role = /assumed-role\/(\w+)\//.exec(r.stdout)?.[1];
          got[client] = r.code !== 0 ? 'error' : role === 'Chosen' || role === 'ShellProfile' || role === 'DefaultProfile' ? role : 'error';
          if (got[client] === 'error') detail.push(`${client} (${r.ms.toFixed(0)} ms): ${r.stderr.split('\n').filter((l) => /Error|error/.test(l)).slice(0, 3).join(' / ') || r.stdout}`);
        }
        table.push(`${s.name}: ${ALL_CLIENTS.map((c) => got[c]).join(' | ')}`);
        assert.deepEqual(got, s.expected, detail.join('\n'));
      } finally {
        grant.revoke();
      }
    });
  }
});
