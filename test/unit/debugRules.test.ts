/** Which debug launches get the identity, and when a launch's grant ends (no VS Code needed). */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ADDED_VARIABLES, addVariables, ownAwsSettings, removeAddedVariables } from '../../src/vscode/debug/debugRules';
import { ENV_FILE_MAX_BYTES, envFilePaths, envFileVariableNames, notInEnvFile, readEnvFileNames } from '../../src/vscode/debug/envFile';
import { GrantLifecycle, RESTART_GRACE_MS, UNSTARTED_GRANT_MS, isRestartRequest } from '../../src/vscode/debug/grantLifecycle';
import { FakeClock } from '../support/fakeClock';

/** What debugpy hands the `*` providers: `envFile` filled in from python.envFile, its variables already merged into `env`. */
const debugpy = { type: 'debugpy', request: 'launch', name: 'Python: app', envFile: '/ws/.env', env: { PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'UTF-8' } };

describe('ownAwsSettings and envFile', () => {
  it('a debugpy launch whose envFile sets no AWS credential variable gets the identity', () => {
    assert.equal(ownAwsSettings(debugpy, { names: [], unchecked: false }), undefined, 'python.envFile default with no .env file');
    assert.equal(ownAwsSettings(debugpy, { names: ['DJANGO_SETTINGS_MODULE', 'AWS_REGION'], unchecked: false }), undefined);
  });

  it('an envFile that sets an AWS credential or profile variable leaves the launch alone, naming the variable only', () => {
    const why = ownAwsSettings({ type: 'node', request: 'launch', envFile: '/ws/.env' }, { names: ['FOO', 'aws_profile', 'AWS_ACCESS_KEY_ID'], unchecked: false });
    assert.match(why ?? '', /envFile sets aws_profile, AWS_ACCESS_KEY_ID/);
  });

  it('an envFile that could not be checked, or was not read, still leaves the launch alone', () => {
    assert.match(ownAwsSettings(debugpy, { names: [], unchecked: true }) ?? '', /envFile/);
    assert.match(ownAwsSettings(debugpy) ?? '', /envFile/);
  });

  it('env, cppdbg environment and attach keep their rules', () => {
    assert.match(ownAwsSettings({ request: 'launch', env: { AWS_PROFILE: 'dev' } }) ?? '', /sets AWS_PROFILE itself/);
    assert.match(ownAwsSettings({ request: 'launch', environment: [{ name: 'AWS_SECRET_ACCESS_KEY', value: 'x' }] }) ?? '', /AWS_SECRET_ACCESS_KEY/);
    assert.equal(ownAwsSettings({ request: 'launch', env: { AWS_REGION: 'eu-west-1' } }), undefined);
    assert.match(ownAwsSettings({ request: 'attach' }) ?? '', /attaches/);
  });

  it('envFilePaths takes a string or a list of strings, nothing blank', () => {
    assert.deepEqual(envFilePaths({ envFile: ' ' }), []);
    assert.deepEqual(envFilePaths({ envFile: '/a' }), ['/a']);
    assert.deepEqual(envFilePaths({ envFile: ['/a', 3, '', '/b'] }), ['/a', '/b']);
    assert.deepEqual(envFilePaths({}), []);
  });

  it('notInEnvFile drops the variables the envFile sets (most debuggers let env beat the envFile)', () => {
    const vars = new Map([['AWS_REGION', 'us-east-1'], ['AWS_DEFAULT_REGION', 'us-east-1'], ['AWS_CONTAINER_CREDENTIALS_FULL_URI', 'http://127.0.0.1:1/x']]);
    assert.deepEqual([...notInEnvFile(vars, { names: ['aws_region'], unchecked: false }).keys()], ['AWS_DEFAULT_REGION', 'AWS_CONTAINER_CREDENTIALS_FULL_URI']);
  });
});

