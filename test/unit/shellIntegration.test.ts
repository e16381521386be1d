/**
 * What `applyAtShellIntegration: true` buys: VS Code's own bash shell-integration script (the copy
 * shipped in code-server, installed by scripts/install-test-tools.sh) re-applies the collection's
 * values AFTER ~/.bashrc ran, so an rc file that exports keys or a region cannot override ours.
 * It can only set, never unset: an rc-exported AWS_PROFILE survives (see terminalRules.ts).
 *
 * VS Code hands the values to the script in VSCODE_ENV_REPLACE as `NAME=value` pairs joined by
 * ':' with ':' inside values written as `\x3a` (EnvironmentVariableCollection
 * applyToProcessEnvironment in the workbench); this test builds that string the same way.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { terminalVariables } from '../../src/terminal/terminalRules';

const REPO = path.resolve(__dirname, '..', '..', '..');
// The test tools' cache: $AWS_IDENTITY_TEST_CACHE or <repo>/.vscode-test (the installer's rule).
const CACHE = process.env.AWS_IDENTITY_TEST_CACHE ?? path.join(REPO, '.vscode-test');
const SCRIPT = path.join(CACHE, 'code-server/node_modules/code-server/lib/vscode/out/vs/workbench/contrib/terminal/common/scripts/shellIntegration-bash.sh');

function runInteractiveBash(home: string, env: Record<string, string>, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      '/bin/bash',
      ['--init-file', SCRIPT, '-i'],
      { env: { HOME: home, PATH: '/usr/bin:/bin', TERM: 'dumb', VSCODE_INJECTION: '1', ...env }, timeout: 20_000, encoding: 'utf8' },
      (err, stdout) => (err && !stdout ? reject(err) : resolve(stdout)),
    );
    child.stdin?.end(`${command}\nexit\n`);
  });
}

describe('VS Code bash shell integration re-applies the collection after ~/.bashrc', function () {
  this.timeout(30_000);
  let home: string;
  before(() => {
    if (!fs.existsSync(SCRIPT)) {
      throw new Error(`VS Code's shell integration script was not found at ${SCRIPT}. Run scripts/install-test-tools.sh (it installs code-server into .vscode-test/).`);
    }
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'aws-identity-rc-'));
    fs.writeFileSync(
      path.join(home, '.bashrc'),
      'export AWS_PROFILE=dev\nexport AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nexport AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\nexport AWS_REGION=us-west-2\n',
    );
  });
  after(() => home && fs.rmSync(home, { recursive: true, force: true }));

  it('endpoint mode: rc-exported keys are blanked and the region restored; AWS_PROFILE from the rc file stays', async () => {
    const vars = terminalVariables('endpoint', { region: 'eu-west-1', grant: { url: 'http://127.0.0.1:4711/aws-identity/credentials', tokenFile: '/run/user/1000/aws-identity-switcher/w-0123/t-abcd' } });
    const processEnv = Object.fromEntries(vars);
    const replace = [...vars].map(([k, v]) => `${k}=${v.replaceAll(':', '\\x3a')}`).join(':');
    const out = await runInteractiveBash(home, { ...processEnv, VSCODE_ENV_REPLACE: replace }, 'env | grep "^AWS_" | sort');
    const seen = Object.fromEntries(
      out
        .split('\n')
        .map((l) => /(AWS_[A-Z_]+)=(.*)$/.exec(l))
        .filter((m): m is RegExpExecArray => !!m)
        .map((m) => [m[1], m[2]]),
    );
    assert.equal(seen.AWS_CONTAINER_CREDENTIALS_FULL_URI, 'http://127.0.0.1:4711/aws-identity/credentials');
    assert.equal(seen.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, '/run/user/1000/aws-identity-switcher/w-0123/t-abcd');
    assert.equal(seen.AWS_CONTAINER_AUTHORIZATION_TOKEN, '', 'no token in the environment');
    assert.equal(seen.AWS_ACCESS_KEY_ID, '', 'the rc file exported a key; shell integration blanked it again');
    assert.equal(seen.AWS_SECRET_ACCESS_KEY, '');
    assert.equal(seen.AWS_REGION, 'eu-west-1');
    assert.equal(seen.AWS_PROFILE, 'dev', 'the collection cannot unset: AWS_PROFILE from the rc file survives');
  });
});
