/**
 * Debug launches in the real VS Code (code-server) with its built-in JavaScript debugger
 * (ms-vscode.js-debug, type `node`): a Node program using the JS SDK v3 (the fixture workspace's
 * callerArn.js) asks moto who it is, with only what the extension put into the launch's `env`.
 *
 * As in terminals.test.ts, the fixture [default] profile's keys would beat the endpoint in every
 * client, so the endpoint tests first strip them from the fixture HOME's credentials file; with
 * them in place the extension uses environment variables (keys), which the last test covers.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { waitFor } from '../support/moto';
import type { AwsIdentityApi } from '../../src/api';
import { userSwitch } from './access';
import { terminalMode, testHook } from './testHooks';

const extensionId = 'aws-identity-switcher.aws-identity-switcher';

interface Report {
  arn: string;
  uri?: string;
  tokenFile?: string;
  keys: boolean;
  profile?: string;
}

async function api(): Promise<AwsIdentityApi> {
  const ext = vscode.extensions.getExtension<AwsIdentityApi>(extensionId);
  assert.ok(ext, `${extensionId} is not loaded`);
  return ext.activate();
}

function readReports(file: string): Report[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Report);
}

async function debugGrants(): Promise<number> {
  return (await testHook<{ activeGrants: number }>('debugState')).activeGrants;
}

describe('debug launches in the real VS Code (js-debug, type node)', function () {
  this.timeout(120_000);
  let dir: string;
  let credentialsFile: string;
  let originalCredentials: string;
  const workspace = (): vscode.WorkspaceFolder => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the integration workspace is not open');
    return folder;
  };

  /** Starts callerArn.js under the debugger; resolves when the session started, with its end. */
  async function launch(out: string, extra: { waitFile?: string; env?: Record<string, string>; envFile?: string; console?: string } = {}): Promise<{ ended: Promise<void> }> {
    const name = `ais-debug-${path.basename(out)}`;
    let started: vscode.DebugSession | undefined;
    const ended = new Promise<void>((resolve) => {
      const sub = vscode.debug.onDidTerminateDebugSession((s) => {
        if (s.name === name || s.id === started?.id) {
          sub.dispose();
          resolve();
        }
      });
    });
    const startSub = vscode.debug.onDidStartDebugSession((s) => {
      if (s.name === name && !started) started = s;
    });
    const ok = await vscode.debug.startDebugging(workspace(), {
      type: 'node',
      request: 'launch',
      name,
      program: path.join(workspace().uri.fsPath, 'callerArn.js'),
      args: [out, ...(extra.waitFile ? [extra.waitFile] : [])],
      // The extension host's own Node: the host's PATH need not have one.
      runtimeExecutable: process.execPath,
      console: extra.console ?? 'internalConsole',
      ...(extra.env ? { env: extra.env } : {}),
      ...(extra.envFile ? { envFile: extra.envFile } : {}),
    });
    startSub.dispose();
    assert.ok(ok, 'vscode.debug.startDebugging returned false: js-debug did not start the launch (see the extension host log)');
    return { ended };
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ais-debug-'));
    credentialsFile = process.env.AWS_SHARED_CREDENTIALS_FILE ?? '';
    assert.ok(credentialsFile, 'AWS_SHARED_CREDENTIALS_FILE is not set by the runner');
    originalCredentials = fs.readFileSync(credentialsFile, 'utf8');
    await api();
  });
  after(async () => {
    fs.writeFileSync(credentialsFile, originalCredentials);
    await vscode.workspace.getConfiguration('awsIdentity').update('terminal.credentials', undefined, vscode.ConfigurationTarget.Global);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('endpoint mode: the program gets the identity through a token of its own; a switch changes the next launch, not the running one', async () => {
    fs.writeFileSync(credentialsFile, originalCredentials.replace(/\[default\][^[]*/, ''));
    const first = await userSwitch('ops-admin');
    await waitFor(async () => (await terminalMode()) === 'endpoint', 'endpoint mode once [default] has no keys', 10_000);

    const out = path.join(dir, 'running.jsonl');
    const go = path.join(dir, 'go');
    const { ended } = await launch(out, { waitFile: go });
    await waitFor(() => readReports(out).length >= 1, 'the debugged program to report its identity', 60_000, 100);
    const [before] = readReports(out);
    assert.equal(before!.arn, first.arn, `the debugged program did not get the active identity: ${before!.arn}`);
    assert.match(before!.uri ?? '', /^http:\/\/127\.0\.0\.1:\d+\/aws-identity\/credentials$/);
    assert.ok(before!.tokenFile && fs.existsSync(before!.tokenFile), 'the token file named in the launch exists while the session runs');
    assert.equal(before!.keys, false, 'no keys in endpoint mode');
    assert.equal(await debugGrants(), 1, 'the launch holds one grant (js-debug\'s child session for the process gets none)');

    // Switch while it runs: its next request (a new client, fresh credentials) still gets the first identity.
    const second = await userSwitch('audit-readonly');
    assert.notEqual(second.arn, first.arn);
    fs.writeFileSync(go, '');
    await waitFor(() => readReports(out).length >= 2, 'the debugged program to report again after the switch', 60_000, 100);
    assert.equal(readReports(out)[1]!.arn, first.arn, 'the running launch kept the identity it started with');
    await ended;
    await waitFor(async () => (await debugGrants()) === 0, 'the grant to be revoked when the session ended', 10_000);
    assert.equal(fs.existsSync(before!.tokenFile!), false, 'the token file is removed when the session ends');

    // The next launch gets the new identity.
    const next = path.join(dir, 'next.jsonl');
    const again = await launch(next);
    await waitFor(() => readReports(next).length >= 1, 'the second launch to report its identity', 60_000, 100);
    assert.equal(readReports(next)[0]!.arn, second.arn, 'the next launch gets the identity selected now');
    assert.notEqual(readReports(next)[0]!.tokenFile, before!.tokenFile, 'each launch has a token of its own');
    await again.ended;
  });

  it('a launch configuration that sets AWS variables of its own, in env or its envFile, is left alone; another envFile is not', async () => {
    fs.writeFileSync(credentialsFile, originalCredentials.replace(/\[default\][^[]*/, ''));
    const active = await userSwitch('ops-admin');
    await waitFor(async () => (await terminalMode()) === 'endpoint', 'endpoint mode', 10_000);
    const own = path.join(dir, 'own.jsonl');
    const withProfile = await launch(own, { env: { AWS_PROFILE: 'dev' } });
    await waitFor(() => readReports(own).length >= 1, 'the launch with its own AWS_PROFILE to report', 60_000, 100);
    const r = readReports(own)[0]!;
    assert.equal(r.profile, 'dev');
    assert.equal(r.uri, undefined, 'no endpoint was added to a launch choosing its own profile');
    assert.match(r.arn, /^arn:aws:(sts|iam)::123456789012:user\//, `the launch used its own profile (dev's static keys): ${r.arn}`);
    await withProfile.ended;

    /** A launch whose envFile (named `name`) holds `text`: what its program reported, once it ended. */
    const withEnvFile = async (name: string, text: string): Promise<Report> => {
      const envFile = path.join(dir, `${name}.env`);
      fs.writeFileSync(envFile, text);
      const out = path.join(dir, `${name}-envfile.jsonl`);
      const run = await launch(out, { envFile });
      await waitFor(() => readReports(out).length >= 1, `the launch with the ${name} envFile to report`, 60_000, 100);
      await run.ended;
      return readReports(out)[0]!;
    };

    // An envFile that chooses a profile: the launch keeps it.
    const p = await withEnvFile('profile', 'SOMETHING=1\nexport AWS_PROFILE=dev\n');
    assert.equal(p.uri, undefined, 'no endpoint was added to a launch whose envFile chooses a profile');
    assert.equal(p.profile, 'dev');

    // An envFile without AWS credential variables (as debugpy names for every launch): the identity is added.
    const plain = await withEnvFile('plain', 'SOMETHING=1\n');
    assert.match(plain.uri ?? '', /^http:\/\/127\.0\.0\.1:\d+\/aws-identity\/credentials$/, 'the endpoint was added to a launch whose envFile sets no AWS credentials');
    assert.equal(plain.arn, active.arn, 'the launch got the active identity');
    await waitFor(async () => (await debugGrants()) === 0, 'the plain envFile launch\'s grant to be revoked after its session ended', 15_000);
  });

  it('environment mode (the [default] keys hide the endpoint): the launch gets the temporary keys', async () => {
    fs.writeFileSync(credentialsFile, originalCredentials);
    const identity = await userSwitch('ops-admin');
    await waitFor(async () => (await terminalMode()) === 'environment', 'the environment-mode fallback', 10_000);
    const out = path.join(dir, 'keys.jsonl');
    const run = await launch(out);
    await waitFor(() => readReports(out).length >= 1, 'the launch in environment mode to report', 60_000, 100);
    const r = readReports(out)[0]!;
    assert.equal(r.keys, true);
    assert.equal(r.arn, identity.arn);
    await run.ended;

    // In a terminal (whose environment VS Code saves: persistent sessions are on) no keys, as for "+" terminals.
    const inTerminal = path.join(dir, 'terminal.jsonl');
    const run2 = await launch(inTerminal, { console: 'integratedTerminal' });
    await waitFor(() => readReports(inTerminal).length >= 1, 'the launch in a terminal to report', 60_000, 100);
    assert.equal(readReports(inTerminal)[0]!.keys, false, 'no keys for a launch in a terminal VS Code may save');
    await run2.ended;
  });
  it('environment mode: a launch that runs in a terminal gets the endpoint, and no key or token reaches the terminal\'s command line', async () => {
    // Environment mode chosen, nothing hiding the endpoint, keys allowed in all terminals (nothing
    // saved): the case where keys used to go into env, which runInTerminal puts on a command line.
    fs.writeFileSync(credentialsFile, originalCredentials.replace(/\[default\][^[]*/, ''));
    await vscode.workspace.getConfiguration('terminal.integrated').update('enablePersistentSessions', false, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('awsIdentity').update('terminal.credentials', 'environment', vscode.ConfigurationTarget.Global);
    // What the debuggers ask VS Code to run in a terminal: VS Code makes the command line from it.
    const requests: Array<{ arguments?: { env?: Record<string, string | null>; args?: string[] } }> = [];
    const tracker = vscode.debug.registerDebugAdapterTrackerFactory('*', {
      createDebugAdapterTracker: () => ({
        onDidSendMessage: (m: { type?: string; command?: string }) => {
          if (m.type === 'request' && m.command === 'runInTerminal') requests.push(m as (typeof requests)[number]);
        },
      }),
    });
    try {
      const identity = await userSwitch('ops-admin');
      await waitFor(
        async () => {
          const state = await testHook<{ mode: string; plan?: { sharedVariables: boolean } }>('terminalState');
          return state.mode === 'environment' && state.plan?.sharedVariables === true;
        },
        'environment mode with keys in all terminals',
        10_000,
      );
      const out = path.join(dir, 'terminal-endpoint.jsonl');
      const run = await launch(out, { console: 'integratedTerminal' });
      await waitFor(() => readReports(out).length >= 1, 'the launch in a terminal to report', 60_000, 100);
      const r = readReports(out)[0]!;
      assert.ok(requests.length >= 1, 'js-debug asked VS Code to run the program in a terminal (runInTerminal)');
      for (const request of requests) {
        const env = request.arguments?.env ?? {};
        for (const secret of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CONTAINER_AUTHORIZATION_TOKEN']) {
          assert.ok(!env[secret], `runInTerminal carried ${secret} with a value: VS Code puts it on the terminal's command line`);
        }
        assert.doesNotMatch((request.arguments?.args ?? []).join(' '), /AWS_(SECRET_ACCESS_KEY|SESSION_TOKEN)=\S/);
      }
      assert.equal(r.keys, false, 'no keys for a launch in a terminal');
      assert.match(r.uri ?? '', /^http:\/\/127\.0\.0\.1:\d+\/aws-identity\/credentials$/, 'the launch got the endpoint instead');
      assert.equal(r.arn, identity.arn, 'and with it the active identity');
      await run.ended;
    } finally {
      tracker.dispose();
      await vscode.workspace.getConfiguration('terminal.integrated').update('enablePersistentSessions', undefined, vscode.ConfigurationTarget.Global);
      await vscode.workspace.getConfiguration('awsIdentity').update('terminal.credentials', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('a C/C++ launch (cppdbg) gets the variables in its environment array, beside the entries it set', async () => {
    fs.writeFileSync(credentialsFile, originalCredentials.replace(/\[default\][^[]*/, ''));
    const active = await userSwitch('ops-admin');
    await waitFor(async () => (await terminalMode()) === 'endpoint', 'endpoint mode', 10_000);
    const name = 'ais-debug-cppdbg';
    // Registered after the extension's own provider for '*', so it sees what that one resolved;
    // it then cancels the launch (no C/C++ debugger is installed here).
    let resolved: vscode.DebugConfiguration | undefined;
    const recorder = vscode.debug.registerDebugConfigurationProvider('*', {
      resolveDebugConfigurationWithSubstitutedVariables: (_folder, config) => {
        if (config.name !== name) return config;
        resolved = JSON.parse(JSON.stringify(config)) as vscode.DebugConfiguration;
        return undefined;
      },
    });
    try {
      await vscode.debug.startDebugging(workspace(), {
        type: 'cppdbg',
        request: 'launch',
        name,
        program: process.execPath,
        cwd: workspace().uri.fsPath,
        environment: [
          { name: 'AWS_REGION', value: 'eu-west-3' },
          { name: 'AIS_OWN', value: '1' },
        ],
      });
    } finally {
      recorder.dispose();
    }
    assert.ok(resolved, 'the launch was resolved');
    assert.equal(resolved.env, undefined, 'cppdbg reads no env: nothing goes there');
    const entries = resolved.environment as Array<{ name: string; value: string }>;
    const vars = new Map(entries.map((e) => [e.name, e.value]));
    assert.equal(vars.get('AIS_OWN'), '1', 'the entries the launch set are kept');
    assert.equal(vars.get('AWS_REGION'), 'eu-west-3', 'the region the launch set wins');
    assert.equal(entries.filter((e) => e.name === 'AWS_REGION').length, 1);
    assert.match(vars.get('AWS_CONTAINER_CREDENTIALS_FULL_URI') ?? '', /^http:\/\/127\.0\.0\.1:\d+\/aws-identity\/credentials$/);
    // The program would get working credentials: run callerArn.js with exactly those variables.
    const out = path.join(dir, 'cppdbg.jsonl');
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('AWS_') ) env[k] = v;
    env.AWS_ENDPOINT_URL_STS = process.env.AWS_ENDPOINT_URL_STS ?? '';
    env.AWS_SHARED_CREDENTIALS_FILE = credentialsFile;
    if (process.env.AWS_CONFIG_FILE) env.AWS_CONFIG_FILE = process.env.AWS_CONFIG_FILE;
    for (const e of entries) env[e.name] = e.value;
    const child = spawn(process.execPath, [path.join(workspace().uri.fsPath, 'callerArn.js'), out], { env, stdio: 'ignore' });
    await new Promise((resolve) => child.once('exit', resolve));
    assert.equal(readReports(out)[0]?.arn, active.arn, 'the variables in environment give the active identity');
    // The launch never started: turning terminal credentials off revokes its grant now, not in 15 minutes.
    await vscode.workspace.getConfiguration('awsIdentity').update('terminal.credentials', 'off', vscode.ConfigurationTarget.Global);
    await waitFor(async () => (await debugGrants()) === 0, 'the unstarted cppdbg grant to be revoked', 10_000);
    await vscode.workspace.getConfiguration('awsIdentity').update('terminal.credentials', undefined, vscode.ConfigurationTarget.Global);
  });
});
