/**
 * How a profile gets its credentials, decided from the AWS CLI's reading of the files with
 * botocore's rules (which provider claims the profile, which source_profile links it walks).
 * The config layer writes the plan; src/credentials carries it out with the SDK's providers and
 * clients. So the one reading that lists a profile is the reading that resolves it, and a profile
 * the CLI can use is a profile the extension can use.
 *
 * A plan carries secrets (static keys): it lives in memory for one resolution and is never logged.
 */
import type { ProfileKind } from '../shared/types';

/** Where the first credentials of a plan come from, before any role is assumed. */
export type CredentialSource =
  | {
      readonly type: 'static';
      readonly profile: string;
      readonly accessKeyId: string;
      readonly secretAccessKey: string;
      readonly sessionToken?: string;
    }
  /** credential_source = Environment / Ec2InstanceMetadata / EcsContainer. */
  | { readonly type: 'environment' | 'instanceMetadata' | 'containerMetadata'; readonly profile: string }
  | {
      readonly type: 'sso';
      readonly profile: string;
      readonly startUrl: string;
      readonly ssoRegion: string;
      readonly accountId: string;
      readonly roleName: string;
      /** The [sso-session NAME] the profile uses; absent for a legacy profile (token cached by start URL). */
      readonly sessionName?: string;
      /**
       * The sso-session's `sso_registration_scopes`, split on commas as the AWS CLI does; absent
       * when unset. Part of the client registration's cache key, so a sign-in offered here
       * reuses (and writes) the registration `aws sso login` would.
       */
      readonly registrationScopes?: ReadonlyArray<string>;
    }
  /** credential_process: the command line, split like a shell line and run without a shell. */
  | { readonly type: 'process'; readonly profile: string; readonly command: string }
  | {
      readonly type: 'webIdentity';
      readonly profile: string;
      readonly tokenFile: string;
      readonly roleArn: string;
      readonly roleSessionName?: string;
    }
  | { readonly type: 'login'; readonly profile: string; readonly loginSession: string };

/** One role to assume with the credentials of the step before it. */
export interface RoleStep {
  /** The profile whose role_arn this is. */
  readonly profile: string;
  readonly roleArn: string;
  readonly externalId?: string;
  readonly mfaSerial?: string;
  readonly roleSessionName?: string;
  /** duration_seconds as botocore sends it; undefined: STS's default of one hour. */
  readonly durationSeconds?: number;
}

/** The shared-config settings the SDK's clients read for themselves (see docs/architecture.md). */
export interface ClientSettings {
  readonly useFipsEndpoint: boolean;
  readonly useDualstackEndpoint: boolean;
  readonly userAgentAppId: string | undefined;
  readonly authSchemePreference: ReadonlyArray<string>;
}

export interface CredentialPlan {
  readonly profile: string;
  /** The kind the Profiles view shows for the profile. */
  readonly kind: ProfileKind;
  readonly source: CredentialSource;
  /** Roles assumed in order, innermost first; the last is the profile's own role. Empty when none. */
  readonly roles: ReadonlyArray<RoleStep>;
  /** The profile's own `region`. */
  readonly region?: string;
  /**
   * Static keys with mfa_serial and no session token: the extension exchanges them through
   * GetSessionToken with an MFA code, so MFA-protected APIs work (the CLI ignores mfa_serial there).
   */
  readonly sessionTokenMfaSerial?: string;
}
