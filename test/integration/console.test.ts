/**
 * "Open AWS Console as Identity" and "Copy Console Sign-in Link" in the real VS Code, against moto
 * and the strict federation fake (test/support/federationFake.ts) set as
 * awsIdentity.console.federationEndpoint. `vscode.env.openExternal` is replaced for the test (VS
 * Code leaves `env` patchable in extension tests), so nothing opens: the test reads the URL the
 * command opened. Afterwards the run's files (logs, state) are searched for the sign-in tokens
 * and links; the runner's own scan covers the keys.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { askUser, pickerTitled } from '../support/uiRequests';
import { FederationFake } from '../support/federationFake';
import { userSwitch } from './access';
import { testHook } from './testHooks';

type OpenExternal = typeof vscode.env.openExternal;

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) filesUnder(p, out);
    else if (entry.isFile() && fs.statSync(p).size < 20_000_000) out.push(p);
  }
  return out;
}

describe('console sign-in in the real VS Code', function () {
  this.timeout(60_000);
  let fake: FederationFake;
  const opened: string[] = [];
  let original: OpenExternal;
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('awsIdentity');

  before(async () => {
    const moto = process.env.AIS_TEST_MOTO_ENDPOINT;
    assert.ok(moto, 'AIS_TEST_MOTO_ENDPOINT is not set: run through test/runIntegration.ts');
    fake = await FederationFake.start(moto);
    await config().update('console.federationEndpoint', fake.endpoint, vscode.ConfigurationTarget.Global);
    await config().update('console.sessionDurationSeconds', 7200, vscode.ConfigurationTarget.Global);
    original = vscode.env.openExternal;
    (vscode.env as { openExternal: OpenExternal }).openExternal = async (uri) => {
      opened.push(uri.toString(true));
      return true;
    };
  });

  after(async () => {
    if (original) (vscode.env as { openExternal: OpenExternal }).openExternal = original;
    await config().update('console.federationEndpoint', undefined, vscode.ConfigurationTarget.Global);
    await config().update('console.sessionDurationSeconds', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('awsIdentity.clearIdentity');
    await fake?.stop();
  });

  const lastOpened = (): URL => {
    assert.ok(opened.length > 0, 'openExternal was not called');
    return new URL(opened.at(-1)!);
  };

  it('opens the console for an assumed role: its own keys, the setting\'s duration, the region\'s console', async () => {
    await userSwitch('ops-admin');
    const before = opened.length;
    assert.equal(await vscode.commands.executeCommand('awsIdentity.openConsole'), true);
    assert.equal(opened.length, before + 1);
    const url = lastOpened();
    assert.equal(`${url.origin}${url.pathname}`, fake.endpoint);
    assert.equal(url.searchParams.get('Action'), 'login');
    assert.equal(url.searchParams.get('Destination'), 'https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1');
    assert.ok(url.searchParams.get('SigninToken'));
    const request = fake.signinTokenRequests.at(-1)!;
    assert.equal(request.status, 200, request.reason);
    assert.equal(request.params.SessionDuration, '7200');
    assert.match(request.callerArn ?? '', /assumed-role\/OpsAdmin\//);
  });

  it('opens the console for static keys through GetFederationToken (no SessionDuration)', async () => {
    await userSwitch('dev');
    assert.equal(await vscode.commands.executeCommand('awsIdentity.openConsole'), true);
    const request = fake.signinTokenRequests.at(-1)!;
    assert.equal(request.status, 200, request.reason);
    assert.equal(request.params.SessionDuration, undefined);
    assert.notEqual(JSON.parse(request.params.Session!).sessionId, undefined);
    assert.equal(lastOpened().searchParams.get('Destination'), 'https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1');
  });

  it('copies the link only on request, and the login link works once followed', async () => {
    await vscode.env.clipboard.writeText('');
    const before = opened.length;
    // Every copy asks first (any extension can run the command; the clipboard is readable by all).
    const confirmed = askUser({ action: 'type', text: '', press: 'Enter', whenVisible: pickerTitled('Copy a console sign-in link') });
    assert.equal(await vscode.commands.executeCommand('awsIdentity.copyConsoleLink'), true);
    await confirmed;
    assert.equal(opened.length, before, 'copy must not open anything');
    const copied = new URL(await vscode.env.clipboard.readText());
    assert.equal(copied.searchParams.get('Action'), 'login');
    const page = await fetch(copied);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /eu-west-1\.console\.aws\.amazon\.com/);
    await vscode.env.clipboard.writeText('');
  });

  it('Copy: the identity changing while the question is open still copies a link for the identity the question named', async () => {
    const named = await userSwitch('ops-admin');
    await vscode.env.clipboard.writeText('');
    const question = pickerTitled('Copy a console sign-in link');
    const copying = vscode.commands.executeCommand<boolean>('awsIdentity.copyConsoleLink');
    try {
      // The question is on screen (nothing typed): the identity changes now, without a picker of its own.
      await askUser({ action: 'type', text: '', whenVisible: question });
      await vscode.commands.executeCommand('awsIdentity.clearIdentity');
      const { status } = await testHook<{ status: { text: string } }>('inspect');
      assert.ok(!status.text.includes(named.name), `the identity did not change meanwhile (status bar: ${status.text})`);
    } finally {
      await askUser({ action: 'type', text: '', press: 'Enter', whenVisible: question });
    }
    assert.equal(await copying, true);
    const request = fake.signinTokenRequests.at(-1)!;
    assert.equal(request.status, 200, request.reason);
    assert.equal(request.callerArn, named.arn);
    const page = await fetch(new URL(await vscode.env.clipboard.readText()));
    assert.equal(page.status, 200);
    assert.equal(/<dd id="arn">([^<]*)<\/dd>/.exec(await page.text())?.[1], named.arn, 'the copied link signs in as someone else');
    await vscode.env.clipboard.writeText('');
  });

  it('wrote no sign-in token or link to any file of the run (logs, state)', async () => {
    await new Promise((r) => setTimeout(r, 1500)); // log channels flush
    const tokens = fake.signinTokenRequests.length ? opened.map((u) => new URL(u).searchParams.get('SigninToken')!).filter(Boolean) : [];
    assert.ok(tokens.length >= 2, 'the tests above should have made tokens');
    const workspace = process.env.AIS_TEST_WORKSPACE;
    assert.ok(workspace, 'AIS_TEST_WORKSPACE is not set');
    const runDir = path.dirname(workspace);
    for (const file of filesUnder(runDir)) {
      const text = fs.readFileSync(file, 'latin1');
      for (const t of tokens) assert.ok(!text.includes(t), `${path.relative(runDir, file)} holds a console sign-in token`);
      assert.ok(!text.includes('Action=login&'), `${path.relative(runDir, file)} holds a console login link`);
    }
  });
});
