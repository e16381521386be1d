/**
 * Terminals in the real VS Code (code-server): a real shell in a real integrated terminal runs the
 * real AWS CLI v2 against moto, with only what the extension put into the terminal.
 *
 * The tests type a fixed command of their own into the terminal (sendText); the extension never
 * does that. Each command writes its result to a file in a temp folder the test then reads.
 *
 * The fixture [default] profile has static keys, which every AWS client prefers to the endpoint,
 * so the extension uses environment variables while it is there (measured: profilePrecedence).
 * The endpoint tests first strip [default] down to its region in the fixture HOME's copy.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { waitFor } from '../support/moto';
import { cliV2Path } from '../support/awsClients';
import type { AwsIdentityApi } from '../../src/api';
import { userSwitch } from './access';
import { testHook } from './testHooks';

const extensionId = 'aws-identity-switcher.aws-identity-switcher';

interface TerminalState {
  mode: string;
  configuredMode: string;
  variables: string[];
  notices: string[];
  activeGrants: number;
}

async function api(): Promise<AwsIdentityApi> {
  const ext = vscode.extensions.getExtension<AwsIdentityApi>(extensionId);
  assert.ok(ext, `${extensionId} is not loaded`);
  return ext.activate();
}

/** Runs a fixed script in `terminal` and returns what it wrote to its output file. */
async function runIn(terminal: vscode.Terminal, script: (out: string) => string, what: string): Promise<string> {
  return (await runSplit(terminal, (out) => script(out), what, false)).stdout;
}

/**
 * Runs a fixed command in `terminal` with its stdout in `out` (the command redirects it) and, unless
 * `split` is false, its stderr in a separate file; returns both, trimmed.
 */
async function runSplit(terminal: vscode.Terminal, command: (out: string) => string, what: string, split = true): Promise<{ stdout: string; stderr: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ais-term-'));
  const out = path.join(dir, 'out');
  const err = path.join(dir, 'err');
  const done = path.join(dir, 'done');
  terminal.sendText(`${command(out)}${split ? ` 2> '${err}'` : ''}; echo $? > '${done}'`);
  await waitFor(() => fs.existsSync(done), `the terminal to finish: ${what}`, 60_000, 100);
  const read = (f: string): string => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim() : '');
  const result = { stdout: read(out), stderr: read(err) };
  fs.rmSync(dir, { recursive: true, force: true });
  return result;
}

// AWS CLI v2 at its fixed path (the extension host's PATH has no pyenv shims, so CLI v1 is not
// reachable there); it predates AWS_ENDPOINT_URL_STS, so the terminal passes that as --endpoint-url.
const callerArn = (out: string): string =>
  `'${cliV2Path()}' sts get-caller-identity --query Arn --output text --endpoint-url "$AWS_ENDPOINT_URL_STS" > '${out}' 2>&1`;

/**
 * The JS SDK's fromHttp warns on stderr, on every run, when both AWS_CONTAINER_AUTHORIZATION_TOKEN
 * and AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE are set (the legacy setting), then uses the file:
 * exactly these lines (@aws-sdk/credential-provider-http), nothing else, and only then.
 */
const JS_SDK_BOTH_TOKENS_WARNING = [
  '@aws-sdk/credential-provider-http: you have set both awsContainerAuthorizationToken and awsContainerAuthorizationTokenFile.',
  'awsContainerAuthorizationTokenFile will take precedence.',
].join('\n');

type Client = 'AWS CLI v1' | 'AWS CLI v2' | 'boto3' | 'JS SDK v3';

/**
 * The four real clients, each a fixed test program (paths the runner resolved, never user data)
 * printing the caller's ARN on stdout. Each uses only what the terminal's environment gives it: the
 * endpoint URL and token (file), or the keys; the region; AWS_ENDPOINT_URL_STS.
 */
