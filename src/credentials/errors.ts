/**
 * Turns what the AWS SDK and STS throw into errors a person can act on: every `UserFacingError`
 * message names the cause AND the next step. The recognising is a table, `RULES`: the first rule
 * that matches an error builds its message from the call context.
 *
 * No `vscode` and no SDK value import: errors are recognised by their shape (`name`, `Code`,
 * `code`, `$metadata`), which is stable across SDK versions. The environment is an input (the
 * STS endpoint override changes the advice), so the rules can be tested without touching
 * `process.env`.
 */
import { isMfaPromptFailure } from './mfa';
import { CHAINED_ROLE_MAX_DURATION_SECONDS, MIN_ROLE_DURATION_SECONDS } from '../shared/roleInput';
import { redact } from '../shared/redact';
import { dnsSuffixOfRegion, findRegion } from '../shared/regions';

/**
 * Only the cases some code branches on; everything else is `other`, and the message says what to do.
 * `unknown` means no rule recognised the error, so the caller may wrap it in its own words.
 */
export type ErrorKind =
  | 'durationTooLong' //          DurationSeconds above the role's MaxSessionDuration: the UI offers 1 hour
  | 'chainedDurationTooLong' //   above 1 hour for a chained role: the manager retries at 1 hour
  | 'expiredToken' //             the calling credentials expired: the manager renews the source once
  | 'superseded' //               a newer switch replaced this one: UIs stay quiet
  | 'unknown'
  | 'other';

/** Every role allows at least one hour (the MaxSessionDuration minimum and role-chaining cap). */
export const ALWAYS_ALLOWED_DURATION_SECONDS = CHAINED_ROLE_MAX_DURATION_SECONDS;

/** An error whose message is fit to show as is: cause, then the next step. */
export class UserFacingError extends Error {
  override readonly name = 'UserFacingError';

  constructor(
    readonly kind: ErrorKind,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** Environment variables the advice depends on; `process.env` unless the caller passes its own. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** What we were doing when the error happened: used to name things in the message. */
export interface AwsCallContext {
  readonly operation: 'AssumeRole' | 'GetCallerIdentity' | 'GetFederationToken' | 'GetSessionToken' | 'ResolveProfile';
  readonly roleArn?: string;
  /** ARN of the identity making the call, when known (named in AccessDenied messages). */
  readonly callerArn?: string;
  /** Profile being resolved, or the profile the calling credentials came from. */
  readonly profile?: string;
  /** Human label of the calling credentials ("profile dev", "role Admin"), for expired-token hints. */
  readonly sourceLabel?: string;
  /** The STS endpoint the request went to. */
  readonly endpoint?: string;
  readonly region?: string;
  /** Where `region` came from, e.g. `the region of profile "dev"` (named when it is unknown). */
  readonly regionOrigin?: string;
  readonly durationSeconds?: number;
  /** The profile whose duration_seconds `durationSeconds` is (a profile's role, resolvePlan.ts). */
  readonly durationProfile?: string;
  readonly mfaSerial?: string;
  readonly configFile?: string;
  readonly credentialsFile?: string;
  /** Defaults to `process.env`. */
  readonly env?: Environment;
}

interface ErrorShape {
  name?: unknown;
  Code?: unknown;
  code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  errors?: unknown;
}

function shape(error: unknown): ErrorShape {
  return typeof error === 'object' && error !== null ? (error as ErrorShape) : { message: String(error) };
}

/** The AWS error code of an SDK service error, or the Node network code, or the error name. */
export function errorCode(error: unknown): string | undefined {
  const e = shape(error);
  for (const candidate of [e.Code, e.code, e.name]) {
    if (typeof candidate === 'string' && candidate !== '' && candidate !== 'Error') return candidate;
  }
  // Node 20 reports a refused dual-stack connect as an AggregateError of per-address errors.
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      const code = errorCode(inner);
      if (code) return code;
    }
  }
  return undefined;
}

/** One error as the rules see it: the facts read off the error once, and the call context. */
export interface Failure {
  readonly error: unknown;
  /** `errorCode(error)`, or '' when it has none. */
  readonly code: string;
  readonly message: string;
  readonly status?: number;
  /** How many HTTP attempts the SDK made, when it says. */
  readonly attempts?: number;
  readonly serverFault: boolean;
  /** A network error code named only in the message (some SDK layers wrap the Node error). */
  readonly networkInMessage?: string;
  readonly ctx: AwsCallContext;
  readonly env: Environment;
}

