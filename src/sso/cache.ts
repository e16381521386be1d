/**
 * The AWS CLI's SSO cache (~/.aws/sso/cache), read and written exactly as the CLI v2 and
 * botocore do, so a sign-in here serves `aws` and boto3 and the other way round:
 *  - token: `<sha1(sso-session name)>.json` (legacy profiles: sha1 of the start URL), fields
 *    startUrl, region, accessToken, expiresAt, clientId, clientSecret, registrationExpiresAt,
 *    refreshToken (botocore SSOTokenLoader / SSOTokenProvider, CLI v2 SSOTokenFetcher);
 *  - client registration: `<sha1(json.dumps({region, scopes, session_name, startUrl,
 *    tool: "botocore"}, sort_keys=True))>.json`, fields clientId, clientSecret, expiresAt,
 *    scopes and (authorization-code registrations) grantTypes (CLI v2 since 2.9; before that it
 *    was `botocore-client-id-<region>`, which nobody writes any more).
 * Timestamps are written as the CLI writes them, `%Y-%m-%dT%H:%M:%SZ`; read in any ISO 8601
 * form, since the JS SDK writes milliseconds.
 * Writes are atomic (temp file in the same folder, fsync, rename), files 0600, a created folder
 * 0700. A file that does not parse, or is not in the CLI's format, is never overwritten: the
 * user may have put it there, or a newer tool may own it.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { SsoError } from './errors';
import type { SsoSession } from './types';

export function defaultCacheDir(home: string = os.homedir()): string {
  return path.join(home, '.aws', 'sso', 'cache');
}

/** Python's json.dumps with its defaults (", " and ": " separators, ensure_ascii), so hashes match botocore's. */
export function pythonJsonDumps(value: unknown, sortKeys = false): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => pythonJsonDumps(v, sortKeys)).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  // sort_keys compares code points; JS's default sort compares UTF-16 units: equal for the BMP keys used here.
  if (sortKeys) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${pythonJsonDumps(k)}: ${pythonJsonDumps(v, sortKeys)}`).join(', ')}}`;
}

const sha1 = (s: string): string => createHash('sha1').update(s, 'utf8').digest('hex');

/** botocore SSOTokenLoader._generate_cache_key. */
export function tokenCacheKey(s: Pick<SsoSession, 'sessionName' | 'startUrl'>): string {
  return sha1(s.sessionName ?? s.startUrl);
}

/** CLI v2 BaseSSOTokenFetcher._registration_cache_key; `scopes` is the configured list or undefined (null). */
export function registrationCacheKey(s: SsoSession): string {
  const args = { tool: 'botocore', startUrl: s.startUrl, region: s.region, scopes: s.registrationScopes ? [...s.registrationScopes] : null, session_name: s.sessionName ?? null };
  return sha1(pythonJsonDumps(args, true));
}

/** `%Y-%m-%dT%H:%M:%SZ`, as botocore's _sso_json_dumps writes datetimes. */
export function formatCliTimestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// ISO 8601 as botocore (dateutil) and the JS SDK write it; "UTC" is JSONFileCache's default format.
// dateutil also reads a space for the T; a time without a zone is refused, as botocore's token
// provider fails on it (it subtracts an aware datetime from it).
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2}|UTC)$/;

