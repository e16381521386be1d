/**
 * Turns what the AWS SDK and STS throw into errors a person can act on: every `UserFacingError`
 * message names the cause AND the next step. `kind` lets the UI react (offer a retry with a
 * shorter duration, offer `aws sso login`, stay quiet for a superseded switch).
 *
 * No `vscode` and no SDK value import: errors are recognised by their shape (`name`, `Code`,
 * `code`, `$metadata`), which is stable across SDK versions.
 */
import { isMfaPromptFailure } from './mfa';
import { CHAINED_ROLE_MAX_DURATION_SECONDS, MIN_ROLE_DURATION_SECONDS } from '../shared/roleInput';

/** What went wrong, for the UI to branch on. The message is what to show. */
export type ErrorKind =
  | 'accessDenied' //            AssumeRole refused: trust policy / caller permissions
  | 'invalidRoleArn' //          malformed role ARN (ours or STS's validation)
  | 'invalidSessionName' //      RoleSessionName rejected by STS
  | 'expiredToken' //            the credentials used for the call have expired
  | 'invalidCredentials' //      access key unknown or secret wrong
  | 'throttled' //               STS rate limit, after the SDK's retries
  | 'unreachable' //             connection refused / DNS / timeout
  | 'serviceUnavailable' //      STS 5xx after retries
  | 'durationTooLong' //         DurationSeconds above the role's MaxSessionDuration
  | 'chainedDurationTooLong' //  DurationSeconds above 1 hour for a chained role
  | 'mfaInvalid' //              MFA code rejected
  | 'mfaCancelled' //            the user dismissed the MFA prompt
  | 'mfaRequired' //             expired credentials wait for an MFA code the user has not entered yet
  | 'ssoLoginRequired' //        IAM Identity Center token missing or expired
  | 'profileNotFound'
  | 'profileInvalid' //          profile present but unusable (cycle, bad credential_source, ...)
  | 'credentialProcessFailed'
  | 'regionDisabled'
  | 'noActiveIdentity'
  | 'superseded' //              a newer switch replaced this one; UIs should stay quiet
  | 'disposed'
  | 'unknown';

/** Every role allows at least one hour (the MaxSessionDuration minimum and role-chaining cap). */
export const ALWAYS_ALLOWED_DURATION_SECONDS = CHAINED_ROLE_MAX_DURATION_SECONDS;

export interface UserFacingErrorOptions {
  cause?: unknown;
  /** The AWS error code (e.g. `AccessDenied`) or Node error code (e.g. `ECONNREFUSED`), if any. */
  code?: string;
  /** True when trying again later, unchanged, may succeed (throttling, network, 5xx). */
  retryable?: boolean;
  /**
   * For `durationTooLong` / `chainedDurationTooLong`: a duration STS will accept, so the UI can
   * offer "Retry with 1 hour".
   */
  suggestedDurationSeconds?: number;
  /** How many HTTP attempts the SDK made before giving up. */
  attempts?: number;
}

/** An error whose message is fit to show as is: cause, then the next step. */
export class UserFacingError extends Error {
  override readonly name = 'UserFacingError';
  readonly code?: string;
  readonly retryable: boolean;
  readonly suggestedDurationSeconds?: number;
  readonly attempts?: number;

  constructor(
    readonly kind: ErrorKind,
    message: string,
    options: UserFacingErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.retryable = options.retryable ?? false;
    this.suggestedDurationSeconds = options.suggestedDurationSeconds;
    this.attempts = options.attempts;
  }
}

/** What we were doing when the error happened: used to name things in the message. */
export interface AwsCallContext {
  readonly operation: 'AssumeRole' | 'GetCallerIdentity' | 'GetSessionToken' | 'ResolveProfile';
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
  readonly durationSeconds?: number;
  readonly mfaSerial?: string;
  readonly configFile?: string;
  readonly credentialsFile?: string;
}

const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED']);

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

function messageOf(error: unknown): string {
  const m = shape(error).message;
  return typeof m === 'string' && m !== '' ? m : String(error);
}

function who(ctx: AwsCallContext): string {
  return ctx.callerArn ?? ctx.sourceLabel ?? (ctx.profile ? `profile "${ctx.profile}"` : 'the current credentials');
}

function endpointHint(ctx: AwsCallContext): string {
  const configured = process.env.AWS_ENDPOINT_URL_STS;
  const endpoint = ctx.endpoint ?? configured ?? (ctx.region ? `https://sts.${ctx.region}.amazonaws.com` : 'https://sts.amazonaws.com');
  const setting = configured
    ? `AWS_ENDPOINT_URL_STS is set to ${configured}: check that it is right, or unset it to use AWS.`
    : 'If you use a custom STS endpoint, set AWS_ENDPOINT_URL_STS.';
  return `${endpoint}. Check your network connection and proxy settings. ${setting}`;
}

