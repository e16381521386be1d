/**
 * The profile model's semantics: every kind, every problem, the fields, and each place where other
 * INI readers (the SDK's among them) read a file differently from the AWS CLI, which the model
 * follows. Each case is written to real files, read by loadProfileModel, and also read by botocore
 * (one Python process for the whole file, in `before`), so every expectation about the CLI is
 * checked against the CLI's own code.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { resolveConfigPaths } from '../../src/config/configFiles';
import { MAX_ROLE_CHAIN } from '../../src/config/chains';
import { readIniAsCli } from '../../src/config/iniParser';
import { isRoleArn } from '../../src/config/problems';
import { describeProfileKind, listingOf } from '../../src/config/profiles';
import { shlexSplit } from '../../src/config/pythonText';
import { loadProfileModel, snapshotOf } from '../../src/config/snapshot';
import type { ProfileInfo, ProfileKind, ProfileModel } from '../../src/shared/types';
import { type OracleReading, readWithBotocore } from '../support/botocore';

const KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'TeStSeCrEt/K7MDENG+bPxRfiCYEXAMPLEKEY';
const ARN = 'arn:aws:iam::123456789012:role/Admin';
const keys = `aws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`;

interface Files {
  readonly config?: string | Buffer;
  readonly credentials?: string | Buffer;
}

/** Every case of this file, read by botocore in one batch before the tests run. */
const cases = new Map<string, Files>();
const readings = new Map<string, OracleReading>();
let root: string;

function scenario(id: string, files: Files): string {
  assert.ok(!cases.has(id), `duplicate case id ${id}`);
  cases.set(id, files);
  return id;
}

async function load(id: string): Promise<ProfileModel & { dir: string }> {
  const files = cases.get(id)!;
  const dir = path.join(root, id.replace(/[^\w-]/g, '_'));
  fs.mkdirSync(dir, { recursive: true });
  const configFile = path.join(dir, 'config');
  const credentialsFile = path.join(dir, 'credentials');
  if (files.config !== undefined) fs.writeFileSync(configFile, files.config);
  if (files.credentials !== undefined) fs.writeFileSync(credentialsFile, files.credentials);
  const model = await loadProfileModel({ configFile, credentialsFile });
  assert.ok(!JSON.stringify(model).includes(SECRET), 'a secret reached the model');
  return { ...model, dir };
}

/** The listing of two files given as text (no disk). */
function listingOfTexts(config: string, credentials = ''): ReturnType<typeof snapshotOf>['listing'] {
  return snapshotOf({ config: { path: 'config', reading: readIniAsCli(config) }, credentials: { path: 'credentials', reading: readIniAsCli(credentials) }, fileProblems: [] }).listing;
}

function profile(m: ProfileModel, name: string): ProfileInfo {
  const p = m.profiles.find((x) => x.name === name);
  assert.ok(p, `profile "${name}" is not listed (listed: ${m.profiles.map((x) => x.name).join(', ')})`);
  return p;
}

function cli(id: string): OracleReading {
  const r = readings.get(id);
  assert.ok(r, `botocore did not read case ${id}`);
  return r;
}

/** botocore's verdict for `aws --profile name`. */
function cliVerdict(id: string, name: string): string {
  const r = cli(id);
  if (r.fullConfigError) return 'refused';
  const p = r.profiles?.[name];
  assert.ok(p, `botocore does not know profile "${name}" in case ${id}`);
  return p.verdict === 'credentials' ? `credentials/${p.method}` : p.verdict === 'error' ? `error: ${p.error}` : 'none';
}

interface Expect {
  readonly kind?: ProfileKind;
  /** A pattern the problem must match, or `false` for a usable profile. */
  readonly problem: RegExp | false;
  /** What botocore says: a pattern over `credentials/<method>`, `none`, `error: ...` or `refused`. */
  readonly cli: RegExp;
}

