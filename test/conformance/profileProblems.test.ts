/**
 * The profile model's problems: profiles that cannot work are listed with the reason and the next
 * step. Each case is written to real files, read by loadProfileModel, and also read by botocore
 * (one batch, see test/support/profileCases.ts), so every expectation about the CLI is checked
 * against the CLI's own code.
 */
import * as assert from 'node:assert/strict';
import { MAX_ROLE_CHAIN } from '../../src/config/chains';
import { ARN, KEY, SECRET, expectCase, keys, listingOfTexts, ok, profile, readCasesWithBotocore } from '../support/profileCases';

describe('profile model (checked against botocore)', () => {
  readCasesWithBotocore();

  describe('profile model: profiles that cannot work are listed with the reason', () => {
    expectCase(
      'a source_profile that does not exist',
      { config: `[profile r]\nrole_arn = ${ARN}\nsource_profile = nowhere\n` },
      { r: { kind: 'sourceProfile', problem: /source_profile "nowhere" of profile "r" does not exist/, cli: /error: InvalidConfigError.*does not exist/ } },
    );
    expectCase(
      'a source_profile cycle',
      { config: `[profile a]\nrole_arn = ${ARN}\nsource_profile = b\n[profile b]\nrole_arn = ${ARN}\nsource_profile = c\n[profile c]\nrole_arn = ${ARN}\nsource_profile = a\n[profile d]\nrole_arn = ${ARN}\nsource_profile = a\n` },
      {
        a: { kind: 'sourceProfile', problem: /chain of "a" loops: "a" -> "b" -> "c" -> "a"/, cli: /InfiniteLoopConfigError/ },
        d: { problem: /chain of "d" loops/, cli: /InfiniteLoopConfigError/ },
      },
    );
    expectCase(
      'a profile naming itself as source_profile: fine with its own keys, a loop without',
      { config: `[profile self]\nrole_arn = ${ARN}\nsource_profile = self\n${keys}[profile selfless]\nrole_arn = ${ARN}\nsource_profile = selfless\n` },
      { self: ok('sourceProfile', /assume-role$/), selfless: { problem: /names itself as source_profile/, cli: /InfiniteLoopConfigError/ } },
    );
    expectCase(
      'a cycle through a profile that has keys and a role: the top-level role is followed, so it still loops',
      { config: `[profile a]\nrole_arn = ${ARN}\nsource_profile = b\n${keys}[profile b]\nrole_arn = ${ARN}\nsource_profile = a\n` },
      { a: { problem: /loops/, cli: /InfiniteLoopConfigError/ }, b: ok('sourceProfile', /assume-role$/) },
    );
    expectCase(
      'malformed role ARNs',
      {
        config:
          '[profile sts]\nrole_arn = arn:aws:sts::123456789012:assumed-role/Admin/me\ncredential_source = Environment\n' +
          '[profile short]\nrole_arn = arn:aws:iam::12345:role/Admin\ncredential_source = Environment\n' +
          '[profile user]\nrole_arn = arn:aws:iam::123456789012:user/alice\ncredential_source = Environment\n' +
          `[profile commented]\nrole_arn = ${ARN} # production\ncredential_source = Environment\n` +
          '[profile name]\nrole_arn = Admin\ncredential_source = Environment\n' +
          '[profile china]\nrole_arn = arn:aws-cn:iam::123456789012:role/Reader\ncredential_source = Environment\n',
      },
      {
        sts: { problem: /role_arn "arn:aws:sts::123456789012:assumed-role\/Admin\/me" of profile "sts" is not an IAM role ARN/, cli: /assume-role$/ },
        short: { problem: /not an IAM role ARN/, cli: /assume-role$/ },
        user: { problem: /not an IAM role ARN/, cli: /assume-role$/ },
        commented: { problem: /not an IAM role ARN \(the AWS CLI does not treat # or ; after a value as a comment\)/, cli: /assume-role$/ },
        name: { problem: /not an IAM role ARN/, cli: /assume-role$/ },
        china: ok('credentialSource', /assume-role$/),
      },
    );
    expectCase(
      'both source_profile and credential_source',
      { config: `[profile r]\nrole_arn = ${ARN}\nsource_profile = base\ncredential_source = Environment\n[profile base]\n${keys}` },
      { r: { kind: 'sourceProfile', problem: /sets both source_profile and credential_source/, cli: /contains both source_profile and credential_source/ } },
    );
    expectCase(
      'a credential_source botocore does not know (names are case-sensitive)',
      { config: `[profile r]\nrole_arn = ${ARN}\ncredential_source = environment\n` },
      { r: { kind: 'credentialSource', problem: /credential_source "environment" of profile "r" is not one the AWS CLI knows/, cli: /is not valid/ } },
    );
    expectCase(
      'role_arn with neither source_profile nor credential_source',
      { config: `[profile r]\nrole_arn = ${ARN}\n` },
      { r: { kind: 'sourceProfile', problem: /neither source_profile nor credential_source/, cli: /PartialCredentialsError.*source_profile or credential_source/ } },
    );
    expectCase(
      'an access key without its secret, a secret without its key, and the two split across files',
      {
        config: `[profile split]\naws_secret_access_key = ${SECRET}\n[profile secret-only]\naws_secret_access_key = ${SECRET}\n`,
        credentials: `[key-only]\naws_access_key_id = ${KEY}\n[split]\naws_access_key_id = ${KEY}\n`,
      },
      {
        'key-only': { kind: 'static', problem: /has aws_access_key_id but no aws_secret_access_key in .*credentials/, cli: /PartialCredentialsError.*aws_secret_access_key/ },
        split: { kind: 'static', problem: /needs both in the same file/, cli: /PartialCredentialsError/ },
        'secret-only': { kind: 'none', problem: /has aws_secret_access_key but no aws_access_key_id, so the AWS CLI ignores its keys/, cli: /^none$/ },
      },
    );
    expectCase(
      'duration_seconds: out of range, over an hour in a role chain, or what Python\'s int() reads or refuses',
      {
        config:
          `[profile low]\nrole_arn = ${ARN}\ncredential_source = Environment\nduration_seconds = 899\n` +
          `[profile high]\nrole_arn = ${ARN}\ncredential_source = Environment\nduration_seconds = 43201\n` +
          `[profile long]\nrole_arn = ${ARN}\ncredential_source = Environment\nduration_seconds = 43200\n` +
          `[profile chained]\nrole_arn = ${ARN}\nsource_profile = long\nduration_seconds = 7200\n` +
          `[profile chained-hour]\nrole_arn = ${ARN}\nsource_profile = long\nduration_seconds = 3600\n` +
          `[profile words]\nrole_arn = ${ARN}\ncredential_source = Environment\nduration_seconds = 2h\n` +
          `[profile underscore]\nrole_arn = ${ARN}\ncredential_source = Environment\nduration_seconds = 3_600\n` +
          `[profile empty]\nrole_arn = ${ARN}\ncredential_source = Environment\nduration_seconds =\n`,
      },
      {
        low: { problem: /duration_seconds 899 of profile "low" is outside what STS accepts \(900 to 43200 seconds\)/, cli: /assume-role$/ },
        high: { problem: /outside what STS accepts/, cli: /assume-role$/ },
        long: ok('credentialSource', /assume-role$/),
        chained: { problem: /over one hour, which STS refuses when the role is assumed with another role's credentials/, cli: /assume-role$/ },
        'chained-hour': ok('sourceProfile', /assume-role$/),
        // int() refuses "2h": botocore leaves the duration out (one hour), and so does the plan.
        words: ok('credentialSource', /assume-role$/),
        // int() reads "3_600" as 3600, which the plan sends too.
        underscore: ok('credentialSource', /assume-role$/),
        empty: ok('credentialSource', /assume-role$/),
      },
    );
    expectCase(
      'IAM Identity Center set up wrong',
      {
        config:
          '[profile no-session]\nsso_session = gone\nsso_account_id = 123456789012\nsso_role_name = Admin\n' +
          '[profile session-only]\nsso_session = gone\n' +
          '[profile legacy-half]\nsso_start_url = https://x/start\nsso_region = us-east-1\n' +
          '[profile account-only]\nsso_account_id = 123456789012\n' +
          '[profile mismatch]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = A\nsso_region = eu-west-1\n' +
          '[profile session-lacks]\nsso_session = partial\nsso_account_id = 123456789012\nsso_role_name = A\n' +
          '[sso-session corp]\nsso_start_url = https://corp/start\nsso_region = us-east-1\n[sso-session partial]\nsso_region = us-east-1\n',
      },
      {
        'no-session': { kind: 'sso', problem: /sso_session "gone" of profile "no-session" has no \[sso-session gone\] section/, cli: /specified sso-session does not exist/ },
        'session-only': { kind: 'none', problem: /has no \[sso-session gone\] section/, cli: /^none$/ },
        'legacy-half': { kind: 'none', problem: /has sso_start_url and sso_region but no sso_account_id or sso_role_name/, cli: /^none$/ },
        'account-only': { kind: 'sso', problem: /lacks sso_role_name, sso_start_url, sso_region/, cli: /missing required configuration: sso_role_name, sso_start_url, sso_region/ },
        mismatch: { kind: 'sso', problem: /sets sso_region to "eu-west-1" but its sso-session "corp" says "us-east-1"/, cli: /inconsistent/ },
        'session-lacks': { kind: 'sso', problem: /lacks sso_start_url/, cli: /missing required configuration: sso_start_url/ },
      },
    );
    expectCase(
      'a source_profile without credentials of its own, or with a broken setup',
      {
        config:
          `[profile r]\nrole_arn = ${ARN}\nsource_profile = regional\n[profile regional]\nregion = us-east-1\n` +
          `[profile r2]\nrole_arn = ${ARN}\nsource_profile = half\n[profile half]\naws_secret_access_key = ${SECRET}\n` +
          `[profile r3]\nrole_arn = ${ARN}\nsource_profile = badsso\n[profile badsso]\nsso_account_id = 123456789012\n` +
          `[profile r4]\nrole_arn = ${ARN}\nsource_profile = sso\n[profile sso]\nsso_start_url = https://x/start\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = A\n` +
          `[profile r5]\nrole_arn = ${ARN}\nsource_profile = proc\n[profile proc]\ncredential_process = /bin/creds\n`,
      },
      {
        r: { problem: /Source profile "regional" \(of "r"\) has no credentials of its own/, cli: /must have credentials/ },
        r2: { problem: /has no credentials of its own: Profile "half" has aws_secret_access_key but no aws_access_key_id/, cli: /must have credentials/ },
        r3: { problem: /Source profile "badsso" \(of "r3"\) cannot be used: .*lacks sso_role_name/, cli: /missing required configuration/ },
        r4: ok('sourceProfile', /assume-role$/),
        r5: ok('sourceProfile', /assume-role$/),
      },
    );
    expectCase(
      'web_identity_token_file without role_arn, and an empty credential_process',
      { config: '[profile w]\nweb_identity_token_file = /var/run/token\n[profile p]\ncredential_process =\n' },
      { w: { kind: 'webIdentity', problem: /has web_identity_token_file but no role_arn/, cli: /no role ARN/ }, p: { kind: 'process', problem: /credential_process of profile "p" is empty/, cli: /IndexError/ } },
    );
    expectCase(
      'a region the CLI cannot use',
      { config: '[profile commented]\nregion = us-east-1 # main\n[profile spaced]\nregion = US East\n[profile fine]\nregion = ap-southeast-2\n' },
      {
        commented: { problem: /Region "us-east-1 # main" of profile "commented" is not a valid region name \(the AWS CLI does not treat # or ; after a value as a comment\)/, cli: /^none$/ },
        spaced: { problem: /not a valid region name/, cli: /^none$/ },
        fine: ok('none', /^none$/),
      },
    );
    expectCase(
      'a value given as indented sub-settings',
      { config: `[profile r]\nrole_arn =\n    arn = ${ARN}\ncredential_source = Environment\n` },
      { r: { problem: /role_arn of profile "r" has indented lines under it/, cli: /assume-role$/ } },
    );
    expectCase(
      'a value written on the next, indented line: the CLI refuses the whole file',
      { config: '[profile r]\nregion =\n    us-east-1\n', credentials: `[ok]\n${keys}` },
      {
        r: { problem: /The AWS CLI cannot read .*config, which defines this profile: in \[profile r\], an indented line under region is not a "name = value" pair/, cli: /refused/ },
      },
    );
    it(`a source_profile chain longer than ${MAX_ROLE_CHAIN} roles (botocore runs out of recursion at about 330)`, () => {
      let text = '';
      for (let i = 0; i <= MAX_ROLE_CHAIN + 1; i++) text += `[profile p${i}]\nrole_arn = ${ARN}\nsource_profile = p${i + 1}\n`;
      text += `[profile p${MAX_ROLE_CHAIN + 2}]\n${keys}`;
      const m = listingOfTexts(text).model();
      assert.match(profile(m, 'p0').problem ?? '', /more than 300 roles long/);
      assert.equal(profile(m, 'p2').problem, undefined);
    });
  });
});
