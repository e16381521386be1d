/**
 * Credentials for a named profile, resolved by the SDK's own `fromIni` so every kind the AWS CLI
 * supports works the same way: static keys, `role_arn` + `source_profile` chains (with
 * `mfa_serial`, `external_id`, `duration_seconds`), `credential_source`, `credential_process`,
 * `web_identity_token_file` and IAM Identity Center (SSO).
 *
 * Two additions on top of `fromIni`:
 *  - a static-key profile with `mfa_serial` (and no role) gets `GetSessionToken` with MFA, so
 *    MFA-protected APIs work (the CLI itself ignores `mfa_serial` there);
 *  - a top-level SSO profile is resolved with `fromSSO` directly, because `fromIni` does not pass
 *    `filepath`/`configFilepath` on to it (SSO profiles in a non-default config file would fail).
 *
 * Region: passed as `parentClientConfig.region`, NOT `clientConfig.region`: the SDK lets
 * `clientConfig.region` override `sso_region` for the SSO portal call, while the parent region is
 * only a fallback after the profile's own `region` for the inner STS client.
 */
import { loadSdk } from './sdkLoader';
import { askForMfaCode, isMfaPromptFailure } from './mfa';
import { ClockSkew, DEFAULT_STS_TUNING, StsObservation, StsTuning, getSessionToken, stsClientConfig, stsObserverPlugin } from './sts';
import { UserFacingError, toUserFacingError } from './errors';
import { AwsCredentials, MfaCodeProvider, MfaPromptContext, systemClock } from '../shared/types';
import type { ConfigPaths } from '../config/configFiles';
import { type IndexedTexts, type SdkProfileReading, indexTexts, readProfileAsSdk, sdkParse, withInMemoryFiles } from './sdkSections';
import { type SdkClientSettings, readSdkClientSettings } from './clientSettings';
import { promises as fs } from 'node:fs';

/** How a profile yields credentials, decided with the same rules and order as `fromIni`. */
export type ProfileCredentialKind = 'assumeRole' | 'static' | 'webIdentity' | 'process' | 'sso' | 'login' | 'none';

/** What the config files say about a profile, read with the SDK's own INI parser. No secrets. */
export interface ProfileFacts {
  readonly name: string;
  readonly exists: boolean;
  readonly kind: ProfileCredentialKind;
  /** The profile's own `region`. */
  readonly region?: string;
  /** `mfa_serial` that resolving this profile will ask a code for (role chain or static + MFA). */
  readonly mfaSerial?: string;
  /** Resolving it needs an MFA code, so renewing it needs the user. */
  readonly needsMfa: boolean;
  /**
   * Its credentials are a role session (assumed role, SSO, web identity): assuming another role
   * with them is role chaining, limited to 1 hour.
   */
  readonly yieldsRoleSession: boolean;
  /** Static keys with `mfa_serial` and no session token: resolved through GetSessionToken. */
  readonly staticWithMfa: boolean;
}

type Section = Record<string, string | undefined>;
type Sections = Record<string, Section | undefined>;

function isAssumeRole(s: Section): boolean {
  return typeof s.role_arn === 'string' && (typeof s.source_profile === 'string') !== (typeof s.credential_source === 'string');
}
function isStatic(s: Section): boolean {
  return typeof s.aws_access_key_id === 'string' && typeof s.aws_secret_access_key === 'string';
}

function kindOf(s: Section | undefined): ProfileCredentialKind {
  if (!s) return 'none';
  if (isAssumeRole(s)) return 'assumeRole';
  if (isStatic(s)) return 'static';
  if (typeof s.web_identity_token_file === 'string' && typeof s.role_arn === 'string') return 'webIdentity';
  if (typeof s.credential_process === 'string') return 'process';
  if (['sso_start_url', 'sso_account_id', 'sso_session', 'sso_region', 'sso_role_name'].some((k) => typeof s[k] === 'string')) return 'sso';
  if (typeof s.login_session === 'string') return 'login';
  return 'none';
}

/** A file's text as the SDK reads it: UTF-8, and an unreadable or missing file is empty. */
async function readText(file: string): Promise<string> {
  return fs.readFile(file, 'utf8').catch(() => '');
}

/**
 * Both files as they are now (a missing or unreadable one is empty, as for the SDK), with their
 * section headers found once for every reading that picks sections out of them.
 */
