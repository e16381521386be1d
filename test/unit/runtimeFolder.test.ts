/**
 * The terminals' runtime folder after an extension host crashed: the crashed host never disposed
 * its folder, so its token files would stay readable by its terminals (and sent to whatever
 * process takes the old port) until something removes them. RuntimeFolder.sweep, run soon after
 * activation, removes them whether or not this window ever needs the endpoint.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RuntimeFolder } from '../../src/terminal/runtimeFolder';

const DEAD_HOST = 999_999_001;
const LIVE_HOST = 999_999_002;
const LIVE_SHELL = 999_999_003;
const isAlive = (pid: number): boolean => pid === LIVE_HOST || pid === LIVE_SHELL;

function windowFolder(root: string, name: string, owner: number, shells: number[]): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { mode: 0o700 });
  fs.writeFileSync(path.join(dir, 't-0123abcd'), 'a-live-token', { mode: 0o600 });
  const terminals = shells.map((shellPid) => ({ shellPid, file: 't-0123abcd', identity: 'arn:aws:iam::123456789012:user/dev' }));
  fs.writeFileSync(path.join(dir, 'state.json'), JSON.stringify({ owner, port: 40123, terminals }), { mode: 0o600 });
  return dir;
}

describe('runtime folder: what a crashed extension host left', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ais-runtime-'));
    fs.chmodSync(root, 0o700);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('sweep removes a dead host\'s tokens, keeps its state while its terminals run, and leaves live windows alone', () => {
    const crashedWithTerminals = windowFolder(root, 'w-crashed1', DEAD_HOST, [LIVE_SHELL]);
    const crashedAlone = windowFolder(root, 'w-crashed2', DEAD_HOST, [DEAD_HOST]);
    const otherWindow = windowFolder(root, 'w-running', LIVE_HOST, [LIVE_SHELL]);

    RuntimeFolder.sweep({ root, isAlive });

    assert.equal(fs.existsSync(path.join(crashedWithTerminals, 't-0123abcd')), false, 'a dead host\'s token file must go');
    assert.equal(fs.existsSync(path.join(crashedWithTerminals, 'state.json')), true, 'its state stays, so a reload can still find the port');
    assert.equal(fs.existsSync(crashedAlone), false, 'a folder no running terminal knows goes entirely');
    assert.equal(fs.readFileSync(path.join(otherWindow, 't-0123abcd'), 'utf8'), 'a-live-token', 'another running window keeps its tokens');
  });

  it('sweep removes the debug token folders of dead extension hosts and keeps this one\'s', () => {
    // Debug sessions' folders are `d-<host pid>-<random>` (src/vscode/debug/tokenFiles.ts), which
    // only cleans up when a debug session next writes a token: sweep must not wait for that.
    const debugFolder = (name: string): string => {
      const dir = path.join(root, name);
      fs.mkdirSync(dir, { mode: 0o700 });
      fs.writeFileSync(path.join(dir, 't-0123abcd'), 'a-debug-token', { mode: 0o600 });
      return dir;
    };
    const crashed = debugFolder(`d-${DEAD_HOST}-0123abcd`);
    const running = debugFolder(`d-${LIVE_HOST}-0123abcd`);
    const mine = debugFolder(`d-${process.pid}-0123abcd`);

    RuntimeFolder.sweep({ root, isAlive });

    assert.equal(fs.existsSync(crashed), false, 'a dead host\'s debug folder and its token must go');
    assert.equal(fs.readFileSync(path.join(running, 't-0123abcd'), 'utf8'), 'a-debug-token', 'another running host keeps its debug tokens');
    assert.equal(fs.readFileSync(path.join(mine, 't-0123abcd'), 'utf8'), 'a-debug-token', 'this host keeps its own debug tokens');
  });

  it('sweep leaves a symlink named like a dead host\'s folder, and what it points to, alone', function () {
    if (process.platform === 'win32') this.skip();
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'ais-outside-'));
    try {
      fs.writeFileSync(path.join(outside, 't-0123abcd'), 'not-ours-to-delete');
      fs.symlinkSync(outside, path.join(root, `d-${DEAD_HOST}-link`));
      fs.symlinkSync(outside, path.join(root, 'w-link'));

      RuntimeFolder.sweep({ root, isAlive });

      assert.equal(fs.readFileSync(path.join(outside, 't-0123abcd'), 'utf8'), 'not-ours-to-delete');
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it("a new window's folder is never seen without its state, so another window's sweep cannot take it for a dead one", () => {
    // Another window's startup cleanup lands at the worst moment: whenever this window writes a
    // file of its runtime folder (VS Code restores several windows at once).
    // The module object itself: the namespace import above is read-only, and the code under test
    // reads its functions from this object at each call.
    const nodeFs = require('node:fs') as { writeFileSync: typeof fs.writeFileSync };
    const writeFileSync = nodeFs.writeFileSync;
    let sweeps = 0;
    nodeFs.writeFileSync = ((...args: Parameters<typeof writeFileSync>) => {
      sweeps++;
      RuntimeFolder.sweep({ root, isAlive: (pid) => pid === process.pid });
      return writeFileSync(...args);
    }) as typeof writeFileSync;
    let folder: RuntimeFolder;
    try {
      folder = RuntimeFolder.open([], { root, isAlive: (pid) => pid === process.pid }).folder;
    } finally {
      nodeFs.writeFileSync = writeFileSync;
    }
    assert.ok(sweeps > 0, 'the other window swept while this one was writing');
    const token = folder.pathOf(folder.newFileName());
    fs.writeFileSync(token, 'a-live-token', { mode: 0o600 });
    RuntimeFolder.sweep({ root, isAlive: (pid) => pid === process.pid });
    assert.ok(fs.existsSync(token), "this window's folder and token survive the other windows' cleanup");
    folder.dispose();
  });

  it('sweep on a missing root does nothing and does not throw', () => {
    assert.doesNotThrow(() => RuntimeFolder.sweep({ root: path.join(root, 'absent'), isAlive }));
  });
});
