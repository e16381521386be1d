/**
 * botocore's profile map: which sections of the two files are profiles, and how the files merge
 * (configloader.build_profile_map and session.full_config). In the config file a profile is
 * `[default]` or `[profile NAME]`, NAME read by shlex.split (so `[profile "my name"]` and
 * `[profile  x]` are profiles `my name` and `x`); a later section for the same name replaces an
 * earlier one. In the credentials file every section is a profile named by its whole header (so
 * `[profile x]` there is a profile named `profile x`), its values over the config file's.
 *
 * Sections the CLI ignores but that look meant as profiles (`[profile a b]`, `[dev]` with keys in
 * the config file) are kept aside, so the listing can say why they do nothing.
 *
 * Pure: no `vscode`, no I/O.
 */
import type { IniReading, IniSection } from './iniParser';
import type { SharedFiles } from './configFiles';
import type { Settings } from './problems';
import { shlexSplit } from './pythonText';

/** One profile: the sections it comes from, and its settings as botocore merges them. */
export class ProfileEntry {
  private merged: Settings | undefined;

  constructor(
    /** Its section in the config file, if it has one. */
    readonly config: IniSection | undefined,
    /** Its section in the credentials file, if it has one. */
    public credentials?: IniSection,
  ) {}

  /** Its settings: the config file's, with the credentials file's values over them. */
  get settings(): Settings {
    const { config, credentials } = this;
    if (!config) return credentials!.settings;
    if (!credentials) return config.settings;
    if (!this.merged) {
      const merged = new Map(config.settings);
      credentials.settings.forEach((v, k) => merged.set(k, v));
      this.merged = merged;
    }
    return this.merged;
  }
}

/** A config-file section the CLI ignores, though it looks meant as a profile. */
export interface IgnoredSection {
  readonly section: IniSection;
  /** The name the user probably meant, when there is one. */
  readonly name?: string;
  readonly why: string;
  readonly fix: string;
}

export interface ProfileIndex {
  readonly configPath: string;
  readonly credentialsPath: string;
  readonly configRefusal: IniReading['refusal'];
  readonly credentialsRefusal: IniReading['refusal'];
  /**
   * session.full_config['profiles'] in botocore's order (the config file's profiles, then those
   * only in the credentials file). A plain Map: one entry per profile, each looked up by name
   * when a source_profile chain is walked.
   */
  readonly profiles: ReadonlyMap<string, ProfileEntry>;
  readonly ssoSessions: ReadonlyMap<string, Settings>;
  readonly ignored: ReadonlyArray<IgnoredSection>;
  /** Whether either file has a value that spans lines or is a block (IniReading.continuedValues). */
  readonly someContinued: boolean;
  /** Problems with the files themselves, each a sentence with its next step. */
  readonly fileProblems: ReadonlyArray<string>;
}

/** Settings that decide which credentials a profile gets: a section with one is meant as a profile. */
const CREDENTIAL_KEYS = [
  'role_arn', 'source_profile', 'credential_source', 'mfa_serial', 'external_id', 'role_session_name', 'duration_seconds', 'web_identity_token_file',
  'sso_session', 'sso_start_url', 'sso_region', 'sso_account_id', 'sso_role_name', 'credential_process', 'login_session', 'aws_access_key_id',
  'aws_secret_access_key', 'aws_session_token',
];

/**
 * A header shlex.split reads as just `profile` and the rest: one space, then no whitespace, quote
 * or backslash. Nearly every profile header is one; matching it spares the character-by-character
 * splitter, which a fresh extension host runs slowly (interpreted) for each of thousands of headers.
 */
const PLAIN_PROFILE_HEADER = /^profile [^\s'"\\]+$/;

/** Indexes both files as botocore does. Never throws. */
export function indexProfiles(files: SharedFiles): ProfileIndex {
  const { config, credentials } = files;
  const fileProblems: string[] = [...files.fileProblems];
  for (const f of [config, credentials]) {
    const r = f.reading.refusal;
    if (r) fileProblems.push(`The AWS CLI cannot read ${f.path}: ${r.cause}. Until this is fixed every aws command fails, whichever profile it uses. Next step: ${r.fix}.`);
  }
  const profiles = new Map<string, ProfileEntry>();
  const ssoSessions = new Map<string, Settings>();
  const ignored: IgnoredSection[] = [];
  // forEach, not for-of: this runs for every section when the view first opens, and until V8
  // optimizes the loop each step of an iterator allocates.
  config.reading.sections.forEach((section) => {
    const h = section.header;
    if (PLAIN_PROFILE_HEADER.test(h)) {
      profiles.set(h.slice('profile '.length), new ProfileEntry(section));
    } else if (h.startsWith('profile')) {
      const parts = shlexSplit(h);
      if (parts?.length === 2) profiles.set(parts[1]!, new ProfileEntry(section));
      else if (parts === undefined || parts.length > 2) {
        const name = parts ? parts.slice(1).join(' ') : h.slice('profile'.length).trim();
        ignored.push({
          section,
          name,
          why: parts ? 'a profile name with spaces must be in quotes' : 'its quotes are not balanced',
          fix: `write the header as [profile ${JSON.stringify(name)}]`,
        });
      } else if (h === 'profile') {
        ignored.push({ section, why: 'it has no profile name', fix: 'write the header as [profile NAME]' });
      }
    } else if (h.startsWith('sso-session')) {
      const parts = shlexSplit(h);
      if (parts?.length === 2) ssoSessions.set(parts[1]!, section.settings);
    } else if (h === 'default') {
      // [default] needs no prefix; with [profile default] too, the later section wins.
      profiles.set('default', new ProfileEntry(section));
    } else if (!h.startsWith('services') && CREDENTIAL_KEYS.some((k) => section.settings.has(k))) {
      ignored.push({
        section,
        name: h,
        why: 'in the config file a profile section is written [profile NAME] (only [default] needs no prefix)',
        fix: `rename the header to [profile ${/^[\w\-@+.%:/]+$/.test(h) ? h : JSON.stringify(h)}]`,
      });
    }
  });
  // Credentials-file sections are profiles too, their values over the config's. A name the
  // config file also defines keeps its place in the config file's order.
  for (const section of credentials.reading.sections) {
    const fromConfig = profiles.get(section.header);
    if (fromConfig) fromConfig.credentials = section;
    else profiles.set(section.header, new ProfileEntry(undefined, section));
  }
  return {
    configPath: config.path,
    credentialsPath: credentials.path,
    configRefusal: config.reading.refusal,
    credentialsRefusal: credentials.reading.refusal,
    profiles,
    ssoSessions,
    ignored,
    someContinued: config.reading.continuedValues || credentials.reading.continuedValues,
    fileProblems,
  };
}