/** Declares a case and its expectations for the model and for botocore. */
function expectCase(title: string, files: Files, expected: Record<string, Expect>): void {
  const id = scenario(title, files);
  it(title, async () => {
    const m = await load(id);
    for (const [name, e] of Object.entries(expected)) {
      const p = profile(m, name);
      if (e.kind) assert.equal(p.kind, e.kind, `kind of "${name}"`);
      if (e.problem === false) assert.equal(p.problem, undefined, `"${name}" should be usable`);
      else assert.match(p.problem ?? '(no problem)', e.problem, `problem of "${name}"`);
      if (p.problem) assert.match(p.problem, /Next step: /, 'a problem names the next step');
      assert.match(cliVerdict(id, name), e.cli, `botocore's verdict on "${name}"`);
    }
  });
}

const ok = (kind: ProfileKind, cliPattern: RegExp): Expect => ({ kind, problem: false, cli: cliPattern });

describe('profile model (checked against botocore)', () => {
  before(function () {
    this.timeout(60_000);
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'profile-model-'));
    const batch = readWithBotocore([...cases].map(([id, f]) => ({ id, ...f })));
    for (const r of batch.cases) readings.set(r.id, r);
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

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

  /**
   * Each place found where another reader of these files (the SDK's parser among them) differs
   * from the AWS CLI (botocore). The model follows the CLI: a profile the CLI can use is listed
   * with no problem, and gets a plan, however other readers would read it.
   */
  describe('where other readers and the CLI differ, the extension follows the CLI', () => {
    const follows = (title: string, files: Files, check: (ctx: { m: ProfileModel; cli: OracleReading }) => void): void => {
      const id = scenario(`cli: ${title}`, files);
      it(title, async () => {
        const m = await load(id);
        check({ m, cli: cli(id) });
      });
    };
    /** The CLI gets credentials for `name`, and the model lists it with that kind and no problem. */
    const usable = (m: ProfileModel, r: OracleReading, name: string, kind: ProfileKind): void => {
      assert.equal(r.profiles![name]!.verdict, 'credentials', `botocore resolves "${name}"`);
      assert.equal(profile(m, name).problem, undefined, `"${name}" is usable`);
      assert.equal(profile(m, name).kind, kind);
    };

    follows('inline comments: the CLI keeps "# ..." and "; ..." in the value', { config: `[profile r]\nrole_arn = ${ARN} ; prod\ncredential_source = Environment\n` }, ({ m, cli }) => {
      assert.equal(cli.profiles!.r!.settings.role_arn, `${ARN} ; prod`);
      assert.equal(profile(m, 'r').roleArn, `${ARN} ; prod`);
      assert.match(profile(m, 'r').problem!, /not an IAM role ARN \(the AWS CLI does not treat # or ; after a value as a comment\)/);
    });
    follows('"key: value": the CLI accepts a colon', { credentials: `[k]\naws_access_key_id: ${KEY}\naws_secret_access_key: ${SECRET}\n` }, ({ m, cli }) => usable(m, cli, 'k', 'static'));
    follows('upper-case keys: the CLI lower-cases them', { config: `[profile r]\nROLE_ARN = ${ARN}\nCredential_Source = Environment\n` }, ({ m, cli }) => usable(m, cli, 'r', 'credentialSource'));
    follows('an indented line continues the value above for the CLI', { config: `[profile r]\nregion = us-east-1\n  role_arn = ${ARN}\n` }, ({ m, cli }) => {
      assert.equal(cli.profiles!.r!.settings.region, `us-east-1\nrole_arn = ${ARN}`);
      assert.equal(cli.profiles!.r!.settings.role_arn, undefined);
      assert.equal(profile(m, 'r').kind, 'none');
      assert.match(profile(m, 'r').problem!, /region of profile "r" is followed by indented lines, which the AWS CLI reads as more lines of its value/);
    });
    follows('[DEFAULT]: the CLI applies its settings to every section', { credentials: `[DEFAULT]\nregion = eu-west-1\n[dev]\n${keys}` }, ({ m, cli }) => {
      assert.deepEqual(Object.keys(cli.profiles!), ['dev']);
      assert.equal(cli.profiles!.dev!.settings.region, 'eu-west-1');
      assert.deepEqual(m.profiles.map((p) => p.name), ['dev']);
      assert.equal(profile(m, 'dev').region, 'eu-west-1');
      usable(m, cli, 'dev', 'static');
    });
    follows('[profile x] in the credentials file: the CLI reads a profile named "profile x", usable as a source_profile', {
      config: `[profile r]\nrole_arn = ${ARN}\nsource_profile = profile x\n`,
      credentials: `[profile x]\n${keys}`,
    }, ({ m, cli }) => {
      assert.deepEqual(Object.keys(cli.profiles!).sort(), ['profile x', 'r']);
      usable(m, cli, 'profile x', 'static');
      usable(m, cli, 'r', 'sourceProfile');
    });
    follows(
      'profile names: the CLI reads quoted names with spaces, any letters and extra spaces',
      { config: `[profile "my profile"]\n${keys}[profile é]\n${keys}[profile  two-spaces]\n${keys}[profile plain]\n${keys}` },
      ({ m, cli }) => {
        assert.deepEqual(Object.keys(cli.profiles!).sort(), ['my profile', 'plain', 'two-spaces', 'é']);
        for (const n of ['my profile', 'é', 'two-spaces', 'plain']) usable(m, cli, n, 'static');
      },
    );
    follows('[profile name with spaces] unquoted: ignored by the CLI; listed so the user learns why', { config: `[profile my profile]\n${keys}` }, ({ m, cli }) => {
      assert.deepEqual(Object.keys(cli.profiles!), []);
      assert.match(profile(m, 'my profile').problem!, /The AWS CLI ignores the section \[profile my profile\].*must be in quotes.*\[profile "my profile"\]/);
    });
    follows('[myprofile] in the config file: ignored by the CLI; listed with the fix', { config: `[myprofile]\nrole_arn = ${ARN}\nsource_profile = x\n` }, ({ m, cli }) => {
      assert.deepEqual(Object.keys(cli.profiles!), []);
      assert.match(profile(m, 'myprofile').problem!, /rename the header to \[profile myprofile\]/);
    });
    follows('[default] and [profile default]: the later section wins for the CLI', { config: '[profile default]\nregion = us-east-1\n[default]\nregion = eu-west-1\n' }, ({ m, cli }) => {
      assert.equal(cli.profiles!.default!.settings.region, 'eu-west-1');
      assert.equal(profile(m, 'default').region, 'eu-west-1');
      assert.deepEqual(profile(m, 'default').definedIn, [{ file: m.configFile, line: 2 }]);
    });
    follows('one profile under two headers: the CLI takes the later section whole', { config: `[profile x]\nrole_arn = ${ARN}\nsource_profile = base\n[profile "x"]\nregion = us-east-1\n[profile base]\n${keys}` }, ({ m, cli }) => {
      assert.equal(cli.profiles!.x!.settings.role_arn, undefined);
      assert.equal(cli.profiles!.x!.verdict, 'none');
      assert.equal(profile(m, 'x').kind, 'none');
      assert.equal(profile(m, 'x').problem, undefined);
    });
    follows('a duplicate section: the CLI refuses the whole file', { config: `[profile x]\nregion = us-east-1\n[profile x]\n${keys}` }, ({ m, cli }) => {
      assert.match(cli.fullConfigError!, /DuplicateSectionError|already exists/);
      assert.match(m.fileProblems.join('\n'), /The AWS CLI cannot read .*config: the section \[profile x\] appears twice \(lines 1 and 3\)\. Until this is fixed every aws command fails/);
      assert.match(profile(m, 'x').problem!, /The AWS CLI cannot read .*which defines this profile/);
    });
    follows('a key before any section, or a line that is not a setting: the CLI refuses the file', { config: `region = us-east-1\n[profile x]\n${keys}junk\n` }, ({ m, cli }) => {
      assert.match(cli.fullConfigError!, /MissingSectionHeader|File contains no section headers/);
      assert.match(m.fileProblems.join('\n'), /line 1 is not inside any \[section\]/);
    });
    follows('a byte-order mark: the CLI refuses the file', { config: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`[profile x]\n${keys}`)]) }, ({ m, cli }) => {
      assert.ok(cli.fullConfigError);
      assert.match(m.fileProblems.join('\n'), /starts with a byte-order mark \(BOM\).*Next step: save the file as UTF-8 without a BOM/);
      assert.match(profile(m, 'x').problem!, /cannot read/);
    });
    follows('bytes that are not UTF-8: the CLI refuses the file', { config: Buffer.from(`[profile x]\n# caf\xe9\n${keys}`, 'latin1') }, ({ m, cli }) => {
      assert.ok(cli.fullConfigError);
      assert.match(m.fileProblems.join('\n'), /not valid UTF-8 \(line 2 has bytes in another encoding\)/);
    });
    follows('a lone CR ends a line for the CLI', { credentials: `[x]\raws_access_key_id = ${KEY}\raws_secret_access_key = ${SECRET}\r` }, ({ m, cli }) => usable(m, cli, 'x', 'static'));
    follows('"key =" with no value: the CLI reads an empty value', { config: `[profile r]\nrole_arn = ${ARN}\ncredential_source = Environment\nmfa_serial =\n` }, ({ m, cli }) => {
      assert.equal(cli.profiles!.r!.settings.mfa_serial, '');
      usable(m, cli, 'r', 'credentialSource');
    });
    follows(
      'an sso-session setting with indented sub-settings: a block for the CLI (found by the property test, seed 2109007767)',
      { config: '[profile prod]\nregion = us-east-1\nsso_session = other\n[sso-session other]\nsso_region =\n  sub_setting = eu-west-1\n' },
      ({ m, cli }) => {
        assert.equal(cli.profiles!.prod!.verdict, 'none');
        assert.deepEqual(cli.ssoSessionSettings!.other!.sso_region, { sub_setting: 'eu-west-1' });
        assert.equal(profile(m, 'prod').kind, 'none');
        assert.equal(profile(m, 'prod').problem, undefined);
      },
    );
    follows('a [__proto__] section: the CLI reads it as any other', { credentials: `[__proto__]\nregion = us-east-1\n[dev]\n${keys}` }, ({ m, cli }) => {
      assert.deepEqual(m.fileProblems, []);
      usable(m, cli, 'dev', 'static');
      assert.equal(profile(m, '__proto__').kind, 'none');
    });
    follows('text after a header: the CLI ignores it', { config: `[profile a]\nregion = us-east-1\n[profile b] trailing\n${keys}` }, ({ m, cli }) => usable(m, cli, 'b', 'static'));
    follows('an indented header continues the value above for the CLI', { config: `[profile a]\nregion = us-east-1\n  [profile b]\n${keys}` }, ({ m, cli }) => {
      assert.equal(cli.profiles!.b, undefined);
      assert.deepEqual(m.profiles.map((p) => p.name), ['a']);
      assert.match(profile(m, 'a').problem!, /region of profile "a" is followed by indented lines/);
    });
    follows(
      'role_arn + web_identity_token_file + source_profile: the CLI uses web identity (the SDK\'s fromIni would assume the role from source_profile)',
      { config: `[profile w]\nrole_arn = ${ARN}\nweb_identity_token_file = ${os.tmpdir()}/no-token\nsource_profile = base\n[profile base]\n${keys}` },
      ({ m, cli }) => {
        assert.equal(cli.profiles!.w!.method, 'assume-role-with-web-identity');
        usable(m, cli, 'w', 'webIdentity');
      },
    );
  });
});
