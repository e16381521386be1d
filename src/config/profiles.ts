/**
 * From the two files as read (cliIni.ts) to the profile model the tree, the pickers and the
 * credential code use. Pure: data in, data out; no `vscode`, no I/O.
 *
 * The AWS CLI's semantics decide. Which sections are profiles, how the two files merge, which
 * provider claims a profile and which settings make it fail follow botocore (configloader.py,
 * session.py `full_config`, credentials.py: AssumeRoleProvider, the web identity, SSO,
 * shared-credentials, login, process and config providers, in that order). A profile that cannot
 * work is listed with the reason and the next step, never dropped.
 *
 * On top of the CLI's own checks, the model also reports what STS would refuse (a malformed
 * role ARN, a session duration out of range or over an hour in a role chain), an invalid region,
 * and the profiles that the AWS SDK for JavaScript (which this extension uses to get
 * credentials, through `fromIni`) would read differently from the CLI.
 */
import type { ProfileInfo, ProfileKind, ProfileListing, ProfileLocation, ProfileModel } from '../shared/types';
import { type CliIniReading, type IniValue, pyStrip, shlexSplit } from './iniParser';
import { CHAINED_ROLE_MAX_DURATION_SECONDS, MAX_ROLE_DURATION_SECONDS, MIN_ROLE_DURATION_SECONDS } from '../shared/roleInput';

/** One file as read: where it is, and the CLI's reading of it (empty when missing/unreadable). */
export interface SharedFileReading {
  readonly path: string;
  readonly cli: CliIniReading;
}

/**
 * The AWS SDK's reading of both files, as `parseKnownFiles` returns it: profile name -> settings
 * (config file first, credentials file values over it), plus `sso-session.NAME` entries.
 */
export type SdkReading = Readonly<Record<string, Readonly<Record<string, string>>>>;

export interface ProfileModelInput {
  readonly config: SharedFileReading;
  readonly credentials: SharedFileReading;
  /** The SDK's reading; without it the model does not compare the two readings. */
  readonly sdk?: SdkReading;
  /** Why the SDK ignores a whole file (it throws on some section names and then reads nothing). */
  readonly sdkIgnores?: { readonly config?: string; readonly credentials?: string };
  /** Problems met while reading the files (unreadable, too large...), passed through first. */
  readonly fileProblems?: ReadonlyArray<string>;
  /**
   * Describe only the profile of this name (every profile is still indexed, so chains resolve):
   * what a switch needs to know about its target, without describing ten thousand others.
   */
  readonly only?: string;
}

/** Human label for a kind, for the tree and pickers. */
export function describeProfileKind(kind: ProfileKind): string {
  switch (kind) {
    case 'static':
      return 'static keys';
    case 'sourceProfile':
      return 'role via source_profile';
    case 'credentialSource':
      return 'role via credential_source';
    case 'sso':
      return 'IAM Identity Center';
    case 'process':
      return 'credential_process';
    case 'webIdentity':
      return 'web identity';
    case 'login':
      return 'aws login';
    case 'none':
      return 'no credentials';
  }
}

// ---------------------------------------------------------------------------------------------
// Checks shared with other modules (assume-role input, tests)

/** botocore's validate_region_name: a host label, not all digits, no leading/trailing hyphen. */
const REGION = /^(?![0-9]+$)(?!-)[a-zA-Z0-9-]{0,63}(?<!-)$/;
/** An IAM role ARN: partition, 12-digit account, optional path, role name (IAM's character set). */
const ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/(?:[\x21-\x7e]*\/)?[\w+=,.@-]{1,64}$/;
/** botocore resolves source_profile chains recursively; Python gives up after about 330 roles. */
export const MAX_ROLE_CHAIN = 300;
/** credential_source values botocore accepts (exact spelling). */
export const CREDENTIAL_SOURCES: ReadonlyArray<string> = ['Environment', 'Ec2InstanceMetadata', 'EcsContainer'];

/** True when `arn` is an IAM role ARN STS can assume (arn:aws:iam::123456789012:role/path/Name). */
export function isRoleArn(arn: string): boolean {
  return ROLE_ARN.test(arn);
}

/** True when botocore accepts `region` as a region name. */
export function isValidRegionName(region: string): boolean {
  return REGION.test(region);
}

// ---------------------------------------------------------------------------------------------

interface Problem {
  readonly cause: string;
  readonly next: string;
}

function render(p: Problem): string {
  // A loop, not /[.\s]+$/: that regex is quadratic on a long run of spaces inside a value.
  const trim = (s: string): string => {
    let end = s.length;
    while (end > 0 && (s[end - 1] === '.' || /\s/.test(s[end - 1]!))) end--;
    return s.slice(0, end);
  };
  return `${trim(p.cause)}. Next step: ${trim(p.next)}.`;
}

type Settings = ReadonlyMap<string, IniValue>;

interface Section {
  readonly header: string;
  readonly settings: Settings;
  readonly line: number;
}