export function parseCliTimestamp(s: unknown): Date | undefined {
  if (typeof s !== 'string' || !TIMESTAMP.test(s)) return undefined;
  const d = new Date(s.replace(' ', 'T').replace(/UTC$/, 'Z').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * A token entry: the fields botocore and the CLI read and write. Other fields of a file are not
 * kept; a rewrite (refresh, sign-in) writes these only, as botocore's refresh does.
 */
export interface TokenEntry {
  readonly startUrl?: string;
  readonly region?: string;
  readonly accessToken: string;
  readonly expiresAt: Date;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly registrationExpiresAt?: Date;
  readonly refreshToken?: string;
}

export interface RegistrationEntry {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly expiresAt: Date;
  readonly scopes?: ReadonlyArray<string>;
  readonly grantTypes?: ReadonlyArray<string>;
}

export type Read<T> = { readonly status: 'missing' } | { readonly status: 'ok'; readonly entry: T; readonly raw: string };

function unusable(file: string, why: string): SsoError {
  return new SsoError(
    'cacheUnusable',
    // Not `aws sso logout`: it skips a file it cannot parse, and it signs out of every session.
    `The SSO cache file ${file} ${why}, so it is left alone. Delete ${file}, then sign in again: the sign-in then writes a new one.`,
  );
}

async function readJson(file: string): Promise<{ status: 'missing' } | { status: 'ok'; value: Record<string, unknown>; raw: string }> {
  let raw: string;
  try {
    const st = await fs.lstat(file);
    if (!st.isFile()) throw unusable(file, 'is not a regular file');
    raw = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
    if (e instanceof SsoError) throw e;
    throw new SsoError('cacheUnusable', `The SSO cache file ${file} could not be read (${(e as NodeJS.ErrnoException).code ?? String(e)}). Check its owner and permissions (it should be yours, mode 600), then sign in again.`, { cause: e });
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw unusable(file, 'is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw unusable(file, 'does not hold a JSON object');
  return { status: 'ok', value: value as Record<string, unknown>, raw };
}

function optionalString(v: Record<string, unknown>, k: string, file: string): string | undefined {
  const x = v[k];
  if (x === undefined || x === null) return undefined;
  if (typeof x !== 'string') throw unusable(file, `has a field ${k} that is not a string`);
  return x;
}

function optionalDate(v: Record<string, unknown>, k: string, file: string): Date | undefined {
  if (v[k] === undefined || v[k] === null) return undefined;
  const d = parseCliTimestamp(v[k]);
  if (!d) throw unusable(file, `has a field ${k} that is not an ISO 8601 time`);
  return d;
}

function optionalList(v: Record<string, unknown>, k: string, file: string): string[] | undefined {
  const x = v[k];
  if (x === undefined || x === null) return undefined;
  if (!Array.isArray(x) || x.some((i) => typeof i !== 'string')) throw unusable(file, `has a field ${k} that is not a list of strings`);
  return x as string[];
}

/** Reads a token entry; 'missing' when there is none, throws when the file is not ours to touch. */
export async function readTokenEntry(file: string): Promise<Read<TokenEntry>> {
  const r = await readJson(file);
  if (r.status === 'missing') return r;
  const v = r.value;
  const accessToken = optionalString(v, 'accessToken', file);
  const expiresAt = optionalDate(v, 'expiresAt', file);
  // botocore's SSOTokenLoader requires both; without them this is not an SSO token file.
  if (!accessToken || !expiresAt) throw unusable(file, 'is not an SSO token (it lacks accessToken or expiresAt)');
  const entry: TokenEntry = {
    accessToken,
    expiresAt,
    startUrl: optionalString(v, 'startUrl', file),
    region: optionalString(v, 'region', file),
    clientId: optionalString(v, 'clientId', file),
    clientSecret: optionalString(v, 'clientSecret', file),
    registrationExpiresAt: optionalDate(v, 'registrationExpiresAt', file),
    refreshToken: optionalString(v, 'refreshToken', file),
  };
  return { status: 'ok', entry, raw: r.raw };
}

export async function readRegistrationEntry(file: string): Promise<Read<RegistrationEntry>> {
  const r = await readJson(file);
  if (r.status === 'missing') return r;
  const v = r.value;
  const clientId = optionalString(v, 'clientId', file);
  const clientSecret = optionalString(v, 'clientSecret', file);
  const expiresAt = optionalDate(v, 'expiresAt', file);
  if (!clientId || !clientSecret || !expiresAt) throw unusable(file, 'is not an SSO client registration (it lacks clientId, clientSecret or expiresAt)');
  const entry: RegistrationEntry = { clientId, clientSecret, expiresAt, scopes: optionalList(v, 'scopes', file), grantTypes: optionalList(v, 'grantTypes', file) };
  return { status: 'ok', entry, raw: r.raw };
}

/** The token as the CLI writes it, fields in the CLI's order. */
export function serializeToken(t: TokenEntry): string {
  return pythonJsonDumps({
    startUrl: t.startUrl,
    region: t.region,
    accessToken: t.accessToken,
    expiresAt: formatCliTimestamp(t.expiresAt),
    clientId: t.clientId,
    clientSecret: t.clientSecret,
    registrationExpiresAt: t.registrationExpiresAt ? formatCliTimestamp(t.registrationExpiresAt) : undefined,
    refreshToken: t.refreshToken,
  });
}

export function serializeRegistration(r: RegistrationEntry): string {
  return pythonJsonDumps({
    clientId: r.clientId,
    clientSecret: r.clientSecret,
    expiresAt: formatCliTimestamp(r.expiresAt),
    scopes: r.scopes,
    grantTypes: r.grantTypes,
  });
}

/**
 * Writes `content` to `file` atomically, mode 0600. The existing file, if any, must be readable
 * by `check` (which throws for a file we must not overwrite).
 */
export async function writeCacheFile(file: string, content: string, check: (file: string) => Promise<unknown>): Promise<void> {
  const dir = path.dirname(file);
  // recursive: every folder it creates gets 0700, as the tokens inside are bearer secrets.
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await check(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } catch (e) {
    await handle.close().catch(() => undefined);
    await fs.rm(temp, { force: true });
    throw cacheWriteError(file, e);
  }
  await handle.close();
  try {
    await fs.rename(temp, file);
  } catch (e) {
    await fs.rm(temp, { force: true });
    throw cacheWriteError(file, e);
  }
}

function cacheWriteError(file: string, e: unknown): SsoError {
  return new SsoError('other', `The SSO cache file ${file} could not be written (${(e as NodeJS.ErrnoException).code ?? String(e)}). Check that the folder is yours and writable, and that the disk has room, then sign in again.`, { cause: e });
}

export async function writeTokenEntry(file: string, t: TokenEntry): Promise<void> {
  await writeCacheFile(file, serializeToken(t), readTokenEntry);
}

export async function writeRegistrationEntry(file: string, r: RegistrationEntry): Promise<void> {
  await writeCacheFile(file, serializeRegistration(r), readRegistrationEntry);
}

/** Removes a token file (sign-out); a missing file is fine. Refuses one that is not a token. */
export async function removeTokenEntry(file: string): Promise<void> {
  await readTokenEntry(file);
  await fs.rm(file, { force: true });
}

export interface CachePaths {
  readonly token: string;
  readonly registration: string;
  readonly lock: string;
}

export function cachePaths(cacheDir: string, s: SsoSession): CachePaths {
  const key = tokenCacheKey(s);
  return {
    token: path.join(cacheDir, `${key}.json`),
    registration: path.join(cacheDir, `${registrationCacheKey(s)}.json`),
    // Not .json: the CLI's `aws sso logout` and the SDKs look only at .json files.
    lock: path.join(cacheDir, `${key}.lock`),
  };
}