function clientCommands(): Record<Client, (out: string) => string> {
  const cliV1 = process.env.AIS_TEST_AWS_CLI_V1;
  const python = process.env.AIS_TEST_PYTHON_BOTO3;
  const sdk = path.join(process.env.AIS_TEST_REPO_ROOT ?? '', 'node_modules', '@aws-sdk', 'client-sts');
  assert.ok(cliV1 && python && fs.existsSync(sdk), 'the runner must pass AIS_TEST_AWS_CLI_V1, AIS_TEST_PYTHON_BOTO3 and AIS_TEST_REPO_ROOT');
  const jsSdk = `const { STSClient, GetCallerIdentityCommand } = require(${JSON.stringify(sdk)}); new STSClient({}).send(new GetCallerIdentityCommand({})).then((r) => console.log(r.Arn), (e) => { console.log(String(e)); process.exit(1); });`;
  return {
    'AWS CLI v1': (out) => `'${cliV1}' sts get-caller-identity --query Arn --output text > '${out}'`,
    // Debian's 2.9 predates AWS_ENDPOINT_URL_STS.
    'AWS CLI v2': (out) => `'${cliV2Path()}' sts get-caller-identity --query Arn --output text --endpoint-url "$AWS_ENDPOINT_URL_STS" > '${out}'`,
    boto3: (out) => `'${python}' -c "import boto3; print(boto3.client('sts').get_caller_identity()['Arn'])" > '${out}'`,
    'JS SDK v3': (out) => `'${process.execPath}' -e '${jsSdk}' > '${out}'`,
  };
}

/**
 * Runs `clients` in `terminal`: each must print exactly `arn` on stdout, and nothing on stderr but,
 * for the JS SDK when `bothTokens`, the SDK's own warning about the two token variables.
 */
async function assertClientsGet(terminal: vscode.Terminal, arn: string, clients: readonly Client[], bothTokens: boolean): Promise<void> {
  const commands = clientCommands();
  for (const client of clients) {
    const { stdout, stderr } = await runSplit(terminal, commands[client], `${client} get-caller-identity`);
    assert.equal(stdout, arn, `${client} in the terminal did not get the chosen identity (stderr: ${stderr})`);
    const expectedStderr = client === 'JS SDK v3' && bothTokens ? [JS_SDK_BOTH_TOKENS_WARNING, ''] : [''];
    assert.ok(expectedStderr.includes(stderr), `${client} wrote to stderr: ${JSON.stringify(stderr)}`);
  }
}

const ALL_CLIENTS: readonly Client[] = ['AWS CLI v1', 'AWS CLI v2', 'boto3', 'JS SDK v3'];
// One simple command: shell integration prints its own escape sequences before each command, and
// inside a redirected `{ ...; }` group they would land in the file.
const variables = (out: string): string =>
  `printf 'URI=%s\\nTOKENLEN=%s\\nKEY=%s\\nSESSIONLEN=%s\\nPROFILE=%s\\nREGION=%s\\n' "\${AWS_CONTAINER_CREDENTIALS_FULL_URI-unset}" "\${#AWS_CONTAINER_AUTHORIZATION_TOKEN}" "\${AWS_ACCESS_KEY_ID-unset}" "\${#AWS_SESSION_TOKEN}" "\${AWS_PROFILE-unset}" "\${AWS_REGION-unset}" > '${out}'`;

