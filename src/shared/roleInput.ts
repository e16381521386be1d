/**
 * Pure checks for what the user types when assuming a role: the role reference, the session
 * name, the duration. Used for as-you-type validation in an input box, so each failure says
 * precisely what is wrong and what a right value looks like.
 */

/** AWS partitions, with the ISO ones (their ARNs have the same shape). */
export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'] as const;
export type Partition = (typeof PARTITIONS)[number];

export type RoleInputResult =
  | { readonly ok: true; readonly arn: string; readonly account: string; readonly roleName: string; readonly partition: Partition; readonly path: string }
  | { readonly ok: false; readonly message: string };

const EXAMPLE = 'arn:aws:iam::123456789012:role/Name';
const ROLE_NAME = /^[\w+=,.@-]+$/;
const ROLE_NAME_MAX = 64;
const PATH_MAX = 512;

function fail(message: string): RoleInputResult {
  return { ok: false, message };
}

function checkAccount(account: string): string | undefined {
  if (account === '') return `The account ID is missing: use 12 digits, as in ${EXAMPLE}.`;
  if (!/^\d+$/.test(account)) return `The account ID "${account}" must be 12 digits (no dashes or letters).`;
  if (account.length !== 12) return `The account ID "${account}" has ${account.length} digits; it must have 12.`;
  return undefined;
}

/** Checks `role/Path/Name` (or `Name` when `allowBareName`) and returns path + name. */
function parseRoleResource(resource: string, allowBareName: boolean): { path: string; roleName: string } | { error: string } {
  let rest: string;
  if (resource.startsWith('role/')) {
    rest = resource.slice('role/'.length);
  } else if (allowBareName && !resource.includes('/')) {
    rest = resource;
  } else {
    const type = resource.split('/')[0] ?? resource;
    if (['user', 'group', 'policy', 'instance-profile', 'mfa', 'server-certificate', 'oidc-provider', 'saml-provider'].includes(type)) {
      return { error: `That names an IAM ${type}, not a role. Use a role, as in ${EXAMPLE}.` };
    }
    return { error: `The resource "${resource}" must start with "role/", as in ${EXAMPLE}.` };
  }
  if (rest === '') return { error: `The role name is missing after "role/", as in ${EXAMPLE}.` };
  const slash = rest.lastIndexOf('/');
  const roleName = rest.slice(slash + 1);
  const innerPath = slash >= 0 ? rest.slice(0, slash + 1) : '';
  const path = `/${innerPath}`;
  if (roleName === '') return { error: 'The role name is missing: the ARN ends with "/".' };
  if (roleName.length > ROLE_NAME_MAX) return { error: `The role name "${roleName.slice(0, 20)}..." has ${roleName.length} characters; the maximum is ${ROLE_NAME_MAX}.` };
  if (!ROLE_NAME.test(roleName)) {
    const bad = [...roleName].find((c) => !/[\w+=,.@-]/.test(c)) ?? '?';
    return { error: `The role name "${roleName}" contains "${bad === ' ' ? 'a space' : bad}"; role names use only letters, digits and +=,.@_-.` };
  }
  if (path.length > PATH_MAX) return { error: `The role path has ${path.length} characters; the maximum is ${PATH_MAX}.` };
  if (path.includes('//')) return { error: `The role path "${path}" has an empty segment ("//").` };
  if (!/^\/([\x21-\x7e]+\/)?$/.test(path)) return { error: `The role path "${path}" may only contain printable ASCII characters without spaces.` };
  return { path, roleName };
}

/**
 * Parses a role reference: a full role ARN in any partition, or the shorthands
 * `123456789012:role/Path/Name`, `123456789012:role/Name` and `123456789012:Name`
 * (the partition of a shorthand comes from `defaultPartition`).
 */
