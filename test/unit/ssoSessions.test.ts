/**
 * ConfigSnapshot.ssoSessions: the IAM Identity Center sign-ins the config names, from the same
 * reading as the listing (the sign-in nodes read nothing else), and the sign-in targets made from
 * them (src/vscode/sso/targets.ts). Files are given as text.
 */
import * as assert from 'node:assert/strict';
import { readIniAsCli } from '../../src/config/iniParser';
import { type ConfigSnapshot, snapshotOf } from '../../src/config/snapshot';
import { ssoSessionOf } from '../../src/credentials/sourceCredentials';
import { registrationCacheKey } from '../../src/sso/cache';
import { signInTargets } from '../../src/vscode/sso/targets';

const CONFIG = '/home/u/.aws/config';

function snapshot(config: string, credentials = ''): ConfigSnapshot {
  return snapshotOf({
    config: { path: CONFIG, reading: readIniAsCli(config) },
    credentials: { path: '/home/u/.aws/credentials', reading: readIniAsCli(credentials) },
    fileProblems: [],
  });
}

describe('config snapshot: IAM Identity Center sessions', () => {
  it('lists [sso-session] sections in file order with start URL, region, scopes and the profiles using them', () => {
    const s = snapshot(
      [
        '[profile b-admin]',
        'sso_session = beta',
        'sso_account_id = 111111111111',
        'sso_role_name = Admin',
        '[sso-session beta]',
        'sso_start_url = https://beta.awsapps.com/start',
        'sso_region = eu-west-1',
        'sso_registration_scopes = sso:account:access, , other:scope',
        '[sso-session alpha]',
        'sso_start_url = https://alpha.awsapps.com/start',
        'sso_region = us-east-1',
        '[profile b-read]',
        'sso_session = beta',
        'sso_account_id = 111111111111',
        'sso_role_name = Read',
      ].join('\n'),
    );
    assert.deepEqual(s.ssoSessions, [
      { name: 'beta', startUrl: 'https://beta.awsapps.com/start', region: 'eu-west-1', registrationScopes: ['sso:account:access', 'other:scope'], profiles: ['b-admin', 'b-read'] },
      { name: 'alpha', startUrl: 'https://alpha.awsapps.com/start', region: 'us-east-1', profiles: [] },
    ]);
    assert.deepEqual(s.listing.ssoSessions, ['beta', 'alpha'], 'the listing names the same sessions');
  });

  it('strips each scope as the AWS CLI does (Python whitespace, not JavaScript\'s)', () => {
    // parse_sso_registration_scopes: split on commas, each scope str.strip()ed, empty ones dropped.
    // \x1c is whitespace to Python only, \ufeff to JavaScript only.
    const s = snapshot(
      ['[sso-session corp]', 'sso_start_url = https://corp.awsapps.com/start', 'sso_region = eu-west-1', 'sso_registration_scopes = sso:account:access,\x1c,\ufeffx, codewhisperer:completions'].join('\n'),
    );
    assert.deepEqual(s.ssoSessions[0]!.registrationScopes, ['sso:account:access', '\ufeffx', 'codewhisperer:completions']);
  });

  it('gives one entry per legacy start URL, its region from the first profile that has one', () => {
    const s = snapshot(
      [
        '[profile old-a]',
        'sso_start_url = https://legacy.awsapps.com/start',
        'sso_account_id = 111111111111',
        'sso_role_name = A',
        '[profile old-b]',
        'sso_start_url = https://legacy.awsapps.com/start',
        'sso_region = ap-southeast-2',
        'sso_account_id = 111111111111',
        'sso_role_name = B',
        '[profile empty]',
        'sso_start_url =',
        '[profile keys]',
        'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
      ].join('\n'),
    );
    assert.deepEqual(s.ssoSessions, [{ startUrl: 'https://legacy.awsapps.com/start', region: 'ap-southeast-2', fromProfile: 'old-a', profiles: ['old-a', 'old-b'] }]);
  });

  it('leaves missing or empty settings out, and a later [sso-session] of the same name replaces the earlier one', () => {
    const s = snapshot(['[sso-session half]', 'sso_start_url = https://half.awsapps.com/start', 'sso_region =', '[sso-session twice]', 'sso_region = us-west-2', '[sso-session twice]', 'sso_region = eu-central-1'].join('\n'));
    assert.deepEqual(s.ssoSessions, [
      { name: 'half', startUrl: 'https://half.awsapps.com/start', profiles: [] },
      { name: 'twice', region: 'eu-central-1', profiles: [] },
    ]);
  });

  it('is the same array each time it is asked for (made once per reading)', () => {
    const s = snapshot('[sso-session a]\nsso_start_url = https://a.awsapps.com/start\nsso_region = us-east-1\n');
    assert.equal(s.ssoSessions, s.ssoSessions);
    assert.deepEqual(snapshot('[profile x]\nregion = us-east-1\n').ssoSessions, []);
  });

  it('become the sign-in targets: sessions, legacy start URLs, and what each lacks with the next step', () => {
    const s = snapshot(
      [
        '[sso-session corp]',
        'sso_start_url = https://corp.awsapps.com/start',
        'sso_region = eu-west-1',
        'sso_registration_scopes = sso:account:access',
        '[sso-session broken]',
        'sso_start_url = https://broken.awsapps.com/start',
        '[profile old]',
        'sso_start_url = https://legacy.awsapps.com/start',
        'sso_account_id = 111111111111',
        'sso_role_name = A',
      ].join('\n'),
    );
    const targets = signInTargets(s.ssoSessions, s.paths.configFile);
    assert.deepEqual(targets.map((t) => t.id), ['sso-session:corp', 'sso-session:broken', 'sso-url:https://legacy.awsapps.com/start']);
    assert.deepEqual(targets[0]!.session, { sessionName: 'corp', startUrl: 'https://corp.awsapps.com/start', region: 'eu-west-1', registrationScopes: ['sso:account:access'] });
    assert.equal(targets[1]!.session, undefined);
    assert.equal(targets[1]!.problem, `[sso-session broken] in ${CONFIG} lacks sso_region. Add it (Open AWS Config File), then reload.`);
    assert.equal(targets[2]!.label, 'legacy.awsapps.com');
    assert.equal(targets[2]!.problem, 'Profile "old" has sso_start_url but no sso_region. Add sso_region to it (Open AWS Config File), then reload.');
    assert.deepEqual(targets[2]!.profiles, ['old']);
  });

  it('an empty sso_registration_scopes is [] in the registration key, as in `aws sso login`, from the Profiles view and from a profile alike', () => {
    // The CLI's parse_sso_registration_scopes('') is [], and its key hashes "scopes": [] (not null,
    // which means "not set"): dropping [] here would make a sign-in from the view write a
    // registration the CLI never reads, and one from a profile's credentials another again.
    // Value from Python: sha1(json.dumps({"region": "eu-west-1", "scopes": [], "session_name": "corp",
    // "startUrl": "https://corp.awsapps.com/start", "tool": "botocore"}, sort_keys=True)).
    const CLI_KEY = '3185e08e1db2d8f4bd69a5e01ddd491e4ff3d9b9';
    for (const value of ['', ' , ,']) {
      const s = snapshot(
        ['[sso-session corp]', 'sso_start_url = https://corp.awsapps.com/start', 'sso_region = eu-west-1', `sso_registration_scopes =${value}`, '[profile p]', 'sso_session = corp', 'sso_account_id = 111111111111', 'sso_role_name = A'].join('\n'),
      );
      const target = signInTargets(s.ssoSessions, s.paths.configFile)[0]!;
      assert.deepEqual(target.session?.registrationScopes, [], JSON.stringify(value));
      assert.equal(registrationCacheKey(target.session!), CLI_KEY, `the view's key for ${JSON.stringify(value)}`);
      const plan = s.plan('p');
      assert.ok(!('problem' in plan) && plan.source.type === 'sso');
      assert.equal(registrationCacheKey(ssoSessionOf(plan.source)), CLI_KEY, `the profile's key for ${JSON.stringify(value)}`);
    }
  });
});
