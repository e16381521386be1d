/**
 * One reading of the shared files, shared by everything that asks about profiles until either
 * file changes: the Profiles view, the pickers, the check before a switch, the switch itself, the
 * terminals' check and the API. The VS Code side keeps the current snapshot and drops it when its
 * file watcher fires; the core asks for one through a function, so tests read afresh each time.
 *
 * The files are read and indexed once (configFiles.ts, profileIndex.ts); each profile is walked
 * (chains.ts) when the listing or a plan first needs it.
 */
import type { Logger, ProfileListing, ProfileModel, SsoSessionConfig } from '../shared/types';
import { type ConfigPaths, EMPTY_READING, MAX_SHARED_FILE_BYTES, readSharedFiles, type SharedFiles } from './configFiles';
import type { ClientSettings, CredentialPlan } from './credentialPlan';
import { indexProfiles, type ProfileIndex } from './profileIndex';
import { type IndexedListing, listingOf, listProfiles } from './profiles';
import { ssoSessionsOf } from './sso';

export interface ConfigSnapshot {
  readonly paths: ConfigPaths;
  /** Every profile as the AWS CLI reads them, each described when first asked for. */
  readonly listing: ProfileListing;
  /**
   * How the AWS CLI would get `profile`'s credentials, or why it cannot (the same text as the
   * profile's `problem` in the listing; a missing profile has its own message).
   */
  plan(profile: string): CredentialPlan | { readonly problem: string };
  /**
   * The settings the SDK's clients would read from the shared config for themselves (FIPS,
   * dual-stack, app id, auth scheme preference), read from this snapshot instead: from the profile
   * the SDK reads them for (AWS_PROFILE, else `default`), environment variables first as the SDK
   * does. Handed to every client of a switch so that no client reads the files again.
   */
  clientSettings(env: NodeJS.ProcessEnv): ClientSettings;
  /**
   * The IAM Identity Center sign-ins the config names, with their start URL, region and scopes
   * (the sign-in nodes of the Profiles view): `[sso-session]` sections, then legacy start URLs.
   * Made from the same reading when first asked for.
   */
  readonly ssoSessions: ReadonlyArray<SsoSessionConfig>;
}

/** Reads both files once. Never throws: unreadable files become file problems in the listing. */
export async function readConfigSnapshot(paths: ConfigPaths, opts: { logger?: Logger; maxFileBytes?: number } = {}): Promise<ConfigSnapshot> {
  try {
    return snapshotOf(await readSharedFiles(paths, opts.maxFileBytes ?? MAX_SHARED_FILE_BYTES));
  } catch (e) {
    // Not expected (reading turns every file error into a file problem); said rather than thrown.
    opts.logger?.error('Reading the AWS shared config files failed unexpectedly.', e);
    return unreadable(paths, e);
  }
}

/** The snapshot of files already read (tests build them from text). */
export function snapshotOf(files: SharedFiles): ConfigSnapshot {
  const index = indexProfiles(files);
  const listing = listProfiles(index);
  const paths = { configFile: files.config.path, credentialsFile: files.credentials.path };
  let ssoSessions: SsoSessionConfig[] | undefined;
  return {
    paths,
    listing,
    plan: (name) => planOf(name, listing, paths),
    clientSettings: (env) => clientSettingsOf(index, env),
    get ssoSessions() {
      return (ssoSessions ??= ssoSessionsOf(index));
    },
  };
}

/** The plan from the same description the listing gives, so its problem is the listing's. */
function planOf(name: string, listing: IndexedListing, paths: ConfigPaths): CredentialPlan | { readonly problem: string } {
  const described = listing.describe(name);
  if (!described) {
    return {
      problem: `Profile "${name}" was not found in ${paths.configFile} or ${paths.credentialsFile}. Check the name (config sections are written [profile ${name}]), or refresh the profile list.`,
    };
  }
  const { info, resolution } = described;
  if (info.problem) return { problem: info.problem };
  if (!resolution?.source) {
    return {
      problem: `Profile "${name}" sets no credentials. Add aws_access_key_id/aws_secret_access_key, role_arn with source_profile or credential_source, sso_session, or credential_process to it.`,
    };
  }
  const { source, roles } = resolution;
  // GetSessionToken with MFA applies to long-lived keys only (a session token cannot be exchanged).
  const sessionTokenMfaSerial = source.type === 'static' && roles.length === 0 && !source.sessionToken ? info.mfaSerial : undefined;
  return {
    profile: name,
    kind: info.kind,
    source,
    roles,
    ...(info.region !== undefined ? { region: info.region } : {}),
    ...(sessionTokenMfaSerial ? { sessionTokenMfaSerial } : {}),
  };
}