export interface ErrorRule {
  /** For the tests and the log: which rule produced a message. */
  readonly name: string;
  readonly kind?: ErrorKind;
  readonly matches: (f: Failure) => boolean;
  readonly message: (f: Failure) => string;
}

const THROTTLING_CODES = ['Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottled', 'RequestThrottledException', 'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown'];
const NETWORK_CODES = ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED', 'TimeoutError', 'RequestTimeout', 'AbortError'];
const VALIDATION_CODES = ['ValidationError', 'ValidationException', 'InvalidParameterValue', 'MalformedPolicyDocument'];

const codeIn =
  (...codes: string[]) =>
  (f: Failure): boolean =>
    codes.includes(f.code);
const says =
  (pattern: RegExp) =>
  (f: Failure): boolean =>
    pattern.test(f.message);
const isAccessDenied = (f: Failure): boolean => f.code === 'AccessDenied' || f.code === 'AccessDeniedException' || f.status === 403;
const isValidation = codeIn(...VALIDATION_CODES);
const isNetwork = (f: Failure): boolean => NETWORK_CODES.includes(f.code) || f.networkInMessage !== undefined || /socket hang up|timed out|timeout/i.test(f.message);
/**
 * The SDK's and our own IAM Identity Center wording only: "sso" alone also appears in paths, host
 * names and role names, whose errors need their own advice.
 */
const isSso = (f: Failure): boolean =>
  /\bSSO (?:session|token|credentials|configuration)\b|sso_session|sso_start_url|sso_account_id|sso_role_name|IAM Identity Center|aws sso login/i.test(f.message) &&
  f.code !== 'AccessDenied' &&
  !isNetwork(f);

const profileName = (f: Failure): string => f.ctx.profile ?? '?';
/** The STS host was made from the region (no endpoint override), and the region is not a listed one. */
const regionLooksWrong = ({ ctx, env }: Failure): boolean =>
  ctx.region !== undefined && findRegion(ctx.region) === undefined && !env.AWS_ENDPOINT_URL_STS && !env.AWS_ENDPOINT_URL;
const role = (f: Failure): string => f.ctx.roleArn ?? 'the role';
const ofProfile = (f: Failure): string => (f.ctx.profile ? ` of profile "${f.ctx.profile}"` : '');
const who = ({ ctx }: Failure): string => ctx.callerArn ?? ctx.sourceLabel ?? (ctx.profile ? `profile "${ctx.profile}"` : 'the current credentials');
const afterAttempts = (f: Failure): string => (f.attempts !== undefined && f.attempts > 1 ? ` after ${f.attempts} attempts` : '');
const requested = (f: Failure): string => String(f.ctx.durationSeconds ?? 'the requested');
/** A duration a profile sets (duration_seconds): retrying with another cannot help, the profile must change. */
const forProfile = (f: Failure): boolean => f.ctx.durationProfile !== undefined;
const fromProfile = (f: Failure): string => (forProfile(f) ? ` (duration_seconds of profile "${f.ctx.durationProfile}")` : '');
const setDuration = (f: Failure): string =>
  `Set duration_seconds in profile "${f.ctx.durationProfile}" (${f.ctx.configFile ?? '~/.aws/config'}) to ${ALWAYS_ALLOWED_DURATION_SECONDS} or less, or remove it`;

/**
 * Quotes the SDK's own wording where it carries the detail we cannot know (STS validation text).
 * Redacted, because a credential_process or a proxy may echo anything into an error.
 */
function quoted(f: Failure): string {
  const m = redact(f.message.trim().replace(/\s+/g, ' '));
  const cut = m.length > 300 ? `${m.slice(0, 297)}...` : m;
  // Always a full sentence, so the next-step sentence that follows reads right.
  return /[.!?]$/.test(cut) ? cut : `${cut}.`;
}

function endpointHint({ ctx, env }: Failure): string {
  const configured = env.AWS_ENDPOINT_URL_STS;
  const endpoint = ctx.endpoint ?? configured ?? (ctx.region ? `https://sts.${ctx.region}.${dnsSuffixOfRegion(ctx.region)}` : 'https://sts.amazonaws.com');
  const setting = configured
    ? `AWS_ENDPOINT_URL_STS is set to ${configured}: check that it is right, or unset it to use AWS.`
    : 'If you use a custom STS endpoint, set AWS_ENDPOINT_URL_STS.';
  return `${endpoint}. Check your network connection and proxy settings. ${setting}`;
}

/**
 * The table, most specific first: STS reports a wrong MFA code as AccessDenied and a duration
 * limit as ValidationError, so those rules come before the generic ones for their codes.
 */
