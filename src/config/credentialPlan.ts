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

/**
 * Whom a plan's credentials belong to, as far as the files tell: the last role assumed, else the
 * source's own principal. A renewal compares it with the switch's, so that an edit to the active
 * profile (another role_arn, account or key) never changes who the credentials act as behind the
 * identity the user sees. `text` names it for messages; `key` also covers what `text` leaves out
 * (an access key ID, a command), and holds no secret beyond what the plan does.
 */
export function planPrincipal(plan: CredentialPlan): { readonly key: string; readonly text: string } {
  const role = plan.roles[plan.roles.length - 1];
  if (role) return { key: `role ${role.roleArn}`, text: `role ${role.roleArn}` };
  const s = plan.source;
  switch (s.type) {
    case 'static':
      return { key: `keys ${s.profile} ${s.accessKeyId}`, text: `the access keys of profile "${s.profile}"` };
    case 'sso':
      return { key: `sso ${s.startUrl} ${s.accountId} ${s.roleName}`, text: `IAM Identity Center role ${s.roleName} in account ${s.accountId}` };
    case 'process':
      return { key: `process ${s.command}`, text: `the credential_process of profile "${s.profile}"` };
    case 'webIdentity':
      return { key: `role ${s.roleArn}`, text: `role ${s.roleArn}` };
    case 'login':
      return { key: `login ${s.loginSession}`, text: `the aws login session of profile "${s.profile}"` };
    default:
      return { key: s.type, text: `credential_source of profile "${s.profile}"` };
  }
}
