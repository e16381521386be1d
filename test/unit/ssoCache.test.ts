/**
 * The AWS CLI's SSO cache format: keys (hashes checked against values botocore computes),
 * timestamps, field order, file modes, atomic writes, and refusal to overwrite files that are
 * not the CLI's.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  cachePaths,
  formatCliTimestamp,
  parseCliTimestamp,
  pythonJsonDumps,
  readTokenEntry,
  registrationCacheKey,
  removeTokenEntry,
  serializeToken,
  tokenCacheKey,
  writeRegistrationEntry,
  writeTokenEntry,
} from '../../src/sso/cache';
import { SsoError } from '../../src/sso/errors';

const START = 'https://d-1234567890.awsapps.com/start';

describe('sso cache', () => {
  let dir: string;
  beforeEach(() => {
    dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sso-cache-')), 'sso', 'cache');
  });
  afterEach(() => fs.rmSync(path.dirname(path.dirname(dir)), { recursive: true, force: true }));

  it('token keys are sha1 of the session name, or of the start URL for legacy profiles', () => {
    assert.equal(tokenCacheKey({ sessionName: 'my-sso', startUrl: START }), '0ad374308c5a4e22f723adf10145eafad7c4031c');
    assert.equal(tokenCacheKey({ startUrl: 'my-sso' }), '0ad374308c5a4e22f723adf10145eafad7c4031c');
  });

  it('registration keys equal the CLI v2 hash of json.dumps(..., sort_keys=True) (values from botocore)', () => {
    assert.equal(registrationCacheKey({ sessionName: 'my-sso', startUrl: START, region: 'us-east-1' }), '8b2cedd020fb181ad4cf906d1d27b232fd31557e');
    assert.equal(
      registrationCacheKey({ sessionName: 'Ünïcødé "q" 😀', startUrl: START, region: 'eu-west-1', registrationScopes: ['sso:account:access', 'codewhisperer:completions'] }),
      '31541d21ba29d446a9824a2719630c4607bef635',
    );
    assert.equal(registrationCacheKey({ startUrl: 'https://x/start', region: 'us-east-1' }), '9da8ea351e7f4b22eeba56c543dd7e8d3e4842dd');
  });

  it('pythonJsonDumps matches Python json.dumps byte for byte', () => {
    assert.equal(pythonJsonDumps({ b: [1, 'x'], a: null, c: 'é\n' }, true), '{"a": null, "b": [1, "x"], "c": "\\u00e9\\n"}');
  });

  it('timestamps: written as %Y-%m-%dT%H:%M:%SZ, read in the ISO forms botocore and the JS SDK write', () => {
    assert.equal(formatCliTimestamp(new Date('2030-01-02T03:04:05.678Z')), '2030-01-02T03:04:05Z');
    // dateutil also takes a space for the T (with a zone, botocore then uses the token).
    for (const s of ['2030-01-02T03:04:05Z', '2030-01-02T03:04:05.000Z', '2030-01-02T03:04:05+00:00', '2030-01-02T03:04:05UTC', '2030-01-02T04:04:05+0100', '2030-01-02 03:04:05Z', '2030-01-02 04:04:05+01:00']) {
      assert.equal(parseCliTimestamp(s)?.toISOString(), '2030-01-02T03:04:05.000Z', s);
    }
    for (const s of ['tomorrow', '2030-01-02', 12, null]) assert.equal(parseCliTimestamp(s), undefined);
    // No zone: botocore's SSOTokenProvider parses it (dateutil) to a naive datetime and then fails
    // subtracting the aware "now" (TypeError), so neither the CLI nor boto3 can use such a token.
    for (const s of ['2030-01-02 03:04:05', '2030-01-02T03:04:05']) assert.equal(parseCliTimestamp(s), undefined, s);
  });

  it('writes the CLI fields in the CLI order, mode 0600, the created folder 0700, atomically', async () => {
    const file = cachePaths(dir, { sessionName: 's', startUrl: START, region: 'us-east-1' }).token;
    const entry = {
      startUrl: START,
      region: 'us-east-1',
      accessToken: 'aoaTOKEN',
      expiresAt: new Date('2030-01-01T00:00:00.123Z'),
      clientId: 'cid',
      clientSecret: 'csecret',
      registrationExpiresAt: new Date('2030-03-01T00:00:00Z'),
      refreshToken: 'aorREFRESH',
    };
    await writeTokenEntry(file, entry);
    const text = fs.readFileSync(file, 'utf8');
    assert.equal(
      text,
      '{"startUrl": "https://d-1234567890.awsapps.com/start", "region": "us-east-1", "accessToken": "aoaTOKEN", "expiresAt": "2030-01-01T00:00:00Z", "clientId": "cid", "clientSecret": "csecret", "registrationExpiresAt": "2030-03-01T00:00:00Z", "refreshToken": "aorREFRESH"}',
    );
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
    assert.deepEqual(fs.readdirSync(dir), [path.basename(file)], 'no temp file left behind');
    const back = await readTokenEntry(file);
    assert.equal(back.status, 'ok');
    if (back.status === 'ok') assert.equal(serializeToken(back.entry), text);
  });

  it('never overwrites a file that does not parse or is not an SSO token, and names it and the next step', async () => {
    const file = path.join(dir, 'x.json');
    fs.mkdirSync(dir, { recursive: true });
    for (const content of ['{not json', '[1]', '{"accessToken": "a"}', '{"accessToken": "a", "expiresAt": "soon"}', '{"accessToken": 5, "expiresAt": "2030-01-01T00:00:00Z"}']) {
      fs.writeFileSync(file, content);
      await assert.rejects(
        writeTokenEntry(file, { accessToken: 'aoaNEW', expiresAt: new Date() }),
        (e: unknown) => e instanceof SsoError && e.kind === 'cacheUnusable' && e.message.includes(`Delete ${file}, then sign in again`) && !e.message.includes('sso logout') && !e.message.includes('aoaNEW'),
      );
      assert.equal(fs.readFileSync(file, 'utf8'), content, content);
      await assert.rejects(removeTokenEntry(file), /left alone/);
    }
    await assert.rejects(writeRegistrationEntry(file, { clientId: 'c', clientSecret: 's', expiresAt: new Date() }), /not an SSO client registration|not valid JSON|lacks/);
  });

  it('keeps nothing but the token file and never leaves temp files when the rename fails', async () => {
    const file = path.join(dir, 'sub');
    fs.mkdirSync(path.join(file, 'inner'), { recursive: true }); // a directory where the file should go
    await assert.rejects(writeTokenEntry(file, { accessToken: 'aoaX', expiresAt: new Date() }), /not a regular file/);
    assert.deepEqual(fs.readdirSync(dir), ['sub']);
  });
});
