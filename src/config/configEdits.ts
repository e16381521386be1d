/**
 * Appending a section to the AWS config file without touching a byte of what is there: the new
 * `[sso-session NAME]` or `[profile NAME]` goes after the last byte, in the file's own line ending
 * (CRLF when the file uses it), after a line break when the file lacks a final one. A byte-order
 * mark, comments, spacing and every existing section stay exactly as they were. A name already in
 * use is refused, never overwritten.
 *
 * Pure: bytes in, bytes out. No `vscode`, no I/O (configWriter.ts writes).
 */
import { decodeSharedFile, EMPTY_READING } from './configFiles';
import { readIniAsCli } from './iniParser';
import { isValidRegionName } from './problems';
import { indexProfiles } from './profileIndex';

export type SectionKind = 'sso-session' | 'profile';

export interface NewSection {
  readonly kind: SectionKind;
  readonly name: string;
  /** `key = value` lines, in this order. */
  readonly settings: ReadonlyArray<readonly [string, string]>;
}

/** A refused edit: what is wrong and what to do, as one sentence each. */
export class ConfigEditError extends Error {
  override readonly name = 'ConfigEditError';
}

/** Names written without quotes: what the AWS CLI accepts in a header, less the characters shlex would split on. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.@+-]*$/;
export const MAX_NAME_LENGTH = 64;

/** Why `name` cannot name a new section of `kind`, or undefined when it can. */
export function nameProblem(kind: SectionKind, name: string, taken: ReadonlySet<string>): string | undefined {
  const what = kind === 'profile' ? 'A profile name' : 'An sso-session name';
  if (!name) return `${what} is needed.`;
  if (name.length > MAX_NAME_LENGTH) return `${what} has at most ${MAX_NAME_LENGTH} characters.`;
  if (!NAME.test(name)) return `${what} starts with a letter or digit and has only letters, digits and . _ @ + - (no spaces).`;
  if (kind === 'profile' && name === 'default') return 'The name "default" is the default profile: choose another name.';
  if (taken.has(name)) return `${kind === 'profile' ? `[profile ${name}]` : `[sso-session ${name}]`} already exists in the config file: choose another name (it is never overwritten).`;
  return undefined;
}

/** Why `value` is not an IAM Identity Center start URL, or undefined when it is one. */
export function startUrlProblem(value: string): string | undefined {
  const v = value.trim();
  if (!v) return 'Enter the start URL of your AWS access portal, e.g. https://d-1234567890.awsapps.com/start.';
  if (/\s/.test(v)) return 'A start URL has no spaces.';
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return 'This is not a URL: the start URL looks like https://d-1234567890.awsapps.com/start.';
  }
  if (url.protocol !== 'https:') return 'The start URL must begin with https://.';
  if (!url.hostname || url.username || url.password) return 'The start URL has a host name and no user name, e.g. https://my-company.awsapps.com/start.';
  return undefined;
}

/** Why `value` is not a region name, or undefined when it is one. */
export function regionProblem(value: string): string | undefined {
  const v = value.trim();
  if (!v) return 'Enter the region of your IAM Identity Center instance, e.g. us-east-1.';
  // Two letters or more before the first dash: eusc-de-east-1 (the European Sovereign Cloud) too.
  return isValidRegionName(v) && /^[a-z]{2,}(-[a-z]+)+-\d+$/.test(v) ? undefined : `"${v}" is not a region name such as us-east-1 or eu-west-1.`;
}

/**
 * The names the AWS CLI reads from the file's sections of `kind`, by profileIndex.ts's rules (a
 * header that starts with the kind and splits into two words names its second word).
 */
export function existingNames(bytes: Uint8Array | undefined, kind: SectionKind): Set<string> {
  if (!bytes || bytes.length === 0) return new Set();
  const reading = readIniAsCli(decodeSharedFile(bytes).text);
  const index = indexProfiles({ config: { path: '', reading }, credentials: { path: '', reading: EMPTY_READING }, fileProblems: [] });
  return new Set(kind === 'sso-session' ? index.ssoSessions.keys() : index.profiles.keys());
}

