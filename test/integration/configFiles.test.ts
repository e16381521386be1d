/**
 * The Profiles view follows the shared files as the user edits them: a first config file made by
 * "Open AWS Config File" in a folder that did not exist (the first-run path), a config file that
 * is a symlink into another folder, and the default region a profile without one would get.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AwsIdentityApi } from '../../src/api';
import { waitFor } from '../support/moto';
import { testHook } from './testHooks';

const extensionId = 'aws-identity-switcher.aws-identity-switcher';

interface Inspection {
  tree: { label: string; description: string }[];
}

describe('the Profiles view follows the config files and settings, in the real VS Code', function () {
  this.timeout(60_000);
  let ext: AwsIdentityApi;

  before(async () => {
    const extension = vscode.extensions.getExtension<AwsIdentityApi>(extensionId);
    assert.ok(extension, `${extensionId} is not loaded`);
    ext = await extension.activate();
  });

  /** Runs `body` with AWS_CONFIG_FILE in a new home without a .aws folder, then reads the real files again. */
  async function inNewHome(prefix: string, body: (configFile: string) => Promise<void>): Promise<void> {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    const configFile = path.join(home, '.aws', 'config');
    const previous = process.env.AWS_CONFIG_FILE;
    process.env.AWS_CONFIG_FILE = configFile;
    try {
      await body(configFile);
    } finally {
      process.env.AWS_CONFIG_FILE = previous;
      await vscode.commands.executeCommand('awsIdentity.refreshProfiles');
      fs.rmSync(home, { recursive: true, force: true });
    }
  }

  it('a first config file made by "Open AWS Config File" in a new folder: what the user saves in it is listed', () =>
    inNewHome('ais-first-run-', async (configFile) => {
      // As "Reload Profiles" run before anything else reads the files: nothing there yet.
      await vscode.commands.executeCommand('awsIdentity.refreshProfiles');
      assert.equal(fs.existsSync(path.dirname(configFile)), false);
      await vscode.commands.executeCommand('awsIdentity.openConfigFile');
      assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, configFile, 'the new config file is open');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      fs.writeFileSync(configFile, '[profile first-run]\nregion = eu-north-1\n');
      await waitFor(async () => (await ext.listProfiles()).some((p) => p.name === 'first-run'), 'the profile saved into the new file to be listed (no reload)', 20_000, 100);
    }));

  it('a first config file written outside VS Code (as `aws configure` makes ~/.aws and writes at once) is listed', () =>
    inNewHome('ais-first-configure-', async (configFile) => {
      // The files are read (and watched) while the folder does not exist.
      await vscode.commands.executeCommand('awsIdentity.refreshProfiles');
      assert.equal(fs.existsSync(path.dirname(configFile)), false);
      fs.mkdirSync(path.dirname(configFile), { mode: 0o700 });
      fs.writeFileSync(configFile, '[profile configured]\nregion = eu-west-3\n', { mode: 0o600 });
      await waitFor(async () => (await ext.listProfiles()).some((p) => p.name === 'configured'), 'the profile written into the new folder to be listed (no reload)', 20_000, 100);
    }));

  it('a config file that is a symlink (as GNU stow makes): an edit to the file it points to is listed', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ais-symlink-'));
    // The link in ~/.aws, the file itself in another folder (~/dotfiles/aws/config).
    const target = path.join(home, 'dotfiles', 'aws', 'config');
    const configFile = path.join(home, '.aws', 'config');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.mkdirSync(path.dirname(configFile));
    fs.writeFileSync(target, '[profile stowed]\nregion = eu-west-1\n');
    fs.symlinkSync(target, configFile);
    const listed = async (name: string): Promise<boolean> => (await ext.listProfiles()).some((p) => p.name === name);
    /**
     * Writes `text` to `file` (written through the target's own path, as an editor opened on the
     * dotfiles repository does) until `name` is listed. VS Code starts a watcher some time after it
     * is asked for, with nothing to wait on, so a write made before is not seen: it is made again,
     * less often than the store's 150 ms debounce so that a reading can happen in between.
     */
    const editUntilListed = (file: string, text: string, name: string, what: string): Promise<void> =>
      waitFor(async () => (await listed(name)) || (fs.writeFileSync(file, text), false), what, 20_000, 500);
    const previous = process.env.AWS_CONFIG_FILE;
    process.env.AWS_CONFIG_FILE = configFile;
    try {
      await vscode.commands.executeCommand('awsIdentity.refreshProfiles');
      assert.ok(await listed('stowed'), 'the profile in the linked file is listed');
      const appended = `${fs.readFileSync(target, 'utf8')}\n[profile stowed-later]\nregion = eu-north-1\n`;
      await editUntilListed(target, appended, 'stowed-later', 'the profile appended to the link\'s target to be listed (no reload)');
      // The link re-pointed (a dotfiles checkout moved): its event moves the watch to the new target.
      const moved = path.join(home, 'dotfiles2', 'config');
      fs.mkdirSync(path.dirname(moved));
      fs.writeFileSync(moved, '[profile moved]\n');
      fs.rmSync(configFile);
      fs.symlinkSync(moved, configFile);
      await waitFor(() => listed('moved'), 'the new target of the link to be listed', 20_000, 100);
      await editUntilListed(moved, '[profile moved]\n\n[profile moved-later]\n', 'moved-later', 'the profile appended to the new target to be listed (no reload)');
    } finally {
      process.env.AWS_CONFIG_FILE = previous;
      await vscode.commands.executeCommand('awsIdentity.refreshProfiles');
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it('changing awsIdentity.defaultRegion redraws the rows of profiles without a region', async () => {
    const config = vscode.workspace.getConfiguration('awsIdentity');
    const noRegion = async (): Promise<string> => (await testHook<Inspection>('inspect')).tree.find((r) => r.label === 'no-region')?.description ?? '';
    try {
      await config.update('defaultRegion', 'ap-south-1', vscode.ConfigurationTarget.Global);
      await waitFor(async () => (await noRegion()).includes('ap-south-1 (default)'), 'the no-region row to name the new default region', 20_000, 100);
    } finally {
      await config.update('defaultRegion', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitFor(async () => !(await noRegion()).includes('ap-south-1'), 'the no-region row to drop the removed default region', 20_000, 100);
  });
});
