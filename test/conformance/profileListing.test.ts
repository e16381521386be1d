/**
 * What the profile model lists for each profile: its kind (in the order botocore tries its
 * providers), its fields and where it is defined, and the listing the Profiles view pages through.
 * Cases are written to real files, read by loadProfileModel, and also read by botocore (one batch,
 * see test/support/profileCases.ts), so every expectation about the CLI is checked against the
 * CLI's own code. Problems are in profileProblems.test.ts, reading differences in
 * profileCliDifferences.test.ts.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { resolveConfigPaths } from '../../src/config/configFiles';
import { readIniAsCli } from '../../src/config/iniParser';
import { isRoleArn } from '../../src/config/problems';
import { describeProfileKind, listingOf } from '../../src/config/profiles';
import { shlexSplit } from '../../src/config/pythonText';
import { snapshotOf } from '../../src/config/snapshot';
import { ARN, KEY, SECRET, expectCase, keys, listingOfTexts, load, ok, profile, readCasesWithBotocore, scenario } from '../support/profileCases';

describe('profile model (checked against botocore)', () => {
  readCasesWithBotocore();

  describe('profile model: kinds, in the order botocore tries its providers', () => {
    expectCase('static keys in the credentials file', { credentials: `[dev]\n${keys}` }, { dev: ok('static', /shared-credentials-file/) });
    expectCase('static keys in the config file, with a session token', { config: `[profile dev]\n${keys}aws_session_token = ${SECRET}T\n` }, { dev: ok('static', /config-file/) });
    expectCase(
      'role via source_profile, through a chain of roles to static keys',
      {
        config: `[profile admin]\nrole_arn = ${ARN}\nsource_profile = hop\n[profile hop]\nrole_arn = arn:aws:iam::210987654321:role/path/Hop\nsource_profile = base\n`,
        credentials: `[base]\n${keys}`,
      },
      { admin: ok('sourceProfile', /assume-role$/), hop: ok('sourceProfile', /assume-role$/), base: ok('static', /shared-credentials-file/) },
    );
    for (const source of ['Environment', 'Ec2InstanceMetadata', 'EcsContainer']) {
      expectCase(`role via credential_source = ${source}`, { config: `[profile r]\nrole_arn = ${ARN}\ncredential_source = ${source}\n` }, { r: ok('credentialSource', /assume-role$/) });
    }
    expectCase(
      'IAM Identity Center via an sso-session, and the legacy form',
      {
        config:
          '[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Admin\nregion = eu-west-1\n' +
          '[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n' +
          '[profile legacy]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = Admin\n',
      },
      { sso: ok('sso', /credentials\/sso/), legacy: ok('sso', /credentials\/sso/) },
    );
    expectCase('credential_process', { config: '[profile p]\ncredential_process = /usr/local/bin/get-creds --json\n' }, { p: ok('process', /custom-process/) });
    expectCase(
      'web identity: role_arn + web_identity_token_file, even with a source_profile',
      { config: `[profile w]\nrole_arn = ${ARN}\nweb_identity_token_file = /var/run/token\n[profile w2]\nrole_arn = ${ARN}\nweb_identity_token_file = /var/run/token\nsource_profile = nowhere\n` },
      { w: ok('webIdentity', /with-web-identity/), w2: ok('webIdentity', /with-web-identity/) },
    );
    expectCase('aws login (login_session)', { config: '[profile l]\nlogin_session = arn:aws:iam::123456789012:user/alice\n' }, { l: ok('login', /credentials\/login/) });
    expectCase('no credential settings at all', { config: '[profile r]\nregion = us-east-1\noutput = json\n' }, { r: ok('none', /^none$/) });
    expectCase(
      'precedence: role before SSO before credentials-file keys before login before process before config-file keys',
      {
        config:
          `[profile role-and-keys]\nrole_arn = ${ARN}\nsource_profile = role-and-keys\n${keys}` +
          `[profile sso-and-keys]\nsso_start_url = https://x/start\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = A\n` +
          `[profile process-and-config-keys]\ncredential_process = /bin/creds\n${keys}` +
          `[profile login-and-process]\nlogin_session = arn:aws:iam::123456789012:user/a\ncredential_process = /bin/creds\n` +
          `[profile cred-keys-and-process]\ncredential_process = /bin/creds\n`,
        credentials: `[sso-and-keys]\n${keys}[cred-keys-and-process]\n${keys}`,
      },
      {
        'role-and-keys': ok('sourceProfile', /assume-role$/),
        'sso-and-keys': ok('sso', /credentials\/sso/),
        'process-and-config-keys': ok('process', /custom-process/),
        'login-and-process': ok('login', /credentials\/login/),
        'cred-keys-and-process': ok('static', /shared-credentials-file/),
      },
    );
    it('describes each kind for the tree', () => {
      const labels = (['static', 'sourceProfile', 'credentialSource', 'sso', 'process', 'webIdentity', 'login', 'none'] as const).map(describeProfileKind);
      assert.deepEqual(labels, ['static keys', 'role via source_profile', 'role via credential_source', 'IAM Identity Center', 'credential_process', 'web identity', 'aws login', 'no credentials']);
    });
  });

  describe('the listing: profiles described page by page, for the Profiles view', () => {
    const text = ['[profile a]', 'region = eu-west-1', '[profile b]', 'role_arn = arn:aws:iam::123456789012:role/B', 'source_profile = a', '[c]', 'aws_access_key_id = AKIAEXAMPLE', '[profile d]', 'region = us-east-1'].join('\n');
    const credentials = '[a]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n';
    const config = readIniAsCli(text);
    /** The same files with a profile e whose settings throw when read: describing e fails. */
    const withUnreadableE = (): ReturnType<typeof snapshotOf>['listing'] => {
      const unreadable = new Map<string, string>();
      unreadable.get = () => {
        throw new Error('profile e was described');
      };
      const sections = [...config.sections, { header: 'profile e', line: 99, settings: unreadable }];
      return snapshotOf({ config: { path: 'config', reading: { sections, continuedValues: false } }, credentials: { path: 'credentials', reading: readIniAsCli(credentials) }, fileProblems: [] }).listing;
    };

    it('gives the profiles of the model in its order, the misnamed section last, and counts them all', () => {
      const model = listingOfTexts(text, credentials).model();
      assert.deepEqual(
        model.profiles.map((p) => p.name),
        ['a', 'b', 'd', 'c'],
      );
      const listing = listingOfTexts(text, credentials);
      assert.equal(listing.total, 4);
      assert.deepEqual(listing.fileProblems, model.fileProblems);
      assert.deepEqual(listing.first(2), model.profiles.slice(0, 2));
      assert.deepEqual(listing.first(4), model.profiles);
      assert.deepEqual(listing.first(10), model.profiles);
      assert.deepEqual(listing.first(0), []);
      assert.deepEqual(listing.model(), model);
      assert.equal(listing.model(), listing.model(), 'the model is built once');
    });

    it('describes no profile past the page asked for', () => {
      // Describing e throws, so a listing that gets past first(3) without throwing has not described it.
      const listing = withUnreadableE();
      assert.equal(listing.total, 5);
      assert.deepEqual(
        listing.first(3).map((p) => p.name),
        ['a', 'b', 'd'],
      );
      assert.throws(() => listing.first(4), /profile e was described/);
    });

    it('describes one profile by name on its own, as the model lists it', () => {
      const model = listingOfTexts(text, credentials).model();
      const listing = withUnreadableE();
      for (const name of ['b', 'd', 'c']) assert.deepEqual(listing.profile(name), model.profiles.find((p) => p.name === name), name);
      assert.equal(listing.profile('nope'), undefined);
      const complete = listingOfTexts(text, credentials);
      complete.model();
      assert.deepEqual(complete.profile('b'), model.profiles.find((p) => p.name === 'b'), 'after every profile is described');
      assert.deepEqual(listingOf(model).profile('a'), model.profiles[0]);
    });

    it('pages and single profiles agree with the whole model on generated files', () => {
      const names = ['a', 'b', 'default', 'c-1', 'x@y.z', 'q r'];
      const header = fc.oneof(
        fc.constantFrom(...names).map((n) => (n === 'default' ? fc.constantFrom('[default]', '[profile default]') : fc.constant(`[profile ${JSON.stringify(n)}]`))).chain((h) => h),
        fc.constantFrom('[sso-session s]', '[services svc]', '[profile  a]', '[plugins]', '[profilex]', '[profile a b]'),
      );
      const setting = fc.oneof(
        fc.constantFrom(...names).map((n) => `source_profile = ${n}`),
        fc.constantFrom(`role_arn = ${ARN}`, 'region = eu-west-1', `aws_access_key_id = ${KEY}`, 'sso_session = s', 'sso_account_id = 123456789012', 'sso_role_name = R', 'sso_start_url = https://x.example/start', 'sso_region = us-east-1'),
      );
      const file = (headers: fc.Arbitrary<string>): fc.Arbitrary<string> =>
        fc.array(fc.tuple(headers, fc.uniqueArray(setting, { maxLength: 4, selector: (l) => l.split(' =')[0] })), { maxLength: 6 }).map((ss) => ss.flatMap(([h, b]) => [h, ...b]).join('\n'));
      fc.assert(
        fc.property(file(header), file(fc.constantFrom(...names.map((n) => `[${n}]`), '[profile a]')), (configText, credentialsText) => {
          const expected = listingOfTexts(configText, credentialsText).model();
          const listing = listingOfTexts(configText, credentialsText);
          assert.equal(listing.total, expected.profiles.length);
          assert.deepEqual(listing.first(2), expected.profiles.slice(0, 2));
          for (const name of [...names, 'profile a']) assert.deepEqual(listing.profile(name), expected.profiles.find((p) => p.name === name));
          assert.deepEqual(listing.model(), expected);
        }),
        { numRuns: 1000 },
      );
    });

    it('a model read without a listing (files that could not be read) lists as itself', () => {
      const model = listingOfTexts(text, credentials).model();
      const listing = listingOf(model);
      assert.equal(listing.total, 4);
      assert.deepEqual(listing.first(1), model.profiles.slice(0, 1));
      assert.equal(listing.model(), model);
    });
  });

  describe('profile model: what each profile says', () => {
    const id = scenario('fields', {
      config:
        '# team profiles\n[default]\nregion = eu-west-1\n\n' +
        `[profile admin]\nrole_arn = ${ARN}\nsource_profile = default\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\nexternal_id = ext-1\nrole_session_name = alice\nduration_seconds = 1800\nregion = us-west-2\n` +
        '[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = ReadOnly\n' +
        '[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n',
      credentials: `; keys\n[default]\n${keys}`,
    });
    it('reads the role, MFA, session and SSO settings, and where each profile is defined (0-based header lines)', async () => {
      const m = await load(id);
      assert.deepEqual(m.ssoSessions, ['corp']);
      assert.deepEqual(m.fileProblems, []);
      const admin = profile(m, 'admin');
      assert.deepEqual(
        { ...admin, definedIn: undefined },
        {
          name: 'admin',
          kind: 'sourceProfile',
          region: 'us-west-2',
          roleArn: ARN,
          sourceProfile: 'default',
          mfaSerial: 'arn:aws:iam::123456789012:mfa/alice',
          externalId: 'ext-1',
          roleSessionName: 'alice',
          durationSeconds: 1800,
          definedIn: undefined,
        },
      );
      assert.deepEqual(admin.definedIn, [{ file: m.configFile, line: 4 }]);
      const def = profile(m, 'default');
      assert.deepEqual(def.definedIn, [
        { file: m.configFile, line: 1 },
        { file: m.credentialsFile, line: 1 },
      ]);
      assert.equal(def.kind, 'static');
      assert.equal(def.region, 'eu-west-1');
      const sso = profile(m, 'sso');
      assert.equal(sso.ssoSession, 'corp');
      assert.equal(sso.ssoStartUrl, 'https://corp.awsapps.com/start', 'the start URL comes from the sso-session');
      assert.equal(sso.ssoAccountId, '123456789012');
      assert.equal(sso.ssoRoleName, 'ReadOnly');
      for (const p of m.profiles) for (const v of Object.values(p)) assert.ok(!String(v).includes('EXAMPLEKEY'), 'no secret in any field');
    });
    it('isRoleArn accepts role ARNs with paths and other partitions only', () => {
      for (const good of [ARN, 'arn:aws:iam::123456789012:role/service-role/a/b/MyRole', 'arn:aws-us-gov:iam::123456789012:role/x', 'arn:aws-iso-b:iam::123456789012:role/r+=,.@-_'])
        assert.ok(isRoleArn(good), good);
      for (const bad of ['', 'arn:aws:iam::123456789012:role/', 'arn:aws:iam:us-east-1:123456789012:role/x', 'arn:aws:iam::123456789012:role/x y', 'arn:azure:iam::123456789012:role/x'])
        assert.ok(!isRoleArn(bad), bad);
    });
    it('resolveConfigPaths follows the CLI: environment first, $VARS then ~ expanded, relative paths from the current folder', () => {
      assert.deepEqual(resolveConfigPaths({}, '/home/u'), { configFile: '/home/u/.aws/config', credentialsFile: '/home/u/.aws/credentials' });
      assert.deepEqual(resolveConfigPaths({ AWS_CONFIG_FILE: '~/cfg', AWS_SHARED_CREDENTIALS_FILE: '$XDIR/creds', XDIR: '/x' }, '/home/u'), {
        configFile: '/home/u/cfg',
        credentialsFile: '/x/creds',
      });
      assert.equal(resolveConfigPaths({ AWS_CONFIG_FILE: '${NOPE}/c' }, '/h').configFile, path.resolve('${NOPE}/c'), 'unset variables stay, as in Python');
      assert.equal(resolveConfigPaths({ AWS_CONFIG_FILE: 'rel/config' }, '/h').configFile, path.resolve('rel/config'));
      assert.equal(resolveConfigPaths({ AWS_CONFIG_FILE: '' }, '/h').configFile, '/h/.aws/config', 'an empty variable counts as unset');
    });
    it('shlexSplit splits section names as Python shlex does', () => {
      assert.deepEqual(shlexSplit('profile "a b"'), ['profile', 'a b']);
      assert.deepEqual(shlexSplit("profile 'it''s'"), ['profile', 'its']);
      assert.deepEqual(shlexSplit('profile  x'), ['profile', 'x']);
      assert.deepEqual(shlexSplit('profile ""'), ['profile', '']);
      assert.deepEqual(shlexSplit('profile a\\ b'), ['profile', 'a b']);
      assert.deepEqual(shlexSplit('profile "a\\"b\\c"'), ['profile', 'a"b\\c']);
      assert.equal(shlexSplit("profile it's"), undefined);
      assert.equal(shlexSplit('profile x\\'), undefined);
    });
  });
});
