/**
 * The bad-input corpus: test/fixtures/config-corpus/<case>/{config,credentials,expected.json},
 * plus cases made here because they cannot be committed (a 200-profile cycle, a 10 MB file, a
 * folder / a FIFO / an unreadable file where a file should be). For every case: loadProfileModel
 * does not throw, finishes in bounded time, and lists every profile, usable or with its reason.
 * The committed cases are also read by botocore (one batch) to confirm what the CLI does.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadProfileModel } from '../../src/config/snapshot';
import type { ProfileKind, ProfileModel } from '../../src/shared/types';
import { type OracleReading, readWithBotocore } from '../support/botocore';

const CORPUS = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'config-corpus');
/** Generous for a shared 2-core machine; a hang would take forever, a normal case takes ms. */
const CASE_LIMIT_MS = 2000;
/** About 2-7 s on this shared machine under load (1.5 s warm); the limit only catches a hang. */
const TEN_MB_LIMIT_MS = 30_000;
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYCORPUSEXAMPLEKEY';
const KEYS = `aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = ${SECRET}\n`;
const ARN = 'arn:aws:iam::123456789012:role/Admin';

interface Expected {
  readonly description: string;
  readonly cli: 'reads' | 'refuses config' | 'refuses credentials';
  readonly profiles: Record<string, { kind?: ProfileKind; usable?: true; problem?: string }>;
  readonly fileProblems?: string[];
  readonly ssoSessions?: string[];
  /** 0-based header line per profile: [config, credentials] (null: not in that file). */
  readonly lines?: Record<string, [number | null, number | null]>;
  readonly fields?: Record<string, Record<string, unknown>>;
}

async function timedLoad(configFile: string, credentialsFile: string, limitMs = CASE_LIMIT_MS, maxFileBytes?: number): Promise<ProfileModel> {
  const started = performance.now();
  const model = await loadProfileModel({ configFile, credentialsFile }, maxFileBytes ? { maxFileBytes } : {});
  const took = performance.now() - started;
  assert.ok(took < limitMs, `reading took ${took.toFixed(0)} ms (limit ${limitMs} ms)`);
  assert.ok(!JSON.stringify(model).includes(SECRET), 'a secret reached the model');
  for (const p of model.profiles) if (p.problem) assert.match(p.problem, /Next step: /, `the problem of "${p.name}" names a next step`);
  for (const f of model.fileProblems) assert.match(f, /Next step: /, `the file problem names a next step: ${f}`);
  return model;
}

function checkExpected(m: ProfileModel, e: Expected): void {
  assert.deepEqual(m.profiles.map((p) => p.name).sort(), Object.keys(e.profiles).sort(), 'every profile is listed, and only those');
  for (const [name, want] of Object.entries(e.profiles)) {
    const p = m.profiles.find((x) => x.name === name)!;
    if (want.kind) assert.equal(p.kind, want.kind, `kind of "${name}"`);
    if (want.usable) assert.equal(p.problem, undefined, `"${name}" should be usable`);
    if (want.problem) assert.match(p.problem ?? '(no problem)', new RegExp(want.problem, 's'), `problem of "${name}"`);
  }
  if (e.fileProblems) {
    assert.equal(m.fileProblems.length, e.fileProblems.length, `file problems: ${JSON.stringify(m.fileProblems)}`);
    for (const pattern of e.fileProblems) assert.ok(m.fileProblems.some((f) => new RegExp(pattern, 's').test(f)), `no file problem matches ${pattern}: ${JSON.stringify(m.fileProblems)}`);
  } else {
    assert.deepEqual(m.fileProblems, []);
  }
  if (e.ssoSessions) assert.deepEqual(m.ssoSessions, e.ssoSessions);
  for (const [name, [configLine, credentialsLine]] of Object.entries(e.lines ?? {})) {
    const p = m.profiles.find((x) => x.name === name)!;
    const want = [
      ...(configLine !== null ? [{ file: m.configFile, line: configLine }] : []),
      ...(credentialsLine !== null ? [{ file: m.credentialsFile, line: credentialsLine }] : []),
    ];
    assert.deepEqual(p.definedIn, want, `where "${name}" is defined`);
  }
  for (const [name, fields] of Object.entries(e.fields ?? {})) {
    const p = m.profiles.find((x) => x.name === name)! as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(fields)) assert.deepEqual(p[k], v, `${k} of "${name}"`);
  }
}

