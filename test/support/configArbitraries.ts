/**
 * fast-check generators of shared config / credentials files: realistic profiles (every kind),
 * broken ones (missing sources, cycles, half keys, bad ARNs and durations), odd names, and the
 * ways people write INI files (comments everywhere, `:`, upper case, indentation, CRLF, tabs).
 * The text is built from a structure, so fast-check shrinks a failure to a small file.
 */
import * as fc from 'fast-check';

/** Marks fake secret values, so a test can prove they never reach the model. */
export const SECRET_MARK = 'SeCrEtMaRk';

export const PROFILE_NAMES = [
  'default',
  'dev',
  'prod',
  'base',
  'a',
  'b',
  'c',
  'Dev',
  'ops-1',
  'x.y',
  'a:b',
  'p@q',
  'a/b',
  'my profile',
  'é',
  'with"quote',
  "it's",
  '__proto__',
] as const;

type Style = 'plain' | 'tight' | 'colon' | 'upper' | 'indent' | 'tab' | 'comment' | 'semicolon' | 'block';
type Header = 'profile' | 'quoted' | 'twoSpaces' | 'bare' | 'trailingComment' | 'indented';

interface Setting {
  readonly key: string;
  readonly value: string;
  readonly style: Style;
}

interface SectionSpec {
  readonly name: string;
  readonly header: Header;
  readonly settings: ReadonlyArray<Setting>;
  /** Comment or blank lines before the header. */
  readonly before: ReadonlyArray<string>;
}

export interface FileSpec {
  readonly sections: ReadonlyArray<SectionSpec>;
  readonly crlf: boolean;
  /** A `key = value` line before the first section (the CLI refuses such a file). */
  readonly keyOutside: boolean;
  /** A line that is neither a section, a setting nor a comment. */
  readonly junkLine: boolean;
  /** Settings of a [DEFAULT] section (configparser applies them to every section). */
  readonly defaults?: ReadonlyArray<Setting>;
}

export interface ConfigCaseSpec {
  readonly config?: FileSpec;
  readonly credentials?: FileSpec;
  readonly ssoSessions: ReadonlyArray<{ readonly name: string; readonly settings: ReadonlyArray<Setting> }>;
}

const ARNS = [
  'arn:aws:iam::123456789012:role/Admin',
  'arn:aws:iam::210987654321:role/ops/Deploy',
  'arn:aws-cn:iam::123456789012:role/Reader',
  'arn:aws:sts::123456789012:assumed-role/Admin/me',
  'arn:aws:iam::12345:role/Short',
  'arn:aws:iam::123456789012:user/alice',
  'arn:aws:iam::123456789012:role/Admin # prod',
  'Admin',
  '',
];

/** Mostly good values, sometimes a bad one. */
const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>): fc.Arbitrary<T> => fc.oneof({ weight: 6, arbitrary: good }, { weight: 1, arbitrary: bad });

