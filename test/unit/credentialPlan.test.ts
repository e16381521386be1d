/**
 * The credential plan a snapshot gives for each kind of profile and for role chains, and that a
 * profile the listing flags gets exactly the listing's problem instead of a plan. Files are given
 * as text (no disk, no Python); what botocore does with the same settings is checked in
 * test/conformance/profileListing.test.ts and profileProblems.test.ts.
 */
import * as assert from 'node:assert/strict';
import { readIniAsCli } from '../../src/config/iniParser';
import type { CredentialPlan } from '../../src/config/credentialPlan';
import { type ConfigSnapshot, snapshotOf } from '../../src/config/snapshot';

const KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'TeStSeCrEt/K7MDENG+bPxRfiCYEXAMPLEKEY';
const ARN = 'arn:aws:iam::123456789012:role/Admin';
const keys = `aws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`;

function snapshot(config: string, credentials = ''): ConfigSnapshot {
  return snapshotOf({
    config: { path: '/home/u/.aws/config', reading: readIniAsCli(config) },
    credentials: { path: '/home/u/.aws/credentials', reading: readIniAsCli(credentials) },
    fileProblems: [],
  });
}

function planOf(s: ConfigSnapshot, name: string): CredentialPlan {
  const plan = s.plan(name);
  assert.ok(!('problem' in plan), `"${name}" has a problem: ${'problem' in plan ? plan.problem : ''}`);
  return plan;
}

function problemOf(s: ConfigSnapshot, name: string): string {
  const plan = s.plan(name);
  assert.ok('problem' in plan, `"${name}" has a plan`);
  return plan.problem;
}

