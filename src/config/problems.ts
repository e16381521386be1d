/**
 * Why a profile cannot be used, as the user reads it: a cause and a next step, rendered as one
 * sentence pair. Also the checks on a profile's settings that are not botocore's own but would
 * make its credentials fail later: what STS refuses (a malformed role ARN, a session duration out
 * of range or over an hour in a role chain), a region botocore rejects, and a value continued on
 * indented lines where one line is expected.
 *
 * Pure: no `vscode`, no I/O. Never puts a secret in a message.
 */
import type { IniValue } from './iniParser';
import type { CredentialSource } from './credentialPlan';
import type { ProfileKind } from '../shared/types';
import { pythonInt } from './pythonText';
import { CHAINED_ROLE_MAX_DURATION_SECONDS, MAX_ROLE_DURATION_SECONDS, MIN_ROLE_DURATION_SECONDS } from '../shared/roleInput';

export interface Problem {
  readonly cause: string;
  readonly next: string;
}

/** "Cause. Next step: next." with the parts' own final dots and spaces removed. */
export function render(p: Problem): string {
  // A loop, not /[.\s]+$/: that regex is quadratic on a long run of spaces inside a value.
  const trim = (s: string): string => {
    let end = s.length;
    while (end > 0 && (s[end - 1] === '.' || /\s/.test(s[end - 1]!))) end--;
    return s.slice(0, end);
  };
  return `${trim(p.cause)}. Next step: ${trim(p.next)}.`;
}

/** A profile's settings as botocore merged them. */
export type Settings = ReadonlyMap<string, IniValue>;

/** A setting's value when it is one string (not a block of sub-settings). */
export const text = (s: Settings | undefined, key: string): string | undefined => {
  const v = s?.get(key);
  return typeof v === 'string' ? v : undefined;
};

/**
 * A value's first line. Lines that continue a value (indented below it) can be other settings,
 * secrets included, so they are never shown.
 */
export function firstLineOf(v: string): string {
  const end = v.indexOf('\n');
  return end < 0 ? v : v.slice(0, end);
}

/** A value for a message: its first line in quotes, `...` marking what was left out. */
export function quote(v: string): string {
  const line = firstLineOf(v);
  const shown = line === v ? v : `${line}...`;
  return JSON.stringify(shown.length > 120 ? `${shown.slice(0, 117)}...` : shown);
}

