import * as assert from 'node:assert/strict';
import { callerFromStack, callerText, stackFiles } from '../../src/vscode/consent/caller';
import { MASK, hasSecrets, maskSecrets } from '../../src/vscode/secretMasking';

const self = { id: 'aws-identity-switcher.aws-identity-switcher', displayName: 'AWS Identity Switcher', extensionPath: '/ext/aws-identity-switcher-0.1.0' };
const other = { id: 'acme.tool', displayName: 'Acme Tool', extensionPath: '/ext/acme.tool-1.0.0' };
const nested = { id: 'acme.inner', extensionPath: '/ext/acme.tool-1.0.0/node_modules/inner' };

const stack = (...files: string[]): string => ['Error', ...files.map((f, i) => `    at fn${i} (${f}:1:${i + 1})`)].join('\n');

describe('consent: the calling extension, from the stack (best-effort)', () => {
  it('skips this extension\'s frames and names the first other extension', () => {
    const c = callerFromStack(stack(`${self.extensionPath}/dist/extension.js`, `${other.extensionPath}/out/main.js`, '/usr/lib/node.js'), [self, other], self);
    assert.deepEqual(c, { id: 'acme.tool', label: 'Acme Tool' });
    assert.equal(callerText(c), '"Acme Tool" (acme.tool)');
  });

  it('prefers the longest matching folder, reads file URLs and frames without a function name', () => {
    const s = `Error\n    at ${self.extensionPath}/dist/extension.js:3:4\n    at async x (file://${nested.extensionPath}/index.js:9:9)`;
    assert.deepEqual(stackFiles(s), [`${self.extensionPath}/dist/extension.js`, `${nested.extensionPath}/index.js`]);
    assert.equal(callerFromStack(s, [self, other, nested], self).id, 'acme.inner');
  });

  it('a frame in no extension\'s folder is an unidentified caller; only own frames are this extension', () => {
    assert.equal(callerFromStack(stack(`${self.extensionPath}/a.js`, '/tmp/evil.js'), [self, other], self).id, undefined);
    assert.equal(callerFromStack(stack(`${self.extensionPath}/a.js`), [self, other], self).id, self.id);
    assert.equal(callerFromStack(undefined, [self], self).label, 'an unidentified extension');
    // A folder that merely starts with another's name is not inside it.
    assert.equal(callerFromStack(stack(`${other.extensionPath}-evil/a.js`), [self, other], self).id, undefined);
  });
});

describe('consent: masking secrets of the shared files', () => {
  const text = [
    '[dev]',
    'aws_access_key_id = AKIAI44QH8DHBEXAMPLE',
    'aws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
    'AWS_SESSION_TOKEN=tok/en+value',
    '# aws_security_token: old-token-value',
    'aws_secret_access_key =',
    '  continued-secret-part',
    'region = eu-west-1',
    '',
  ].join('\r\n');

  it('masks the three secret keys (any case, commented out, continued), keeps everything else and the line count', () => {
    const masked = maskSecrets(text);
    for (const secret of ['je7MtGbClwBF', 'tok/en+value', 'old-token-value', 'continued-secret-part']) assert.ok(!masked.includes(secret), secret);
    assert.ok(masked.includes('aws_access_key_id = AKIAI44QH8DHBEXAMPLE'));
    assert.ok(masked.includes(`aws_secret_access_key = ${MASK}`));
    assert.ok(masked.includes('region = eu-west-1'));
    assert.equal(masked.split('\r\n').length, text.split('\r\n').length);
  });

  it('tells a file with secret values from one without', () => {
    assert.ok(hasSecrets(text));
    assert.ok(!hasSecrets('[profile a]\nregion = us-east-1\naws_secret_access_key =\n'));
  });

  // botocore and src/config/iniParser.ts take a lone CR as a line break too: a credentials file
  // saved with old Mac endings works, so it must not slip past the masked view as "one line".
  for (const [name, eol] of [['CR', '\r'], ['CRLF', '\r\n'], ['LF', '\n']] as const) {
    it(`masks every secret of a file with ${name} line endings and keeps its line breaks`, () => {
      const file = text.split('\r\n').join(eol);
      assert.ok(hasSecrets(file));
      const masked = maskSecrets(file);
      for (const secret of ['je7MtGbClwBF', 'tok/en+value', 'old-token-value', 'continued-secret-part']) assert.ok(!masked.includes(secret), secret);
      assert.ok(masked.includes(`aws_secret_access_key = ${MASK}${eol}`));
      assert.equal(masked.split(eol).length, file.split(eol).length);
    });
  }
});