export function parseRoleInput(input: string, defaultPartition: Partition = 'aws'): RoleInputResult {
  const text = input.trim();
  if (text === '') return fail(`Enter a role ARN (${EXAMPLE}) or account:role (123456789012:Name).`);
  if (/\s/.test(text)) return fail('The role reference contains a space; remove it.');

  if (text.startsWith('arn:')) {
    const parts = text.split(':');
    if (parts.length < 6) return fail(`An ARN has six parts separated by ":", as in ${EXAMPLE}; this one has ${parts.length}.`);
    const [, partition = '', service = '', region = '', account = ''] = parts;
    // The resource part may itself contain ":" only in other services; a role's does not, but join
    // defensively so the message talks about what the user wrote.
    const resource = parts.slice(5).join(':');
    if (!(PARTITIONS as readonly string[]).includes(partition)) {
      return fail(`Unknown partition "${partition}": use one of ${PARTITIONS.join(', ')}.`);
    }
    if (service === 'sts' && resource.startsWith('assumed-role/')) {
      const roleName = resource.split('/')[1] ?? 'Name';
      return fail(
        `That is an assumed-role session ARN (sts). Use the role's ARN instead: arn:${partition}:iam::${account || '123456789012'}:role/${roleName} (add the role's path if it has one).`,
      );
    }
    if (service !== 'iam') return fail(`That is an ${service || 'empty-service'} ARN; a role ARN has the service "iam", as in ${EXAMPLE}.`);
    if (region !== '') return fail(`IAM ARNs have no region: remove "${region}" (${EXAMPLE}).`);
    const accountProblem = checkAccount(account);
    if (accountProblem) return fail(accountProblem);
    const role = parseRoleResource(resource, false);
    if ('error' in role) return fail(role.error);
    return { ok: true, arn: `arn:${partition}:iam::${account}:role${role.path}${role.roleName}`, account, roleName: role.roleName, partition: partition as Partition, path: role.path };
  }

  const colon = text.indexOf(':');
  if (colon < 0) {
    if (/^\d+$/.test(text)) return fail(`Add the role after the account ID: ${text}:RoleName.`);
    return fail(`Add the account ID before the role name: 123456789012:${text}, or paste the full role ARN.`);
  }
  const account = text.slice(0, colon);
  const accountProblem = checkAccount(account);
  if (accountProblem) return fail(accountProblem);
  const role = parseRoleResource(text.slice(colon + 1), true);
  if ('error' in role) return fail(role.error);
  return {
    ok: true,
    arn: `arn:${defaultPartition}:iam::${account}:role${role.path}${role.roleName}`,
    account,
    roleName: role.roleName,
    partition: defaultPartition,
    path: role.path,
  };
}

/** The partition a region belongs to (for the shorthand's default). */
export function partitionOfRegion(region: string | undefined): Partition {
  if (!region) return 'aws';
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  if (region.startsWith('eusc-')) return 'aws-eusc';
  return 'aws';
}

/** Session names STS accepts: 2-64 characters from `[\w+=,.@-]`. */
export const SESSION_NAME_PATTERN = /^[\w+=,.@-]{2,64}$/;

/**
 * An MFA device STS accepts as SerialNumber (9 to 256 of `[\w+=/:,.@-]`): a virtual device's ARN
 * (arn:PARTITION:iam::ACCOUNT:mfa/PATH/NAME) or a hardware token's serial number.
 */
export function isMfaSerial(value: string): boolean {
  if (value.length < 9 || value.length > 256) return false;
  return /^arn:aws(?:-[a-z]+)*:iam::\d{12}:mfa\/[\w+=,.@/-]+$/.test(value) || /^[A-Z0-9]{12,}$/.test(value);
}

/**
 * Makes `s` an acceptable RoleSessionName: disallowed characters become `-`, the result is cut to
 * 64 characters, and anything shorter than 2 characters becomes `fallback`.
 */
export function sanitizeSessionName(s: string, fallback = 'vscode-aws-identity'): string {
  const cleaned = s
    .trim()
    .replace(/[^\w+=,.@-]/g, '-')
    .replace(/-{2,}/g, '-')
    .slice(0, 64);
  return cleaned.length >= 2 ? cleaned : fallback;
}

/** Why a session name is not acceptable, or undefined when it is (for as-you-type validation). */
export function validateSessionName(s: string): string | undefined {
  if (s.length < 2) return 'The session name needs at least 2 characters.';
  if (s.length > 64) return `The session name has ${s.length} characters; the maximum is 64.`;
  const bad = [...s].find((c) => !/[\w+=,.@-]/.test(c));
  if (bad !== undefined) return `The session name contains "${bad === ' ' ? 'a space' : bad}"; use only letters, digits and +=,.@_-.`;
  return undefined;
}

