/**
 * Cases for the profile model's conformance tests (profileListing, profileProblems and
 * profileCliDifferences): each case is written to real files, read by loadProfileModel, and also
 * read by botocore, so every expectation about the CLI is checked against the CLI's own code.
 *
 * Cases are declared while mocha loads the test files; `readCasesWithBotocore()` (called in each
 * file's top-level describe) reads, in its `before`, every case declared so far and not yet read,
 * in one Python process. When mocha loads several of these files, the first file's `before` reads
 * the cases of all of them in one batch; a file run on its own reads just its own.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readIniAsCli } from '../../src/config/iniParser';
import { loadProfileModel, snapshotOf } from '../../src/config/snapshot';
import type { ProfileInfo, ProfileKind, ProfileModel } from '../../src/shared/types';
import { type OracleReading, readWithBotocore } from './botocore';

export const KEY = 'AKIAIOSFODNN7EXAMPLE';
export const SECRET = 'TeStSeCrEt/K7MDENG+bPxRfiCYEXAMPLEKEY';
export const ARN = 'arn:aws:iam::123456789012:role/Admin';
export const keys = `aws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`;

export interface Files {
  readonly config?: string | Buffer;
  readonly credentials?: string | Buffer;
}

/** Every case declared by the test files, read by botocore in one batch before the tests run. */
const cases = new Map<string, Files>();
const readings = new Map<string, OracleReading>();
let root: string;

/**
 * In the calling describe: before its tests, reads every declared case botocore has not read yet
 * (one Python process) and makes a temporary folder for the cases' files; after them, removes it.
 */
export function readCasesWithBotocore(): void {
  before(function () {
    this.timeout(60_000);
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'profile-model-'));
    const unread = [...cases].filter(([id]) => !readings.has(id));
    if (unread.length === 0) return;
    const batch = readWithBotocore(unread.map(([id, f]) => ({ id, ...f })));
    for (const r of batch.cases) readings.set(r.id, r);
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));
}

export function scenario(id: string, files: Files): string {
  assert.ok(!cases.has(id), `duplicate case id ${id}`);
  cases.set(id, files);
  return id;
}

/** Writes case `id`'s files into its own folder (a missing file stays missing). */
export function caseFiles(id: string): { dir: string; configFile: string; credentialsFile: string } {
  const files = cases.get(id);
  assert.ok(files, `no case ${id}`);
  const dir = path.join(root, id.replace(/[^\w-]/g, '_'));
  fs.mkdirSync(dir, { recursive: true });
  const configFile = path.join(dir, 'config');
  const credentialsFile = path.join(dir, 'credentials');
  if (files.config !== undefined) fs.writeFileSync(configFile, files.config);
  if (files.credentials !== undefined) fs.writeFileSync(credentialsFile, files.credentials);
  return { dir, configFile, credentialsFile };
}

export async function load(id: string): Promise<ProfileModel & { dir: string }> {
  const { dir, configFile, credentialsFile } = caseFiles(id);
  const model = await loadProfileModel({ configFile, credentialsFile });
  assert.ok(!JSON.stringify(model).includes(SECRET), 'a secret reached the model');
  return { ...model, dir };
}

/** The listing of two files given as text (no disk). */
export function listingOfTexts(config: string, credentials = ''): ReturnType<typeof snapshotOf>['listing'] {
  return snapshotOf({ config: { path: 'config', reading: readIniAsCli(config) }, credentials: { path: 'credentials', reading: readIniAsCli(credentials) }, fileProblems: [] }).listing;
}

export function profile(m: ProfileModel, name: string): ProfileInfo {
  const p = m.profiles.find((x) => x.name === name);
  assert.ok(p, `profile "${name}" is not listed (listed: ${m.profiles.map((x) => x.name).join(', ')})`);
  return p;
}

export function cli(id: string): OracleReading {
  const r = readings.get(id);
  assert.ok(r, `botocore did not read case ${id}`);
  return r;
}

/** botocore's verdict for `aws --profile name`. */
export function cliVerdict(id: string, name: string): string {
  const r = cli(id);
  if (r.fullConfigError) return 'refused';
  const p = r.profiles?.[name];
  assert.ok(p, `botocore does not know profile "${name}" in case ${id}`);
  return p.verdict === 'credentials' ? `credentials/${p.method}` : p.verdict === 'error' ? `error: ${p.error}` : 'none';
}

export interface Expect {
  readonly kind?: ProfileKind;
  /** A pattern the problem must match, or `false` for a usable profile. */
  readonly problem: RegExp | false;
  /** What botocore says: a pattern over `credentials/<method>`, `none`, `error: ...` or `refused`. */
  readonly cli: RegExp;
}

/** Declares a case and its expectations for the model and for botocore. */
export function expectCase(title: string, files: Files, expected: Record<string, Expect>): void {
  const id = scenario(title, files);
  it(title, async () => {
    const m = await load(id);
    for (const [name, e] of Object.entries(expected)) {
      const p = profile(m, name);
      if (e.kind) assert.equal(p.kind, e.kind, `kind of "${name}"`);
      if (e.problem === false) assert.equal(p.problem, undefined, `"${name}" should be usable`);
      else assert.match(p.problem ?? '(no problem)', e.problem, `problem of "${name}"`);
      if (p.problem) assert.match(p.problem, /Next step: /, 'a problem names the next step');
      assert.match(cliVerdict(id, name), e.cli, `botocore's verdict on "${name}"`);
    }
  });
}

export const ok = (kind: ProfileKind, cliPattern: RegExp): Expect => ({ kind, problem: false, cli: cliPattern });
