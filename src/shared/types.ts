/**
 * Plain data shared by the pure core (everything outside src/vscode)
 * and the VS Code adapters. Nothing here imports `vscode` or the AWS SDK.
 */

/** How a profile gets its credentials, in the order the AWS CLI (botocore) tries them. */
export type ProfileKind =
  | 'static' //            aws_access_key_id + aws_secret_access_key
  | 'sourceProfile' //     role_arn + source_profile
  | 'credentialSource' //  role_arn + credential_source (Environment, Ec2InstanceMetadata, EcsContainer)
  | 'sso' //               sso_session, or legacy sso_start_url + sso_account_id + sso_role_name
  | 'process' //           credential_process
  | 'webIdentity' //       role_arn + web_identity_token_file
  | 'login' //             login_session (`aws login`): botocore tries it after the credentials file's keys
  | 'none'; //             no credential settings at all (e.g. only region): the CLI would fall back to the environment

/** One profile as the extension understands it. Never carries a secret value. */
export interface ProfileInfo {
  readonly name: string;
  readonly kind: ProfileKind;
  /** Region from the profile's own `region` key, if any. */
  readonly region?: string;
  readonly roleArn?: string;
  readonly sourceProfile?: string;
  readonly credentialSource?: string;
  readonly mfaSerial?: string;
  readonly externalId?: string;
  readonly roleSessionName?: string;
  readonly durationSeconds?: number;
  readonly ssoSession?: string;
  readonly ssoStartUrl?: string;
  readonly ssoAccountId?: string;
  readonly ssoRoleName?: string;
  /** Which files define this profile (config, credentials or both). */
  readonly definedIn: ReadonlyArray<ProfileLocation>;
  /** Why the AWS CLI would refuse this profile; absent when it can work. */
  readonly problem?: string;
}

export interface ProfileLocation {
  readonly file: string;
  /** 0-based line of the section header, when it could be found. */
  readonly line?: number;
}

/** Everything read from the shared config, with the reasons files could not be read. */
export interface ProfileModel {
  readonly profiles: ReadonlyArray<ProfileInfo>;
  readonly ssoSessions: ReadonlyArray<string>;
  readonly configFile: string;
  readonly credentialsFile: string;
  /** Problems with the files themselves (unreadable, a directory, ...): shown, never thrown. */
  readonly fileProblems: ReadonlyArray<string>;
}

/**
 * An IAM Identity Center sign-in the config names (ConfigSnapshot.ssoSessions): an
 * `[sso-session NAME]`, or a start URL that legacy profiles (sso_start_url without sso_session)
 * carry themselves. Settings the config lacks are absent (the UI says what to add).
 */
export interface SsoSessionConfig {
  /** NAME of `[sso-session NAME]`; absent for a legacy start URL. */
  readonly name?: string;
  readonly startUrl?: string;
  readonly region?: string;
  /** sso_registration_scopes of the section, split on commas (legacy profiles have none). */
  readonly registrationScopes?: ReadonlyArray<string>;
  /** Legacy: the first profile (in file order) that carries this start URL, where its region comes from. */
  readonly fromProfile?: string;
  /** The profiles that take their credentials through it, in file order. */
  readonly profiles: ReadonlyArray<string>;
}

/**
 * The files read and indexed, each profile described when it is first asked for: a view can show
 * the first profiles of a ten-thousand-profile config without describing all of them.
 */
export interface ProfileListing extends Omit<ProfileModel, 'profiles'> {
  /** How many profiles `model()` lists. */
  readonly total: number;
  /** The first `count` profiles of `model()`, in the same order and equal to them. */
  first(count: number): ReadonlyArray<ProfileInfo>;
  /** Every profile. Built once; descriptions already made by `first` are reused. */
  model(): ProfileModel;
  /** The profile of this name as `model()` lists it, describing only that one; undefined when there is none. */
  profile(name: string): ProfileInfo | undefined;
}

/** Credentials as held in memory. Never logged, persisted or shown. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** Absent for long-lived IAM user keys. */
  readonly expiration?: Date;
  readonly accountId?: string;
}

/** Where an identity came from, for display and for re-creating it. */
export type IdentitySource =
  | { readonly type: 'profile'; readonly profile: string }
  | {
      readonly type: 'assumedRole';
      readonly roleArn: string;
      /** Display label of what was used as the source (a profile name or an identity label). */
      readonly sourceLabel: string;
    }
  | {
      /** A role of an IAM Identity Center account, taken directly (no profile written for it). */
      readonly type: 'ssoRole';
      /** The [sso-session NAME] it was taken through; absent for a legacy start URL. */
      readonly sessionName?: string;
      readonly startUrl: string;
      readonly ssoRegion: string;
      readonly accountId: string;
      readonly accountName?: string;
      readonly roleName: string;
    };

/** Who the user is, as STS said. */
export interface Identity {
  readonly arn: string;
  readonly account: string;
  readonly userId?: string;
  /** Short name for the status bar: the role name (assumed roles) or user name. */
  readonly name: string;
  readonly source: IdentitySource;
  readonly region: string;
  /**
   * Where `region` came from: the profile, a setting, the environment, the fallback, or `user`:
   * chosen for this identity with "Change Region" (the same credentials, no new sign-in).
   */
  readonly regionSource: 'profile' | 'setting' | 'environment' | 'default' | 'user';
  readonly sourceProfile?: string;
  readonly expiration?: Date;
  /** What the user should know about how it was obtained, e.g. a duration capped for role chaining. */
  readonly notes?: ReadonlyArray<string>;
}

/** Time, injectable so refresh logic is tested without sleeping. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A pending refresh must never keep a process (a test run, a CLI) alive.
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** Minimal logger the core writes to; the adapter backs it with a LogOutputChannel. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Why an MFA code is asked for. `user`: the user just started something that needs it (ask
 * directly). `renewal`: credentials already in use are about to expire and can only be renewed
 * with a code; announce it first (one non-modal notification) rather than opening an input box out
 * of nowhere.
 */
export interface MfaPromptContext {
  readonly trigger: 'user' | 'renewal';
  /** What the code is for, e.g. `profile "dev"` or `role Admin`. */
  readonly label: string;
  /** For `renewal`: when the credentials in use expire (local clock). */
  readonly expiration?: Date;
  /** For `renewal`: true once another identity replaced the one being renewed (the code is then not needed). */
  readonly discarded?: () => boolean;
}

/**
 * Asks the user for an MFA code; resolves to the code or rejects when they cancel. `reason` is a
 * sentence to show; for a renewal it contains the words "renew" and "expire".
 */
export type MfaCodeProvider = (mfaSerial: string, reason: string, context?: MfaPromptContext) => Promise<string>;