/**
 * A setting as the SDK's own parser would give it: it cuts a comment that follows whitespace, and
 * reads `key =` with nothing after it as the start of a sub-section (so: unset).
 */
function sdkValue(index: ProfileIndex, profile: string, key: string): string | undefined {
  const entry = index.profiles.get(profile);
  // The SDK's clients take the config file's value over the credentials file's (preferredFile "config").
  for (const section of [entry?.config, entry?.credentials]) {
    const v = section?.settings.get(key);
    if (typeof v !== 'string') continue;
    const value = v.split(/(?:^|\s)[;#]/)[0]!.trim();
    if (value !== '') return value;
  }
  return undefined;
}

/** smithy's booleanSelector: exactly "true" or "false"; anything else falls through to the next source. */
function sdkBoolean(v: string | undefined): boolean | undefined {
  return v === 'true' ? true : v === 'false' ? false : undefined;
}

/** The SDK's comma list: split on commas, each item trimmed; an empty value is an empty list. */
const commaList = (v: string): string[] => (v.length > 0 ? v.split(',').map((item) => item.trim()) : []);

/** loadConfig's chain for each setting: the environment, then the profile's setting, then the default. */
function clientSettingsOf(index: ProfileIndex, env: NodeJS.ProcessEnv): ClientSettings {
  // getProfileName: an empty AWS_PROFILE counts as unset.
  const profile = env.AWS_PROFILE || 'default';
  const file = (key: string): string | undefined => sdkValue(index, profile, key);
  const appIdFromEnv = env.AWS_SDK_UA_APP_ID;
  const authFromEnv = env.AWS_AUTH_SCHEME_PREFERENCE;
  const authFromFile = file('auth_scheme_preference');
  return {
    useFipsEndpoint: sdkBoolean(env.AWS_USE_FIPS_ENDPOINT) ?? sdkBoolean(file('use_fips_endpoint')) ?? false,
    useDualstackEndpoint: sdkBoolean(env.AWS_USE_DUALSTACK_ENDPOINT) ?? sdkBoolean(file('use_dualstack_endpoint')) ?? false,
    // An empty AWS_SDK_UA_APP_ID is a value (the SDK only skips an unset one).
    userAgentAppId: appIdFromEnv !== undefined ? appIdFromEnv : (file('sdk_ua_app_id') ?? file('sdk-ua-app-id')),
    authSchemePreference: authFromEnv !== undefined ? commaList(authFromEnv) : authFromFile !== undefined ? commaList(authFromFile) : [],
  };
}

/** The snapshot when reading failed in a way nothing above expects: no profiles, and why. */
function unreadable(paths: ConfigPaths, e: unknown): ConfigSnapshot {
  const model: ProfileModel = {
    profiles: [],
    ssoSessions: [],
    configFile: paths.configFile,
    credentialsFile: paths.credentialsFile,
    fileProblems: [
      `The profiles could not be read because of an unexpected error (${e instanceof Error ? e.message : String(e)}). Next step: run "Reload Profiles"; if it persists, report it with the log.`,
    ],
  };
  const listing = listingOf(model);
  const nothing = indexProfiles({ config: { path: paths.configFile, reading: EMPTY_READING }, credentials: { path: paths.credentialsFile, reading: EMPTY_READING }, fileProblems: [] });
  return { paths, listing, plan: (name) => planOf(name, listing, paths), clientSettings: (env) => clientSettingsOf(nothing, env), ssoSessions: [] };
}

// Thin wrappers for the tests and the bench, which read the files afresh each time.

/** Every profile described, read afresh. `only`: describe just that profile (the model then lists it alone). */
export async function loadProfileModel(paths: ConfigPaths, opts: { logger?: Logger; maxFileBytes?: number; only?: string } = {}): Promise<ProfileModel> {
  const { listing } = await readConfigSnapshot(paths, opts);
  if (opts.only === undefined) return listing.model();
  const one = listing.profile(opts.only);
  const { ssoSessions, configFile, credentialsFile, fileProblems } = listing;
  return { ssoSessions, configFile, credentialsFile, fileProblems, profiles: one ? [one] : [] };
}

/** The listing, read afresh. */
export async function loadProfileListing(paths: ConfigPaths, opts: { logger?: Logger; maxFileBytes?: number } = {}): Promise<ProfileListing> {
  return (await readConfigSnapshot(paths, opts)).listing;
}

/** Why `name` cannot be used (its plan's problem), read afresh; undefined when it can. */
export async function profileProblem(paths: ConfigPaths, name: string, logger?: Logger): Promise<string | undefined> {
  const plan = (await readConfigSnapshot(paths, logger ? { logger } : {})).plan(name);
  return 'problem' in plan ? plan.problem : undefined;
}