describe('credential plans', () => {
  it('static keys: from the credentials file over the config file, with the session token, region and MFA for GetSessionToken', () => {
    const s = snapshot(`[profile dev]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n[profile cfg]\n${keys}aws_session_token = tok\nmfa_serial = arn:aws:iam::123456789012:mfa/bob\n`, `[dev]\n${keys}`);
    assert.deepEqual(planOf(s, 'dev'), {
      profile: 'dev',
      kind: 'static',
      source: { type: 'static', profile: 'dev', accessKeyId: KEY, secretAccessKey: SECRET },
      roles: [],
      region: 'eu-west-1',
      sessionTokenMfaSerial: 'arn:aws:iam::123456789012:mfa/alice',
    });
    const cfg = planOf(s, 'cfg');
    assert.deepEqual(cfg.source, { type: 'static', profile: 'cfg', accessKeyId: KEY, secretAccessKey: SECRET, sessionToken: 'tok' });
    assert.equal(cfg.sessionTokenMfaSerial, undefined, 'a session token cannot be exchanged for another');
  });

  it('a role chain: roles innermost first, each with its MFA serial, external id, session name and duration', () => {
    const s = snapshot(
      `[profile admin]\nrole_arn = ${ARN}\nsource_profile = hop\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\nexternal_id = ext-1\nduration_seconds = 1800\n` +
        `[profile hop]\nrole_arn = arn:aws:iam::210987654321:role/Hop\nsource_profile = base\nrole_session_name = alice\nduration_seconds = 3_600\nregion = us-west-2\n`,
      `[base]\n${keys}`,
    );
    assert.deepEqual(planOf(s, 'admin'), {
      profile: 'admin',
      kind: 'sourceProfile',
      source: { type: 'static', profile: 'base', accessKeyId: KEY, secretAccessKey: SECRET },
      roles: [
        { profile: 'hop', roleArn: 'arn:aws:iam::210987654321:role/Hop', roleSessionName: 'alice', durationSeconds: 3600 },
        { profile: 'admin', roleArn: ARN, mfaSerial: 'arn:aws:iam::123456789012:mfa/alice', externalId: 'ext-1', durationSeconds: 1800 },
      ],
    });
    assert.equal(planOf(s, 'hop').region, 'us-west-2');
  });

  it('durations as Python int() reads them: words are left out (one hour), other digits and signs count', () => {
    const s = snapshot(
      `[profile words]\nrole_arn = ${ARN}\ncredential_source = Environment\nduration_seconds = 2h\n` +
        `[profile arabic]\nrole_arn = ${ARN}\ncredential_source = Environment\nduration_seconds = \u0661\u0668\u0660\u0660\n` +
        `[profile spaced]\nrole_arn = ${ARN}\ncredential_source = Environment\nduration_seconds = +1800\u3000\n`,
    );
    assert.equal(planOf(s, 'words').roles[0]!.durationSeconds, undefined);
    assert.equal(planOf(s, 'arabic').roles[0]!.durationSeconds, 1800);
    assert.equal(planOf(s, 'spaced').roles[0]!.durationSeconds, 1800);
  });

  it('credential_source: each value botocore knows, as the plan names it', () => {
    const s = snapshot(
      `[profile e]\nrole_arn = ${ARN}\ncredential_source = Environment\n[profile i]\nrole_arn = ${ARN}\ncredential_source = Ec2InstanceMetadata\n[profile c]\nrole_arn = ${ARN}\ncredential_source = EcsContainer\n`,
    );
    const sources = ['e', 'i', 'c'].map((n) => planOf(s, n));
    assert.deepEqual(
      sources.map((p) => [p.kind, p.source, p.roles.map((r) => r.profile)]),
      [
        ['credentialSource', { type: 'environment', profile: 'e' }, ['e']],
        ['credentialSource', { type: 'instanceMetadata', profile: 'i' }, ['i']],
        ['credentialSource', { type: 'containerMetadata', profile: 'c' }, ['c']],
      ],
    );
  });

  it('a profile naming itself as source_profile with keys: its own keys, then its role', () => {
    const s = snapshot(`[profile self]\nrole_arn = ${ARN}\nsource_profile = self\n${keys}mfa_serial = arn:aws:iam::123456789012:mfa/me\n`);
    const plan = planOf(s, 'self');
    assert.deepEqual(plan.source, { type: 'static', profile: 'self', accessKeyId: KEY, secretAccessKey: SECRET });
    assert.deepEqual(plan.roles, [{ profile: 'self', roleArn: ARN, mfaSerial: 'arn:aws:iam::123456789012:mfa/me' }]);
    assert.equal(plan.sessionTokenMfaSerial, undefined, 'the MFA serial belongs to the role');
  });

  it('SSO through an sso-session, the legacy form, and as the source of a role', () => {
    const s = snapshot(
      '[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Admin\n' +
        '[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n' +
        '[profile legacy]\nsso_start_url = https://old.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 210987654321\nsso_role_name = Reader\n' +
        `[profile deploy]\nrole_arn = ${ARN}\nsource_profile = sso\n`,
    );
    assert.deepEqual(planOf(s, 'sso').source, {
      type: 'sso',
      profile: 'sso',
      startUrl: 'https://corp.awsapps.com/start',
      ssoRegion: 'us-east-1',
      accountId: '123456789012',
      roleName: 'Admin',
      sessionName: 'corp',
    });
    assert.deepEqual(planOf(s, 'legacy').source, { type: 'sso', profile: 'legacy', startUrl: 'https://old.awsapps.com/start', ssoRegion: 'eu-west-1', accountId: '210987654321', roleName: 'Reader' });
    const deploy = planOf(s, 'deploy');
    assert.equal(deploy.source.type, 'sso');
    assert.deepEqual(deploy.roles, [{ profile: 'deploy', roleArn: ARN }]);
  });

  it('credential_process, web identity and login', () => {
    const s = snapshot(
      '[profile p]\ncredential_process = /usr/local/bin/creds --json "a b"\n' +
        `[profile w]\nrole_arn = ${ARN}\nweb_identity_token_file = /var/run/token\nrole_session_name = ci\nsource_profile = ignored\n` +
        '[profile l]\nlogin_session = arn:aws:iam::123456789012:user/alice\n',
    );
    assert.deepEqual(planOf(s, 'p').source, { type: 'process', profile: 'p', command: '/usr/local/bin/creds --json "a b"' });
    const w = planOf(s, 'w');
    assert.equal(w.kind, 'webIdentity');
    assert.deepEqual(w.source, { type: 'webIdentity', profile: 'w', tokenFile: '/var/run/token', roleArn: ARN, roleSessionName: 'ci' });
    assert.deepEqual(w.roles, []);
    assert.deepEqual(planOf(s, 'l').source, { type: 'login', profile: 'l', loginSession: 'arn:aws:iam::123456789012:user/alice' });
  });

  it('names the CLI reads that other readers do not: quoted, two spaces, [profile x] in the credentials file', () => {
    const s = snapshot(`[profile "my team"]\nrole_arn = ${ARN}\nsource_profile = profile base\n[profile  spaced]\nrole_arn = ${ARN}\nsource_profile = my team\n`, `[profile base]\n${keys}`);
    assert.equal(planOf(s, 'my team').source.profile, 'profile base');
    assert.deepEqual(
      planOf(s, 'spaced').roles.map((r) => r.profile),
      ['my team', 'spaced'],
    );
  });

  it('a profile with a problem gets the listing\'s problem, word for word', () => {
    const s = snapshot(
      `[profile loop-a]\nrole_arn = ${ARN}\nsource_profile = loop-b\n[profile loop-b]\nrole_arn = ${ARN}\nsource_profile = loop-a\n` +
        `[profile bad-arn]\nrole_arn = Admin\ncredential_source = Environment\n[profile region]\n${keys}region = us east\n` +
        `[profile long-chain]\nrole_arn = ${ARN}\nsource_profile = long\nduration_seconds = 7200\n[profile long]\nrole_arn = ${ARN}\ncredential_source = Environment\n` +
        '[profile half-sso]\nsso_account_id = 123456789012\n[profile my profile]\nregion = us-east-1\n',
    );
    for (const name of ['loop-a', 'bad-arn', 'region', 'long-chain', 'half-sso', 'my profile']) {
      const listed = s.listing.profile(name)?.problem;
      assert.ok(listed, `"${name}" is listed with a problem`);
      assert.equal(problemOf(s, name), listed, name);
    }
    assert.match(problemOf(s, 'loop-a'), /loops: "loop-a" -> "loop-b" -> "loop-a"/);
  });

  it('a missing profile, and one without credentials, say so and what to do', () => {
    const s = snapshot('[profile r]\nregion = us-east-1\n');
    assert.equal(
      problemOf(s, 'nope'),
      'Profile "nope" was not found in /home/u/.aws/config or /home/u/.aws/credentials. Check the name (config sections are written [profile nope]), or refresh the profile list.',
    );
    assert.match(problemOf(s, 'r'), /^Profile "r" sets no credentials\. Add aws_access_key_id\/aws_secret_access_key, role_arn with source_profile or credential_source, sso_session, or credential_process to it\.$/);
  });
});

