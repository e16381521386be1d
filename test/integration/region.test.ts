/**
 * The region of the active identity in the real VS Code (code-server): the region status bar item,
 * "Change Region" with a region argument (and through its picker, as the user types), a new
 * terminal's AWS_REGION / AWS_DEFAULT_REGION, the API's onDidChangeRegion, refusals, the active
 * profile's row in the Profiles view, and the choice remembered for the identity in this workspace
 * after switching away and back.
 *
 * It leaves every profile it touched in its own region (the choice for it is set back), so the
 * suites after it see the fixture's regions.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { waitFor } from '../support/moto';
import type { AwsIdentityApi, Identity } from '../../src/api';
import { userSwitch } from './access';
import { askUser, pickerTitled } from '../support/uiRequests';
import { testHook } from './testHooks';

const extensionId = 'aws-identity-switcher.aws-identity-switcher';

interface RegionStatusView {
  visible: boolean;
  text: string;
  tooltip: string;
}

async function api(): Promise<AwsIdentityApi> {
  const ext = vscode.extensions.getExtension<AwsIdentityApi>(extensionId);
  assert.ok(ext, `${extensionId} is not loaded`);
  return ext.activate();
}

const regionStatus = async (): Promise<RegionStatusView> => testHook<RegionStatusView>('regionStatus');
/**
 * The command with a region argument, as a link or another extension would run it; a valid region
 * then asks the user first, answered here with Enter ("Change the region to …").
 */
async function pickRegion(region?: string): Promise<Identity | undefined> {
  if (region === undefined) return vscode.commands.executeCommand<Identity | undefined>('awsIdentity.pickRegion');
  const valid = !['eu-west-9', 'cn-north-1'].includes(region);
  const confirmed = valid ? askUser({ action: 'type', text: '', press: 'Enter', whenVisible: pickerTitled('A command asked to change the AWS region') }) : undefined;
  const result = await vscode.commands.executeCommand<Identity | undefined>('awsIdentity.pickRegion', region);
  await confirmed;
  return result;
}

async function statusShows(text: string): Promise<RegionStatusView> {
  let last: RegionStatusView | undefined;
  await waitFor(async () => (last = await regionStatus()).text === text, `the region status item to show "${text}" (last: ${JSON.stringify(last)})`, 10_000, 100);
  return last!;
}

/** What a new "AWS: <identity>" terminal gets as AWS_REGION and AWS_DEFAULT_REGION. */
async function terminalRegions(opened: vscode.Terminal[]): Promise<{ region: string; defaultRegion: string }> {
  const t = (await vscode.commands.executeCommand<vscode.Terminal>('awsIdentity.newTerminal'))!;
  opened.push(t);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ais-region-'));
  const out = path.join(dir, 'out');
  const done = path.join(dir, 'done');
  t.sendText(`printf '%s %s' "\${AWS_REGION-unset}" "\${AWS_DEFAULT_REGION-unset}" > '${out}'; echo $? > '${done}'`);
  await waitFor(() => fs.existsSync(done), 'the terminal to print its region variables', 60_000, 100);
  const [region = '', defaultRegion = ''] = fs.readFileSync(out, 'utf8').trim().split(' ');
  fs.rmSync(dir, { recursive: true, force: true });
  return { region, defaultRegion };
}