function attemptsNote(error: unknown): { attempts?: number; text: string } {
  const attempts = shape(error).$metadata?.attempts;
  return typeof attempts === 'number' && attempts > 1 ? { attempts, text: ` after ${attempts} attempts` } : { text: '' };
}

/** Quotes the SDK's own wording where it carries the detail we cannot know (STS validation text). */
function quoted(error: unknown): string {
  const m = messageOf(error).trim().replace(/\s+/g, ' ');
  const cut = m.length > 300 ? `${m.slice(0, 297)}...` : m;
  // Always a full sentence, so the next-step sentence that follows reads right.
  return /[.!?]$/.test(cut) ? cut : `${cut}.`;
}

/**
 * Classifies `error` (anything the SDK, STS or a credential provider threw) into a
 * `UserFacingError`. A `UserFacingError` passes through unchanged.
 */
export function toUserFacingError(error: unknown, ctx: AwsCallContext): UserFacingError {
  if (error instanceof UserFacingError) return error;
  if (isMfaPromptFailure(error)) {
    return new UserFacingError(
      'mfaCancelled',
      `No MFA code was entered${ctx.mfaSerial ? ` for ${ctx.mfaSerial}` : ''}, so ${ctx.roleArn ?? (ctx.profile ? `profile "${ctx.profile}"` : 'the credentials')} could not be obtained. ` +
        'Run the action again (or "Refresh Credentials") and enter the code when asked.',
      { cause: error },
    );
  }
  const code = errorCode(error) ?? '';
  const message = messageOf(error);
  const status = shape(error).$metadata?.httpStatusCode;
  const tries = attemptsNote(error);
  const base = { cause: error, code: code || undefined, attempts: tries.attempts };
  const role = ctx.roleArn ?? 'the role';

  // --- MFA (STS reports a wrong code as AccessDenied; check it before generic AccessDenied) ---
  if (/MultiFactorAuthentication/i.test(message) || (/\bMFA\b/.test(message) && /invalid|failed/i.test(message))) {
    return new UserFacingError(
      'mfaInvalid',
      `STS did not accept the MFA code${ctx.mfaSerial ? ` for ${ctx.mfaSerial}` : ''} (${code || 'AccessDenied'}). ` +
        'Wait for the next code from your device (each code works only once) and try again; if it keeps failing, check the mfa_serial is the device registered to this IAM user.',
      base,
    );
  }

  // --- Duration limits ---
  if (/DurationSeconds/i.test(message) && /role chaining/i.test(message)) {
    return new UserFacingError(
      'chainedDurationTooLong',
      `STS refused ${ctx.durationSeconds ?? 'the requested'} seconds for ${role}: a role assumed with another role's credentials (role chaining) is limited to 1 hour. ` +
        `Retry with a duration of ${CHAINED_ROLE_MAX_DURATION_SECONDS} seconds or less.`,
      { ...base, suggestedDurationSeconds: ALWAYS_ALLOWED_DURATION_SECONDS },
    );
  }
  if (/DurationSeconds/i.test(message) && /MaxSessionDuration|exceeds/i.test(message)) {
    return new UserFacingError(
      'durationTooLong',
      `STS refused ${ctx.durationSeconds ?? 'the requested'} seconds for ${role}: that exceeds the role's maximum session duration (MaxSessionDuration). ` +
        `Retry with ${ALWAYS_ALLOWED_DURATION_SECONDS} seconds (every role allows 1 hour), or ask the role's owner to raise its maximum session duration.`,
      { ...base, suggestedDurationSeconds: ALWAYS_ALLOWED_DURATION_SECONDS },
    );
  }

  // --- SSO (IAM Identity Center) ---
  if (/\bSSO\b|sso_session|sso_start_url|IAM Identity Center|aws sso login/i.test(message) && code !== 'AccessDenied') {
    if (/invalid SSO credentials|Required parameters|Conflicting SSO/i.test(message)) {
      return new UserFacingError(
        'profileInvalid',
        `Profile "${ctx.profile ?? '?'}" has an incomplete or conflicting IAM Identity Center (SSO) configuration: ${quoted(error)} ` +
          `Fix the profile (or run \`aws configure sso --profile ${ctx.profile ?? '<name>'}\`), then select it again.`,
        base,
      );
    }
    return new UserFacingError(
      'ssoLoginRequired',
      `The IAM Identity Center (SSO) session for profile "${ctx.profile ?? '?'}" is missing or has expired. ` +
        `Run \`aws sso login --profile ${ctx.profile ?? '<name>'}\` in a terminal, then select the profile again.`,
      base,
    );
  }

  // --- Credential files / profiles (fromIni) ---
  if (/Could not resolve credentials using profile|Profile .* (was )?not found|profile .* could not be found/i.test(message)) {
    return new UserFacingError(
      'profileNotFound',
      `Profile "${ctx.profile ?? '?'}" has no usable credentials in ${ctx.configFile ?? '~/.aws/config'} or ${ctx.credentialsFile ?? '~/.aws/credentials'}. ` +
        'Check the profile name and that it sets access keys, role_arn with source_profile or credential_source, sso_session, or credential_process.',
      base,
    );
  }
  if (/Detected a cycle/i.test(message)) {
    return new UserFacingError(
      'profileInvalid',
      `Profile "${ctx.profile ?? '?'}" has a source_profile cycle (${quoted(error)}). Edit the profiles so the source_profile chain ends at a profile with credentials.`,
      base,
    );
  }
  if (/Unsupported credential source/i.test(message)) {
    return new UserFacingError(
      'profileInvalid',
      `Profile "${ctx.profile ?? '?'}" has an unsupported credential_source (${quoted(error)}). Use Environment, Ec2InstanceMetadata or EcsContainer.`,
      base,
    );
  }
  if (/credential_process|credential process/i.test(message)) {
    return new UserFacingError(
      'credentialProcessFailed',
      `The credential_process of profile "${ctx.profile ?? '?'}" failed: ${quoted(error)} Run that command in a terminal to see why, fix it, then select the profile again.`,
      base,
    );
  }

  // --- Credentials used for the call ---
  if (code === 'ExpiredToken' || code === 'ExpiredTokenException' || /security token included in the request is expired/i.test(message)) {
    return new UserFacingError(
      'expiredToken',
      `The credentials of ${who(ctx)} used for ${ctx.operation} have expired (ExpiredToken). ` +
        'Renew them (select the source profile again; for SSO run `aws sso login`; for keys written by another tool, run that tool again), then retry.',
      base,
    );
  }
  if (code === 'InvalidClientTokenId' || code === 'UnrecognizedClientException') {
    return new UserFacingError(
      'invalidCredentials',
      `STS does not recognise the access key of ${who(ctx)} (${code}): it was deleted, deactivated, or belongs to another partition. ` +
        `Update the keys${ctx.profile ? ` of profile "${ctx.profile}"` : ''} in ${ctx.credentialsFile ?? 'your credentials file'} (e.g. \`aws configure\`), then select the profile again.`,
      base,
    );
  }
  if (code === 'SignatureDoesNotMatch' || code === 'IncompleteSignature') {
    return new UserFacingError(
      'invalidCredentials',
      `STS rejected the request signature of ${who(ctx)} (${code}): the secret access key does not match the access key ID, or the system clock is far off. ` +
        `Check aws_secret_access_key${ctx.profile ? ` of profile "${ctx.profile}"` : ''} and the system time, then retry.`,
      base,
    );
  }
  if (code === 'RegionDisabledException') {
    return new UserFacingError(
      'regionDisabled',
      `STS is not activated in region ${ctx.region ?? '?'} for this account. Choose another region (profile region or the extension's region setting), ` +
        'or ask an administrator to activate STS for the region in IAM account settings.',
      base,
    );
  }

  if (code === 'AccessDenied' || code === 'AccessDeniedException' || status === 403) {
    if (ctx.operation === 'AssumeRole') {
      const caller = ctx.callerArn ?? /User: (arn:\S+)/.exec(message)?.[1] ?? who(ctx);
      return new UserFacingError(
        'accessDenied',
        `Access denied assuming ${role} as ${caller}. ` +
          `Check that the role's trust policy allows ${caller} (or its account) to call sts:AssumeRole${ctx.mfaSerial ? '' : ' (and whether it requires MFA or an external ID)'}, ` +
          `and that ${caller} has an IAM policy allowing sts:AssumeRole on the role.`,
        base,
      );
    }
    if (ctx.operation === 'GetSessionToken' && /session credentials/i.test(message)) {
      return new UserFacingError(
        'accessDenied',
        `GetSessionToken cannot be called with temporary credentials (${who(ctx)}). Use a profile with long-lived IAM user keys for MFA sessions.`,
        base,
      );
    }
    return new UserFacingError(
      'accessDenied',
      `STS denied ${ctx.operation} for ${who(ctx)} (${code || 'AccessDenied'}: ${quoted(error)}). Check the IAM permissions of that identity.`,
      base,
    );
  }
  // --- Validation ---
  if (code === 'ValidationError' || code === 'ValidationException' || code === 'InvalidParameterValue' || code === 'MalformedPolicyDocument') {
    if (/roleSessionName/i.test(message)) {
      return new UserFacingError(
        'invalidSessionName',
        `STS rejected the role session name: ${quoted(error)} Use 2-64 characters from letters, digits and +=,.@_-.`,
        base,
      );
    }
    if (/roleArn|role arn|\bARN\b/i.test(message)) {
      return new UserFacingError(
        'invalidRoleArn',
        `STS rejected the role ARN ${ctx.roleArn ?? ''}: ${quoted(error)} Use the form arn:aws:iam::123456789012:role/Name.`,
        base,
      );
    }
    if (/durationSeconds/i.test(message)) {
      return new UserFacingError(
        'durationTooLong',
        `STS rejected the session duration ${ctx.durationSeconds ?? ''}: ${quoted(error)} Use a duration between ${MIN_ROLE_DURATION_SECONDS} and ${CHAINED_ROLE_MAX_DURATION_SECONDS} seconds.`,
        { ...base, suggestedDurationSeconds: ALWAYS_ALLOWED_DURATION_SECONDS },
      );
    }
    return new UserFacingError('unknown', `STS rejected ${ctx.operation}: ${quoted(error)} Check the request values and try again.`, base);
  }

  // --- Transient: throttling, 5xx, network ---
  if (THROTTLING_CODES.has(code) || status === 429) {
    return new UserFacingError(
      'throttled',
      `STS is throttling requests (${code || 'HTTP 429'})${tries.text}. Wait a minute and try again; if it persists, look for other tools in the account calling STS in a loop.`,
      { ...base, retryable: true },
    );
  }
  const networkInMessage = /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT)\b/.exec(message)?.[1];
  if (NETWORK_CODES.has(code) || code === 'TimeoutError' || code === 'RequestTimeout' || code === 'AbortError' || networkInMessage || /socket hang up|timed out|timeout/i.test(message)) {
    if (ctx.operation === 'ResolveProfile' && !ctx.endpoint) {
      // Not STS: the SSO portal, instance metadata, a container endpoint... the SDK's message names the host.
      return new UserFacingError(
        'unreachable',
        `Could not reach AWS while getting credentials for profile "${ctx.profile ?? '?'}": ${quoted(error)} Check your network connection and proxy settings, then try again.`,
        { ...base, code: code || networkInMessage, retryable: true },
      );
    }
    return new UserFacingError(
      'unreachable',
      `Could not reach STS (${code || networkInMessage || 'network error'}${tries.text}) at ${endpointHint(ctx)}`,
      { ...base, retryable: true },
    );
  }
  if ((typeof status === 'number' && status >= 500) || shape(error).$fault === 'server' || code === 'InternalFailure' || code === 'ServiceUnavailable') {
    return new UserFacingError(
      'serviceUnavailable',
      `STS failed with a server error (${code || `HTTP ${status}`})${tries.text}. This is usually temporary: try again in a minute; check https://health.aws.amazon.com if it persists.`,
      { ...base, retryable: true },
    );
  }

  if (typeof status === 'number' && (code === '' || /^(Unknown|UnknownError|NotFound|BadRequest|Forbidden)$/.test(code)) && ctx.operation !== 'ResolveProfile') {
    // An HTTP error without an STS error body: something else answered (a proxy, a wrong endpoint).
    const configured = process.env.AWS_ENDPOINT_URL_STS;
    return new UserFacingError(
      'unknown',
      `${ctx.endpoint ?? 'The STS endpoint'} answered ${ctx.operation} with HTTP ${status} and no STS error: it is probably not STS (a proxy, firewall or wrong endpoint). ` +
        `Check ${configured ? `AWS_ENDPOINT_URL_STS (set to ${configured})` : 'your proxy settings and AWS_ENDPOINT_URL_STS'}, then try again.`,
      base,
    );
  }

  return new UserFacingError(
    'unknown',
    `${ctx.operation === 'ResolveProfile' ? `Could not get credentials for profile "${ctx.profile ?? '?'}"` : `STS ${ctx.operation} failed`}: ${quoted(error)} ` +
      'Check the profile configuration and the extension log for details, then try again.',
    base,
  );
}

/** True when STS refused the requested duration; `suggestedDurationSeconds` says what to retry with. */
export function isDurationTooLongError(e: unknown): e is UserFacingError {
  return e instanceof UserFacingError && (e.kind === 'durationTooLong' || e.kind === 'chainedDurationTooLong');
}