describe('client settings from the snapshot', () => {
  const s = snapshot(
    '[default]\nuse_fips_endpoint = true\nsdk_ua_app_id = team-app # comment\nauth_scheme_preference = sigv4a, sigv4 \n' +
      '[profile dev]\nuse_dualstack_endpoint = true\nuse_fips_endpoint = TRUE\nsdk-ua-app-id = old-spelling\nauth_scheme_preference =\n',
    '[dev]\nuse_fips_endpoint = true\nsdk_ua_app_id = from-credentials\n',
  );

  it('reads the profile AWS_PROFILE names (else default), the config file over the credentials file', () => {
    assert.deepEqual(s.clientSettings({}), { useFipsEndpoint: true, useDualstackEndpoint: false, userAgentAppId: 'team-app', authSchemePreference: ['sigv4a', 'sigv4'] });
    assert.deepEqual(s.clientSettings({ AWS_PROFILE: 'dev' }), { useFipsEndpoint: false, useDualstackEndpoint: true, userAgentAppId: 'from-credentials', authSchemePreference: [] });
    assert.deepEqual(s.clientSettings({ AWS_PROFILE: '' }), s.clientSettings({}));
  });

  it('takes the environment first, where its value is one the SDK accepts', () => {
    const env = { AWS_USE_FIPS_ENDPOINT: 'false', AWS_USE_DUALSTACK_ENDPOINT: 'maybe', AWS_SDK_UA_APP_ID: '', AWS_AUTH_SCHEME_PREFERENCE: ' sigv4 ,, ' };
    assert.deepEqual(s.clientSettings(env), { useFipsEndpoint: false, useDualstackEndpoint: false, userAgentAppId: '', authSchemePreference: ['sigv4', '', ''] });
  });
});