function checkAgainstBotocore(m: ProfileModel, e: Expected, r: OracleReading): void {
  const refused = r.fileErrors.config ? 'refuses config' : r.fileErrors.credentials ? 'refuses credentials' : 'reads';
  assert.equal(refused, e.cli, `botocore ${refused === 'reads' ? 'reads the files' : `${refused}: ${r.fullConfigError}`}`);
  for (const [name, o] of Object.entries(r.profiles ?? {})) {
    const p = m.profiles.find((x) => x.name === name);
    assert.ok(p, `botocore knows "${name}", the model does not list it`);
    if (o.verdict === 'error') assert.ok(p.problem, `botocore fails on "${name}" (${o.error}); the model says it works`);
  }
}

describe('config corpus: bad input never throws, never hangs, never hides a profile', () => {
  const folders = fs.existsSync(CORPUS) ? fs.readdirSync(CORPUS).filter((d) => fs.statSync(path.join(CORPUS, d)).isDirectory()).sort() : [];
  let readings = new Map<string, OracleReading>();
  let scratch: string;

  before(function () {
    this.timeout(60_000);
    assert.ok(folders.length >= 20, `the corpus at ${CORPUS} has ${folders.length} cases`);
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'config-corpus-'));
    const cases = folders.map((id) => {
      const read = (f: string): Buffer | undefined => (fs.existsSync(path.join(CORPUS, id, f)) ? fs.readFileSync(path.join(CORPUS, id, f)) : undefined);
      return { id, config: read('config'), credentials: read('credentials') };
    });
    readings = new Map(readWithBotocore(cases).cases.map((r) => [r.id, r]));
  });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  for (const id of fs.existsSync(CORPUS) ? fs.readdirSync(CORPUS).sort() : []) {
    const dir = path.join(CORPUS, id);
    if (!fs.statSync(dir).isDirectory()) continue;
    const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Expected;
    it(`${id}: ${expected.description}`, async () => {
      const m = await timedLoad(path.join(dir, 'config'), path.join(dir, 'credentials'));
      checkExpected(m, expected);
      checkAgainstBotocore(m, expected, readings.get(id)!);
    });
  }

  it('a source_profile cycle through 200 profiles: each is listed with the loop', async () => {
    let text = '';
    for (let i = 0; i < 200; i++) text += `[profile p${i}]\nrole_arn = ${ARN}\nsource_profile = p${(i + 1) % 200}\n`;
    const file = path.join(scratch, 'cycle-config');
    fs.writeFileSync(file, text);
    const m = await timedLoad(file, path.join(scratch, 'none'));
    assert.equal(m.profiles.length, 200);
    for (const p of m.profiles) assert.match(p.problem ?? '', /source_profile chain of "p\d+" loops: .* -> "p\d+"$|loops/);
    assert.match(m.profiles[0]!.problem!, /^The source_profile chain of "p0" loops: "p0" -> "p1" -> .* -> "p199" -> "p0"\./);
  });

  it('a folder where the config file should be: said so, and the credentials file still read', async () => {
    const dir = fs.mkdtempSync(path.join(scratch, 'dir-'));
    fs.mkdirSync(path.join(dir, 'config'));
    fs.writeFileSync(path.join(dir, 'credentials'), `[dev]\n${KEYS}`);
    const m = await timedLoad(path.join(dir, 'config'), path.join(dir, 'credentials'));
    assert.deepEqual(m.fileProblems.length, 1);
    assert.match(m.fileProblems[0]!, /config is a folder, not a file, so its profiles cannot be read\. Next step: remove or rename the folder/);
    assert.deepEqual(m.profiles.map((p) => [p.name, p.kind, p.problem]), [['dev', 'static', undefined]]);
  });

  it('a FIFO where the credentials file should be: not opened for reading (it would block), said so', async () => {
    const dir = fs.mkdtempSync(path.join(scratch, 'fifo-'));
    execFileSync('mkfifo', [path.join(dir, 'credentials')]);
    fs.writeFileSync(path.join(dir, 'config'), `[profile dev]\n${KEYS}`);
    const m = await timedLoad(path.join(dir, 'config'), path.join(dir, 'credentials'));
    assert.match(m.fileProblems.join('\n'), /credentials is not a regular file \(it is a pipe, socket or device\)/);
    assert.deepEqual(m.profiles.map((p) => p.name), ['dev']);
  });

  it('an unreadable credentials file (read by an unprivileged user, since root reads anything): said so, the config still read', function () {
    this.timeout(30_000);
    // Tests run as root here, and chmod 000 does not stop root; so the reading runs in a child
    // process as "nobody". As any other user, chmod alone does it.
    const dir = fs.mkdtempSync(path.join(scratch, 'unreadable-'));
    fs.chmodSync(scratch, 0o755);
    fs.chmodSync(dir, 0o755);
    fs.writeFileSync(path.join(dir, 'config'), `[profile dev]\nregion = us-east-1\n`);
    fs.chmodSync(path.join(dir, 'config'), 0o644);
    fs.writeFileSync(path.join(dir, 'credentials'), `[dev]\n${KEYS}`);
    fs.chmodSync(path.join(dir, 'credentials'), 0o000);
    const script = `require(${JSON.stringify(path.resolve(__dirname, '..', '..', 'src', 'config', 'snapshot.js'))})
      .loadProfileModel({ configFile: ${JSON.stringify(path.join(dir, 'config'))}, credentialsFile: ${JSON.stringify(path.join(dir, 'credentials'))} })
      .then((m) => process.stdout.write(JSON.stringify(m)))`;
    const asRoot = process.getuid?.() === 0;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000, ...(asRoot ? { uid: 65534, gid: 65534 } : {}) });
    assert.equal(run.status, 0, run.stderr);
    const m = JSON.parse(run.stdout) as ProfileModel;
    assert.equal(m.fileProblems.length, 1, JSON.stringify(m.fileProblems));
    assert.match(m.fileProblems[0]!, /credentials cannot be read: permission denied\. Next step: make it readable by your user/);
    assert.deepEqual(m.profiles.map((p) => [p.name, p.kind, p.region]), [['dev', 'none', 'us-east-1']]);
  });

  it('long runs of spaces, dots and brackets inside names and values (no regex that backtracks on them)', async () => {
    const run = (c: string): string => c.repeat(400_000);
    const config = path.join(scratch, 'long-runs-config');
    const credentials = path.join(scratch, 'long-runs-credentials');
    fs.writeFileSync(
      config,
      `[profile "a${run(' ')}b"]\nrole_arn = x${run(' ')}y\nsource_profile = s${run('.')} #\n` +
        `[profile r]\nregion = us${run(' ')}-east-1\n[profile t]\nsso_session = ${run(']')}x\nsso_account_id = 1\n` +
        `[profile u]\nrole_arn = arn:aws:iam::123456789012:role/${run('/')}\ncredential_source = Environment\nduration_seconds = ${run('1')}\n`,
    );
    fs.writeFileSync(credentials, `[${run('[')}\n`);
    const m = await timedLoad(config, credentials, CASE_LIMIT_MS * 3);
    assert.equal(m.profiles.length, 4);
    assert.ok(m.profiles.every((p) => p.problem && !p.problem.startsWith('The AWS CLI cannot read')), JSON.stringify(m.profiles.map((p) => p.problem?.slice(0, 80))));
    assert.match(m.fileProblems.join('\n'), /long-runs-credentials: line 1 is not inside any \[section\]/);
  });

  it('a file over the size limit is not read, and said so', async () => {
    const file = path.join(scratch, 'big-config');
    fs.writeFileSync(file, `[profile dev]\nregion = us-east-1\n${'# padding\n'.repeat(300)}`);
    const m = await timedLoad(file, path.join(scratch, 'none'), CASE_LIMIT_MS, 1024);
    assert.deepEqual(m.profiles, []);
    assert.match(m.fileProblems.join('\n'), /big-config is 3 KiB, more than the 1 KiB this extension reads, so its profiles are not shown\. Next step: check that this is the right file/);
  });

  it('a 10 MB config file (about 90,000 profiles) is read within the time limit', async function () {
    this.timeout(TEN_MB_LIMIT_MS * 2);
    const file = path.join(scratch, 'ten-mb-config');
    const parts: string[] = [];
    let size = 0;
    for (let i = 0; size < 10 * 1024 * 1024; i++) {
      const part = `[profile p${i}]\nregion = us-west-2\nrole_arn = arn:aws:iam::123456789012:role/r${i}\n${i % 2 ? `source_profile = p${i - 1}` : 'credential_source = Environment'}\n\n`;
      parts.push(part);
      size += part.length;
    }
    fs.writeFileSync(file, parts.join(''));
    const m = await timedLoad(file, path.join(scratch, 'none'), TEN_MB_LIMIT_MS);
    assert.equal(m.profiles.length, parts.length);
    assert.equal(m.profiles.filter((p) => p.problem).length, 0);
  });
});