export const MIN_ROLE_DURATION_SECONDS = 900;
export const MAX_ROLE_DURATION_SECONDS = 43200;
/** AWS limits a role assumed with another role's credentials to 1 hour. */
export const CHAINED_ROLE_MAX_DURATION_SECONDS = 3600;
/** GetSessionToken for an IAM user: 15 minutes to 36 hours. */
export const MAX_SESSION_TOKEN_DURATION_SECONDS = 129600;

export interface ClampedDuration {
  readonly seconds: number;
  /** Set when `seconds` differs from the request: a sentence saying why. */
  readonly reason?: string;
}

/**
 * Brings a requested AssumeRole duration into what STS accepts: 900..43200 seconds, and at most
 * 3600 when `chained` (the caller's credentials are themselves a role session).
 * The role's own MaxSessionDuration is unknown here; STS reports it (errors.ts: durationTooLong).
 */
export function clampDuration(seconds: number, options: { chained: boolean }): ClampedDuration {
  const requested = Number.isFinite(seconds) ? Math.floor(seconds) : CHAINED_ROLE_MAX_DURATION_SECONDS;
  if (!Number.isFinite(seconds)) {
    return { seconds: requested, reason: `The duration "${String(seconds)}" is not a number; using ${requested} seconds.` };
  }
  if (options.chained && requested > CHAINED_ROLE_MAX_DURATION_SECONDS) {
    return {
      seconds: CHAINED_ROLE_MAX_DURATION_SECONDS,
      reason: `Duration capped at ${CHAINED_ROLE_MAX_DURATION_SECONDS} seconds (requested ${requested}): a role assumed with another role's credentials (role chaining) can last at most 1 hour.`,
    };
  }
  if (requested > MAX_ROLE_DURATION_SECONDS) {
    return { seconds: MAX_ROLE_DURATION_SECONDS, reason: `Duration capped at ${MAX_ROLE_DURATION_SECONDS} seconds (requested ${requested}): STS allows at most 12 hours for a role.` };
  }
  if (requested < MIN_ROLE_DURATION_SECONDS) {
    return { seconds: MIN_ROLE_DURATION_SECONDS, reason: `Duration raised to ${MIN_ROLE_DURATION_SECONDS} seconds (requested ${requested}): STS requires at least 15 minutes.` };
  }
  return { seconds: requested };
}

/** Like `clampDuration`, for GetSessionToken (900..129600 seconds). */
export function clampSessionTokenDuration(seconds: number): ClampedDuration {
  const requested = Number.isFinite(seconds) ? Math.floor(seconds) : 43200;
  if (requested > MAX_SESSION_TOKEN_DURATION_SECONDS) {
    return { seconds: MAX_SESSION_TOKEN_DURATION_SECONDS, reason: `Duration capped at ${MAX_SESSION_TOKEN_DURATION_SECONDS} seconds: GetSessionToken allows at most 36 hours.` };
  }
  if (requested < MIN_ROLE_DURATION_SECONDS) {
    return { seconds: MIN_ROLE_DURATION_SECONDS, reason: `Duration raised to ${MIN_ROLE_DURATION_SECONDS} seconds: STS requires at least 15 minutes.` };
  }
  return { seconds: requested };
}

/** The parts of an STS caller ARN that the UI shows. */
export interface ParsedCallerArn {
  readonly partition: string;
  readonly account: string;
  readonly kind: 'assumed-role' | 'user' | 'root' | 'federated-user' | 'other';
  /** Role name, user name, or federated user name. */
  readonly name: string;
  readonly sessionName?: string;
}

/** Splits a GetCallerIdentity / AssumedRoleUser ARN into what the status bar shows. */
export function parseCallerArn(arn: string): ParsedCallerArn {
  const parts = arn.split(':');
  const partition = parts[1] ?? 'aws';
  const account = parts[4] ?? '';
  const resource = parts.slice(5).join(':');
  const segments = resource.split('/');
  const type = segments[0] ?? '';
  if (type === 'assumed-role') {
    return { partition, account, kind: 'assumed-role', name: segments[1] ?? resource, sessionName: segments.slice(2).join('/') || undefined };
  }
  if (type === 'user') return { partition, account, kind: 'user', name: segments[segments.length - 1] ?? resource };
  if (type === 'root') return { partition, account, kind: 'root', name: 'root' };
  if (type === 'federated-user') return { partition, account, kind: 'federated-user', name: segments[1] ?? resource };
  return { partition, account, kind: 'other', name: segments[segments.length - 1] || resource };
}
