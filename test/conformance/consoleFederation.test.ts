/**
 * The console sign-in against a real STS (moto) and the strict federation fake: GetFederationToken
 * (our SigV4 request) for IAM user keys, assumed-role keys used as they are, and the fake's own
 * strictness (it must refuse what AWS would refuse, or the other tests prove nothing). STS goes
 * through the fake's relay, so the fake knows which role sessions are chained.
 */
import * as assert from 'node:assert/strict';
import { startMoto, MotoServer } from '../support/moto';
import { AMBIENT_AWS_ENV, setEnv } from '../support/awsFiles';
import { FederationFake } from '../support/federationFake';
import { getFederationToken } from '../../src/credentials/federationToken';
import { createConsoleLink } from '../../src/console/consoleSignIn';
import { ALLOW_ALL_POLICY } from '../../src/console/consoleUrl';
import { assumeRole, getCallerIdentity } from '../../src/credentials/sts';
import { nodeGet } from '../../src/console/consoleSignIn';
import { signinTokenUrl } from '../../src/console/consoleUrl';

const USER_KEYS = { accessKeyId: 'AKIAUSERKEYS0EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYUSERKEY' };

describe('console sign-in against moto and the federation fake', function () {
  this.timeout(30_000);
  let moto: MotoServer;
  let fake: FederationFake;
  let restoreEnv: () => void;

  before(async () => {
    moto = await startMoto();
    fake = await FederationFake.start(moto.endpoint);
    restoreEnv = setEnv({ ...AMBIENT_AWS_ENV, AWS_ENDPOINT_URL_STS: fake.stsEndpoint });
  });
  after(async () => {
    await fake?.stop();
    restoreEnv?.();
    await moto?.stop();
  });

  it('GetFederationToken through the STS client returns federated-user credentials from moto', async () => {
    const creds = await getFederationToken(USER_KEYS, { name: 'alice', policy: ALLOW_ALL_POLICY, durationSeconds: 3600 }, 'eu-west-1', { tuning: { maxAttempts: 1 } });
    assert.ok(creds.sessionToken, 'a session token');
    assert.ok(creds.expiration instanceof Date && !Number.isNaN(creds.expiration.getTime()), 'an expiration');
  });

  it('names the cause and the next step when STS cannot be reached', async () => {
    const restore = setEnv({ AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' });
    try {
      await assert.rejects(
        getFederationToken(USER_KEYS, { name: 'alice', policy: ALLOW_ALL_POLICY, durationSeconds: 3600 }, 'eu-west-1', { tuning: { maxAttempts: 1 } }),
        (e: Error) => /Could not reach STS \(ECONNREFUSED\) at http:\/\/127\.0\.0\.1:9/.test(e.message) && /Check your network/.test(e.message) && !e.message.includes(USER_KEYS.secretAccessKey),
      );
    } finally {
      restore();
    }
  });

  it('IAM user keys: GetFederationToken, then a token from the fake without SessionDuration', async () => {
    const link = await createConsoleLink({
      identity: { arn: 'arn:aws:iam::123456789012:user/alice', name: 'alice', region: 'eu-west-1' },
      credentials: USER_KEYS,
      chained: false,
      sessionDurationSeconds: 7200,
      federationEndpoint: fake.endpoint,
    });
    const last = fake.signinTokenRequests.at(-1)!;
    assert.equal(last.status, 200, last.reason);
    assert.equal(last.params.SessionDuration, undefined);
    assert.equal(link.route, 'federate');
    const login = await nodeGet(link.url, 5000);
    assert.equal(login.status, 200);
    assert.match(login.body, /eu-west-1\.console\.aws\.amazon\.com/);
  });

  it('an assumed role: its own keys, with the setting\'s SessionDuration', async () => {
    const role = await assumeRole(USER_KEYS, { roleArn: 'arn:aws:iam::123456789012:role/Admin', sessionName: 'console-test' }, 'eu-west-1');
    const link = await createConsoleLink({
      identity: { arn: role.arn, name: 'Admin', region: 'us-gov-west-1' },
      credentials: role.credentials,
      chained: false,
      sessionDurationSeconds: 5400,
      federationEndpoint: fake.endpoint,
    });
    const last = fake.signinTokenRequests.at(-1)!;
    assert.equal(last.status, 200, last.reason);
    assert.equal(last.params.SessionDuration, '5400');
    assert.match(last.callerArn ?? '', /assumed-role\/Admin\/console-test/);
    assert.equal(link.destination, 'https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1');
    assert.equal((await getCallerIdentity(role.credentials, 'eu-west-1')).arn, role.arn);
  });

  it('the fake refuses long-term keys, other actions, bad JSON and unknown tokens with 400', async () => {
    const base = `${fake.endpoint}?Action=getSigninToken&Session=`;
    const cases = [
      `${base}${encodeURIComponent(JSON.stringify({ sessionId: USER_KEYS.accessKeyId, sessionKey: USER_KEYS.secretAccessKey, sessionToken: 'x' }))}`,
      `${base}${encodeURIComponent(JSON.stringify({ sessionId: 'a', sessionKey: 'b' }))}`,
      `${base}not-json`,
      `${fake.endpoint}?Action=getSigninToken&SessionDuration=60&Session=${encodeURIComponent('{"sessionId":"a","sessionKey":"b","sessionToken":"c"}')}`,
      `${fake.endpoint}?Action=login&SigninToken=forged&Issuer=x&Destination=${encodeURIComponent('https://console.aws.amazon.com/console/home?region=us-east-1')}`,
      `${fake.endpoint}?Action=getFederationToken`,
    ];
    for (const url of cases) assert.equal((await nodeGet(url, 5000)).status, 400, `accepted: ${new URL(url).searchParams.get('Action')}`);
  });

  /** AWS's answer to credentials it does not take with these parameters: HTTP 400, "Invalid credentials parameter". */
  const assertRefusedLikeAws = (answer: { status: number; body: string }, why: RegExp): void => {
    assert.equal(answer.status, 400);
    assert.match(answer.body, /Invalid credentials parameter/);
    assert.match(fake.rejections.at(-1) ?? '', why);
  };

  it('the fake refuses a SessionDuration with GetFederationToken credentials, as AWS does, and takes them without one', async () => {
    const federated = await getFederationToken(USER_KEYS, { name: 'alice', policy: ALLOW_ALL_POLICY, durationSeconds: 3600 }, 'eu-west-1', { tuning: { maxAttempts: 1 } });
    assertRefusedLikeAws(await nodeGet(signinTokenUrl(fake.endpoint, federated, 3600), 5000), /federated-user/);
    assert.equal((await nodeGet(signinTokenUrl(fake.endpoint, federated, undefined), 5000)).status, 200);
  });

  it('the fake refuses a SessionDuration with a chained role session (seen through its STS relay), and takes one for a role assumed with user keys', async () => {
    const first = await assumeRole(USER_KEYS, { roleArn: 'arn:aws:iam::123456789012:role/Hop1', sessionName: 'hop1' }, 'eu-west-1');
    const chained = await assumeRole(first.credentials, { roleArn: 'arn:aws:iam::123456789012:role/Hop2', sessionName: 'hop2', durationSeconds: 900 }, 'eu-west-1');
    assertRefusedLikeAws(await nodeGet(signinTokenUrl(fake.endpoint, chained.credentials, 43200), 5000), /chained role session/);
    assert.equal((await nodeGet(signinTokenUrl(fake.endpoint, chained.credentials, undefined), 5000)).status, 200);
    assert.equal((await nodeGet(signinTokenUrl(fake.endpoint, first.credentials, 43200), 5000)).status, 200);
  });

  it('a chained role session not recognised as one: one refused request with SessionDuration, then signed in without it', async () => {
    const first = await assumeRole(USER_KEYS, { roleArn: 'arn:aws:iam::123456789012:role/Hop1', sessionName: 'hop1' }, 'eu-west-1');
    const chained = await assumeRole(first.credentials, { roleArn: 'arn:aws:iam::123456789012:role/Hop2', sessionName: 'hop2', durationSeconds: 900 }, 'eu-west-1');
    const before = fake.signinTokenRequests.length;
    const link = await createConsoleLink({
      identity: { arn: chained.arn, name: 'Hop2', region: 'eu-west-1' },
      credentials: chained.credentials,
      chained: false,
      sessionDurationSeconds: 7200,
      federationEndpoint: fake.endpoint,
    });
    const requests = fake.signinTokenRequests.slice(before);
    assert.deepEqual(
      requests.map((r) => [r.status, r.params.SessionDuration]),
      [
        [400, '7200'],
        [200, undefined],
      ],
    );
    assert.equal(link.sessionDuration, undefined);
    assert.equal((await nodeGet(link.url, 5000)).status, 200);
  });
});