async function readFiles(paths: ConfigPaths): Promise<IndexedTexts> {
  const [config, credentials] = await Promise.all([readText(paths.configFile), readText(paths.credentialsFile)]);
  return indexTexts({ config, credentials });
}

/** One reading of the files for a profile: the texts, the SDK's reading of its chain, and the facts from it. */
export interface ProfileRead {
  readonly full: IndexedTexts;
  readonly reading: SdkProfileReading;
  readonly facts: ProfileFacts;
}

/**
 * Reads the files for `profile` (see inspectProfile). A switch hands the result to its first
 * resolveProfileCredentials, which then does not read and parse the same files again.
 */
export async function readProfileFacts(profile: string, paths: ConfigPaths): Promise<ProfileRead> {
  const full = await readFiles(paths);
  // The SDK's reading of the profile and its chain, and the reduced texts it came from (see
  // sdkSections.ts): one small parse per link instead of whole files.
  const reading = await readProfileAsSdk(full, profile, sdkParse(loadSdk()));
  return { full, reading, facts: factsFrom(profile, reading.sections as Sections) };
}

/** Facts about `profile` from the config files, following its `source_profile` chain. */
export async function inspectProfile(profile: string, paths: ConfigPaths): Promise<ProfileFacts> {
  return (await readProfileFacts(profile, paths)).facts;
}

function factsFrom(profile: string, sections: Sections): ProfileFacts {
  const top = sections[profile];
  const kind = kindOf(top);
  let mfaSerial: string | undefined;
  const staticWithMfa = kind === 'static' && !!top?.mfa_serial && !top.aws_session_token;
  if (staticWithMfa) mfaSerial = top?.mfa_serial;
  // Walk the role chain the way fromIni does: each assume-role profile may ask for its own code.
  const seen = new Set<string>();
  let name: string | undefined = profile;
  while (name !== undefined && !seen.has(name)) {
    seen.add(name);
    const s: Section | undefined = sections[name];
    if (!s || !isAssumeRole(s)) break;
    if (s.mfa_serial && !mfaSerial) mfaSerial = s.mfa_serial;
    name = s.source_profile;
  }
  return {
    name: profile,
    exists: top !== undefined,
    kind,
    region: top?.region,
    mfaSerial,
    needsMfa: mfaSerial !== undefined,
    yieldsRoleSession: kind === 'assumeRole' || kind === 'sso' || kind === 'webIdentity',
    staticWithMfa,
  };
}

export interface ProfileCredentialsRequest {
  readonly profile: string;
  readonly paths: ConfigPaths;
  /** Region for STS calls; undefined = us-east-1 on the global endpoint. The profile's own region wins for its role. */
  readonly region: string | undefined;
  readonly mfaCodeProvider: MfaCodeProvider;
  /** Why a code would be asked for (a user action, or a renewal of credentials in use). */
  readonly mfaTrigger: MfaPromptContext['trigger'];
  /** For `renewal`: when the credentials in use expire. */
  readonly currentExpiration?: Date;
  /** GetSessionToken duration for a static-key profile with `mfa_serial`. */
  readonly sessionDurationSeconds?: number;
  readonly skew?: ClockSkew;
  readonly tuning?: Partial<StsTuning>;
  /**
   * The files as the switch read them a moment ago (readProfileFacts), used instead of reading
   * them again; absent for a renewal, which reads them afresh so that edits count.
   */
  readonly read?: ProfileRead;
}

export interface ResolvedProfileCredentials {
  readonly credentials: AwsCredentials;
  readonly facts: ProfileFacts;
  /** True when `credentials.expiration` is on the local clock (an STS clock offset was known). */
  readonly clockAdjusted: boolean;
  /** The shared-config settings the SDK clients use, as read for this resolution (for the next STS call). */
  readonly clientSettings: SdkClientSettings;
}

/**
 * Resolves `profile`'s credentials, reading the files afresh every time (so edits count at the
 * next renewal) but parsing only the sections the profile's chain needs (see sdkSections.ts).
 * @throws UserFacingError, or the MFA provider's own error when the user dismissed the prompt
 *   (see mfa.ts)
 */
