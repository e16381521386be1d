/**
 * botocore's credential chain for `aws --profile NAME`, walked over the profile index: which
 * provider claims the profile, the source_profile links AssumeRoleProvider follows, and the SSO
 * checks. One walk says three things at once: the kind the Profiles view shows, why the profile
 * cannot work (botocore's own errors first, then what STS would refuse), and the credential plan
 * (where the first credentials come from, then the roles to assume). The listing and the switch
 * both take them from here, so they cannot disagree.
 *
 * The order is botocore's (credentials.py): AssumeRoleProvider (role_arn without
 * web_identity_token_file), then the profile providers: web identity, SSO, the credentials file's
 * keys, login, credential_process, the config file's keys.
 *
 * Pure: no `vscode`, no I/O. The plan carries secrets: it is never logged or kept.
 */
import type { ProfileKind } from '../shared/types';
import type { CredentialSource, RoleStep } from './credentialPlan';
import type { ProfileIndex } from './profileIndex';
import { continuedValueProblem, durationSeconds, firstLineOf, type Problem, type ProviderResult, quote, roleProblem, arnProblem, type Settings, showValue, text } from './problems';
import { pyStrip } from './pythonText';
import { missingSession, ssoProvider } from './sso';

/** botocore resolves source_profile chains recursively; Python gives up after about 330 roles. */
export const MAX_ROLE_CHAIN = 300;

/** credential_source values botocore accepts (exact spelling), and the plan's name for each. */
const CREDENTIAL_SOURCES: Readonly<Record<string, 'environment' | 'instanceMetadata' | 'containerMetadata'>> = {
  Environment: 'environment',
  Ec2InstanceMetadata: 'instanceMetadata',
  EcsContainer: 'containerMetadata',
};

/** What the walk found for one profile. */
export interface Resolution {
  readonly kind: ProfileKind;
  /**
   * Why the profile cannot work: botocore's error, what STS would refuse, or (kind `none`) why
   * settings that look like credentials do nothing.
   */
  readonly problem?: Problem;
  /** Where the first credentials come from; set when botocore would get credentials. */
  readonly source?: CredentialSource;
  /** Roles to assume with them, innermost first. */
  readonly roles: ReadonlyArray<RoleStep>;
}

const hasStatic = (s: Settings): boolean => s.has('aws_access_key_id') || s.has('aws_secret_access_key');
/** The kind of a role profile: credential_source when that alone names the source, else source_profile. */
const roleKind = (s: Settings): 'credentialSource' | 'sourceProfile' => (s.has('credential_source') && !s.has('source_profile') ? 'credentialSource' : 'sourceProfile');
/** AssumeRoleProvider claims a profile with role_arn, unless it is set up for web identity. */
const hasRoleVars = (s: Settings): boolean => s.has('role_arn') && !s.has('web_identity_token_file');

/** The provider that would claim these settings first, ignoring whether it then succeeds. */
export function claimingKind(s: Settings): ProfileKind {
  if (hasRoleVars(s)) return roleKind(s);
  if (text(s, 'web_identity_token_file')) return 'webIdentity';
  if (s.has('sso_account_id') || s.has('sso_role_name')) return 'sso';
  if (s.has('aws_access_key_id')) return 'static';
  if (s.has('login_session')) return 'login';
  if (s.has('credential_process')) return 'process';
  return 'none';
}

/** What botocore's chain does for profile `name` (which must be in the index). */
export function resolveProfile(name: string, index: ProfileIndex): Resolution {
  if (hasRoleVars(index.profiles.get(name)!.settings)) return assumeRoleChain(name, index);
  const r = providerChain(name, index);
  if (r.status === 'credentials') return { kind: r.kind, source: r.source, roles: [] };
  if (r.status === 'error') return { kind: r.kind, problem: r.problem, roles: [] };
  return r.note ? { kind: 'none', problem: r.note, roles: [] } : { kind: 'none', roles: [] };
}

/** One role of the chain, as botocore's _get_role_config reads it. */
function roleStep(profile: string, s: Settings): RoleStep {
  const step: { -readonly [K in keyof RoleStep]: RoleStep[K] } = { profile, roleArn: text(s, 'role_arn') ?? '' };
  const externalId = text(s, 'external_id');
  const mfaSerial = text(s, 'mfa_serial');
  const sessionName = text(s, 'role_session_name');
  const seconds = durationSeconds(s);
  if (externalId !== undefined) step.externalId = externalId;
  if (mfaSerial !== undefined) step.mfaSerial = mfaSerial;
  if (sessionName !== undefined) step.roleSessionName = sessionName;
  if (seconds !== undefined) step.durationSeconds = seconds;
  return step;
}