export const RULES: readonly ErrorRule[] = [
  { name: 'mfaCancelled', matches: (f) => isMfaPromptFailure(f.error),
    message: (f) =>
      `No MFA code was entered${f.ctx.mfaSerial ? ` for ${f.ctx.mfaSerial}` : ''}, so ${f.ctx.roleArn ?? (f.ctx.profile ? `profile "${f.ctx.profile}"` : 'the credentials')} could not be obtained. ` +
      'Run the action again and enter the code when asked; for credentials that were being renewed, select the identity again in the status bar or the AWS Identity view.' },
  { name: 'mfaInvalid', matches: (f) => /MultiFactorAuthentication/i.test(f.message) || (/\bMFA\b/.test(f.message) && /invalid|failed/i.test(f.message)),
    message: (f) =>
      `STS did not accept the MFA code${f.ctx.mfaSerial ? ` for ${f.ctx.mfaSerial}` : ''} (${f.code || 'AccessDenied'}). ` +
      'Wait for the next code from your device (each code works only once) and try again; if it keeps failing, check the mfa_serial is the device registered to this IAM user.' },
  { name: 'chainedDurationTooLong', kind: 'chainedDurationTooLong', matches: (f) => /DurationSeconds/i.test(f.message) && /role chaining/i.test(f.message),
    message: (f) =>
      `STS refused ${requested(f)} seconds${fromProfile(f)} for ${role(f)}: a role assumed with another role's credentials (role chaining) is limited to 1 hour. ` +
      (forProfile(f) ? `${setDuration(f)}, then select the profile again.` : `Retry with a duration of ${CHAINED_ROLE_MAX_DURATION_SECONDS} seconds or less.`) },
  { name: 'durationTooLong', kind: 'durationTooLong', matches: (f) => /DurationSeconds/i.test(f.message) && /MaxSessionDuration|exceeds/i.test(f.message),
    message: (f) =>
      `STS refused ${requested(f)} seconds${fromProfile(f)} for ${role(f)}: that exceeds the role's maximum session duration (MaxSessionDuration). ` +
      (forProfile(f) ? `${setDuration(f)} (every role allows 1 hour)` : `Retry with ${ALWAYS_ALLOWED_DURATION_SECONDS} seconds (every role allows 1 hour)`) +
      ', or ask the role\'s owner to raise its maximum session duration.' },
  { name: 'ssoConfigInvalid', matches: (f) => isSso(f) && /invalid SSO credentials|Required parameters|Conflicting SSO/i.test(f.message),
    message: (f) =>
      `Profile "${profileName(f)}" has an incomplete or conflicting IAM Identity Center (SSO) configuration: ${quoted(f)} ` +
      `Fix the profile (or run \`aws configure sso --profile ${f.ctx.profile ?? '<name>'}\`), then select it again.` },
  { name: 'ssoLoginRequired', matches: isSso,
    message: (f) =>
      `The IAM Identity Center (SSO) session for profile "${profileName(f)}" is missing or has expired. ` +
      `Run \`aws sso login --profile ${f.ctx.profile ?? '<name>'}\` in a terminal, then select the profile again.` },
  { name: 'profileNotFound', matches: says(/Could not resolve credentials using profile|Profile .* (was )?not found|profile .* could not be found/i),
    message: (f) =>
      `Profile "${profileName(f)}" has no usable credentials in ${f.ctx.configFile ?? '~/.aws/config'} or ${f.ctx.credentialsFile ?? '~/.aws/credentials'}. ` +
      'Check the profile name and that it sets access keys, role_arn with source_profile or credential_source, sso_session, or credential_process.' },
  { name: 'sourceProfileCycle', matches: says(/Detected a cycle/i),
    message: (f) => `Profile "${profileName(f)}" has a source_profile cycle (${quoted(f)}). Edit the profiles so the source_profile chain ends at a profile with credentials.` },
  { name: 'unsupportedCredentialSource', matches: says(/Unsupported credential source/i),
    message: (f) => `Profile "${profileName(f)}" has an unsupported credential_source (${quoted(f)}). Use Environment, Ec2InstanceMetadata or EcsContainer.` },
  { name: 'credentialProcessFailed', matches: says(/credential_process|credential process/i),
    message: (f) => `The credential_process of profile "${profileName(f)}" failed: ${quoted(f)} Run that command in a terminal to see why, fix it, then select the profile again.` },
  { name: 'expiredToken', kind: 'expiredToken', matches: (f) => codeIn('ExpiredToken', 'ExpiredTokenException')(f) || says(/security token included in the request is expired/i)(f),
    message: (f) =>
      `The credentials of ${who(f)} used for ${f.ctx.operation} have expired (ExpiredToken). ` +
      'Renew them (select the source profile again; for SSO run `aws sso login`; for keys written by another tool, run that tool again), then retry.' },
  { name: 'unknownAccessKey', matches: codeIn('InvalidClientTokenId', 'UnrecognizedClientException'),
    message: (f) =>
      `STS does not recognise the access key of ${who(f)} (${f.code}): it was deleted, deactivated, or belongs to another partition. ` +
      `Update the keys${ofProfile(f)} in ${f.ctx.credentialsFile ?? 'your credentials file'} (e.g. \`aws configure\`), then select the profile again.` },
  { name: 'wrongSecret', matches: codeIn('SignatureDoesNotMatch', 'IncompleteSignature'),
    message: (f) =>
      `STS rejected the request signature of ${who(f)} (${f.code}): the secret access key does not match the access key ID, or the system clock is far off. ` +
      `Check aws_secret_access_key${ofProfile(f)} and the system time, then retry.` },
  { name: 'regionDisabled', matches: codeIn('RegionDisabledException'),
    message: (f) =>
      `STS is not activated in region ${f.ctx.region ?? '?'} for this account. Choose another region (profile region or the extension's region setting), ` +
      'or ask an administrator to activate STS for the region in IAM account settings.' },
  { name: 'assumeRoleDenied', matches: (f) => isAccessDenied(f) && f.ctx.operation === 'AssumeRole',
    message: (f) => {
      // STS names the caller in its message ("User: arn:... is not authorized"), even when we could not.
      const caller = f.ctx.callerArn ?? /User: (arn:\S+)/.exec(f.message)?.[1] ?? who(f);
      return (
        `Access denied assuming ${role(f)} as ${caller}. ` +
        `Check that the role's trust policy allows ${caller} (or its account) to call sts:AssumeRole${f.ctx.mfaSerial ? '' : ' (and whether it requires MFA or an external ID)'}, ` +
        `and that ${caller} has an IAM policy allowing sts:AssumeRole on the role.`
      );
    } },
  { name: 'sessionTokenFromTemporary', matches: (f) => isAccessDenied(f) && f.ctx.operation === 'GetSessionToken' && /session credentials/i.test(f.message),
    message: (f) => `GetSessionToken cannot be called with temporary credentials (${who(f)}). Use a profile with long-lived IAM user keys for MFA sessions.` },
  { name: 'accessDenied', matches: isAccessDenied,
    message: (f) => `STS denied ${f.ctx.operation} for ${who(f)} (${f.code || 'AccessDenied'}: ${quoted(f)}). Check the IAM permissions of that identity.` },
  { name: 'invalidSessionName', matches: (f) => isValidation(f) && /roleSessionName/i.test(f.message),
    message: (f) => `STS rejected the role session name: ${quoted(f)} Use 2-64 characters from letters, digits and +=,.@_-.` },
  { name: 'invalidRoleArn', matches: (f) => isValidation(f) && /roleArn|role arn|\bARN\b/i.test(f.message),
    message: (f) => `STS rejected the role ARN ${f.ctx.roleArn ?? ''}: ${quoted(f)} Use the form arn:aws:iam::123456789012:role/Name.` },
  { name: 'invalidDuration', kind: 'durationTooLong', matches: (f) => isValidation(f) && /durationSeconds/i.test(f.message),
    message: (f) =>
      `STS rejected the session duration ${f.ctx.durationSeconds ?? ''}: ${quoted(f)} Use a duration between ${MIN_ROLE_DURATION_SECONDS} and ${CHAINED_ROLE_MAX_DURATION_SECONDS} seconds.` },
  { name: 'invalidParameter', kind: 'unknown', matches: isValidation,
    message: (f) => `STS rejected ${f.ctx.operation}: ${quoted(f)} Check the request values and try again.` },
  { name: 'throttled', matches: (f) => THROTTLING_CODES.includes(f.code) || f.status === 429,
    message: (f) =>
      `STS is throttling requests (${f.code || 'HTTP 429'})${afterAttempts(f)}. Wait a minute and try again; if it persists, look for other tools in the account calling STS in a loop.` },
  {
    // Not STS: the SSO portal, instance metadata, a container endpoint... the SDK's message names the host.
    name: 'credentialSourceUnreachable', matches: (f) => isNetwork(f) && f.ctx.operation === 'ResolveProfile' && !f.ctx.endpoint,
    message: (f) => `Could not reach AWS while getting credentials for profile "${profileName(f)}": ${quoted(f)} Check your network connection and proxy settings, then try again.` },
  {
    // No such host, for a region this version does not know: a typo in the region is likelier than the network.
    name: 'unknownRegion', matches: (f) => (f.code === 'ENOTFOUND' || f.networkInMessage === 'ENOTFOUND') && regionLooksWrong(f),
    message: (f) =>
      `Could not reach STS for region "${f.ctx.region}" (ENOTFOUND at ${f.ctx.endpoint ?? `https://sts.${f.ctx.region}.amazonaws.com`}): "${f.ctx.region}" is not a region AWS Identity knows, and no such STS host exists. ` +
      `Correct ${f.ctx.regionOrigin ?? 'the region (the profile\'s region, the awsIdentity.defaultRegion setting, or AWS_REGION)'} to a region such as "us-east-1", then try again.` },
  { name: 'stsUnreachable', matches: isNetwork,
    message: (f) => `Could not reach STS (${f.code || f.networkInMessage || 'network error'}${afterAttempts(f)}) at ${endpointHint(f)}` },
  { name: 'serviceUnavailable', matches: (f) => (f.status !== undefined && f.status >= 500) || f.serverFault || codeIn('InternalFailure', 'ServiceUnavailable')(f),
    message: (f) =>
      `STS failed with a server error (${f.code || `HTTP ${f.status}`})${afterAttempts(f)}. This is usually temporary: try again in a minute; check https://health.aws.amazon.com if it persists.` },
  {
    // An HTTP error without an STS error body: something else answered (a proxy, a wrong endpoint).
    name: 'notSts', kind: 'unknown', matches: (f) => f.status !== undefined && (f.code === '' || /^(Unknown|UnknownError|NotFound|BadRequest|Forbidden)$/.test(f.code)) && f.ctx.operation !== 'ResolveProfile',
    message: (f) => {
      const configured = f.env.AWS_ENDPOINT_URL_STS;
      return (
        `${f.ctx.endpoint ?? 'The STS endpoint'} answered ${f.ctx.operation} with HTTP ${f.status} and no STS error: it is probably not STS (a proxy, firewall or wrong endpoint). ` +
        `Check ${configured ? `AWS_ENDPOINT_URL_STS (set to ${configured})` : 'your proxy settings and AWS_ENDPOINT_URL_STS'}, then try again.`
      );
    } },
];