describe('addVariables and removeAddedVariables', () => {
  const vars = new Map([
    ['AWS_CONTAINER_CREDENTIALS_FULL_URI', 'http://127.0.0.1:1/aws-identity/credentials'],
    ['AWS_REGION', 'eu-west-1'],
  ]);
  it('cppdbg and cppvsdbg get an environment array, their own entries kept and winning; other debuggers get env', () => {
    for (const type of ['cppdbg', 'cppvsdbg']) {
      const config: Record<string, unknown> = { type, environment: [{ name: 'AWS_REGION', value: 'eu-west-3' }, { name: 'OWN', value: '1' }] };
      addVariables(config, vars);
      assert.deepEqual(config.environment, [
        { name: 'AWS_REGION', value: 'eu-west-3' },
        { name: 'OWN', value: '1' },
        { name: 'AWS_CONTAINER_CREDENTIALS_FULL_URI', value: 'http://127.0.0.1:1/aws-identity/credentials' },
      ]);
      assert.equal(config.env, undefined);
      removeAddedVariables(config);
      assert.deepEqual(config.environment, [{ name: 'AWS_REGION', value: 'eu-west-3' }, { name: 'OWN', value: '1' }]);
      assert.equal(config[ADDED_VARIABLES], undefined);
    }
    const node: Record<string, unknown> = { type: 'node', env: { AWS_REGION: 'eu-west-3' } };
    addVariables(node, vars);
    assert.deepEqual(node.env, { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:1/aws-identity/credentials', AWS_REGION: 'eu-west-3' });
    assert.equal(node.environment, undefined);
  });

  it('resolved again (a restart), a configuration loses what was added, and keeps its own AWS_REGION', () => {
    const node: Record<string, unknown> = { type: 'node', env: { AWS_REGION: 'eu-west-3', OWN: '1' } };
    addVariables(node, vars);
    removeAddedVariables(node);
    assert.deepEqual(node.env, { AWS_REGION: 'eu-west-3', OWN: '1' });
    // Then the identity of the restart, its region losing to the configuration's again.
    addVariables(node, new Map([['AWS_CONTAINER_CREDENTIALS_FULL_URI', 'http://127.0.0.1:2/aws-identity/credentials'], ['AWS_REGION', 'us-east-1']]));
    assert.deepEqual(node.env, { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:2/aws-identity/credentials', AWS_REGION: 'eu-west-3', OWN: '1' });
    const bare: Record<string, unknown> = { type: 'node' };
    addVariables(bare, vars);
    removeAddedVariables(bare);
    assert.deepEqual(bare.env, {});
    // Only from the field they went to: the other field's entries are the configuration's own.
    const both: Record<string, unknown> = { type: 'node', environment: [{ name: 'AWS_REGION', value: 'eu-west-3' }] };
    addVariables(both, vars);
    removeAddedVariables(both);
    assert.deepEqual(both, { type: 'node', env: {}, environment: [{ name: 'AWS_REGION', value: 'eu-west-3' }] });
    const cpp: Record<string, unknown> = { type: 'cppdbg', env: { AWS_REGION: 'eu-west-3' } };
    addVariables(cpp, vars);
    removeAddedVariables(cpp);
    assert.deepEqual(cpp, { type: 'cppdbg', env: { AWS_REGION: 'eu-west-3' }, environment: [] });
  });
});

describe('envFileVariableNames (dotenv syntax, names only)', () => {
  it('finds names with export, quotes, blanks, colons, comments and any line ending; never a value', () => {
    const text = '\ufeffA=1\r\nexport AWS_PROFILE="prod"\r  B = \'x y\'\nC: z\n# AWS_ACCESS_KEY_ID=nope\n   \nnot a line\nD=\n';
    assert.deepEqual(envFileVariableNames(text), ['A', 'AWS_PROFILE', 'B', 'C', 'D']);
  });

  it('a name inside a multi-line quoted value may count (that only leaves the launch alone), a commented one does not', () => {
    assert.deepEqual(envFileVariableNames('KEY="line1\nAWS_PROFILE=x\n"\n#AWS_ROLE_ARN=y'), ['KEY', 'AWS_PROFILE']);
  });
});

describe('readEnvFileNames', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ais-envfile-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a missing file sets nothing and is not "unchecked" (python.envFile names .env whether or not it exists)', async () => {
    assert.deepEqual(await readEnvFileNames([path.join(dir, 'absent.env')], dir), { names: [], unchecked: false });
  });

  it('reads the names of an existing file, relative paths from the folder', async () => {
    fs.writeFileSync(path.join(dir, 'a.env'), 'export AWS_PROFILE=dev\nX="wJalrXUtnFEMI/K7MDENG"\n');
    const found = await readEnvFileNames(['a.env'], dir);
    assert.deepEqual(found, { names: ['AWS_PROFILE', 'X'], unchecked: false });
    assert.ok(!JSON.stringify(found).includes('wJalr'), 'no value is kept');
    assert.equal((await readEnvFileNames(['a.env'], undefined)).unchecked, true, 'a relative path with no folder cannot be checked');
  });

  it('a file over the size cap, a directory or a FIFO is "unchecked", and a FIFO does not block', async () => {
    fs.writeFileSync(path.join(dir, 'big.env'), 'A=1\n'.repeat(ENV_FILE_MAX_BYTES / 4 + 1));
    assert.equal((await readEnvFileNames([path.join(dir, 'big.env')], dir)).unchecked, true);
    assert.equal((await readEnvFileNames([dir], dir)).unchecked, true);
    if (process.platform !== 'win32') {
      execFileSync('mkfifo', [path.join(dir, 'fifo.env')]);
      assert.equal((await readEnvFileNames([path.join(dir, 'fifo.env')], dir)).unchecked, true);
    }
  });
});

describe('isRestartRequest', () => {
  it('is a DAP terminate or disconnect asking for a restart', () => {
    assert.equal(isRestartRequest({ type: 'request', command: 'terminate', arguments: { restart: true } }), true);
    assert.equal(isRestartRequest({ type: 'request', command: 'disconnect', arguments: { restart: true, terminateDebuggee: true } }), true);
    assert.equal(isRestartRequest({ type: 'request', command: 'disconnect', arguments: {} }), false);
    assert.equal(isRestartRequest({ type: 'request', command: 'restart', arguments: {} }), false);
    assert.equal(isRestartRequest({ type: 'event', event: 'terminated', body: { restart: true } }), false);
    assert.equal(isRestartRequest(undefined), false);
  });
});

describe('GrantLifecycle', () => {
  function setup(): { clock: FakeClock; grants: GrantLifecycle<{ revoke(): void }>; revoked: string[]; reasons: string[]; add(id: string): void } {
    const clock = new FakeClock();
    const revoked: string[] = [];
    const reasons: string[] = [];
    const grants = new GrantLifecycle<{ revoke(): void }>(clock, (id, _value, why) => reasons.push(`${id}:${why}`));
    return { clock, grants, revoked, reasons, add: (id) => grants.add(id, { revoke: () => revoked.push(id) }) };
  }

  it('a session that ends is revoked after the grace period', async () => {
    const { clock, grants, revoked, reasons, add } = setup();
    add('g1');
    grants.starting('s1', 'g1');
    grants.started('s1', 'g1');
    assert.equal(grants.ended('s1', 'g1'), 'grace');
    await clock.advance(RESTART_GRACE_MS - 1);
    assert.deepEqual(revoked, [], 'not before the grace period is over');
    await clock.advance(1);
    assert.deepEqual(revoked, ['g1']);
    assert.deepEqual(reasons, ['g1:ended']);
    assert.equal(grants.size, 0);
  });

  it('a restart VS Code announced (terminate with restart) keeps the grant, however long the preLaunchTask takes', async () => {
    const { clock, grants, revoked, add } = setup();
    add('g1');
    grants.starting('s1', 'g1');
    grants.started('s1', 'g1');
    grants.restarting('s1');
    assert.equal(grants.ended('s1', 'g1'), 'restart');
    await clock.advance(10 * 60_000);
    grants.starting('s1', 'g1');
    grants.started('s1', 'g1');
    await clock.advance(24 * 3600_000);
    assert.deepEqual(revoked, []);
    assert.equal(grants.has('g1'), true);
    assert.deepEqual(clock.pending, [], 'no timer left once the restarted session runs');
    // The restarted session's own end is a plain end again.
    assert.equal(grants.ended('s1', 'g1'), 'grace');
  });

  it('an unannounced restart is kept if the session starts again within the grace period', async () => {
    const { clock, grants, revoked, add } = setup();
    add('g1');
    grants.started('s1', 'g1');
    grants.ended('s1', 'g1');
    await clock.advance(RESTART_GRACE_MS / 2);
    grants.starting('s1', 'g1');
    await clock.advance(RESTART_GRACE_MS * 2);
    grants.started('s1', 'g1');
    await clock.advance(UNSTARTED_GRANT_MS * 2);
    assert.deepEqual(revoked, []);
  });

  it('an announced restart that never comes, and a launch that never starts, are revoked after the unstarted bound', async () => {
    const { clock, grants, revoked, reasons, add } = setup();
    add('g1');
    grants.started('s1', 'g1');
    grants.restarting('s1');
    grants.ended('s1', 'g1');
    add('g2');
    await clock.advance(UNSTARTED_GRANT_MS);
    assert.deepEqual(revoked.sort(), ['g1', 'g2']);
    assert.deepEqual(reasons.sort(), ['g1:unstarted', 'g2:unstarted']);
  });

  it('a restart that re-resolved a changed launch.json: the old grant goes when the session starts with the new one', async () => {
    const { clock, grants, revoked, reasons, add } = setup();
    add('g1');
    grants.started('s1', 'g1');
    grants.restarting('s1');
    add('g2'); // VS Code resolved the new configuration before ending the session
    assert.equal(grants.ended('s1', 'g2'), 'restart', 'the terminate event names the NEW configuration');
    grants.starting('s1', 'g2');
    grants.started('s1', 'g2');
    assert.deepEqual(revoked, ['g1']);
    assert.deepEqual(reasons, ['g1:replaced']);
    await clock.advance(UNSTARTED_GRANT_MS * 2);
    assert.deepEqual(revoked, ['g1']);
    // A session that restarts into a launch left alone (no grant) still drops the old one.
    grants.restarting('s1');
    grants.ended('s1', 'g2');
    grants.started('s1', undefined);
    assert.deepEqual(revoked, ['g1', 'g2']);
  });

  it('ends, starts and restarts of other sessions do not touch a grant; revokeAll clears every timer', async () => {
    const { clock, grants, revoked, add } = setup();
    add('g1');
    grants.started('s1', 'g1');
    assert.equal(grants.ended('s2', undefined), undefined);
    grants.restarting('s2');
    grants.started('s2', undefined);
    await clock.advance(UNSTARTED_GRANT_MS * 2);
    assert.deepEqual(revoked, []);
    add('g2');
    grants.ended('s1', 'g1');
    grants.revokeAll();
    assert.deepEqual(revoked.sort(), ['g1', 'g2']);
    assert.deepEqual(clock.pending, []);
  });
});
