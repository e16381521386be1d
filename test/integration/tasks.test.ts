/**
 * Tasks in the real VS Code (code-server): the fixture workspace's .vscode/tasks.json has a shell
 * task running `aws sts get-caller-identity` (the pip AWS CLI v1, which honours
 * AWS_ENDPOINT_URL_STS and the token file) and a process task running boto3, each writing the ARN
 * to a file. Tasks run in terminals, so they get what the environment variable collection holds;
 * in endpoint mode every task terminal takes the pending token and the collection rotates to a
 * fresh one, like any terminal. The endpoint tests strip the fixture [default] keys first (they
 * would beat the endpoint; see terminals.test.ts).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { waitFor } from '../support/moto';
import type { AwsIdentityApi } from '../../src/api';
import { userSwitch } from './access';
import { terminalMode } from './testHooks';

const extensionId = 'aws-identity-switcher.aws-identity-switcher';

async function api(): Promise<AwsIdentityApi> {
  const ext = vscode.extensions.getExtension<AwsIdentityApi>(extensionId);
  assert.ok(ext, `${extensionId} is not loaded`);
  return ext.activate();
}

describe('tasks in the real VS Code', function () {
  this.timeout(120_000);
  let outDir: string;
  let credentialsFile: string;
  let originalCredentials: string;

  /** Runs the task labelled `label` from tasks.json and waits until its process ended with exit code 0. */
  async function runTask(label: string): Promise<void> {
    const tasks = await vscode.tasks.fetchTasks();
    const task = tasks.find((t) => t.name === label);
    assert.ok(task, `task "${label}" not found in the workspace's tasks.json (found: ${tasks.map((t) => t.name).join(', ')})`);
    const ended = new Promise<number | undefined>((resolve) => {
      const sub = vscode.tasks.onDidEndTaskProcess((e) => {
        if (e.execution.task.name === label) {
          sub.dispose();
          resolve(e.exitCode);
        }
      });
    });
    await vscode.tasks.executeTask(task);
    const code = await ended;
    const err = path.join(outDir, 'shell.err');
    assert.equal(code, 0, `task "${label}" failed (exit ${String(code)})${fs.existsSync(err) ? `: ${fs.readFileSync(err, 'utf8')}` : ''}`);
  }

  function output(file: string): string {
    return fs.readFileSync(path.join(outDir, file), 'utf8').trim();
  }

  before(async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the integration workspace is not open');
    assert.ok(process.env.AIS_TEST_AWS_CLI_V1 && process.env.AIS_TEST_PYTHON_BOTO3, 'the runner must pass AIS_TEST_AWS_CLI_V1 and AIS_TEST_PYTHON_BOTO3');
    outDir = path.join(folder.uri.fsPath, '.task-out');
    fs.mkdirSync(outDir, { recursive: true });
    credentialsFile = process.env.AWS_SHARED_CREDENTIALS_FILE ?? '';
    assert.ok(credentialsFile, 'AWS_SHARED_CREDENTIALS_FILE is not set by the runner');
    originalCredentials = fs.readFileSync(credentialsFile, 'utf8');
    await api();
  });
  afterEach(() => {
    for (const t of vscode.window.terminals) if (t.name.includes('ais: caller arn')) t.dispose();
  });
  after(() => {
    fs.writeFileSync(credentialsFile, originalCredentials);
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('endpoint mode: a shell task running aws sts get-caller-identity gets the chosen identity, and the next run after a switch the new one', async () => {
    fs.writeFileSync(credentialsFile, originalCredentials.replace(/\[default\][^[]*/, ''));
    const first = await userSwitch('ops-admin');
    await waitFor(async () => (await terminalMode()) === 'endpoint', 'endpoint mode once [default] has no keys', 10_000);
    await runTask('ais: caller arn (shell)');
    assert.equal(output('shell.txt'), first.arn);

    const second = await userSwitch('audit-readonly');
    await runTask('ais: caller arn (shell)');
    assert.equal(output('shell.txt'), second.arn, 'the task run after the switch gets the new identity');
    // And a run without a switch in between: the shared task terminal's next process gets the rotated token.
    await runTask('ais: caller arn (shell)');
    assert.equal(output('shell.txt'), second.arn);
  });

  it('endpoint mode: a process task (boto3, no shell) gets the chosen identity', async () => {
    fs.writeFileSync(credentialsFile, originalCredentials.replace(/\[default\][^[]*/, ''));
    const identity = await userSwitch('ops-admin');
    await waitFor(async () => (await terminalMode()) === 'endpoint', 'endpoint mode', 10_000);
    await runTask('ais: caller arn (process)');
    assert.equal(output('process.txt'), identity.arn);
  });

  it('environment mode: a shell task gets the temporary keys of the chosen identity', async () => {
    fs.writeFileSync(credentialsFile, originalCredentials);
    await vscode.workspace.getConfiguration('terminal.integrated').update('enablePersistentSessions', false, vscode.ConfigurationTarget.Global);
    try {
      const identity = await userSwitch('ops-admin');
      await waitFor(async () => (await terminalMode()) === 'environment', 'the environment-mode fallback', 10_000);
      await runTask('ais: caller arn (shell)');
      assert.equal(output('shell.txt'), identity.arn);
    } finally {
      await vscode.workspace.getConfiguration('terminal.integrated').update('enablePersistentSessions', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