const values: Record<string, fc.Arbitrary<string>> = {
  region: mostly(fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-2', 'eu-central-1'), fc.constantFrom('us-east-1 # prod', 'US East', '')),
  role_arn: mostly(fc.constantFrom(...ARNS.slice(0, 3)), fc.constantFrom(...ARNS.slice(3))),
  source_profile: mostly(fc.constantFrom('default', 'dev', 'prod', 'base', 'a', 'b', 'c'), fc.constantFrom(...PROFILE_NAMES, 'missing', '')),
  credential_source: mostly(fc.constantFrom('Environment', 'Ec2InstanceMetadata', 'EcsContainer'), fc.constantFrom('environment', 'Bogus')),
  duration_seconds: mostly(fc.constantFrom('3600', '900', '43200', '1800'), fc.constantFrom('899', '43201', '7200', 'abc', '3_600', '2h', '')),
  aws_access_key_id: fc.constantFrom('AKIAIOSFODNN7EXAMPLE', 'AKIAI44QH8DHBEXAMPLE'),
  aws_secret_access_key: fc.nat(999).map((n) => `${SECRET_MARK}${n}wJalrXUtnFEMI/K7MDENG`),
  aws_session_token: fc.nat(999).map((n) => `${SECRET_MARK}${n}token`),
  credential_process: mostly(fc.constant('/bin/echo hello'), fc.constant('')),
  sso_session: mostly(fc.constantFrom('corp', 'other'), fc.constant('missing')),
  sso_account_id: fc.constant('123456789012'),
  sso_role_name: fc.constantFrom('Admin', 'ReadOnly'),
  sso_start_url: fc.constantFrom('https://corp.awsapps.com/start', 'https://other.awsapps.com/start'),
  sso_region: fc.constantFrom('us-east-1', 'eu-west-1'),
  web_identity_token_file: mostly(fc.constant('/var/run/token'), fc.constant('')),
  login_session: fc.constant('arn:aws:iam::123456789012:user/alice'),
  mfa_serial: fc.constant('arn:aws:iam::123456789012:mfa/alice'),
  external_id: fc.constant('ext-1234'),
  role_session_name: fc.constant('alice'),
};

const style: fc.Arbitrary<Style> = fc.oneof(
  { weight: 30, arbitrary: fc.constant<Style>('plain') },
  { weight: 2, arbitrary: fc.constantFrom<Style>('tight', 'tab') },
  { weight: 1, arbitrary: fc.constantFrom<Style>('colon', 'upper', 'indent', 'comment', 'semicolon', 'block') },
);

function settingsFor(keys: ReadonlyArray<string>): fc.Arbitrary<Setting[]> {
  return fc.tuple(...keys.map((key) => fc.tuple(values[key]!, style).map(([value, s]) => ({ key, value, style: s }))));
}

/** Profiles by intent, then mixed with a few random extra settings. */
const KIND_TEMPLATES: ReadonlyArray<ReadonlyArray<string>> = [
  ['aws_access_key_id', 'aws_secret_access_key'],
  ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'region'],
  ['role_arn', 'source_profile'],
  ['role_arn', 'source_profile', 'mfa_serial', 'duration_seconds', 'region'],
  ['role_arn', 'credential_source'],
  ['role_arn', 'source_profile', 'credential_source'],
  ['role_arn'],
  ['role_arn', 'source_profile', 'aws_access_key_id', 'aws_secret_access_key'],
  ['sso_session', 'sso_account_id', 'sso_role_name', 'region'],
  ['sso_start_url', 'sso_region', 'sso_account_id', 'sso_role_name'],
  ['sso_start_url', 'sso_region'],
  ['sso_account_id'],
  ['credential_process'],
  ['role_arn', 'web_identity_token_file'],
  ['web_identity_token_file'],
  ['login_session'],
  ['region'],
  ['aws_secret_access_key'],
  ['aws_access_key_id'],
  [],
];

const extraKeys = fc.subarray(Object.keys(values), { maxLength: 2 });

const settingsArb: fc.Arbitrary<Setting[]> = fc
  .tuple(fc.constantFrom(...KIND_TEMPLATES), extraKeys)
  .chain(([template, extra]) => settingsFor([...new Set([...template, ...extra])]));

const rare = (weight: number): fc.Arbitrary<boolean> => fc.oneof({ weight, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });

const header: fc.Arbitrary<Header> = fc.oneof(
  { weight: 20, arbitrary: fc.constant<Header>('profile') },
  { weight: 2, arbitrary: fc.constant<Header>('quoted') },
  { weight: 1, arbitrary: fc.constantFrom<Header>('twoSpaces', 'bare', 'trailingComment', 'indented') },
);

const before = fc.array(fc.constantFrom('', '# a comment', '; another', '   # indented comment', '#', ';;'), { maxLength: 2 });

const name = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('default', 'dev', 'prod', 'base', 'a', 'b', 'c') }, { weight: 1, arbitrary: fc.constantFrom(...PROFILE_NAMES) });

const section: fc.Arbitrary<SectionSpec> = fc.record({ name, header, settings: settingsArb, before });

/** Distinct sections, and sometimes one written twice (same header: the CLI refuses the file; another header style: the later wins). */
const sections: fc.Arbitrary<SectionSpec[]> = fc
  .tuple(fc.uniqueArray(section, { maxLength: 5, selector: (s) => s.name }), rare(12), header, settingsArb)
  .map(([list, repeat, h, settings]) => (repeat && list.length > 0 ? [...list, { ...list[0]!, header: h, settings }] : list));