describe('the region of the active identity in the real VS Code', function () {
  this.timeout(120_000);
  const opened: vscode.Terminal[] = [];
  let ext: AwsIdentityApi;

  before(async () => {
    ext = await api();
    await vscode.commands.executeCommand('awsIdentity.clearIdentity');
  });
  afterEach(() => {
    for (const t of opened.splice(0)) t.dispose();
  });
  after(async () => {
    // Leave the profiles in their own regions for the suites that follow.
    for (const [profile, region] of [['ci-bot', 'us-west-2'], ['dev', 'eu-west-1']] as const) {
      await userSwitch(profile);
      await pickRegion(region);
    }
    await vscode.commands.executeCommand('awsIdentity.clearIdentity');
  });

  it('the status bar item shows the region, and is hidden with no identity', async () => {
    assert.equal((await regionStatus()).visible, false);
    await userSwitch('dev');
    const view = await statusShows('$(globe) eu-west-1');
    assert.equal(view.visible, true);
    assert.match(view.tooltip, /AWS region of .*: eu-west-1 \(Europe \(Ireland\)\), from the profile's `region`/);
  });

  it('"Change Region" with an argument: a new identity value in that region, onDidChangeRegion (not onDidChangeIdentity), new terminals get it', async () => {
    const before = await userSwitch('dev');
    const regions: Identity[] = [];
    const identities: Array<Identity | undefined> = [];
    const subs = [ext.onDidChangeRegion((i) => regions.push(i)), ext.onDidChangeIdentity((i) => identities.push(i))];
    try {
      const changed = await pickRegion('ap-southeast-2');
      assert.ok(changed, 'the command refused ap-southeast-2; its notification and the log say why');
      assert.equal(changed.region, 'ap-southeast-2');
      assert.equal(changed.regionSource, 'user');
      assert.equal(changed.arn, before.arn, 'the same principal');
      assert.equal(ext.getActiveIdentity()?.region, 'ap-southeast-2');
      assert.deepEqual(regions.map((i) => i.region), ['ap-southeast-2']);
      assert.deepEqual(identities, []);
    } finally {
      for (const s of subs) s.dispose();
    }
    const view = await statusShows('$(globe) ap-southeast-2');
    assert.match(view.tooltip, /Asia Pacific \(Sydney\)\), chosen for this identity/);
    assert.deepEqual(await terminalRegions(opened), { region: 'ap-southeast-2', defaultRegion: 'ap-southeast-2' });
  });

  it('refuses an unknown region and one of another partition: nothing changes', async () => {
    await userSwitch('dev');
    const current = ext.getActiveIdentity()!.region;
    assert.equal(await pickRegion('eu-west-9'), undefined);
    assert.equal(await pickRegion('cn-north-1'), undefined);
    assert.equal(ext.getActiveIdentity()?.region, current);
    assert.equal((await regionStatus()).text, `$(globe) ${current}`);
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('the picker: typing a region and Enter, as the user does', async () => {
    await userSwitch('dev');
    const answered = askUser({ action: 'type', text: 'eu-north-1', press: 'Enter', whenVisible: '.quick-input-widget' });
    const picked = pickRegion();
    await answered;
    assert.equal((await picked)?.region, 'eu-north-1');
    await statusShows('$(globe) eu-north-1');
  });

  it('the Profiles view: the active profile\'s row names the region chosen for it, redrawn when it changes', async () => {
    const row = async (name: string): Promise<string> => (await testHook<{ tree: { label: string; description: string }[] }>('inspect')).tree.find((r) => r.label === name)?.description ?? '';
    await userSwitch('ci-bot');
    await waitFor(async () => (await row('ci-bot')).startsWith('active · '), 'the ci-bot row to show it active', 10_000, 100);
    assert.match(await row('ci-bot'), /us-west-2/, 'before a choice, the profile\'s own region');
    try {
      assert.equal((await pickRegion('eu-west-1'))?.region, 'eu-west-1');
      // What a switch to it uses now; the profile's own region is no longer what it will get.
      await waitFor(async () => (await row('ci-bot')).includes('eu-west-1'), 'the ci-bot row to name eu-west-1, the region chosen for it', 10_000, 100);
      assert.doesNotMatch(await row('ci-bot'), /us-west-2/);
      // Not active any more, its row still names what a switch back would apply.
      await userSwitch('dev');
      await waitFor(async () => (await row('dev')).startsWith('active · '), 'the dev row to show it active', 10_000, 100);
      assert.match(await row('ci-bot'), /eu-west-1/);
    } finally {
      // The tests after this one expect ci-bot in its own region.
      await userSwitch('ci-bot');
      await pickRegion('us-west-2');
    }
    await waitFor(async () => (await row('ci-bot')).includes('us-west-2'), 'the ci-bot row to name its own region again', 10_000, 100);
  });

  it('remembered per identity in this workspace: restored after switching away and back', async () => {
    await userSwitch('dev');
    assert.equal((await pickRegion('ca-central-1'))?.region, 'ca-central-1');
    const other = await userSwitch('ci-bot');
    assert.equal(other.region, 'us-west-2', 'another identity keeps its own region');
    await statusShows('$(globe) us-west-2');
    const back = await userSwitch('dev');
    assert.equal(back.region, 'ca-central-1');
    assert.equal(back.regionSource, 'user');
    await statusShows('$(globe) ca-central-1');
    // The terminals' environment follows the switch and the region in updates of their own; a
    // terminal opened while one is still being applied may start with the previous state, so a
    // new terminal is opened until one shows the region (a few seconds at most).
    let seen: { region: string; defaultRegion: string } | undefined;
    await waitFor(async () => {
      seen = await terminalRegions(opened);
      return seen.region === 'ca-central-1';
    }, `a new terminal to get AWS_REGION=ca-central-1 (last: ${JSON.stringify(seen)})`, 30_000, 500);
    assert.deepEqual(seen, { region: 'ca-central-1', defaultRegion: 'ca-central-1' });
  });
});