/** Settings whose value must be one line; an indented block under them breaks the profile. */
const ONE_LINE_KEYS = [
  'region',
  'role_arn',
  'source_profile',
  'credential_source',
  'mfa_serial',
  'external_id',
  'role_session_name',
  'duration_seconds',
  'web_identity_token_file',
  'sso_session',
  'sso_start_url',
  'sso_region',
  'sso_account_id',
  'sso_role_name',
  'credential_process',
  'login_session',
  'aws_access_key_id',
  'aws_secret_access_key',
  'aws_session_token',
];
/** Settings that decide which credentials the SDK gets: compared between the two readings. */
const CREDENTIAL_KEYS = ONE_LINE_KEYS.filter((k) => k !== 'region');
const SECRET_KEYS = new Set(['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'aws_security_token']);

const str = (s: Settings | undefined, key: string): string | undefined => {
  const v = s?.get(key);
  return typeof v === 'string' ? v : undefined;
};
const hasStatic = (s: Settings): boolean => s.has('aws_access_key_id') || s.has('aws_secret_access_key');
/** The kind of a role profile: credential_source when that alone names the source, else source_profile. */
const roleKind = (s: Settings): 'credentialSource' | 'sourceProfile' => (s.has('credential_source') && !s.has('source_profile') ? 'credentialSource' : 'sourceProfile');
/** AssumeRoleProvider claims a profile with role_arn, unless it is set up for web identity. */
const hasRoleVars = (s: Settings): boolean => s.has('role_arn') && !s.has('web_identity_token_file');
/**
 * A value as shown: its first line only. Lines that continue a value (indented below it) can be
 * other settings, secrets included, so they are never shown.
 */
const firstLine = (v: string): string => {
  const line = lineOne(v);
  return line === v ? v : `${line}...`;
};
const quote = (v: string): string => {
  const shown = firstLine(v);
  return JSON.stringify(shown.length > 120 ? `${shown.slice(0, 117)}...` : shown);
};
const looksCommented = (v: string): boolean => /\s[#;]/.test(v);
const NOT_A_COMMENT = ' (the AWS CLI does not treat # or ; after a value as a comment)';

/** Python's int() on a setting: a number, 'other' for non-ASCII digits it accepts, or undefined. */
function pythonInt(raw: string): number | 'other' | undefined {
  const s = pyStrip(raw);
  if (/^[+-]?[0-9]+(?:_[0-9]+)*$/.test(s)) return Number(s.replace(/_/g, ''));
  if (/^[+-]?\p{Nd}+(?:_\p{Nd}+)*$/u.test(s)) return 'other';
  return undefined;
}

/** session.full_config['profiles'], with the sections each profile comes from: a Map, or a HeaderIndex. */
interface ProfileIndex {
  readonly size: number;
  get(name: string): ProfileEntry | undefined;
  /** Every profile, in botocore's order. */
  forEach(each: (entry: ProfileEntry, name: string) => void): void;
  entries(): Iterator<[string, ProfileEntry]>;
}

/** Everything the resolution needs, indexed the way botocore indexes it. */
interface Index {
  readonly configPath: string;
  readonly credentialsPath: string;
  readonly profiles: ProfileIndex;
  readonly ssoSessions: Map<string, Settings>;
  /** Whether either file may hold a value that spans lines or is a block (CliIniReading.continuedValues). */
  readonly someContinued: boolean;
}

/**
 * One profile: one map entry holds all of it, since every lookup by name costs a hash. Its
 * settings are asked of its sections only when it is described (or is in a chain being
 * resolved): a section's settings are read from the text on first use (see cliIni's LazySection).
 */
class ProfileEntry {
  private merged: Settings | undefined;

  constructor(
    /** Its section in the config file, if it has one. */
    readonly config: Section | undefined,
    /** Its section in the credentials file, if it has one. */
    public credentials?: Section,
  ) {}

  /** Its settings: the config file's, with the credentials file's values over them. */
  get settings(): Settings {
    const { config, credentials } = this;
    if (!config) return credentials!.settings;
    if (!credentials) return config.settings;
    if (!this.merged) {
      const merged = new Map(config.settings);
      for (const [k, v] of credentials.settings) merged.set(k, v);
      this.merged = merged;
    }
    return this.merged;
  }
}

/** The profile a plain `[profile NAME]` or `[default]` header names. */
const nameOfPlain = (header: string): string => (header === 'default' ? 'default' : header.slice('profile '.length));

/**
 * The profiles of a config whose profile headers are all plain `[profile NAME]`s and one
 * `[default]` (what generators write), looked up through the two readings' header maps instead
 * of a Map of its own: indexing ten thousand names again took longer than describing the
 * profiles the Profiles view shows first. An entry is made when a profile is first looked up.
 */
class HeaderIndex implements ProfileIndex {
  readonly size: number;
  private readonly made = new Map<string, ProfileEntry>();
  /** Credentials-file sections of profiles the config file does not have: listed after its own. */
  private readonly credentialsOnly: ReadonlyArray<Section>;

  constructor(
    /** The config file's profile sections, in order. */
    private readonly listed: ReadonlyArray<Section>,
    /** The config file's sections by header. */
    private readonly config: ReadonlyMap<string, Section>,
    credentialsSections: ReadonlyArray<Section>,
    /** The credentials file's sections by header (there, the header is the profile's name). */
    private readonly credentials: ReadonlyMap<string, Section>,
  ) {
    this.credentialsOnly = credentialsSections.filter((s) => !this.inConfig(s.header));
    this.size = listed.length + this.credentialsOnly.length;
  }

  /** The config section of profile `name` (a plain NAME: any other header sent indexFiles to its Map). */
  private inConfig(name: string): Section | undefined {
    return name === 'default' ? (this.config.get('default') ?? this.config.get('profile default')) : this.config.get(`profile ${name}`);
  }

  get(name: string): ProfileEntry | undefined {
    let entry = this.made.get(name);
    if (!entry) {
      const config = this.inConfig(name);
      const credentials = this.credentials.get(name);
      if (!config && !credentials) return undefined;
      entry = new ProfileEntry(config, credentials);
      this.made.set(name, entry);
    }
    return entry;
  }

  forEach(each: (entry: ProfileEntry, name: string) => void): void {
    const { credentials } = this;
    // Indexed loops: see knownKeyAt in cliIni.ts. Each config section is at hand here, so its
    // entry is made without looking the section up by a `profile NAME` string made for the purpose,
    // and not kept: only profiles looked up by name (chains) are.
    for (let i = 0; i < this.listed.length; i++) {
      const section = this.listed[i]!;
      const name = nameOfPlain(section.header);
      each(this.made.get(name) ?? new ProfileEntry(section, credentials.size > 0 ? credentials.get(name) : undefined), name);
    }
    for (let i = 0; i < this.credentialsOnly.length; i++) {
      const name = this.credentialsOnly[i]!.header;
      each(this.get(name)!, name);
    }
  }

  /** Stepped a page at a time: each name is made only when its profile is reached. */
  *entries(): Iterator<[string, ProfileEntry]> {
    for (const section of this.listed) {
      const name = nameOfPlain(section.header);
      yield [name, this.get(name)!];
    }
    for (const section of this.credentialsOnly) yield [section.header, this.get(section.header)!];
  }
}

type ChainResult =
  | { readonly status: 'credentials'; readonly kind: ProfileKind }
  | { readonly status: 'none'; readonly note?: Problem }
  | { readonly status: 'error'; readonly kind: ProfileKind; readonly problem: Problem };

/** The success of each kind: one shared object each, since ten thousand profiles mostly succeed. */
const CREDENTIALS = Object.fromEntries(
  (['static', 'sourceProfile', 'credentialSource', 'sso', 'process', 'webIdentity', 'login'] as const).map((kind) => [kind, { status: 'credentials', kind }]),
) as Readonly<Record<Exclude<ProfileKind, 'none'>, ChainResult>>;

/** What makes shlex treat a profile name differently from plain text: its whitespace, quotes, escape. */
const SHLEX_SPECIAL = /[ \t\r\n'"\\]/;

/**
 * The NAME of the common `profile NAME` header, which botocore's shlex.split reads as the two
 * words it looks like; undefined for any other header. Read without shlex and without a capturing
 * regex (at ten thousand headers either costs more than the rest of the header's reading).
 */
function plainProfileName(header: string): string | undefined {
  if (!header.startsWith('profile ')) return undefined;
  const name = header.slice('profile '.length);
  return name !== '' && !SHLEX_SPECIAL.test(name) ? name : undefined;
}

/** Builds the model: every profile, or only `input.only`. Never throws on any input. */
export function buildProfileModel(input: ProfileModelInput): ProfileModel {
  if (input.only === undefined) return listProfiles(input).model();
  const indexed = indexFiles(input);
  const listed = describeNamed(input.only, indexed, input);
  return { ...indexed.header, profiles: listed ? [listed] : [] };
}

/** Profile `name` described on its own (its chain resolved through the index), as the model lists it. */
function describeNamed(name: string, { index, misnamed }: Omit<IndexedFiles, 'header'>, input: ProfileModelInput): ProfileInfo | undefined {
  const entry = index.profiles.get(name);
  return entry ? describeProfile(name, entry, index, input) : misnamed.find((p) => p.name === name);
}

/**
 * Indexes both files as botocore does and describes each profile only when it is first asked for
 * (see ProfileListing). Never throws on any input.
 */
export function listProfiles(input: ProfileModelInput): ProfileListing {
  const { index, misnamed, header } = indexFiles(input);
  const count = index.profiles.size;
  const total = count + misnamed.length;
  const described: ProfileInfo[] = [];
  // What describing needs; let go once every profile is described, so a held model does not
  // also hold the files' settings. (The closures below reach the input only through this.)
  let source: { readonly index: Index; readonly input: ProfileModelInput; rest?: Iterator<[string, ProfileEntry]> } | undefined = { index, input };
  // Describes profiles in listing order until `upTo` of the indexed ones are.
  const describe = (upTo: number): void => {
    if (!source) return;
    const { index: ix, input: files } = source;
    if (described.length === 0 && upTo >= count) {
      // All at once: forEach, since in code V8 has not optimised yet an iterator allocates per step.
      ix.profiles.forEach((entry, name) => described.push(describeProfile(name, entry, ix, files)));
    } else {
      const rest = (source.rest ??= ix.profiles.entries());
      while (described.length < upTo && described.length < count) {
        const [name, entry] = rest.next().value as [string, ProfileEntry];
        described.push(describeProfile(name, entry, ix, files));
      }
    }
    if (described.length === count) source = undefined;
  };
  let model: ProfileModel | undefined;
  return {
    ...header,
    total,
    first(n) {
      if (n >= total) return this.model().profiles;
      describe(n);
      return n <= count ? described.slice(0, n) : [...described, ...misnamed.slice(0, n - count)];
    },
    model() {
      if (!model) {
        describe(count);
        model = { ...header, profiles: misnamed.length > 0 ? [...described, ...misnamed] : described };
      }
      return model;
    },
    profile(name) {
      return source ? describeNamed(name, { index: source.index, misnamed }, source.input) : this.model().profiles.find((p) => p.name === name);
    },
  };
}

/** A listing of a model already complete (when the files could not be read at all). */
export function listingOf(model: ProfileModel): ProfileListing {
  const { profiles, ...header } = model;
  return { ...header, total: profiles.length, first: (count) => profiles.slice(0, count), model: () => model, profile: (name) => profiles.find((p) => p.name === name) };
}

interface IndexedFiles {
  readonly index: Index;
  /** Sections the CLI ignores but listed as profiles (each with its problem), after the others. */
  readonly misnamed: ReadonlyArray<ProfileInfo>;
  /** Everything of the model but its profiles. */
  readonly header: Omit<ProfileModel, 'profiles'>;
}

/** The sections of both files as botocore indexes them (configloader.build_profile_map, session.full_config). */
function indexFiles(input: ProfileModelInput): IndexedFiles {
  const { config, credentials } = input;
  const fileProblems: string[] = [...(input.fileProblems ?? [])];
  for (const f of [config, credentials]) {
    const r = f.cli.refusal;
    if (r) {
      fileProblems.push(
        `The AWS CLI cannot read ${f.path}: ${r.cause}. Until this is fixed every aws command fails, whichever profile it uses. Next step: ${r.fix}.`,
      );
    }
  }
  for (const [which, path] of [
    ['config', config.path],
    ['credentials', credentials.path],
  ] as const) {
    const why = input.sdkIgnores?.[which];
    if (why) fileProblems.push(`The AWS SDK for JavaScript, which this extension uses, ignores all of ${path}: ${why}. Next step: rename that section.`);
  }

  // Config file sections -> profiles and sso-sessions (configloader.build_profile_map).
  // session.full_config: config-file profiles first; the credentials file's are merged in below.
  const profiles = new Map<string, ProfileEntry>();
  const ssoSessions = new Map<string, Settings>();
  const misnamed: { header: string; section: Section; name?: string; why: string; fix: string }[] = [];
  // While every profile header is plain and names its profile alone, the profiles are only
  // collected here and looked up later through the readings' own header maps (see HeaderIndex);
  // at the first header that is not, those collected so far go into `profiles` and it is used.
  let plain: Section[] | undefined = config.cli.byHeader && credentials.cli.byHeader ? [] : undefined;
  let sawDefault = false;
  const indexAll = (): void => {
    for (const section of plain ?? []) profiles.set(nameOfPlain(section.header), new ProfileEntry(section));
    plain = undefined;
  };
  // Indexed loops on the paths run once per profile: see knownKeyAt in cliIni.ts.
  const configSections = config.cli.sections;
  for (let i = 0; i < configSections.length; i++) {
    const section = configSections[i]!;
    const h = section.header;
    const plainName = h === 'default' ? 'default' : plainProfileName(h);
    if (plainName !== undefined) {
      // [default] and [profile default] both name `default`: the second one needs the Map.
      if (plainName === 'default') {
        if (sawDefault) indexAll();
        sawDefault = true;
      }
      if (plain) plain.push(section);
      else profiles.set(plainName, new ProfileEntry(section));
      continue;
    }
    const namesSession = h.startsWith('sso-session');
    if (!namesSession && !h.startsWith('services')) indexAll();
    if (h.startsWith('profile')) {
      const parts = shlexSplit(h);
      if (parts?.length === 2) profiles.set(parts[1]!, new ProfileEntry(section));
      else if (parts === undefined || parts.length > 2) {
        const name = parts ? parts.slice(1).join(' ') : h.slice('profile'.length).trim();
        misnamed.push({
          header: h,
          section,
          name,
          why: parts ? 'a profile name with spaces must be in quotes' : 'its quotes are not balanced',
          fix: `write the header as [profile ${JSON.stringify(name)}]`,
        });
      } else if (h === 'profile') {
        misnamed.push({ header: h, section, why: 'it has no profile name', fix: 'write the header as [profile NAME]' });
      }
    } else if (namesSession) {
      const parts = shlexSplit(h);
      if (parts?.length === 2) ssoSessions.set(parts[1]!, section.settings);
    } else if (h.startsWith('services')) {
      // Service-specific endpoint settings: not profiles.
    } else if (CREDENTIAL_KEYS.some((k) => section.settings.has(k))) {
      misnamed.push({
        header: h,
        section,
        name: h,
        why: 'in the config file a profile section is written [profile NAME] (only [default] needs no prefix)',
        fix: `rename the header to [profile ${/^[\w\-@+.%:/]+$/.test(h) ? h : JSON.stringify(h)}]`,
      });
    }
  }
  // Credentials-file sections are profiles too, their values over the config's.
  if (!plain) {
    for (const section of credentials.cli.sections) {
      const fromConfig = profiles.get(section.header);
      if (fromConfig) fromConfig.credentials = section;
      else profiles.set(section.header, new ProfileEntry(undefined, section));
    }
  }

  const someContinued = config.cli.continuedValues !== false || credentials.cli.continuedValues !== false;
  const index: Index = {
    configPath: config.path,
    credentialsPath: credentials.path,
    profiles: plain ? new HeaderIndex(plain, config.cli.byHeader!, credentials.cli.sections, credentials.cli.byHeader!) : profiles,
    ssoSessions,
    someContinued,
  };

  // A misnamed section is listed as a profile unless a real profile (or an earlier one) has its name.
  const listedMisnamed: ProfileInfo[] = [];
  const listed = new Set(misnamed.length > 0 ? profiles.keys() : []);
  for (const m of misnamed) {
    const problem = { cause: `The AWS CLI ignores the section [${m.header}] in ${config.path}: ${m.why}`, next: m.fix };
    if (m.name === undefined || m.name === '' || listed.has(m.name)) {
      fileProblems.push(`${render(problem)} (line ${m.section.line + 1})`);
      continue;
    }
    listed.add(m.name);
    const info = infoFields(m.section.settings, undefined);
    info.name = m.name;
    info.kind = claimingKind(m.section.settings);
    info.definedIn = [{ file: config.path, line: m.section.line }];
    info.problem = render(problem);
    listedMisnamed.push(info as ProfileInfo);
  }

  return {
    index,
    misnamed: listedMisnamed,
    header: { ssoSessions: [...ssoSessions.keys()], configFile: config.path, credentialsFile: credentials.path, fileProblems },
  };
}

/** The provider that would claim these settings first, ignoring whether it then succeeds. */
function claimingKind(s: Settings): ProfileKind {
  if (hasRoleVars(s)) return roleKind(s);
  if (str(s, 'web_identity_token_file')) return 'webIdentity';
  if (s.has('sso_account_id') || s.has('sso_role_name')) return 'sso';
  if (s.has('aws_access_key_id')) return 'static';
  if (s.has('login_session')) return 'login';
  if (s.has('credential_process')) return 'process';
  return 'none';
}

type Writable<T> = { -readonly [K in keyof T]?: T[K] };

/** The non-secret fields of ProfileInfo, as the CLI reads them (absent ones left out). */
function infoFields(s: Settings, ssoSession: Settings | undefined): Writable<ProfileInfo> {
  const f: Writable<ProfileInfo> = {};
  // Shown: a value's first line (see lineOne); the "if (v)" ones are left out when empty.
  let v = str(s, 'region');
  if (v) f.region = lineOne(v);
  if ((v = str(s, 'role_arn')) !== undefined) f.roleArn = lineOne(v);
  if ((v = str(s, 'source_profile')) !== undefined) f.sourceProfile = lineOne(v);
  if ((v = str(s, 'credential_source')) !== undefined) f.credentialSource = lineOne(v);
  if ((v = str(s, 'mfa_serial'))) f.mfaSerial = lineOne(v);
  if ((v = str(s, 'external_id'))) f.externalId = lineOne(v);
  if ((v = str(s, 'role_session_name'))) f.roleSessionName = lineOne(v);
  const seconds = (v = str(s, 'duration_seconds')) === undefined ? undefined : pythonInt(v);
  if (typeof seconds === 'number') f.durationSeconds = seconds;
  if ((v = str(s, 'sso_session')) !== undefined) f.ssoSession = lineOne(v);
  if ((v = str(s, 'sso_start_url') || str(ssoSession, 'sso_start_url'))) f.ssoStartUrl = lineOne(v);
  if ((v = str(s, 'sso_account_id'))) f.ssoAccountId = lineOne(v);
  if ((v = str(s, 'sso_role_name'))) f.ssoRoleName = lineOne(v);
  return f;
}

/** A setting for display in ProfileInfo: its first line (see firstLine), without the marker. */
function lineOne(v: string): string {
  const end = v.indexOf('\n');
  return end < 0 ? v : v.slice(0, end);
}

function describeProfile(name: string, entry: ProfileEntry, ix: Index, input: ProfileModelInput): ProfileInfo {
  const { settings: s, config: inConfig, credentials: inCredentials } = entry;
  const definedIn: ProfileLocation[] = inConfig ? [{ file: ix.configPath, line: inConfig.line }] : [];
  if (inCredentials) definedIn.push({ file: ix.credentialsPath, line: inCredentials.line });
  const sessionName = str(s, 'sso_session');
  const info = infoFields(s, sessionName !== undefined ? ix.ssoSessions.get(sessionName) : undefined);
  const result = resolveTop(name, ix);
  info.name = name;
  info.kind = result.status === 'credentials' || result.status === 'error' ? result.kind : 'none';
  info.definedIn = definedIn;
  const problem = firstProblem(name, s, info.region, result, ix, input, inConfig !== undefined, inCredentials !== undefined);
  if (problem) info.problem = render(problem);
  return info as ProfileInfo;
}

/** True when some value is a block or spans lines (a one-line value never holds a line break). */
function hasContinuedValue(s: Settings): boolean {
  for (const v of s.values()) if (typeof v !== 'string' || v.includes('\n')) return true;
  return false;
}

function firstProblem(
  name: string,
  s: Settings,
  region: string | undefined,
  result: ChainResult,
  ix: Index,
  input: ProfileModelInput,
  inConfig: boolean,
  inCredentials: boolean,
): Problem | undefined {
  // 1. A file the CLI refuses: nothing in it can be used.
  const refused = inConfig && input.config.cli.refusal ? input.config : inCredentials && input.credentials.cli.refusal ? input.credentials : undefined;
  if (refused) {
    const r = refused.cli.refusal!;
    return { cause: `The AWS CLI cannot read ${refused.path}, which defines this profile: ${r.cause}`, next: r.fix };
  }
  // 2. A value the CLI reads as an indented block, or continued on indented lines (rare: the
  // settings are looked at one by one only when some value is either, and a profile's values only
  // when its files have such a value at all).
  if (ix.someContinued && hasContinuedValue(s)) for (const key of ONE_LINE_KEYS) {
    const v = s.get(key);
    if (v === undefined) continue;
    if (typeof v !== 'string') {
      return {
        cause: `${key} of profile "${name}" has indented lines under it, which the AWS CLI reads as sub-settings instead of a value`,
        next: `put the value on the same line (${key} = VALUE) and remove the indentation of the lines below`,
      };
    }
    if (v.includes('\n')) {
      return {
        cause: `${key} of profile "${name}" is followed by indented lines, which the AWS CLI reads as more lines of its value`,
        next: `remove the indentation of the lines below ${key}`,
      };
    }
  }
  // 3. What the CLI's own resolution refuses, then what STS would refuse.
  if (result.status === 'error') return result.problem;
  if (result.status === 'none' && result.note) return result.note;
  if (region !== undefined && !isValidRegionName(region)) {
    return {
      cause: `Region ${quote(region)} of profile "${name}" is not a valid region name${
        looksCommented(region) ? NOT_A_COMMENT : ''
      }`,
      next: `write a region code such as us-east-1${looksCommented(region) ? ' and move the comment to a line of its own' : ''}`,
    };
  }
  // 4. The SDK this extension uses would read the profile differently.
  if (input.sdk) return sdkDifference(name, s, ix, input);
  return undefined;
}

/** What botocore's chain does for `aws --profile NAME`, plus the STS-side checks on each role. */
function resolveTop(name: string, ix: Index): ChainResult {
  const s = ix.profiles.get(name)!.settings;
  if (hasRoleVars(s)) return assumeRoleChain(name, ix);
  return providerChain(name, ix);
}

/** AssumeRoleProvider: walks source_profile links exactly as botocore's visited-list does. */
function assumeRoleChain(top: string, ix: Index): ChainResult {
  const topSettings = ix.profiles.get(top)!.settings;
  const kind = roleKind(topSettings);
  const fail = (problem: Problem): ChainResult => ({ status: 'error', kind, problem });
  const visited: string[] = [top];
  // Problems STS (not botocore) would raise: reported only if botocore itself finds none.
  let stsProblem: Problem | undefined;
  let current = top;
  for (let hops = 0; ; hops++) {
    if (hops > MAX_ROLE_CHAIN) {
      return fail({
        cause: `The source_profile chain of "${top}" is more than ${MAX_ROLE_CHAIN} roles long, and the AWS CLI gives up on chains that long`,
        next: 'shorten the chain',
      });
    }
    const s = ix.profiles.get(current)!.settings;
    const where = (): string => (current === top ? `Profile "${current}"` : `Profile "${current}" (in the source_profile chain of "${top}")`);
    // _get_role_config: presence decides, whatever the value (botocore checks `is not None`).
    const hasSource = s.has('source_profile');
    const hasCredentialSource = s.has('credential_source');
    if (hasSource && hasCredentialSource) {
      return fail({
        cause: `${where()} sets both source_profile and credential_source, and the AWS CLI accepts only one`,
        next: 'keep source_profile (to use another profile\'s credentials) or credential_source (Environment, Ec2InstanceMetadata or EcsContainer), not both',
      });
    }
    if (!hasSource && !hasCredentialSource) {
      return fail({
        cause: `${where()} has role_arn but neither source_profile nor credential_source, so the AWS CLI has no credentials to assume the role with`,
        next: 'add source_profile = <a profile with credentials>, or credential_source = Environment, Ec2InstanceMetadata or EcsContainer (or web_identity_token_file for web identity)',
      });
    }
    if (hasCredentialSource) {
      const credentialSource = s.get('credential_source')!;
      if (typeof credentialSource !== 'string' || !CREDENTIAL_SOURCES.includes(credentialSource)) {
        return fail({
          cause: `credential_source ${showValue('credential_source', credentialSource)} of profile "${current}" is not one the AWS CLI knows`,
          next: 'use Environment, Ec2InstanceMetadata or EcsContainer, spelled exactly so',
        });
      }
      stsProblem ??= roleProblem(current, s, false);
      return stsProblem ? fail(stsProblem) : CREDENTIALS[kind];
    }
    const sourceProfile = s.get('source_profile')!;
    if (typeof sourceProfile !== 'string') {
      // botocore fails looking the block up as a profile name.
      return fail({ cause: `source_profile of profile "${current}" has indented lines under it instead of a profile name`, next: 'put the name on the same line as source_profile =' });
    }
    const source = sourceProfile;
    const sourceEntry = ix.profiles.get(source);
    if (!sourceEntry) {
      return fail({
        cause: `The source_profile ${quote(source)} of profile "${current}" does not exist in ${ix.configPath} or ${ix.credentialsPath}`,
        next: `add [profile ${firstLine(source)}] to the config file (or [${firstLine(source)}] to the credentials file), or fix the name`,
      });
    }
    const sourceSettings = sourceEntry.settings;
    // Chains are a few roles long (at most MAX_ROLE_CHAIN): a list is cheaper than a set.
    if (visited.includes(source)) {
      if (source !== current) {
        return fail({
          cause: `The source_profile chain of "${top}" loops: ${[...visited, source].map((p) => `"${p}"`).join(' -> ')}`,
          next: 'end the chain at a profile with its own credentials (keys, SSO, credential_process or credential_source)',
        });
      }
      if (!hasStatic(sourceSettings)) {
        return fail({
          cause: `${where()} names itself as source_profile but has no aws_access_key_id of its own`,
          next: `add the access keys to "${current}", or point source_profile at a profile that has credentials`,
        });
      }
    }
    visited.push(source);
    if (hasStatic(sourceSettings) || !hasRoleVars(sourceSettings)) {
      // The source is resolved by the profile providers alone (no assume role at this level).
      const r = providerChain(source, ix);
      if (r.status === 'error') {
        return fail({ cause: `Source profile "${source}" (of "${current}") cannot be used: ${r.problem.cause}`, next: r.problem.next });
      }
      if (r.status === 'none') {
        return fail({
          cause: `Source profile "${source}" (of "${current}") has no credentials of its own${r.note ? `: ${r.note.cause}` : ''}`,
          next: r.note?.next ?? `give "${source}" access keys, SSO settings or credential_process, or point source_profile at a profile that has them`,
        });
      }
      stsProblem ??= roleProblem(current, s, false);
      return stsProblem ? fail(stsProblem) : CREDENTIALS[kind];
    }
    // The source is itself a role: the current role is assumed with role credentials (chaining).
    stsProblem ??= roleProblem(current, s, true);
    current = source;
  }
}

/** What STS would refuse about assuming the role of profile `name`. */
function roleProblem(name: string, s: Settings, chained: boolean): Problem | undefined {
  return arnProblem(name, s) ?? durationProblem(name, s, chained);
}

function arnProblem(name: string, s: Settings): Problem | undefined {
  if (s.has('role_arn') && typeof s.get('role_arn') !== 'string') {
    return { cause: `role_arn of profile "${name}" has indented lines under it instead of an ARN`, next: 'put the ARN on the same line as role_arn =' };
  }
  const arn = str(s, 'role_arn') ?? '';
  if (!isRoleArn(arn)) {
    return {
      cause: `role_arn ${quote(arn)} of profile "${name}" is not an IAM role ARN${looksCommented(arn) ? NOT_A_COMMENT : ''}`,
      next: 'use the form arn:aws:iam::<12-digit account id>:role/<role name>, as the IAM console shows it',
    };
  }
  return undefined;
}

/** The session length botocore asks for: int(value), or STS's one hour when int() rejects it. */
function durationSent(raw: string | undefined): number | 'other' {
  return (raw === undefined ? undefined : pythonInt(raw)) ?? 3600;
}

/** The session length fromIni asks for: parseInt(value || "3600"). */
function sdkDuration(raw: string | undefined): number {
  return Number.parseInt(raw || '3600', 10);
}

function durationProblem(name: string, s: Settings, chained: boolean): Problem | undefined {
  const raw = str(s, 'duration_seconds');
  if (raw === undefined) return undefined;
  const cli = pythonInt(raw);
  const cliEffective = durationSent(raw);
  const sdkEffective = sdkDuration(raw);
  if (cliEffective !== sdkEffective) {
    return {
      cause: `duration_seconds ${quote(raw)} of profile "${name}" is not a plain number of seconds: the AWS CLI ${
        cli === undefined ? 'ignores it (one-hour sessions)' : 'reads it as a number'
      } and the AWS SDK this extension uses reads it as ${Number.isNaN(sdkEffective) ? 'not a number' : sdkEffective}`,
      next: `write a whole number of seconds from ${MIN_ROLE_DURATION_SECONDS} to ${MAX_ROLE_DURATION_SECONDS}, or delete the line`,
    };
  }
  if (cli === undefined || cli === 'other') return undefined;
  if (cli < MIN_ROLE_DURATION_SECONDS || cli > MAX_ROLE_DURATION_SECONDS) {
    return {
      cause: `duration_seconds ${cli} of profile "${name}" is outside what STS accepts (${MIN_ROLE_DURATION_SECONDS} to ${MAX_ROLE_DURATION_SECONDS} seconds)`,
      next: `choose a value from ${MIN_ROLE_DURATION_SECONDS} to ${MAX_ROLE_DURATION_SECONDS} that the role's maximum session duration allows`,
    };
  }
  if (chained && cli > CHAINED_ROLE_MAX_DURATION_SECONDS) {
    return {
      cause: `duration_seconds ${cli} of profile "${name}" is over one hour, which STS refuses when the role is assumed with another role's credentials (role chaining)`,
      next: `set duration_seconds to ${CHAINED_ROLE_MAX_DURATION_SECONDS} or less`,
    };
  }
  return undefined;
}

/**
 * The profile providers after AssumeRole, in botocore's order: web identity, SSO, the
 * credentials file's keys, login, credential_process, the config file's keys.
 */
function providerChain(name: string, ix: Index): ChainResult {
  const entry = ix.profiles.get(name)!;
  const s = entry.settings;
  // Web identity: claimed when web_identity_token_file has a (truthy) value.
  const tokenFile = s.get('web_identity_token_file');
  if (tokenFile) {
    const roleArn = s.get('role_arn');
    if (!roleArn) {
      return {
        status: 'error',
        kind: 'webIdentity',
        problem: { cause: `Profile "${name}" has web_identity_token_file but no role_arn`, next: 'add the role_arn of the role to assume with the web identity token' },
      };
    }
    // Neither botocore nor the SDK sends duration_seconds with AssumeRoleWithWebIdentity.
    const sts = typeof roleArn === 'string' ? arnProblem(name, s) : undefined;
    return sts ? { status: 'error', kind: 'webIdentity', problem: sts } : CREDENTIALS.webIdentity;
  }
  // IAM Identity Center: claimed when sso_account_id or sso_role_name is set.
  const sso = ssoCheck(name, s, ix);
  if (sso) return sso;
  // Static keys in the credentials file: both must be in that file's section.
  const credSection = entry.credentials?.settings;
  if (credSection?.has('aws_access_key_id')) {
    if (!credSection.has('aws_secret_access_key')) return partialKeys(name, ix.credentialsPath);
    return CREDENTIALS.static;
  }
  if (s.has('login_session')) return CREDENTIALS.login;
  if (s.has('credential_process')) {
    const command = s.get('credential_process');
    if (typeof command !== 'string') {
      // botocore hands the block to its command-line splitter, which fails.
      return {
        status: 'error',
        kind: 'process',
        problem: { cause: `credential_process of profile "${name}" has indented lines under it instead of a command`, next: 'put the command on the same line as credential_process =' },
      };
    }
    if (pyStrip(command) === '') {
      return {
        status: 'error',
        kind: 'process',
        problem: { cause: `credential_process of profile "${name}" is empty`, next: 'set it to the command that prints the credentials, or delete the line' },
      };
    }
    return CREDENTIALS.process;
  }
  const configSection = entry.config?.settings;
  if (configSection?.has('aws_access_key_id')) {
    if (!configSection.has('aws_secret_access_key')) return partialKeys(name, ix.configPath);
    return CREDENTIALS.static;
  }
  return { status: 'none', ...noneNote(name, s, ix) };
}

function partialKeys(name: string, file: string): ChainResult {
  return {
    status: 'error',
    kind: 'static',
    problem: {
      cause: `Profile "${name}" has aws_access_key_id but no aws_secret_access_key in ${file} (the AWS CLI needs both in the same file)`,
      next: 'add aws_secret_access_key next to the key id, in the same section',
    },
  };
}

/** Settings that look like credentials but that no provider uses: say so rather than "no credentials". */
function noneNote(name: string, s: Settings, ix: Index): { note?: Problem } {
  if (s.has('aws_secret_access_key') || s.has('aws_session_token')) {
    return {
      note: {
        cause: `Profile "${name}" has ${s.has('aws_secret_access_key') ? 'aws_secret_access_key' : 'aws_session_token'} but no aws_access_key_id, so the AWS CLI ignores its keys`,
        next: 'add aws_access_key_id in the same section',
      },
    };
  }
  const session = str(s, 'sso_session');
  if (session !== undefined && !ix.ssoSessions.has(session)) return { note: missingSession(name, session) };
  const legacy = ['sso_start_url', 'sso_region'].filter((k) => s.has(k));
  if (session === undefined && legacy.length > 0) {
    return {
      note: {
        cause: `Profile "${name}" has ${legacy.join(' and ')} but no sso_account_id or sso_role_name, so the AWS CLI gets no IAM Identity Center credentials from it`,
        next: `add sso_account_id and sso_role_name (aws configure sso --profile ${name} writes them)`,
      },
    };
  }
  return {};
}

function missingSession(name: string, session: string): Problem {
  return {
    cause: `The sso_session ${quote(session)} of profile "${name}" has no [sso-session ${firstLine(session)}] section in the config file`,
    next: `add [sso-session ${firstLine(session)}] with sso_start_url and sso_region, or fix the name`,
  };
}

/** SSOProvider._load_sso_config: required settings, sso-session lookup and consistency. */
function ssoCheck(name: string, s: Settings, ix: Index): ChainResult | undefined {
  if (!s.has('sso_account_id') && !s.has('sso_role_name')) return undefined;
  // The profile's settings with its sso-session's merged in, read without copying either.
  let session: Settings | undefined;
  if (s.has('sso_session')) {
    const sessionName = s.get('sso_session');
    if (typeof sessionName !== 'string') return ssoFailure({ cause: `sso_session of profile "${name}" has indented lines under it`, next: 'put the value on the same line' });
    session = ix.ssoSessions.get(sessionName);
    if (!session) return ssoFailure(missingSession(name, sessionName));
    const conflict = sessionConflict(name, s, sessionName, session);
    if (conflict) return ssoFailure(conflict);
  }
  const required = session ? SSO_REQUIRED_WITH_SESSION : SSO_REQUIRED;
  for (let i = 0; i < required.length; i++) {
    const key = required[i]!;
    if (!s.has(key) && !session?.has(key)) {
      const missing = required.filter((k) => !s.has(k) && !session?.has(k));
      return ssoFailure({
        cause: `Profile "${name}" is set up for IAM Identity Center but lacks ${missing.join(', ')}`,
        next: `add them (sso_start_url and sso_region can live in an [sso-session]); aws configure sso --profile ${name} writes them`,
      });
    }
  }
  return CREDENTIALS.sso;
}

function ssoFailure(problem: Problem): ChainResult {
  return { status: 'error', kind: 'sso', problem };
}

/** A setting the profile gives a value other than its sso-session's (botocore refuses those). */
function sessionConflict(name: string, s: Settings, sessionName: string, session: Settings): Problem | undefined {
  // In the session's order, as botocore compares them. The session's entries are listed once:
  // thousands of profiles share a session, and iterating a Map allocates on every step until V8
  // has optimised the loop, which a first listing mostly runs without.
  let entries = SESSION_ENTRIES.get(session);
  if (!entries) SESSION_ENTRIES.set(session, (entries = [...session]));
  for (let i = 0; i < entries.length; i++) {
    // Indexed, not destructured: unoptimised array destructuring steps an iterator too.
    const entry = entries[i]!;
    const k = entry[0];
    const theirs = entry[1];
    const own = s.get(k);
    if (own !== undefined && !sameValue(own, theirs)) {
      return {
        cause: `Profile "${name}" sets ${k} to ${showValue(k, own)} but its sso-session "${sessionName}" says ${showValue(k, theirs)}`,
        next: `remove ${k} from the profile (the sso-session's value applies), or make the two equal`,
      };
    }
  }
  return undefined;
}

const SESSION_ENTRIES = new WeakMap<Settings, ReadonlyArray<readonly [string, IniValue]>>();

const SSO_REQUIRED = ['sso_role_name', 'sso_account_id', 'sso_start_url', 'sso_region'];
const SSO_REQUIRED_WITH_SESSION = [...SSO_REQUIRED, 'sso_session'];

/** A value for a message: quoted, except secrets (never shown) and blocks. */
function showValue(key: string, v: IniValue): string {
  if (SECRET_KEYS.has(key)) return 'one value';
  return typeof v === 'string' ? quote(v) : 'a block of sub-settings';
}

function sameValue(a: IniValue, b: IniValue): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/** Where the SDK's reading of a profile differs from the CLI's in a way that changes credentials. */
function sdkDifference(name: string, s: Settings, ix: Index, input: ProfileModelInput): Problem | undefined {
  const sdk = input.sdk!;
  const next =
    'write each setting as a plain "key = value" line in lower case at the start of its line, with no comment after the value, and keep the [section] header alone on its line';
  const sdkProfile = Object.prototype.hasOwnProperty.call(sdk, name) ? sdk[name] : undefined;
  if (!sdkProfile) {
    return { cause: `The AWS SDK for JavaScript, which this extension uses, does not see profile "${name}"${whySdkMisses(name, ix, input)}`, next: sdkHeaderAdvice(name, ix, input) };
  }
  const differences: string[] = [];
  const compare = (key: string, cliValue: string | undefined, sdkValue: string | undefined, label = key): void => {
    if (cliValue === sdkValue) return;
    if (SECRET_KEYS.has(key)) {
      const state = (v: string | undefined): string => (v === undefined ? 'missing' : 'set');
      differences.push(
        cliValue !== undefined && sdkValue !== undefined ? `${label} differs between the two` : `${label} is ${state(cliValue)} for the CLI but ${state(sdkValue)} for the SDK`,
      );
    } else {
      const show = (v: string | undefined): string => (v === undefined ? 'missing' : quote(v));
      differences.push(`${label} is ${show(cliValue)} for the CLI but ${show(sdkValue)} for the SDK`);
    }
  };
  for (const key of CREDENTIAL_KEYS) {
    if (key === 'duration_seconds') {
      // What matters is the duration each would ask STS for (see durationProblem).
      if (durationSent(str(s, key)) !== sdkDuration(sdkProfile[key])) compare(key, str(s, key), sdkProfile[key]);
      continue;
    }
    compare(key, str(s, key), sdkProfile[key]);
  }
  const sessionName = str(s, 'sso_session');
  if (sessionName !== undefined && sdkProfile.sso_session === sessionName) {
    const cliSession = ix.ssoSessions.get(sessionName);
    const sdkSession = sdk[`sso-session.${sessionName}`];
    for (const key of ['sso_start_url', 'sso_region']) {
      const label = `${key} of [sso-session ${sessionName}]`;
      const cliValue = cliSession?.get(key);
      // A block (indented sub-settings) is never what the SDK reads: its parser files the lines
      // under `key.sub` names and leaves `key` itself unset or empty.
      if (cliValue !== undefined && typeof cliValue !== 'string') {
        const sdkValue = sdkSession?.[key];
        differences.push(`${label} is ${showValue(key, cliValue)} for the CLI but ${sdkValue === undefined ? 'missing' : quote(sdkValue)} for the SDK`);
      } else compare(key, cliValue, sdkSession?.[key], label);
    }
  }
  if (differences.length === 0) return undefined;
  const shown = differences.slice(0, 3).join('; ') + (differences.length > 3 ? `; and ${differences.length - 3} more` : '');
  return { cause: `The AWS SDK for JavaScript, which this extension uses, reads profile "${name}" differently from the AWS CLI: ${shown}`, next };
}

/** smithy's parseIni: `prefix name` headers (one space, a limited alphabet) become "prefix.name". */
const SDK_PREFIXED_HEADER = /^([\w-]+)\s(["'])?([\w\-@+.%:/]+)\2$/;
const SDK_SECTION_TYPES = ['profile', 'sso-session', 'services'];

/** The profile name the SDK gives a section header of the config or credentials file, if any. */
function sdkProfileName(header: string, file: 'config' | 'credentials'): string | undefined {
  const m = SDK_PREFIXED_HEADER.exec(header);
  const key = m ? (SDK_SECTION_TYPES.includes(m[1]!) ? `${m[1]}.${m[3]}` : undefined) : header;
  if (key === undefined || file === 'credentials') return key;
  if (key === 'default') return key;
  return key.startsWith('profile.') ? key.slice('profile.'.length) : undefined;
}

function whySdkMisses(name: string, ix: Index, input: ProfileModelInput): string {
  const inConfig = ix.profiles.get(name)?.config;
  const inCredentials = ix.profiles.get(name)?.credentials;
  if (inConfig && input.sdkIgnores?.config) return ` (it ignores ${ix.configPath}: ${input.sdkIgnores.config})`;
  if (inCredentials && input.sdkIgnores?.credentials) return ` (it ignores ${ix.credentialsPath}: ${input.sdkIgnores.credentials})`;
  if (inCredentials && sdkProfileName(inCredentials.header, 'credentials') !== name) {
    const sdkName = sdkProfileName(inCredentials.header, 'credentials');
    return sdkName === undefined
      ? ': in the credentials file it drops a section name of two words unless the first is profile, sso-session or services'
      : `: in the credentials file it reads [${inCredentials.header}] as a profile named ${JSON.stringify(sdkName)}`;
  }
  if (inConfig && sdkProfileName(inConfig.header, 'config') !== name) {
    return ': in the config file it reads only [profile NAME] headers with exactly one space before NAME and NAME made of letters, digits and - _ @ + . % : /';
  }
  return ': it reads no setting from this section (it takes only plain "key = value" lines, under a header that is alone on its line)';
}

function sdkHeaderAdvice(name: string, ix: Index, input: ProfileModelInput): string {
  const inConfig = ix.profiles.get(name)?.config;
  const inCredentials = ix.profiles.get(name)?.credentials;
  if ((inCredentials && input.sdkIgnores?.credentials) || (inConfig && input.sdkIgnores?.config)) return 'rename the section the SDK refuses';
  if (inCredentials && /^profile\s/.test(name)) return `write the section as [${name.replace(/^profile\s+/, '')}] in the credentials file`;
  const named = (inCredentials && sdkProfileName(inCredentials.header, 'credentials') !== name) || (inConfig && sdkProfileName(inConfig.header, 'config') !== name);
  if (named) {
    return 'rename the profile so its name uses only letters, digits and - _ @ + . % : /, and write its header as [profile NAME] (config file) or [NAME] (credentials file)';
  }
  return 'write each setting as a plain "key = value" line and keep the [section] header alone on its line';
}