const defaultsArb: fc.Arbitrary<Setting[] | undefined> = fc.option(
  fc.constantFrom<ReadonlyArray<string>>(['region'], ['role_arn'], ['aws_secret_access_key'], ['credential_source'], ['sso_region']).chain(settingsFor),
  { nil: undefined, freq: 20 },
);

const file: fc.Arbitrary<FileSpec> = fc.record({
  sections,
  crlf: fc.boolean(),
  keyOutside: rare(40),
  junkLine: rare(40),
  defaults: defaultsArb,
});

const ssoSessionArb = fc.record({
  name: fc.constantFrom('corp', 'other'),
  settings: fc.constantFrom<ReadonlyArray<string>>(['sso_start_url', 'sso_region'], ['sso_start_url'], ['sso_region'], ['sso_start_url', 'sso_region', 'sso_account_id']).chain(settingsFor),
});

export const configCase: fc.Arbitrary<ConfigCaseSpec> = fc.record({
  config: fc.option(file, { nil: undefined, freq: 8 }),
  credentials: fc.option(file, { nil: undefined, freq: 3 }),
  ssoSessions: fc.uniqueArray(ssoSessionArb, { maxLength: 2, selector: (s) => s.name }),
});

function settingLine(s: Setting): string {
  switch (s.style) {
    case 'plain':
      return `${s.key} = ${s.value}`;
    case 'tight':
      return `${s.key}=${s.value}`;
    case 'colon':
      return `${s.key}: ${s.value}`;
    case 'upper':
      return `${s.key.toUpperCase()} = ${s.value}`;
    case 'indent':
      return `  ${s.key} = ${s.value}`;
    case 'tab':
      return `${s.key}\t=\t${s.value}`;
    case 'comment':
      return `${s.key} = ${s.value} # note`;
    case 'semicolon':
      return `${s.key} = ${s.value} ; note`;
    case 'block':
      return `${s.key} =\n  sub_setting = ${s.value}`;
  }
}

function headerLine(kind: 'config' | 'credentials', s: SectionSpec): string {
  if (kind === 'credentials') return s.header === 'trailingComment' ? `[${s.name}] # note` : `[${s.name}]`;
  const bare = s.name === 'default' && s.header !== 'quoted' && s.header !== 'twoSpaces';
  switch (s.header) {
    case 'profile':
      return bare ? '[default]' : `[profile ${s.name}]`;
    case 'quoted':
      return `[profile "${s.name.replace(/["\\]/g, (c) => `\\${c}`)}"]`;
    case 'twoSpaces':
      return `[profile  ${s.name}]`;
    case 'bare':
      return `[${s.name}]`;
    case 'trailingComment':
      return `${bare ? '[default]' : `[profile ${s.name}]`} ; note`;
    case 'indented':
      return `  ${bare ? '[default]' : `[profile ${s.name}]`}`;
  }
}

function fileText(kind: 'config' | 'credentials', f: FileSpec, extraSections: string[] = []): string {
  const lines: string[] = [];
  if (f.keyOutside) lines.push('region = us-east-1');
  if (f.defaults) lines.push('[DEFAULT]', ...f.defaults.map(settingLine));
  for (const s of f.sections) {
    lines.push(...s.before, headerLine(kind, s), ...s.settings.map(settingLine));
  }
  if (f.junkLine) lines.push('this line is junk');
  lines.push(...extraSections);
  return lines.join(f.crlf ? '\r\n' : '\n') + (lines.length ? (f.crlf ? '\r\n' : '\n') : '');
}

/** The files' text; undefined = the file does not exist. */
export function renderCase(c: ConfigCaseSpec): { config?: string; credentials?: string } {
  const sessions = c.ssoSessions.flatMap((s) => [`[sso-session ${s.name}]`, ...s.settings.map(settingLine)]);
  const out: { config?: string; credentials?: string } = {};
  if (c.config || sessions.length) out.config = fileText('config', c.config ?? { sections: [], crlf: false, keyOutside: false, junkLine: false }, sessions);
  if (c.credentials) out.credentials = fileText('credentials', c.credentials);
  return out;
}