function parseVars(text: string): Record<string, string> {
  const vars = Object.fromEntries(text.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  assert.ok('URI' in vars && 'KEY' in vars, `the terminal printed something else: ${JSON.stringify(text)}`);
  return vars;
}

async function setMode(mode: 'endpoint' | 'environment' | 'off'): Promise<void> {
  await vscode.workspace.getConfiguration('awsIdentity').update('terminal.credentials', mode, vscode.ConfigurationTarget.Global);
}

async function setLegacyToken(on: boolean): Promise<void> {
  await vscode.workspace.getConfiguration('awsIdentity').update('terminal.legacyTokenVariable', on, vscode.ConfigurationTarget.Global);
}

async function terminalState(): Promise<TerminalState> {
  return await testHook<TerminalState>('terminalState');
}

describe('terminals in the real VS Code', function () {
  this.timeout(120_000);
  const opened: vscode.Terminal[] = [];
  let credentialsFile: string;
  let originalCredentials: string;

  before(async () => {
    credentialsFile = process.env.AWS_SHARED_CREDENTIALS_FILE ?? '';
    assert.ok(credentialsFile, 'AWS_SHARED_CREDENTIALS_FILE is not set by the runner');
    originalCredentials = fs.readFileSync(credentialsFile, 'utf8');
    // Debian's AWS CLI v2 (2.9) predates AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (measured in
    // test/conformance/endpointRestart.test.ts): these tests drive it, so they opt into the token
    // variable too. Persistent sessions off: environment mode then shares keys without asking.
    await setLegacyToken(true);
    await vscode.workspace.getConfiguration('terminal.integrated').update('enablePersistentSessions', false, vscode.ConfigurationTarget.Global);
    await api();
  });
  afterEach(() => {
    for (const t of opened.splice(0)) t.dispose();
  });
  after(async () => {
    fs.writeFileSync(credentialsFile, originalCredentials);
    await setMode('endpoint');
    await vscode.workspace.getConfiguration('awsIdentity').update('terminal.legacyTokenVariable', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('terminal.integrated').update('enablePersistentSessions', undefined, vscode.ConfigurationTarget.Global);
  });

  it('with [default] credentials present, endpoint mode falls back to environment variables and says why', async () => {
    const a = await api();
    await setMode('endpoint');
    await userSwitch('dev');
    await waitFor(async () => (await terminalState()).mode === 'environment', 'the environment-mode fallback');
    const state = await terminalState();
    assert.equal(state.configuredMode, 'endpoint');
    assert.match(state.notices.join(' '), /\[default\] profile has credentials/);
    const t = (await vscode.commands.executeCommand<vscode.Terminal>('awsIdentity.newTerminal'))!;
    opened.push(t);
    assert.equal(t.name, `AWS: ${a.getActiveIdentity()!.name} (${a.getActiveIdentity()!.account})`);
    assert.equal(await runIn(t, callerArn, 'aws sts get-caller-identity'), a.getActiveIdentity()!.arn);
  });

  it('endpoint mode: "AWS: <identity>" and "+" terminals get the endpoint, and the CLI gets the chosen identity from it', async () => {
    // Keep [default] but without keys: it no longer hides the endpoint.
    fs.writeFileSync(credentialsFile, originalCredentials.replace(/\[default\][^[]*/, ''));
    const identity = await userSwitch('ops-admin');
    await waitFor(async () => (await terminalState()).mode === 'endpoint', 'endpoint mode once [default] has no keys', 10_000);
    const own = (await vscode.commands.executeCommand<vscode.Terminal>('awsIdentity.newTerminal'))!;
    const plus = vscode.window.createTerminal({ name: 'plain' });
    opened.push(own, plus);
    for (const t of [own, plus]) {
      const vars = parseVars(await runIn(t, variables, 'print the variables'));
      assert.match(vars.URI!, /^http:\/\/127\.0\.0\.1:\d+\/aws-identity\/credentials$/);
      assert.equal(vars.TOKENLEN, '64');
      assert.equal(vars.KEY, '', 'key variables are blanked in endpoint mode');
      assert.equal(vars.REGION, identity.region);
      assert.equal(await runIn(t, callerArn, 'aws sts get-caller-identity'), identity.arn);
    }
  });

  it('endpoint mode: AWS CLI v1 and v2, boto3 and the JS SDK in a real terminal each print the chosen identity', async () => {
    fs.writeFileSync(credentialsFile, originalCredentials.replace(/\[default\][^[]*/, ''));
    const identity = await userSwitch('audit-readonly');
    await waitFor(async () => (await terminalState()).mode === 'endpoint', 'endpoint mode once [default] has no keys', 10_000);
    // The legacy setting (on in this suite): the token file AND the token variable. Every client
    // gets the identity; the JS SDK says on stderr that it uses the file.
    const legacy = (await vscode.commands.executeCommand<vscode.Terminal>('awsIdentity.newTerminal'))!;
    opened.push(legacy);
    await assertClientsGet(legacy, identity.arn, ALL_CLIENTS, true);
    // The default: the token file only. The clients that read it, with nothing on stderr; Debian's
    // AWS CLI v2 2.9 reads only the variable, so it is left out (that is what the setting is for).
    await setLegacyToken(false);
    try {
      // "New Terminal as Active Identity" re-applies the settings before the terminal starts.
      const fileOnly = (await vscode.commands.executeCommand<vscode.Terminal>('awsIdentity.newTerminal'))!;
      opened.push(fileOnly);
      assert.equal(parseVars(await runIn(fileOnly, variables, 'print the variables')).TOKENLEN, '0', 'no token in the environment by default');
      await assertClientsGet(fileOnly, identity.arn, ['AWS CLI v1', 'boto3', 'JS SDK v3'], false);
    } finally {
      await setLegacyToken(true);
    }
  });

  it('switching identity: new terminals get the new one; an older terminal keeps its own token', async () => {
    // Every open terminal may hold the tokens pending while it is open (see GrantLedger): counted
    // from a window with no terminal, the figures below are exact.
    for (const open of vscode.window.terminals) open.dispose();
    await waitFor(async () => vscode.window.terminals.length === 0, 'the earlier tests\' terminals to close', 10_000);
    const before = await userSwitch('ops-admin');
    const older = (await vscode.commands.executeCommand<vscode.Terminal>('awsIdentity.newTerminal'))!;
    opened.push(older);
    assert.equal(await runIn(older, callerArn, 'aws sts get-caller-identity (before the switch)'), before.arn);
    const after = await userSwitch('dev');
    const t = (await vscode.commands.executeCommand<vscode.Terminal>('awsIdentity.newTerminal'))!;
    opened.push(t);
    assert.equal(await runIn(t, callerArn, 'aws sts get-caller-identity'), after.arn);
    // The older terminal's token (ops-admin); the ops-admin token pending when the switch came,
    // which the older terminal may have read had VS Code relaunched its shell; the new terminal's
    // (dev), which the older one may have read too; and the pending one (dev) for the next terminal.
    // One more when the older terminal opened within 2 s of the switch to ops-admin: the token
    // pending before it, which a terminal starting then may have read (GRANT_GRACE_MS).
    let live = 0;
    await waitFor(async () => (live = (await terminalState()).activeGrants) === 4 || live === 5, 'four or five live tokens', 10_000).catch(() => undefined);
    assert.ok(live === 4 || live === 5, `four live tokens (five within the grace period), not ${live}`);
    // Its grant holds a lease on the previous session (IdentitySession.retain), renewed when asked.
    assert.equal(await runIn(older, callerArn, 'aws sts get-caller-identity (after the switch)'), before.arn);
    older.dispose();
    // A terminal that starts within a moment of a token rotation also holds the token rotated out
    // (it may have read the collection before the rotation; see GrantLedger), so on a slow machine
    // the new terminal can hold the older one's token too. Once both are closed, only the pending
    // token is left: no token outlives the terminals that hold it. (The exact rule, terminal by
    // terminal, is in test/unit/grants.test.ts.)
    t.dispose();
    await waitFor(async () => (await terminalState()).activeGrants === 1, 'the terminals\' tokens to go with them, leaving the pending one');
  });

  it('"AWS: Active Identity" from the terminal menu right after a switch: named after the new identity, with its credentials', async () => {
    fs.writeFileSync(credentialsFile, originalCredentials.replace(/\[default\][^[]*/, ''));
    await userSwitch('ops-admin');
    await waitFor(async () => (await terminalState()).mode === 'endpoint', 'endpoint mode once [default] has no keys', 10_000);
    const identity = await userSwitch('audit-readonly');
    const openedNext = new Promise<vscode.Terminal>((resolve) => {
      const sub = vscode.window.onDidOpenTerminal((t) => (sub.dispose(), resolve(t)));
    });
    // At once, as the menu item does it: the workbench asks the extension's profile provider
    // (package.json contributes.terminal.profiles) for the terminal's options.
    await vscode.commands.executeCommand('workbench.action.terminal.newWithProfile', { config: { extensionIdentifier: extensionId, id: 'awsIdentity.terminal', title: 'AWS: Active Identity' } });
    const t = await openedNext;
    opened.push(t);
    assert.equal(t.name, `AWS: ${identity.name} (${identity.account})`);
    assert.equal(await runIn(t, callerArn, 'aws sts get-caller-identity'), identity.arn);
  });

  it('environment mode exports keys; off removes everything the extension set', async () => {
    await setMode('environment');
    await waitFor(async () => (await terminalState()).mode === 'environment', 'environment mode');
    const env = vscode.window.createTerminal({ name: 'env-mode' });
    opened.push(env);
    const vars = parseVars(await runIn(env, variables, 'print the variables'));
    assert.equal(vars.URI, 'unset');
    assert.ok(vars.KEY && vars.KEY !== 'unset' && vars.KEY !== 'AKIAI44QH8DHBEXAMPLE', `the profile's own long-lived key must not be exported (got ${vars.KEY})`);
    assert.ok(Number(vars.SESSIONLEN) > 0, 'temporary keys only: a session token comes with them');
    await assertClientsGet(env, (await api()).getActiveIdentity()!.arn, ALL_CLIENTS, false);
    await setMode('off');
    await waitFor(async () => (await terminalState()).variables.length === 0, 'off clears the variables');
    const off = vscode.window.createTerminal({ name: 'off-mode' });
    opened.push(off);
    const offVars = parseVars(await runIn(off, variables, 'print the variables'));
    assert.equal(offVars.URI, 'unset');
    assert.equal(offVars.KEY, 'unset');
    assert.equal((await terminalState()).activeGrants, 0, 'off revokes every grant');
  });
});