/** AssumeRoleProvider: walks source_profile links exactly as botocore's visited-list does. */
function assumeRoleChain(top: string, index: ProfileIndex): Resolution {
  const kind = roleKind(index.profiles.get(top)!.settings);
  const fail = (problem: Problem): Resolution => ({ kind, problem, roles: [] });
  const visited: string[] = [top];
  /** The roles seen so far, outermost (the profile's own) first. */
  const roles: RoleStep[] = [];
  // Problems botocore does not raise (what STS would refuse, a value of the chain the plan could
  // not pass on): reported only if botocore itself finds none, so its own reason comes first.
  let laterProblem: Problem | undefined;
  const inChain = (p: Problem | undefined): Problem | undefined => p && { cause: `${p.cause} (in the source_profile chain of "${top}")`, next: p.next };
  const done = (source: CredentialSource): Resolution => (laterProblem ? fail(laterProblem) : { kind, source, roles: roles.reverse() });
  let current = top;
  for (let hops = 0; ; hops++) {
    if (hops > MAX_ROLE_CHAIN) {
      return fail({ cause: `The source_profile chain of "${top}" is more than ${MAX_ROLE_CHAIN} roles long, and the AWS CLI gives up on chains that long`, next: 'shorten the chain' });
    }
    const s = index.profiles.get(current)!.settings;
    const where = current === top ? `Profile "${current}"` : `Profile "${current}" (in the source_profile chain of "${top}")`;
    // The profile's own settings were checked by the listing; the others' are checked here.
    if (current !== top && index.someContinued) laterProblem ??= inChain(continuedValueProblem(current, s));
    // _get_role_config: presence decides, whatever the value (botocore checks `is not None`).
    const hasSource = s.has('source_profile');
    const hasCredentialSource = s.has('credential_source');
    if (hasSource && hasCredentialSource) {
      return fail({
        cause: `${where} sets both source_profile and credential_source, and the AWS CLI accepts only one`,
        next: "keep source_profile (to use another profile's credentials) or credential_source (Environment, Ec2InstanceMetadata or EcsContainer), not both",
      });
    }
    if (!hasSource && !hasCredentialSource) {
      return fail({
        cause: `${where} has role_arn but neither source_profile nor credential_source, so the AWS CLI has no credentials to assume the role with`,
        next: 'add source_profile = <a profile with credentials>, or credential_source = Environment, Ec2InstanceMetadata or EcsContainer (or web_identity_token_file for web identity)',
      });
    }
    if (hasCredentialSource) {
      const credentialSource = s.get('credential_source')!;
      const type = typeof credentialSource === 'string' && Object.hasOwn(CREDENTIAL_SOURCES, credentialSource) ? CREDENTIAL_SOURCES[credentialSource]! : undefined;
      if (!type) {
        return fail({
          cause: `credential_source ${showValue('credential_source', credentialSource)} of profile "${current}" is not one the AWS CLI knows`,
          next: 'use Environment, Ec2InstanceMetadata or EcsContainer, spelled exactly so',
        });
      }
      roles.push(roleStep(current, s));
      laterProblem ??= roleProblem(current, s, false);
      return done({ type, profile: current });
    }
    const source = s.get('source_profile')!;
    if (typeof source !== 'string') {
      // botocore fails looking the block up as a profile name.
      return fail({ cause: `source_profile of profile "${current}" has indented lines under it instead of a profile name`, next: 'put the name on the same line as source_profile =' });
    }
    const sourceEntry = index.profiles.get(source);
    if (!sourceEntry) {
      return fail({
        cause: `The source_profile ${quote(source)} of profile "${current}" does not exist in ${index.configPath} or ${index.credentialsPath}`,
        next: `add [profile ${firstLineOf(source)}] to the config file (or [${firstLineOf(source)}] to the credentials file), or fix the name`,
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
          cause: `${where} names itself as source_profile but has no aws_access_key_id of its own`,
          next: `add the access keys to "${current}", or point source_profile at a profile that has credentials`,
        });
      }
    }
    visited.push(source);
    roles.push(roleStep(current, s));
    if (hasStatic(sourceSettings) || !hasRoleVars(sourceSettings)) {
      // The source is resolved by the profile providers alone (no assume role at this level).
      const r = providerChain(source, index);
      if (r.status === 'error') return fail({ cause: `Source profile "${source}" (of "${current}") cannot be used: ${r.problem.cause}`, next: r.problem.next });
      if (r.status === 'none') {
        return fail({
          cause: `Source profile "${source}" (of "${current}") has no credentials of its own${r.note ? `: ${r.note.cause}` : ''}`,
          next: r.note?.next ?? `give "${source}" access keys, SSO settings or credential_process, or point source_profile at a profile that has them`,
        });
      }
      if (source !== top && index.someContinued) laterProblem ??= inChain(continuedValueProblem(source, sourceSettings));
      laterProblem ??= roleProblem(current, s, false);
      return done(r.source);
    }
    // The source is itself a role: the current role is assumed with role credentials (chaining).
    laterProblem ??= roleProblem(current, s, true);
    current = source;
  }
}