const SECRET_KEYS = new Set(['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'aws_security_token']);

/** A value for a message: quoted, except secrets (never shown) and blocks. */
export function showValue(key: string, v: IniValue): string {
  if (SECRET_KEYS.has(key)) return 'one value';
  return typeof v === 'string' ? quote(v) : 'a block of sub-settings';
}

const looksCommented = (v: string): boolean => /\s[#;]/.test(v);
const NOT_A_COMMENT = ' (the AWS CLI does not treat # or ; after a value as a comment)';

/** botocore's validate_region_name: a host label, not all digits, no leading/trailing hyphen. */
const REGION = /^(?![0-9]+$)(?!-)[a-zA-Z0-9-]{0,63}(?<!-)$/;
/** An IAM role ARN: partition, 12-digit account, optional path, role name (IAM's character set). */
const ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/(?:[\x21-\x7e]*\/)?[\w+=,.@-]{1,64}$/;

/** True when `arn` is an IAM role ARN STS can assume (arn:aws:iam::123456789012:role/path/Name). */
export function isRoleArn(arn: string): boolean {
  return ROLE_ARN.test(arn);
}

/** True when botocore accepts `region` as a region name. */
export function isValidRegionName(region: string): boolean {
  return REGION.test(region);
}

export function regionProblem(name: string, region: string): Problem | undefined {
  if (isValidRegionName(region)) return undefined;
  const commented = looksCommented(region);
  return {
    cause: `Region ${quote(region)} of profile "${name}" is not a valid region name${commented ? NOT_A_COMMENT : ''}`,
    next: `write a region code such as us-east-1${commented ? ' and move the comment to a line of its own' : ''}`,
  };
}

/** Settings whose value must be one line; an indented block under them breaks the profile. */
export const ONE_LINE_KEYS: ReadonlyArray<string> = [
  'region', 'role_arn', 'source_profile', 'credential_source', 'mfa_serial', 'external_id', 'role_session_name', 'duration_seconds',
  'web_identity_token_file', 'sso_session', 'sso_start_url', 'sso_region', 'sso_account_id', 'sso_role_name', 'credential_process',
  'login_session', 'aws_access_key_id', 'aws_secret_access_key', 'aws_session_token',
];

/** A one-line setting of profile `name` that is a block or continues on indented lines. */
export function continuedValueProblem(name: string, s: Settings): Problem | undefined {
  for (const key of ONE_LINE_KEYS) {
    const v = s.get(key);
    if (v === undefined) continue;
    if (typeof v !== 'string') {
      return {
        cause: `${key} of profile "${name}" has indented lines under it, which the AWS CLI reads as sub-settings instead of a value`,
        next: `put the value on the same line (${key} = VALUE) and remove the indentation of the lines below`,
      };
    }
    if (v.includes('\n')) {
      return {
        cause: `${key} of profile "${name}" is followed by indented lines, which the AWS CLI reads as more lines of its value`,
        next: `remove the indentation of the lines below ${key}`,
      };
    }
  }
  return undefined;
}

/** What STS would refuse about assuming the role of profile `name` (`chained`: with role credentials). */
export function roleProblem(name: string, s: Settings, chained: boolean): Problem | undefined {
  return arnProblem(name, s) ?? durationProblem(name, s, chained);
}

export function arnProblem(name: string, s: Settings): Problem | undefined {
  if (s.has('role_arn') && typeof s.get('role_arn') !== 'string') {
    return { cause: `role_arn of profile "${name}" has indented lines under it instead of an ARN`, next: 'put the ARN on the same line as role_arn =' };
  }
  const arn = text(s, 'role_arn') ?? '';
  if (isRoleArn(arn)) return undefined;
  return {
    cause: `role_arn ${quote(arn)} of profile "${name}" is not an IAM role ARN${looksCommented(arn) ? NOT_A_COMMENT : ''}`,
    next: 'use the form arn:aws:iam::<12-digit account id>:role/<role name>, as the IAM console shows it',
  };
}

/** duration_seconds as botocore sends it: Python's int() of the value; undefined when absent or int() refuses it. */
export function durationSeconds(s: Settings): number | undefined {
  const raw = text(s, 'duration_seconds');
  return raw === undefined ? undefined : pythonInt(raw);
}

function durationProblem(name: string, s: Settings, chained: boolean): Problem | undefined {
  // A value int() refuses is left out by botocore (a one-hour session): nothing STS would refuse.
  const seconds = durationSeconds(s);
  if (seconds === undefined) return undefined;
  if (seconds < MIN_ROLE_DURATION_SECONDS || seconds > MAX_ROLE_DURATION_SECONDS) {
    return {
      cause: `duration_seconds ${seconds} of profile "${name}" is outside what STS accepts (${MIN_ROLE_DURATION_SECONDS} to ${MAX_ROLE_DURATION_SECONDS} seconds)`,
      next: `choose a value from ${MIN_ROLE_DURATION_SECONDS} to ${MAX_ROLE_DURATION_SECONDS} that the role's maximum session duration allows`,
    };
  }
  if (chained && seconds > CHAINED_ROLE_MAX_DURATION_SECONDS) {
    return {
      cause: `duration_seconds ${seconds} of profile "${name}" is over one hour, which STS refuses when the role is assumed with another role's credentials (role chaining)`,
      next: `set duration_seconds to ${CHAINED_ROLE_MAX_DURATION_SECONDS} or less`,
    };
  }
  return undefined;
}

/** What one of the profile providers (everything after AssumeRole) makes of a profile. */
export type ProviderResult =
  | { readonly status: 'credentials'; readonly kind: Exclude<ProfileKind, 'none' | 'sourceProfile' | 'credentialSource'>; readonly source: CredentialSource }
  | { readonly status: 'none'; readonly note?: Problem }
  | { readonly status: 'error'; readonly kind: ProfileKind; readonly problem: Problem };