/** When no rule matches: the SDK's words, and where to look. */
const FALLBACK: ErrorRule = {
  name: 'unrecognised',
  kind: 'unknown',
  matches: () => true,
  message: (f) =>
    `${f.ctx.operation === 'ResolveProfile' ? `Could not get credentials for profile "${profileName(f)}"` : `STS ${f.ctx.operation} failed`}: ${quoted(f)} ` +
    'Check the profile configuration and the extension log for details, then try again.',
};

/** Reads the facts the rules look at off `error` once. */
export function describeFailure(error: unknown, ctx: AwsCallContext, env: Environment): Failure {
  const e = shape(error);
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : String(error);
  const attempts = e.$metadata?.attempts;
  const status = e.$metadata?.httpStatusCode;
  const networkInMessage = /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT)\b/.exec(message)?.[1];
  return {
    error,
    code: errorCode(error) ?? '',
    message,
    ...(typeof status === 'number' ? { status } : {}),
    ...(typeof attempts === 'number' ? { attempts } : {}),
    serverFault: e.$fault === 'server',
    ...(networkInMessage ? { networkInMessage } : {}),
    ctx,
    env,
  };
}

/** The rule that handles `failure`: the first match, else the fallback. */
export function ruleFor(failure: Failure): ErrorRule {
  return RULES.find((r) => r.matches(failure)) ?? FALLBACK;
}

/**
 * Classifies `error` (anything the SDK, STS or a credential provider threw) into a
 * `UserFacingError`. A `UserFacingError` passes through unchanged.
 */
export function toUserFacingError(error: unknown, ctx: AwsCallContext): UserFacingError {
  if (error instanceof UserFacingError) return error;
  const failure = describeFailure(error, ctx, ctx.env ?? process.env);
  const rule = ruleFor(failure);
  return new UserFacingError(rule.kind ?? 'other', rule.message(failure), { cause: error });
}

/** True when STS refused the requested duration; every role accepts `ALWAYS_ALLOWED_DURATION_SECONDS`. */
export function isDurationTooLongError(e: unknown): e is UserFacingError {
  return e instanceof UserFacingError && (e.kind === 'durationTooLong' || e.kind === 'chainedDurationTooLong');
}
