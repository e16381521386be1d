/**
 * Carrying out hand-written CredentialPlans, one per source type, against moto (STS, web
 * identity) and strict loopback mocks of what moto has no counterpart for (a container
 * credentials endpoint, the SSO portal and SSO OIDC). No config file exists: the plan is all the
 * executor gets, and AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE point nowhere, so a provider
 * that read the files would find nothing.
 */
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { startMoto, MotoServer } from '../support/moto';
import { AMBIENT_AWS_ENV, TempAwsFiles, setEnv, tempAwsFiles } from '../support/awsFiles';
import { failure } from '../support/expectFailure';
import { resolvePlan, type PlanRequest } from '../../src/credentials/resolvePlan';
import { StsCallCounter, assumeRole, getCallerIdentity } from '../../src/credentials/sts';
import { runCredentialProcess } from '../../src/credentials/processCredentials';
import { loadSdk } from '../../src/credentials/sdkLoader';
import type { CredentialPlan, CredentialSource, RoleStep } from '../../src/config/credentialPlan';
import type { AwsCredentials, MfaPromptContext } from '../../src/shared/types';
import { redact } from '../../src/shared/redact';

const STATIC: CredentialSource = { type: 'static', profile: 'keys', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const SETTINGS = { useFipsEndpoint: false, useDualstackEndpoint: false, userAgentAppId: undefined, authSchemePreference: [] };
const FAST = { maxAttempts: 1, connectTimeoutMs: 1000, requestTimeoutMs: 3000 };

function planOf(source: CredentialSource, roles: RoleStep[] = [], extra: Partial<CredentialPlan> = {}): CredentialPlan {
  const kind = roles.length > 0 ? (source.type === 'static' ? 'sourceProfile' : 'credentialSource') : source.type === 'environment' || source.type === 'containerMetadata' || source.type === 'instanceMetadata' ? 'credentialSource' : source.type;
  return { profile: roles.at(-1)?.profile ?? source.profile, kind, source, roles, ...extra };
}

/** A loopback server answering one path with JSON; records each request's method and path. */
async function jsonServer(routes: Record<string, (body: string, req: http.IncomingMessage) => unknown>): Promise<{ url: string; seen: string[]; close: () => void }> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const key = `${req.method} ${(req.url ?? '').split('?')[0]}`;
      seen.push(`${req.method} ${req.url}`);
      const route = routes[key];
      const answer = route?.(body, req);
      res.writeHead(answer === undefined ? 400 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer ?? { message: 'unexpected request' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => server.close() };
}

describe('resolvePlan (hand-written plans against moto)', function () {
  this.timeout(30_000);
  let moto: MotoServer;
  let files: TempAwsFiles;
  let restoreEnv: () => void;
  let counter: StsCallCounter;
  let prompts: Array<{ serial: string; context?: MfaPromptContext }>;

  before(async () => {
    moto = await startMoto();
    files = await tempAwsFiles();
    restoreEnv = setEnv({
      ...AMBIENT_AWS_ENV,
      AWS_ENDPOINT_URL_STS: moto.endpoint,
      AWS_CONFIG_FILE: path.join(files.dir, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(files.dir, 'no-credentials'),
      HOME: files.dir,
    });
  });
  after(async () => {
    restoreEnv?.();
    await files?.dispose();
    await moto?.stop();
  });
  beforeEach(() => {
    counter = new StsCallCounter();
    prompts = [];
  });
  afterEach(() => counter.dispose());

  function request(plan: CredentialPlan, extra: Partial<PlanRequest> = {}): PlanRequest {
    return {
      plan,
      region: undefined,
      clientSettings: SETTINGS,
      mfaTrigger: 'user',
      mfaCodeProvider: async (serial, _reason, context) => {
        prompts.push({ serial, ...(context ? { context } : {}) });
        return '123456';
      },
      tuning: FAST,
      ...extra,
    };
  }

  /** Temporary keys moto issued (an assumed role), to hand out through a source. */
  async function motoKeys(): Promise<AwsCredentials> {
    const assumed = await assumeRole(STATIC as AwsCredentials, { roleArn: 'arn:aws:iam::123456789012:role/Issued', sessionName: 'issued' }, undefined, { tuning: FAST });
    counter.reset();
    return assumed.credentials;
  }

  it('static keys: as given, no STS call', async () => {
    const r = await resolvePlan(request(planOf(STATIC)));
    assert.equal(r.credentials.accessKeyId, 'AKIAIOSFODNN7EXAMPLE');
    assert.equal(r.credentials.sessionToken, undefined);
    assert.equal(counter.total, 0);
  });

  it('a role chain with MFA: each role in order with the one before, one code per MFA role, its settings sent', async () => {
    const roles: RoleStep[] = [
      { profile: 'hop', roleArn: 'arn:aws:iam::111122223333:role/Hop', mfaSerial: 'arn:aws:iam::123456789012:mfa/alice', externalId: 'ext-1' },
      { profile: 'top', roleArn: 'arn:aws:iam::444455556666:role/Top', roleSessionName: 'alice-top', durationSeconds: 1800 },
    ];
    // A secret of its own, so that no earlier test can have registered it for the log's masking.
    const source: CredentialSource = { ...STATIC, secretAccessKey: `chain-source-secret-${crypto.randomUUID()}` };
    const r = await resolvePlan(request(planOf(source, roles)));
    assert.equal(redact(`secret ${source.secretAccessKey}`), 'secret ****', "the chain's source keys are masked in the log, not only the session's");
    assert.deepEqual(counter.byOperation(), { AssumeRole: 2 });
    assert.deepEqual(prompts.map((p) => p.serial), ['arn:aws:iam::123456789012:mfa/alice']);
    assert.equal(r.credentials.accountId, '444455556666');
    assert.ok(r.clockAdjusted);
    const left = r.credentials.expiration!.getTime() - Date.now();
    assert.ok(left > 1790_000 && left < 1800_000 + 5000, `the top role lasts ${left} ms`);
    const who = await getCallerIdentity(r.credentials, undefined, { tuning: FAST });
    assert.equal(who.arn, 'arn:aws:sts::444455556666:assumed-role/Top/alice-top');
  });

  it('a role without role_session_name gets the session name fromIni gave', async () => {
    const r = await resolvePlan(request(planOf(STATIC, [{ profile: 'r', roleArn: 'arn:aws:iam::111122223333:role/Plain' }])));
    assert.match((await getCallerIdentity(r.credentials, undefined, { tuning: FAST })).arn, /assumed-role\/Plain\/aws-sdk-js-\d+$/);
  });

  it('credential_source Environment: the environment\'s keys assume the role', async () => {
    const keys = await motoKeys();
    const restore = setEnv({ AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey, AWS_SESSION_TOKEN: keys.sessionToken });
    try {
      const source: CredentialSource = { type: 'environment', profile: 'env-role' };
      const env = await resolvePlan(request(planOf(source)));
      assert.equal(env.credentials.accessKeyId, keys.accessKeyId);
      const r = await resolvePlan(request(planOf(source, [{ profile: 'env-role', roleArn: 'arn:aws:iam::111122223333:role/FromEnv' }])));
      assert.deepEqual(counter.byOperation(), { AssumeRole: 1 });
      assert.equal(r.credentials.accountId, '111122223333');
    } finally {
      restore();
    }
  });

  it('credential_source EcsContainer: keys from the container endpoint, then the role', async () => {
    const keys = await motoKeys();
    const container = await jsonServer({
      'GET /creds': (_body, req) =>
        req.headers.authorization === 'container-token-EXAMPLE'
          ? { AccessKeyId: keys.accessKeyId, SecretAccessKey: keys.secretAccessKey, Token: keys.sessionToken, Expiration: keys.expiration!.toISOString() }
          : undefined,
    });
    const restore = setEnv({ AWS_CONTAINER_CREDENTIALS_FULL_URI: `${container.url}/creds`, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'container-token-EXAMPLE' });
    try {
      const source: CredentialSource = { type: 'containerMetadata', profile: 'ecs' };
      const r = await resolvePlan(request(planOf(source, [{ profile: 'ecs', roleArn: 'arn:aws:iam::111122223333:role/FromEcs' }])));
      assert.deepEqual(container.seen, ['GET /creds']);
      assert.deepEqual(counter.byOperation(), { AssumeRole: 1 });
      assert.equal(r.credentials.accountId, '111122223333');
    } finally {
      restore();
      container.close();
    }
  });

  it('web identity: AssumeRoleWithWebIdentity with the token file, observed like our own STS calls', async () => {
    const tokenFile = path.join(files.dir, 'web-identity-token');
    await fsp.writeFile(tokenFile, 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl');
    const source: CredentialSource = { type: 'webIdentity', profile: 'web', tokenFile, roleArn: 'arn:aws:iam::111122223333:role/WebRole', roleSessionName: 'web-alice' };
    const r = await resolvePlan(request(planOf(source)));
    assert.deepEqual(counter.byOperation(), { AssumeRoleWithWebIdentity: 1 });
    assert.equal(counter.calls[0]?.endpoint, `${moto.endpoint}/`);
    assert.ok(r.credentials.sessionToken && r.credentials.expiration);
    assert.ok(r.clockAdjusted, 'the clock offset was learnt from the web identity call');
    assert.equal((await getCallerIdentity(r.credentials, undefined, { tuning: FAST })).arn, 'arn:aws:sts::111122223333:assumed-role/WebRole/web-alice');
  });

  describe('credential_process', () => {
    it('runs the command without a shell, its arguments split like a shell line, and reads Version 1 JSON', async () => {
      const keys = await motoKeys();
      const script = path.join(files.dir, 'print-keys.js');
      await fsp.writeFile(
        script,
        `process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: ${JSON.stringify(keys.accessKeyId)}, SecretAccessKey: ${JSON.stringify(keys.secretAccessKey)}, ` +
          `SessionToken: ${JSON.stringify(keys.sessionToken)}, Expiration: ${JSON.stringify(keys.expiration!.toISOString())}, AccountId: JSON.stringify(process.argv.slice(2)) }));`,
      );
      const command = `${process.execPath} ${script} "two words" '$HOME' ';' \\|`;
      const r = await resolvePlan(request(planOf({ type: 'process', profile: 'proc', command })));
      assert.equal(r.credentials.accessKeyId, keys.accessKeyId);
      assert.equal(r.credentials.expiration?.toISOString(), keys.expiration!.toISOString());
      // No shell: the quotes group, $HOME stays as written, ; and | are plain arguments.
      assert.equal(r.credentials.accountId, JSON.stringify(['two words', '$HOME', ';', '|']));
      assert.equal(counter.total, 0);
      assert.match((await getCallerIdentity(r.credentials, undefined, { tuning: FAST })).arn, /assumed-role\/Issued\/issued/);
    });

    it('a failing command: the message names the profile, the exit status and how to see why, never its arguments or output', async () => {
      const script = path.join(files.dir, 'fail.js');
      await fsp.writeFile(script, `process.stdout.write('stdout-secret-EXAMPLE'); process.stderr.write('Error: token stderr-secret-EXAMPLE rejected'); process.exit(3);`);
      const e = await failure(resolvePlan(request(planOf({ type: 'process', profile: 'proc-fail', command: `${process.execPath} ${script} --token arg-secret-EXAMPLE` }))), /credential_process of profile "proc-fail" exited with status 3/);
      assert.match(e.message, /in a terminal to see why.*aws configure get credential_process --profile proc-fail/);
      for (const secret of ['arg-secret-EXAMPLE', 'stderr-secret-EXAMPLE', 'stdout-secret-EXAMPLE', script, '--token']) {
        assert.ok(!e.message.includes(secret), `the message leaks ${secret}: ${e.message}`);
      }
    });

    it('output that is not Version 1 credentials, a program that does not exist, a hang: each said without quoting anything', async () => {
      const bad = path.join(files.dir, 'bad.js');
      await fsp.writeFile(bad, `process.stdout.write(JSON.stringify({ Version: 2, AccessKeyId: 'ASIASECRETEXAMPLE', SecretAccessKey: 'x' }));`);
      const v2 = await failure(runCredentialProcess('p', `${process.execPath} ${bad}`), /Version other than 1/);
      assert.ok(!v2.message.includes('ASIASECRETEXAMPLE'));
      await failure(runCredentialProcess('p', `${path.join(files.dir, 'no-such-program')} --secret x`), /profile "p" could not be started: its program was not found/);
      await failure(runCredentialProcess('p', `${process.execPath} -e "setTimeout(() => {}, 60000)"`, { timeoutMs: 300 }), /did not finish within 1 second and was stopped/);
      await failure(runCredentialProcess('p', `${process.execPath} "unclosed`), /a quote is not closed/);
    });
  });

  describe('IAM Identity Center (SSO): src/sso with the plan\'s settings (the CLI\'s cache), the user\'s files never read', () => {
    const cacheDir = (): string => path.join(files.dir, '.aws', 'sso', 'cache');
    const cacheFile = (id: string): string => path.join(cacheDir(), `${crypto.createHash('sha1').update(id).digest('hex')}.json`);
    const roleCredentials = { accessKeyId: 'ASIASSOEXAMPLE000001', secretAccessKey: 'sso-secret-EXAMPLE', sessionToken: 'sso-token-EXAMPLE', expiration: Date.now() + 3600_000 };

    async function withPortal<T>(token: string, use: (seen: string[]) => Promise<T>, oidc?: Record<string, (body: string) => unknown>): Promise<T> {
      const portal = await jsonServer({
        'GET /federation/credentials': (_b, req) => (req.headers['x-amz-sso_bearer_token'] === token && req.url === '/federation/credentials?account_id=123456789012&role_name=Admin' ? { roleCredentials } : undefined),
        ...oidc,
      });
      const restore = setEnv({ AWS_ENDPOINT_URL_SSO: portal.url, AWS_ENDPOINT_URL_SSO_OIDC: portal.url });
      try {
        return await use(portal.seen);
      } finally {
        restore();
        portal.close();
      }
    }

    it('legacy profile: the token cached under the start URL', async () => {
      await fsp.mkdir(cacheDir(), { recursive: true });
      await fsp.writeFile(cacheFile('https://legacy.awsapps.com/start'), JSON.stringify({ accessToken: 'legacy-token-EXAMPLE', expiresAt: new Date(Date.now() + 3600_000).toISOString(), region: 'us-east-1', startUrl: 'https://legacy.awsapps.com/start' }));
      const source: CredentialSource = { type: 'sso', profile: 'legacy', startUrl: 'https://legacy.awsapps.com/start', ssoRegion: 'us-east-1', accountId: '123456789012', roleName: 'Admin' };
      await withPortal('legacy-token-EXAMPLE', async (seen) => {
        const r = await resolvePlan(request(planOf(source), { region: 'us-west-2' }));
        assert.equal(r.credentials.accessKeyId, 'ASIASSOEXAMPLE000001');
        assert.equal(seen.length, 1);
        assert.equal(redact('token legacy-token-EXAMPLE'), 'token ****', "a token from the AWS CLI's cache is masked in the log");
      });
    });

    it('sso-session: the token cached under the session name, refreshed with SSO OIDC near expiry and written back', async () => {
      await fsp.mkdir(cacheDir(), { recursive: true });
      const file = cacheFile('corp');
      await fsp.writeFile(
        file,
        JSON.stringify({
          accessToken: 'old-token-EXAMPLE',
          expiresAt: new Date(Date.now() + 60_000).toISOString(), // inside the SDK's refresh window
          clientId: 'client-EXAMPLE',
          clientSecret: 'client-secret-EXAMPLE',
          // The CLI writes the registration's expiry with every token; without it the token cannot be refreshed.
          registrationExpiresAt: new Date(Date.now() + 30 * 86400_000).toISOString(),
          refreshToken: 'refresh-EXAMPLE',
          region: 'eu-north-1',
          startUrl: 'https://example.awsapps.com/start',
        }),
      );
      const source: CredentialSource = { type: 'sso', profile: 'sso', startUrl: 'https://example.awsapps.com/start', ssoRegion: 'eu-north-1', accountId: '123456789012', roleName: 'Admin', sessionName: 'corp' };
      const oidc = {
        'POST /token': (body: string) => (JSON.parse(body).refreshToken === 'refresh-EXAMPLE' ? { accessToken: 'new-token-EXAMPLE', expiresIn: 3600, refreshToken: 'refresh-2-EXAMPLE', tokenType: 'Bearer' } : undefined),
      };
      await withPortal(
        'new-token-EXAMPLE',
        async (seen) => {
          const before = Object.keys(loadSdk().externalDataInterceptor.getFileRecord()).length;
          const r = await resolvePlan(request(planOf(source)));
          assert.equal(r.credentials.accessKeyId, 'ASIASSOEXAMPLE000001');
          assert.deepEqual(seen.map((s) => s.split('?')[0]), ['POST /token', 'GET /federation/credentials']);
          const cached = JSON.parse(await fsp.readFile(file, 'utf8')) as { accessToken: string; refreshToken: string };
          assert.equal(cached.accessToken, 'new-token-EXAMPLE');
          assert.equal(cached.refreshToken, 'refresh-2-EXAMPLE');
          assert.equal(Object.keys(loadSdk().externalDataInterceptor.getFileRecord()).length, before, 'no config written from the plan is left behind');
        },
        oidc,
      );
    });

    it('sso-session without a cached token: aws sso login for the profile; nothing left registered with the SDK', async () => {
      const before = Object.keys(loadSdk().externalDataInterceptor.getFileRecord()).length;
      const source: CredentialSource = { type: 'sso', profile: 'nologin', startUrl: 'https://x.awsapps.com/start', ssoRegion: 'eu-north-1', accountId: '123456789012', roleName: 'Admin', sessionName: 'none-cached' };
      await failure(resolvePlan(request(planOf(source))), /IAM Identity Center \(SSO\) session for profile "nologin" is missing or has expired.*aws sso login --profile nologin/);
      assert.equal(Object.keys(loadSdk().externalDataInterceptor.getFileRecord()).length, before);
    });
  });

  it('aws login (login_session) without a cached login: says to sign in with aws login', async () => {
    await failure(resolvePlan(request(planOf({ type: 'login', profile: 'signin', loginSession: 'arn:aws:iam::123456789012:user/alice' }))), /^Profile "signin" signs in with `aws login` and no valid sign-in is cached for it\. Run `aws login --profile signin`/);
  });

  it('static keys with mfa_serial: GetSessionToken with a code', async () => {
    const r = await resolvePlan(request(planOf(STATIC, [], { sessionTokenMfaSerial: 'arn:aws:iam::123456789012:mfa/alice' }), { sessionDurationSeconds: 7200 }));
    assert.deepEqual(counter.byOperation(), { GetSessionToken: 1 });
    assert.equal(prompts.length, 1);
    assert.ok(r.credentials.sessionToken);
  });
});
