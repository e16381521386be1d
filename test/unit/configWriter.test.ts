import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigEditError, ssoSessionSection } from '../../src/config/configEdits';
import { appendSection } from '../../src/config/configWriter';

const session = ssoSessionSection('corp', 'https://corp.awsapps.com/start', 'eu-west-1');

describe('configWriter: writing a section into the config file on disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ais-writer-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('appends to an existing file, keeping its bytes, mode and inode', async () => {
    const file = path.join(dir, 'config');
    fs.writeFileSync(file, '[default]\nregion = us-east-1\n', { mode: 0o640 });
    const { ino } = fs.statSync(file);
    await appendSection(file, session);
    const after = fs.readFileSync(file, 'utf8');
    assert.ok(after.startsWith('[default]\nregion = us-east-1\n\n[sso-session corp]\n'));
    assert.equal(fs.statSync(file).mode & 0o777, 0o640);
    assert.equal(fs.statSync(file).ino, ino);
  });

  it('creates a missing file 0600 in a folder made 0700', async () => {
    const file = path.join(dir, 'new', 'config');
    await appendSection(file, session);
    assert.ok(fs.readFileSync(file, 'utf8').startsWith('[sso-session corp]\n'));
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
  });

  it('refuses a name the file as it is now already uses, and writes nothing', async () => {
    const file = path.join(dir, 'config');
    const text = '[sso-session corp]\nsso_start_url = https://old.awsapps.com/start\n';
    fs.writeFileSync(file, text);
    await assert.rejects(appendSection(file, session), (e: unknown) => e instanceof ConfigEditError && /already exists/.test(e.message));
    assert.equal(fs.readFileSync(file, 'utf8'), text);
  });

  it('leaves the file as it was when the disk fills part-way, and says so', () => {
    // A real short write: with the file size limit at 4 KiB, the kernel writes the few bytes that
    // fit, then refuses the rest (EFBIG). Run in a child so that the limit applies to it alone.
    const file = path.join(dir, 'config');
    const before = `[default]\nregion = us-east-1\n${'# padding\n'.repeat(406)}`;
    fs.writeFileSync(file, before);
    assert.ok(before.length > 4000 && before.length < 4096);
    const script = `require(${JSON.stringify(require.resolve('../../src/config/configWriter'))}).appendSection(process.argv[1], ${JSON.stringify(session)})
      .then(() => console.log('added'), (e) => console.log(e.name + ': ' + e.message))`;
    const child = spawnSync('bash', ['-c', 'ulimit -f 4 && exec "$0" -e "$1" "$2"', process.execPath, script, file], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    assert.match(child.stdout, /^ConfigEditError: \[sso-session corp\] was not added to .*config: .*; the file is as it was\. Next step: .+\.\n$/);
    assert.equal(fs.readFileSync(file, 'utf8'), before);
  });

  it('refuses a pipe where the file should be, without waiting on it', async () => {
    const file = path.join(dir, 'config');
    execFileSync('mkfifo', [file]);
    await assert.rejects(appendSection(file, session), /not an ordinary file .*Next step: replace it with an ordinary file\./);
  });

  it('names the cause and the next step when the path cannot hold the file', async () => {
    const plain = path.join(dir, 'plain');
    fs.writeFileSync(plain, '');
    await assert.rejects(
      appendSection(path.join(plain, 'config'), session),
      /^ConfigEditError: \[sso-session corp\] was not added to .*: a part of its path is a file, not a folder; the file is as it was\. Next step: check the path \(and AWS_CONFIG_FILE\), then try again\.$/,
    );
  });
});
