/**
 * A private folder for debug sessions' endpoint token files (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE),
 * next to the terminals' window folders (src/terminal/runtimeFolder.ts) but separate from them:
 * `<root>/d-<pid>-<random>/` (0700) holding `t-<random>` files (0600, the token only). No `vscode`
 * import. Folders of extension hosts that are gone are removed when a new one opens (their tokens
 * died with their endpoint anyway); ours goes on dispose.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { defaultRuntimeRoot, ensurePrivateDir, processAlive } from '../../terminal/runtimeFolder';

const PREFIX = 'd-';

export class DebugTokenFiles {
  private dir: string | undefined;

  constructor(private readonly root: string = defaultRuntimeRoot()) {}

  /** Writes `token` to a new file (0600, atomically) and returns its path. */
  write(token: string): string {
    const dir = this.open();
    const target = path.join(dir, `t-${randomBytes(12).toString('hex')}`);
    const temp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(temp, token, { mode: 0o600, flag: 'wx' });
    fs.renameSync(temp, target);
    return target;
  }

  /** Removes a file written by {@link write}. */
  remove(file: string): void {
    if (this.dir && path.dirname(file) === this.dir) fs.rmSync(file, { force: true });
  }

  dispose(): void {
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  private open(): string {
    if (this.dir) return this.dir;
    ensurePrivateDir(this.root);
    for (const name of fs.readdirSync(this.root)) {
      const pid = Number(/^d-(\d+)-/.exec(name)?.[1]);
      if (name.startsWith(PREFIX) && Number.isInteger(pid) && pid !== process.pid && !processAlive(pid)) {
        fs.rmSync(path.join(this.root, name), { recursive: true, force: true });
      }
    }
    const dir = path.join(this.root, `${PREFIX}${process.pid}-${randomBytes(8).toString('hex')}`);
    fs.mkdirSync(dir, { mode: 0o700 });
    this.dir = dir;
    return dir;
  }
}