export async function resolveProfileCredentials(req: ProfileCredentialsRequest): Promise<ResolvedProfileCredentials> {
  const sdk = loadSdk();
  const { profile, paths } = req;
  const skew = req.skew ?? new ClockSkew(systemClock);
  const observation: StsObservation = {};
  let facts: ProfileFacts | undefined;
  let sections: Sections | undefined;
  const label = `profile "${profile}"`;
  const ask = (serial: string): Promise<string> =>
    askForMfaCode(req.mfaCodeProvider, serial, { trigger: req.mfaTrigger, label, ...(req.currentExpiration ? { expiration: req.currentExpiration } : {}) });

  try {
    const { full, reading, facts: factsRead } = req.read ?? (await readProfileFacts(profile, paths));
    facts = factsRead;
    sections = reading.sections as Sections;
    // Read here from the same texts, so that neither client of this switch parses the files.
    const clientSettings = await readSdkClientSettings(full, sdk);
    if (!facts.exists) {
      throw new UserFacingError(
        'profileNotFound',
        `Profile "${profile}" was not found in ${paths.configFile} or ${paths.credentialsFile}. Check the name (config sections are written [profile ${profile}]), or refresh the profile list.`,
      );
    }
    if (facts.kind === 'none') {
      throw new UserFacingError(
        'profileNotFound',
        `Profile "${profile}" sets no credentials. Add aws_access_key_id/aws_secret_access_key, role_arn with source_profile or credential_source, sso_session, or credential_process to it.`,
      );
    }

    const tuning = { ...DEFAULT_STS_TUNING, ...req.tuning };
    // Retries/timeouts for the inner STS (and SSO) clients; the region travels separately, see the header.
    const { region: _stsRegion, ...clientConfig } = stsClientConfig(req.region, tuning, clientSettings);
    void _stsRegion;
    // fromIni / fromSSO read the same reduced texts the facts came from, not the whole files again.
    const sso = facts.kind === 'sso';
    let credentials = await withInMemoryFiles(sdk.externalDataInterceptor, reading.texts, async (files) => {
      const common = {
        profile,
        filepath: files.credentialsFile,
        configFilepath: files.configFile,
        ignoreCache: true,
        clientConfig,
        parentClientConfig: { region: req.region ?? 'us-east-1' },
      };
      if (sso) return toCredentials(await sdk.fromSSO(common)());
      return toCredentials(
        await sdk.fromIni({
          ...common,
          mfaCodeProvider: ask,
          clientPlugins: [stsObserverPlugin(observation, skew.clock, skew)],
        })(),
      );
    });

    if (facts.staticWithMfa && facts.mfaSerial && !credentials.sessionToken) {
      const tokenCode = await ask(facts.mfaSerial);
      credentials = await getSessionToken(
        credentials,
        { mfaSerial: facts.mfaSerial, tokenCode, durationSeconds: req.sessionDurationSeconds },
        req.region,
        { skew, tuning, profile, sourceLabel: label, clientSettings },
      );
      return { credentials, facts, clockAdjusted: true, clientSettings };
    }

    const clockAdjusted = skew.isKnown;
    if (credentials.expiration && clockAdjusted) credentials = { ...credentials, expiration: skew.toLocal(credentials.expiration) };
    return { credentials, facts, clockAdjusted, clientSettings };
  } catch (error) {
    if (isMfaPromptFailure(error) || error instanceof UserFacingError) throw error;
    // A service error came from the inner AssumeRole of a role profile: name the role.
    const fromSts = observation.endpoint !== undefined && typeof error === 'object' && error !== null && '$metadata' in error;
    const top = facts?.kind === 'assumeRole';
    throw toUserFacingError(error, {
      operation: fromSts ? 'AssumeRole' : 'ResolveProfile',
      profile,
      sourceLabel: label,
      configFile: paths.configFile,
      credentialsFile: paths.credentialsFile,
      endpoint: observation.endpoint,
      region: req.region ?? 'us-east-1',
      ...(fromSts && top ? { roleArn: sections?.[profile]?.role_arn } : {}),
      ...(facts?.mfaSerial ? { mfaSerial: facts.mfaSerial } : {}),
    });
  }
}

function toCredentials(c: { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date; accountId?: string }): AwsCredentials {
  return {
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}),
    ...(c.expiration ? { expiration: c.expiration } : {}),
    ...(c.accountId ? { accountId: c.accountId } : {}),
  };
}