/** A free name from `base`: `base`, else `base-2`, `base-3`, … (kept under the length limit). */
export function uniqueName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) {
    const suffix = `-${i}`;
    const candidate = base.slice(0, MAX_NAME_LENGTH - suffix.length) + suffix;
    if (!taken.has(candidate)) return candidate;
  }
}

/** Text made into a section name: runs of other characters become "-", trimmed, at most the limit. */
export function sanitizeName(text: string): string {
  const cleaned = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_.@+-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return cleaned.slice(0, MAX_NAME_LENGTH).replace(/[^A-Za-z0-9]+$/, '');
}

/** The session name offered for a start URL: the portal's subdomain (`my-company` of https://my-company.awsapps.com/start). */
export function suggestSessionName(startUrl: string, taken: ReadonlySet<string>): string {
  let base = '';
  try {
    base = sanitizeName(new URL(startUrl.trim()).hostname.split('.')[0] ?? '');
  } catch {
    // Not a URL yet: the generic name below.
  }
  return uniqueName(base || 'sso', taken);
}

/** The profile name offered for a role: `<account name or ID>-<role>`, sanitized, never one that exists. */
export function suggestProfileName(account: string, roleName: string, taken: ReadonlySet<string>): string {
  const base = sanitizeName(`${account}-${roleName}`).slice(0, MAX_NAME_LENGTH - 4) || 'sso-role';
  return uniqueName(base === 'default' ? 'default-role' : base, taken);
}

function sectionText(section: NewSection, eol: string): string {
  const lines = [`[${section.kind} ${section.name}]`];
  for (const [k, v] of section.settings) {
    if (!/^[a-z_]+$/.test(k)) throw new ConfigEditError(`"${k}" is not a setting name; nothing was written.`);
    if (/[\r\n\u2028\u2029\x0b\x0c\x1c-\x1e\x85]/.test(v) || v !== v.trim() || v === '') throw new ConfigEditError(`The value of ${k} must be one line of text without leading or trailing spaces; nothing was written.`);
    lines.push(`${k} = ${v}`);
  }
  return lines.join(eol) + eol;
}

/**
 * The bytes to add at the end of the file (`existing` undefined: the file does not exist yet) so
 * that it gains `section`. Throws ConfigEditError when the name is invalid or already used.
 */
export function sectionAppendix(existing: Uint8Array | undefined, section: NewSection): Uint8Array {
  const problem = nameProblem(section.kind, section.name, existingNames(existing, section.kind));
  if (problem) throw new ConfigEditError(problem);
  const text = existing && existing.length > 0 ? decodeSharedFile(existing).text : '';
  // The file's own line ending; a lone CR is a line break for the CLI too.
  const eol = text.includes('\r\n') ? '\r\n' : text.includes('\r') ? '\r' : '\n';
  const lines = text.replace(/\r\n?/g, '\n');
  let prefix = '';
  if (lines !== '') {
    if (!lines.endsWith('\n')) prefix = eol + eol;
    else if (!/\n[ \t]*\n$/.test(lines)) prefix = eol; // one blank line between sections
  }
  return new TextEncoder().encode(prefix + sectionText(section, eol));
}

/** The whole new file: `existing` unchanged, followed by the section (see sectionAppendix). */
export function withSection(existing: Uint8Array | undefined, section: NewSection): Uint8Array {
  const appendix = sectionAppendix(existing, section);
  const out = new Uint8Array((existing?.length ?? 0) + appendix.length);
  if (existing) out.set(existing, 0);
  out.set(appendix, existing?.length ?? 0);
  return out;
}

/** The `[sso-session NAME]` the AWS CLI's `aws configure sso` writes. */
export function ssoSessionSection(name: string, startUrl: string, region: string): NewSection {
  return { kind: 'sso-session', name, settings: [['sso_start_url', startUrl.trim()], ['sso_region', region.trim()], ['sso_registration_scopes', 'sso:account:access']] };
}

/** A `[profile NAME]` for one role of an sso-session (region only when known). */
export function ssoRoleProfileSection(name: string, r: { session: string; accountId: string; roleName: string; region?: string }): NewSection {
  const settings: [string, string][] = [['sso_session', r.session], ['sso_account_id', r.accountId], ['sso_role_name', r.roleName]];
  if (r.region) settings.push(['region', r.region]);
  return { kind: 'profile', name, settings };
}
