/**
 * The console sign-in against a real STS (moto) and the strict federation fake: GetFederationToken
 * (our SigV4 request) for IAM user keys, assumed-role keys used as they are, and the fake's own
 * strictness (it must refuse what AWS would refuse, or the other tests prove nothing).
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

const USER_KEYS = { accessKeyId: 'AKIAUSERKEYS0EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYUSERKEY' };

describe('console sign-in against moto and the federation fake', function () {
  this.timeout(30_000);
  let moto: MotoServer;
  let fake: FederationFake;
  let restoreEnv: () => void;

  before(async () => {
    moto = await startMoto();
    restoreEnv = setEnv({ ...AMBIENT_AWS_ENV, AWS_ENDPOINT_URL_STS: moto.endpoint });
    fake = await FederationFake.start(moto.endpoint);
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
});
