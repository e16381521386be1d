/**
 * The loopback credential endpoint served to the real clients a terminal user runs: AWS CLI v1,
 * AWS CLI v2, boto3 and the JS SDK v3, each in a child process whose environment holds nothing
 * but the container variables, the STS endpoint (moto) and an empty HOME.
 */
import * as assert from 'node:assert/strict';
import { fromHttp } from '@aws-sdk/credential-provider-http';
import { startMoto, MotoServer, waitFor } from '../support/moto';
import { ALL_CLIENTS, arnOf, callerIdentity, clientEnv, emptyHome } from '../support/awsClients';
import { CachingStsSource } from '../support/stsSource';
import { probe } from '../support/httpProbe';
import { CredentialEndpoint, CredentialSource, EndpointGrant } from '../../src/terminal/credentialEndpoint';
import { formatExpiration } from '../../src/terminal/containerCredentials';
import type { AwsCredentials } from '../../src/shared/types';
import { recordingLogger } from '../support/recordingLogger';

const RFC3339_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

describe('CredentialEndpoint with real clients', function () {
  this.timeout(120_000);
  let moto: MotoServer;
  let endpoint: CredentialEndpoint;
  let source: CachingStsSource;
  let grant: EndpointGrant;
  let home: ReturnType<typeof emptyHome>;
  const log = recordingLogger();
  const secrets: string[] = [];

  before(async () => {
    moto = await startMoto();
    endpoint = await CredentialEndpoint.start({ logger: log });
    source = new CachingStsSource(moto.endpoint, 'TerminalRole');
    grant = endpoint.grant(source);
    secrets.push(grant.token);
    home = emptyHome();
  });
  after(async () => {
    await endpoint?.dispose();
    await moto?.stop();
    home?.cleanup();
    for (const s of secrets) {
      for (const line of log.lines) assert.ok(!line.includes(s), `a secret appeared in the log: ${line.replace(s, '<secret>')}`);
    }
  });

  function terminalEnv(g: EndpointGrant): NodeJS.ProcessEnv {
    return clientEnv(home.home, {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: g.url,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: g.token,
      AWS_ENDPOINT_URL_STS: moto.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
    });
  }

  it('listens on 127.0.0.1 only, on a random port', () => {
    assert.match(endpoint.url, /^http:\/\/127\.0\.0\.1:\d+\/aws-identity\/credentials$/);
  });

  it('answers with the container-credentials JSON: strict RFC 3339 expiry, account, no CORS', async () => {
    const res = await probe(grant.url, { headers: { Authorization: grant.token } });
    assert.equal(res.status, 200, res.body);
    const body = JSON.parse(res.body) as Record<string, string>;
    const held = await source.getCredentials();
    secrets.push(held.secretAccessKey, held.sessionToken!);
    assert.deepEqual(Object.keys(body).sort(), ['AccessKeyId', 'AccountId', 'Expiration', 'SecretAccessKey', 'Token']);
    assert.equal(body.AccessKeyId, held.accessKeyId);
    assert.equal(body.AccountId, '123456789012');
    assert.match(body.Expiration!, RFC3339_SECONDS);
    assert.equal(body.Expiration, formatExpiration(held.expiration!));
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.ok(!Object.keys(res.headers).some((h) => h.startsWith('access-control-')), 'no CORS header');
  });

  for (const client of ALL_CLIENTS) {
    it(`${client}: sts get-caller-identity prints the assumed-role ARN`, async () => {
      const before = source.stsCalls;
      const r = await callerIdentity(client, terminalEnv(grant), moto.endpoint);
      assert.equal(r.code, 0, `${client} failed (${r.code}): ${r.stderr}`);
      assert.equal(r.stdout, source.arn);
      assert.match(r.stdout, /^arn:aws:sts::123456789012:assumed-role\/TerminalRole\/terminal-test$/);
      assert.equal(source.stsCalls, before, 'served from the cache: no STS call for the client');
      console.log(`      [figure] ${client}: ${r.ms.toFixed(0)} ms for the whole process (start, fetch credentials, call STS)`);
    });
  }

  it('a client with no token gets no credentials (CLI v1 shows why)', async () => {
    const env = terminalEnv(grant);
    delete env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
    const r = await callerIdentity('cli-v1', env, moto.endpoint);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /401/);
    assert.match(r.stderr, /No authorization token/);
  });

  it('a failing source answers 500 with a message the CLI shows and no secret in it', async () => {
    const failing: CredentialSource = {
      label: 'BrokenRole (123456789012)',
      getCredentials: () => Promise.reject(new Error('AccessDenied: not authorized to perform sts:AssumeRole')),
    };
    const g = endpoint.grant(failing);
    secrets.push(g.token);
    const res = await probe(g.url, { headers: { Authorization: g.token } });
    assert.equal(res.status, 500);
    const body = JSON.parse(res.body) as { Code: string; Message: string };
    assert.equal(body.Code, 'CredentialsUnavailable');
    assert.match(body.Message, /BrokenRole.*AccessDenied.*Check the identity/);
    assert.ok(!res.body.includes(g.token));
    // botocore retries a 500 three times a second apart, then prints the server's message.
    const r = await callerIdentity('cli-v1', terminalEnv(g), moto.endpoint);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /500.*could not get credentials for BrokenRole/);
    g.revoke();
  });

  it('a source that does not answer (a renewal awaiting an MFA code) gets a 500 naming why before the CLI times out', async () => {
    const waiting = (): CredentialSource => ({ label: 'MfaRole (123456789012)', getCredentials: () => new Promise<AwsCredentials>(() => undefined) });
    // botocore reads for 2 s per attempt, 3 attempts a second apart: without the endpoint's own
    // deadline it prints only "Read timeout", after 9 s and the CLI's start (about 1 s).
    const g = endpoint.grant(waiting());
    secrets.push(g.token);
    const r = await callerIdentity('cli-v1', terminalEnv(g), moto.endpoint);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /500.*still getting credentials for MfaRole.*MFA code.*Enter the code/);
    assert.ok(r.ms < 9_000, `the CLI gave up after ${r.ms.toFixed(0)} ms`);
    console.log(`      [figure] cli-v1 with a source that never answers: exits after ${r.ms.toFixed(0)} ms`);
    g.revoke();
  });

  it('a source past its deadline: requests meanwhile get the 500 at once, and the credentials once it answers', async () => {
    // A renewal in flight (an MFA code awaited): every request waits for the same one.
    let answer: (() => void) | undefined;
    const renewal = new Promise<void>((resolve) => (answer = resolve));
    const slow: CredentialSource = { label: 'SlowRole (123456789012)', getCredentials: () => renewal.then(() => source.getCredentials()) };
    const g = endpoint.grant(slow);
    secrets.push(g.token);
    const first = await probe(g.url, { headers: { Authorization: g.token } });
    assert.equal(first.status, 500);
    assert.equal((JSON.parse(first.body) as { Code: string }).Code, 'CredentialsPending');
    const started = Date.now();
    const again = await probe(g.url, { headers: { Authorization: g.token } });
    assert.equal(again.status, 500);
    assert.ok(Date.now() - started < 1_000, 'answered without waiting for the deadline again');
    answer!();
    await waitFor(async () => (await probe(g.url, { headers: { Authorization: g.token } })).status === 200, 'the credentials once the source answered', 5_000, 50);
    g.revoke();
  });

  it('refuses long-lived keys (no session token) with 500 and says why', async () => {
    const longLived: CredentialSource = {
      label: 'iam-user (123456789012)',
      getCredentials: async () => ({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }),
    };
    const g = endpoint.grant(longLived);
    secrets.push(g.token, 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    const res = await probe(g.url, { headers: { Authorization: g.token } });
    assert.equal(res.status, 500);
    assert.match(res.body, /without a session token/);
    assert.ok(!res.body.includes('wJalrXUtnFEMI'), 'the secret is not echoed');
    assert.ok(!res.body.includes('AKIAIOSFODNN7EXAMPLE'), 'the key id is not echoed');
    g.revoke();
  });

  it('never serves credentials that are already expired', async () => {
    const real = await source.getCredentials();
    const expired: CredentialSource = {
      label: 'stale (123456789012)',
      getCredentials: async (): Promise<AwsCredentials> => ({ ...real, expiration: new Date(Date.now() - 1000) }),
    };
    const g = endpoint.grant(expired);
    secrets.push(g.token);
    const res = await probe(g.url, { headers: { Authorization: g.token } });
    assert.equal(res.status, 500);
    assert.match(res.body, /expired at \d{4}-/);
    g.revoke();
  });

  it('refresh: a client polling across several short lifetimes never receives expired credentials', async function () {
    // Lifetime 3 s, refreshed when under 1.5 s remain: each lap crosses a refresh in about 1.5 s.
    const shortLived = new CachingStsSource(moto.endpoint, 'ShortLivedRole', { lifetimeMs: 3_000, refreshMarginMs: 1_500 });
    const g = endpoint.grant(shortLived);
    secrets.push(g.token);
    // The JS SDK's own container client, called the way the SDK calls it on every refresh.
    const fetchCreds = fromHttp({ awsContainerCredentialsFullUri: g.url, awsContainerAuthorizationToken: g.token });
    const seen = new Map<string, { expiration: Date; creds: AwsCredentials }>();
    let fetches = 0;
    await waitFor(
      async () => {
        const c = await fetchCreds();
        fetches++;
        secrets.push(c.secretAccessKey, c.sessionToken ?? '');
        assert.ok(c.expiration && c.expiration.getTime() > Date.now(), `received expired credentials (expiry ${c.expiration?.toISOString()})`);
        const prev = seen.get(c.accessKeyId);
        if (prev) assert.equal(prev.expiration.getTime(), c.expiration.getTime(), 'one key, one expiration');
        else seen.set(c.accessKeyId, { expiration: c.expiration, creds: c });
        return seen.size >= 3;
      },
      'three successive credential refreshes',
      20_000,
      100,
    );
    const expirations = [...seen.values()].map((s) => s.expiration.getTime());
    assert.deepEqual(expirations, [...expirations].sort((a, b) => a - b), 'each refresh moves the expiry later');
    assert.equal(shortLived.stsCalls, seen.size, 'one STS call per refresh, none per request');
    assert.ok(fetches > shortLived.stsCalls, 'requests between refreshes came from the cache');
    // Every key handed out was a real, working STS credential.
    for (const { creds } of seen.values()) assert.match(await arnOf(moto.endpoint, creds), /assumed-role\/ShortLivedRole\//);
    g.revoke();
  });

  it('dispose stops serving and revokes every grant', async () => {
    const e2 = await CredentialEndpoint.start();
    const g = e2.grant(source);
    assert.equal((await probe(g.url, { headers: { Authorization: g.token } })).status, 200);
    await e2.dispose();
    assert.equal(g.active, false);
    await assert.rejects(probe(g.url, { headers: { Authorization: g.token } }), /ECONNREFUSED/);
    assert.throws(() => e2.grant(source), /stopped/);
  });
});
