/**
 * The console sign-in URLs (src/console/consoleUrl.ts, consoleSignIn.ts): partitions, regions,
 * the duration rules (chained roles, federated users), the GetFederationToken name, the routes,
 * the SigV4 signature, and that no error message carries a secret.
 */
import * as assert from 'node:assert/strict';
import {
  ALLOW_ALL_POLICY,
  consoleDestination,
  consoleRoute,
  federationEndpoint,
  federationName,
  federationTokenDuration,
  isKnownChainedRole,
  isLoopbackHost,
  loginUrl,
  parseSigninToken,
  signinSessionDuration,
  signinTokenUrl,
} from '../../src/console/consoleUrl';
import { createConsoleLink, type HttpGet } from '../../src/console/consoleSignIn';
import type { CredentialPlan, CredentialSource, RoleStep } from '../../src/config/credentialPlan';
import type { Identity } from '../../src/shared/types';

const TEMP = { accessKeyId: 'ASIAEXAMPLEEXAMPLE01', secretAccessKey: 'secret/with+chars=', sessionToken: 'tok+en/==' };
const ROLE_ARN = 'arn:aws:sts::123456789012:assumed-role/Admin/me';

describe('console sign-in URLs', () => {
  it('uses each partition\'s sign-in and console hosts', () => {
    assert.equal(federationEndpoint('eu-west-1', ''), 'https://signin.aws.amazon.com/federation');
    assert.equal(federationEndpoint('cn-north-1', undefined), 'https://signin.amazonaws.cn/federation');
    assert.equal(federationEndpoint('us-gov-west-1', ' '), 'https://signin.amazonaws-us-gov.com/federation');
    assert.equal(consoleDestination('eu-west-1'), 'https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1');
    assert.equal(consoleDestination('us-east-1'), 'https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1');
    assert.equal(consoleDestination('cn-northwest-1'), 'https://console.amazonaws.cn/console/home?region=cn-northwest-1');
    assert.equal(consoleDestination('us-gov-east-1'), 'https://console.amazonaws-us-gov.com/console/home?region=us-gov-east-1');
    assert.throws(() => consoleDestination('us-iso-east-1'), /aws-iso partition.*commercial, China or GovCloud/);
    // The European Sovereign Cloud has no console federation this extension knows either.
    assert.throws(() => consoleDestination('eusc-de-east-1'), /aws-eusc partition.*commercial, China or GovCloud/);
  });

  it('takes a federation endpoint override only over https, or http on loopback', () => {
    assert.equal(federationEndpoint('eu-west-1', 'http://127.0.0.1:8123/federation'), 'http://127.0.0.1:8123/federation');
    assert.equal(federationEndpoint('eu-west-1', 'https://signin.example.com/federation'), 'https://signin.example.com/federation');
    assert.throws(() => federationEndpoint('eu-west-1', 'http://signin.example.com/federation'), /https URL .*Fix or clear it/);
    assert.throws(() => federationEndpoint('eu-west-1', 'ftp://127.0.0.1/federation'), /must be an https URL/);
    assert.throws(() => federationEndpoint('eu-west-1', 'not a url'), /is not a URL/);
    assert.throws(() => federationEndpoint('eu-west-1', 'https://x.example/federation?a=b'), /must not contain/);
  });

  it('takes http on any loopback address (all of 127.0.0.0/8, [::1], localhost) and on no other', () => {
    for (const ok of ['http://127.0.0.2:8123/federation', 'http://127.255.255.254/federation', 'http://[::1]:9/federation', 'http://localhost:9/federation', 'http://LOCALHOST:9/federation']) {
      assert.equal(federationEndpoint('eu-west-1', ok), new URL(ok).toString(), ok);
    }
    // Other spellings of 127.0.0.2 are what URL makes of them: still loopback.
    assert.equal(federationEndpoint('eu-west-1', 'http://127.2:8123/federation'), 'http://127.0.0.2:8123/federation');
    for (const refused of ['http://128.0.0.1/federation', 'http://10.0.0.1:8080/federation', 'http://126.255.255.255/federation', 'http://0.0.0.0:9/federation', 'http://[::2]/federation', 'http://localhost.example.com/federation', 'http://127.0.0.1.example.com/federation']) {
      assert.throws(
        () => federationEndpoint('eu-west-1', refused),
        (e: Error) => {
          // The cause (which host, why) and the next step; the host is named without any path.
          assert.match(e.message, /^The setting awsIdentity\.console\.federationEndpoint \(http:\/\/[^/ ]+\) must be an https URL \(or http on a loopback address: 127\.0\.0\.0\/8, \[::1\] or localhost\), because credentials are sent to it\. Fix or clear it\.$/);
          assert.ok(e.message.includes(new URL(refused).host), e.message);
          return true;
        },
        refused,
      );
    }
    assert.equal(isLoopbackHost('127.0.0.2'), true);
    assert.equal(isLoopbackHost('128.0.0.1'), false);
    assert.equal(isLoopbackHost('10.0.0.1'), false);
  });

  it('builds getSigninToken with the Session JSON of exactly three fields, and SessionDuration only when given', () => {
    const url = new URL(signinTokenUrl('https://signin.aws.amazon.com/federation', TEMP, 3600));
    assert.equal(url.searchParams.get('Action'), 'getSigninToken');
    assert.equal(url.searchParams.get('SessionDuration'), '3600');
    assert.deepEqual(JSON.parse(url.searchParams.get('Session')!), { sessionId: TEMP.accessKeyId, sessionKey: TEMP.secretAccessKey, sessionToken: TEMP.sessionToken });
    assert.doesNotMatch(url.search, /[+/=]{2}|"|\{/, 'the Session JSON is URL-encoded');
    assert.equal(new URL(signinTokenUrl('https://signin.aws.amazon.com/federation', TEMP, undefined)).searchParams.has('SessionDuration'), false);
    assert.throws(() => signinTokenUrl('https://signin.aws.amazon.com/federation', { accessKeyId: 'AKIA', secretAccessKey: 's' }, undefined), /temporary credentials/);
  });

  it('builds the login URL with Issuer, the encoded Destination and the token', () => {
    const dest = consoleDestination('ap-southeast-2');
    const url = new URL(loginUrl('https://signin.aws.amazon.com/federation', 'TOKEN-1', dest));
    assert.equal(url.origin + url.pathname, 'https://signin.aws.amazon.com/federation');
    assert.equal(url.searchParams.get('Action'), 'login');
    assert.ok(url.searchParams.get('Issuer'));
    assert.equal(url.searchParams.get('Destination'), dest);
    assert.equal(url.searchParams.get('SigninToken'), 'TOKEN-1');
    assert.match(url.search, /Destination=https%3A%2F%2Fap-southeast-2\.console\.aws\.amazon\.com%2Fconsole%2Fhome%3Fregion%3Dap-southeast-2/);
  });

  it('routes: roles as they are, IAM user keys through GetFederationToken, GetSessionToken sessions refused with what to do', () => {
    assert.deepEqual(consoleRoute(ROLE_ARN, TEMP, false), { route: 'session', chained: false });
    assert.deepEqual(consoleRoute(ROLE_ARN, TEMP, true), { route: 'session', chained: true });
    assert.deepEqual(consoleRoute('arn:aws:iam::123456789012:user/alice', {}, false), { route: 'federate', root: false });
    assert.deepEqual(consoleRoute('arn:aws:iam::123456789012:root', {}, false), { route: 'federate', root: true });
    assert.deepEqual(consoleRoute('arn:aws:sts::123456789012:federated-user/bob', TEMP, false), { route: 'federatedUser' });
    const mfa = consoleRoute('arn:aws:iam::123456789012:user/alice', TEMP, false);
    assert.equal(mfa.route, 'unsupported');
    assert.match(mfa.route === 'unsupported' ? mfa.message : '', /GetSessionToken session.*Assume Role/);
  });

  it('duration rules: the setting for roles, none for chained roles and federated users; GetFederationToken capped for root', () => {
    assert.equal(signinSessionDuration({ route: 'session', chained: false }, 7200), 7200);
    assert.equal(signinSessionDuration({ route: 'session', chained: false }, 100), 900);
    assert.equal(signinSessionDuration({ route: 'session', chained: false }, 99999), 43200);
    assert.equal(signinSessionDuration({ route: 'session', chained: true }, 7200), undefined);
    assert.equal(signinSessionDuration({ route: 'federatedUser' }, 7200), undefined);
    assert.equal(signinSessionDuration({ route: 'federate', root: false }, 7200), undefined);
    assert.equal(federationTokenDuration(7200, false), 7200);
    assert.equal(federationTokenDuration(7200, true), 3600);
  });

  it('cuts the GetFederationToken name to 32 valid characters', () => {
    assert.equal(federationName('alice'), 'alice');
    assert.equal(federationName('a'.repeat(40)), 'a'.repeat(32));
    assert.equal(federationName('jörg smith/x'), 'j-rg-smith-x');
    assert.equal(federationName('é'), 'vscode-console');
    assert.match(federationName('a.very+long=name,with@chars_and-more-than-32'), /^[\w+=,.@-]{2,32}$/);
    assert.deepEqual(JSON.parse(ALLOW_ALL_POLICY).Statement, [{ Effect: 'Allow', Action: '*', Resource: '*' }]);
  });

  it('reads the SigninToken, and says what to check when it is missing', () => {
    assert.equal(parseSigninToken('{"SigninToken":"abc"}', 'E'), 'abc');
    assert.throws(() => parseSigninToken('<html>', 'E'), /E answered getSigninToken with something other than JSON/);
    assert.throws(() => parseSigninToken('{}', 'E'), /without a SigninToken/);
  });
});

describe('isKnownChainedRole: chained only when known for certain', () => {
  const step = (profile: string): RoleStep => ({ profile, roleArn: `arn:aws:iam::111122223333:role/${profile}` });
  const plans: Record<string, CredentialPlan> = {};
  const planOf = (profile: string, source: CredentialSource['type'], roles: number): string => {
    const src = { type: source, profile: `${profile}-src`, accessKeyId: 'AKIA', secretAccessKey: 's', command: 'x', startUrl: 'u', ssoRegion: 'r', accountId: '1', roleName: 'n', tokenFile: 'f', roleArn: 'a', loginSession: 'l' } as unknown as CredentialSource;
    plans[profile] = { profile, kind: 'static', source: src, roles: Array.from({ length: roles }, (_, i) => step(`${profile}${i}`)) };
    return profile;
  };
  const facts = (parentArn?: string) => ({ plan: (p: string) => plans[p], ...(parentArn ? { parentArn } : {}) });
  const fromProfile = (profile: string): Pick<Identity, 'arn' | 'source'> => ({ arn: ROLE_ARN, source: { type: 'profile', profile } });
  const assumed = (sourceProfile?: string, notes?: string[]): Pick<Identity, 'arn' | 'source' | 'sourceProfile' | 'notes'> => ({
    arn: ROLE_ARN,
    source: { type: 'assumedRole', roleArn: 'arn:aws:iam::1:role/Admin', sourceLabel: 'x' },
    ...(sourceProfile ? { sourceProfile } : {}),
    ...(notes ? { notes } : {}),
  });

  it('a role profile: chained after another role, or after a source that is a role session; not after keys; unknown (process, environment) counts as not', () => {
    assert.equal(isKnownChainedRole(fromProfile(planOf('keys', 'static', 1)), facts()), false);
    assert.equal(isKnownChainedRole(fromProfile(planOf('two', 'static', 2)), facts()), true);
    for (const roleSource of ['sso', 'webIdentity', 'containerMetadata', 'instanceMetadata'] as const) {
      assert.equal(isKnownChainedRole(fromProfile(planOf(`r-${roleSource}`, roleSource, 1)), facts()), true, roleSource);
      // The source itself (no role of the profile's own): a role session made by a service, not by a role.
      assert.equal(isKnownChainedRole(fromProfile(planOf(`o-${roleSource}`, roleSource, 0)), facts()), false, roleSource);
    }
    for (const unknown of ['process', 'environment', 'login'] as const) assert.equal(isKnownChainedRole(fromProfile(planOf(`u-${unknown}`, unknown, 1)), facts()), false, unknown);
    assert.equal(isKnownChainedRole(fromProfile('no-such-profile'), facts()), false);
  });

  it('Assume Role…: from the active identity by its ARN; from a profile by its plan; from STS\'s own word in the notes', () => {
    assert.equal(isKnownChainedRole(assumed(), facts('arn:aws:iam::123456789012:user/alice')), false);
    assert.equal(isKnownChainedRole(assumed(), facts('arn:aws:sts::123456789012:assumed-role/Ops/s')), true);
    assert.equal(isKnownChainedRole(assumed(planOf('src-keys', 'static', 0)), facts()), false);
    assert.equal(isKnownChainedRole(assumed(planOf('src-process', 'process', 0)), facts()), false);
    assert.equal(isKnownChainedRole(assumed(planOf('src-role', 'static', 1)), facts()), true);
    assert.equal(isKnownChainedRole(assumed(planOf('src-sso', 'sso', 0)), facts()), true);
    const stsSaid = 'Duration capped at 3600 seconds (requested 7200): STS reports the source credentials are a role session, and role chaining is limited to 1 hour.';
    assert.equal(isKnownChainedRole(assumed('src-process', [stsSaid]), facts()), true);
  });

  it('IAM Identity Center roles, IAM users and federated users are never chained', () => {
    const sso: Identity['source'] = { type: 'ssoRole', startUrl: 'u', ssoRegion: 'eu-west-1', accountId: '1', roleName: 'Admin' };
    assert.equal(isKnownChainedRole({ arn: ROLE_ARN, source: sso }, facts()), false);
    assert.equal(isKnownChainedRole({ arn: 'arn:aws:iam::1:user/alice', source: { type: 'profile', profile: planOf('u', 'static', 2) } }, facts()), false);
    assert.equal(isKnownChainedRole({ arn: 'arn:aws:sts::1:federated-user/bob', source: { type: 'profile', profile: 'u' } }, facts()), false);
  });
});

describe('createConsoleLink', () => {
  const identity = { arn: ROLE_ARN, name: 'Admin', region: 'eu-central-1' };
  const answering = (status: number, body: string, seen: string[] = []): HttpGet => async (url) => {
    seen.push(url);
    return { status, body };
  };

  it('asks for a token with the setting\'s duration and returns the login URL', async () => {
    const seen: string[] = [];
    const link = await createConsoleLink({ identity, credentials: TEMP, chained: false, sessionDurationSeconds: 7200 }, { get: answering(200, '{"SigninToken":"T0K"}', seen) });
    assert.equal(new URL(seen[0]!).searchParams.get('SessionDuration'), '7200');
    assert.equal(new URL(link.url).searchParams.get('SigninToken'), 'T0K');
    assert.equal(link.destination, 'https://eu-central-1.console.aws.amazon.com/console/home?region=eu-central-1');
    assert.doesNotMatch(link.description, /T0K|ASIAEXAMPLE|secret|tok\+en/);
  });

  it('omits SessionDuration for a chained role', async () => {
    const seen: string[] = [];
    await createConsoleLink({ identity, credentials: TEMP, chained: true, sessionDurationSeconds: 7200 }, { get: answering(200, '{"SigninToken":"x"}', seen) });
    assert.equal(new URL(seen[0]!).searchParams.has('SessionDuration'), false);
  });

  it('asks once more without SessionDuration when the endpoint refuses it (an unrecognised chained role)', async () => {
    const seen: string[] = [];
    const get: HttpGet = async (url) => {
      seen.push(url);
      return new URL(url).searchParams.has('SessionDuration') ? { status: 400, body: 'Bad' } : { status: 200, body: '{"SigninToken":"x"}' };
    };
    const link = await createConsoleLink({ identity, credentials: TEMP, chained: false, sessionDurationSeconds: 3600 }, { get });
    assert.equal(seen.length, 2);
    assert.equal(link.sessionDuration, undefined);
  });

  it('a refusal reaches the user only without SessionDuration: the message is about the credentials, with what to do', async () => {
    const refusedAlways: HttpGet = async () => ({ status: 400, body: 'Invalid credentials parameter' });
    const messageFor = (chained: boolean): Promise<string> =>
      createConsoleLink({ identity, credentials: TEMP, chained, sessionDurationSeconds: 7200 }, { get: refusedAlways }).then(
        () => assert.fail('should fail'),
        (e: Error) => e.message,
      );
    const credentialsThenStep = /refused the credentials \(HTTP 400\).*: they may have expired or been revoked, or be of a kind the console does not accept\. Switch to the identity again \(or assume a role\), then retry\.$/;
    // Asked with the setting, then without: the duration is not the cause, and the message says both were refused.
    const retried = await messageFor(false);
    assert.match(retried, credentialsThenStep);
    assert.match(retried, /\(HTTP 400\), with a console session duration and without one:/);
    // A chained role is asked once, without a duration.
    const once = await messageFor(true);
    assert.match(once, credentialsThenStep);
    assert.doesNotMatch(once, /with a console session duration/);
    for (const m of [retried, once]) assert.doesNotMatch(m, /chaining|sessionDurationSeconds/, 'a hint about the duration, which was not the cause');
  });

  it('refuses GetSessionToken sessions before any request, and never puts a secret in a message', async () => {
    const seen: string[] = [];
    await assert.rejects(
      createConsoleLink({ identity: { ...identity, arn: 'arn:aws:iam::123456789012:user/alice' }, credentials: TEMP, chained: false, sessionDurationSeconds: 3600 }, { get: answering(200, '{}', seen) }),
      /does not let such sessions open the console/,
    );
    assert.equal(seen.length, 0);
    for (const [status, body] of [[403, ''], [500, ''], [200, 'nope']] as const) {
      const error = await createConsoleLink({ identity, credentials: TEMP, chained: false, sessionDurationSeconds: 3600 }, { get: answering(status, body) }).then(
        () => assert.fail('should fail'),
        (e: Error) => e,
      );
      assert.match(error.message, /signin\.aws\.amazon\.com\/federation/);
      assert.doesNotMatch(error.message, /ASIAEXAMPLE|secret\/with|tok\+en|Session=/, 'a secret is in the message');
    }
  });

  it('says the endpoint could not be reached, naming it without its query', async () => {
    const get: HttpGet = async () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    await assert.rejects(createConsoleLink({ identity, credentials: TEMP, chained: false, sessionDurationSeconds: 3600, federationEndpoint: 'http://127.0.0.1:9/federation' }, { get }), (e: Error) => {
      assert.match(e.message, /http:\/\/127\.0\.0\.1:9\/federation could not be reached \(ECONNREFUSED\)\. Check the network/);
      assert.doesNotMatch(e.message, /Session|ASIA/);
      return true;
    });
  });
});