/** Static keys from one file's section, as botocore's shared-credentials and config providers read them. */
function staticKeys(name: string, s: Settings, file: string): ProviderResult {
  if (!s.has('aws_secret_access_key')) {
    return {
      status: 'error',
      kind: 'static',
      problem: {
        cause: `Profile "${name}" has aws_access_key_id but no aws_secret_access_key in ${file} (the AWS CLI needs both in the same file)`,
        next: 'add aws_secret_access_key next to the key id, in the same section',
      },
    };
  }
  // botocore takes aws_security_token first when both are written; an empty token is no token.
  const token = s.has('aws_security_token') ? text(s, 'aws_security_token') : text(s, 'aws_session_token');
  const source: CredentialSource = {
    type: 'static',
    profile: name,
    accessKeyId: text(s, 'aws_access_key_id') ?? '',
    secretAccessKey: text(s, 'aws_secret_access_key') ?? '',
    ...(token ? { sessionToken: token } : {}),
  };
  return { status: 'credentials', kind: 'static', source };
}

/** The profile providers after AssumeRole, in botocore's order. */
export function providerChain(name: string, index: ProfileIndex): ProviderResult {
  const entry = index.profiles.get(name)!;
  const s = entry.settings;
  // Web identity: claimed when web_identity_token_file has a (truthy) value.
  const tokenFile = s.get('web_identity_token_file');
  if (tokenFile) {
    if (!s.get('role_arn')) {
      return { status: 'error', kind: 'webIdentity', problem: { cause: `Profile "${name}" has web_identity_token_file but no role_arn`, next: 'add the role_arn of the role to assume with the web identity token' } };
    }
    // Neither botocore nor the SDK sends duration_seconds with AssumeRoleWithWebIdentity.
    const sts = arnProblem(name, s);
    if (sts) return { status: 'error', kind: 'webIdentity', problem: sts };
    const sessionName = text(s, 'role_session_name');
    const source: CredentialSource = { type: 'webIdentity', profile: name, tokenFile: text(s, 'web_identity_token_file') ?? '', roleArn: text(s, 'role_arn')!, ...(sessionName !== undefined ? { roleSessionName: sessionName } : {}) };
    return { status: 'credentials', kind: 'webIdentity', source };
  }
  // IAM Identity Center: claimed when sso_account_id or sso_role_name is set.
  const sso = ssoProvider(name, s, index);
  if (sso) return sso;
  // Static keys in the credentials file: both must be in that file's section.
  const fromCredentials = entry.credentials?.settings;
  if (fromCredentials?.has('aws_access_key_id')) return staticKeys(name, fromCredentials, index.credentialsPath);
  const loginSession = s.get('login_session');
  if (loginSession !== undefined) return { status: 'credentials', kind: 'login', source: { type: 'login', profile: name, loginSession: text(s, 'login_session') ?? '' } };
  const command = s.get('credential_process');
  if (command !== undefined) {
    if (typeof command !== 'string') {
      // botocore hands the block to its command-line splitter, which fails.
      return { status: 'error', kind: 'process', problem: { cause: `credential_process of profile "${name}" has indented lines under it instead of a command`, next: 'put the command on the same line as credential_process =' } };
    }
    if (pyStrip(command) === '') {
      return { status: 'error', kind: 'process', problem: { cause: `credential_process of profile "${name}" is empty`, next: 'set it to the command that prints the credentials, or delete the line' } };
    }
    return { status: 'credentials', kind: 'process', source: { type: 'process', profile: name, command } };
  }
  const fromConfig = entry.config?.settings;
  if (fromConfig?.has('aws_access_key_id')) return staticKeys(name, fromConfig, index.configPath);
  return { status: 'none', ...noneNote(name, s, index) };
}

/** Settings that look like credentials but that no provider uses: say so rather than "no credentials". */
function noneNote(name: string, s: Settings, index: ProfileIndex): { note?: Problem } {
  if (s.has('aws_secret_access_key') || s.has('aws_session_token')) {
    const which = s.has('aws_secret_access_key') ? 'aws_secret_access_key' : 'aws_session_token';
    return { note: { cause: `Profile "${name}" has ${which} but no aws_access_key_id, so the AWS CLI ignores its keys`, next: 'add aws_access_key_id in the same section' } };
  }
  const session = text(s, 'sso_session');
  if (session !== undefined && !index.ssoSessions.has(session)) return { note: missingSession(name, session) };
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
