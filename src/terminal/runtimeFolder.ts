/**
 * The private folder where terminals find their endpoint token (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)
 * instead of carrying it in their environment.
 *
 * PURE CORE: no `vscode` import (Node's fs only).
 *
 * Why a file: VS Code keeps terminal processes across a window reload and (desktop, persistent
 * sessions) saves their launch environment to disk. A token in the environment would outlive the
 * endpoint that honours it and be sent to whatever process binds the old port next. A token in a
 * file is read at each request: when the file is gone botocore and the JS SDK fail with "file not
 * found" before they connect to anything (measured in test/conformance/endpointRestart.test.ts).
 *
 * Layout: `<root>/w-<random>/` per window (0700), holding `t-<random>` token files (0600, the
 * token only, no newline) and `state.json` (0600, NOT secret: the owner's pid, the endpoint's port,
 * and for each terminal its shell's pid, its token file's name and its identity's ARN). The state
 * lets the next extension host of the same window (after Reload Window) find the folder through
 * the pids of the terminals that survived, bind the same port again and, only then, write fresh
 * tokens into the same file names for the identities that came back.
 *
 * `<root>` is `$XDG_RUNTIME_DIR/aws-identity-switcher` (a per-user tmpfs, removed at logout) or
 * `<tmpdir>/aws-identity-switcher-<uid>`; it must be a real directory owned by this user with no
 * group or other access, or nothing is written (a folder planted in /tmp by another user is refused).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

/** One terminal's token file, as remembered for the next extension host. Not secret. */
export interface TerminalRecord {
  /** The terminal's shell process id (vscode.Terminal.processId). */
  readonly shellPid: number;
  /** Base name of the token file in the window folder. */
  readonly file: string;
  /** The identity the token was for (its ARN). */
  readonly identity: string;
}

interface WindowState {
  owner: number;
  port?: number;
  terminals: TerminalRecord[];
}

export interface RuntimeFolderOptions {
  /** Default: {@link defaultRuntimeRoot}. */
  readonly root?: string;
  /** The process that owns the window folder (default: this one). Tests pass another. */
  readonly ownerPid?: number;
  /** Whether a process is alive (default: `process.kill(pid, 0)`). */
  readonly isAlive?: (pid: number) => boolean;
}

/** What a new extension host takes over from the previous one of the same window. */
export interface Adoption {
  /** The port the previous endpoint listened on, to be bound again before any token is written. */
  readonly port: number | undefined;
  /** The terminals (among the pids asked about) that had a token file. */
  readonly terminals: readonly TerminalRecord[];
}

export function defaultRuntimeRoot(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const xdg = env.XDG_RUNTIME_DIR;
  if (xdg && path.isAbsolute(xdg) && process.platform !== 'win32') return path.join(xdg, 'aws-identity-switcher');
  const uid = typeof process.getuid === 'function' ? `-${process.getuid()}` : '';
  return path.join(os.tmpdir(), `aws-identity-switcher${uid}`);
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else (not ours, but alive).
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const WINDOW_PREFIX = 'w-';
/** A debug sessions' folder, `d-<extension host pid>-<random>` (src/vscode/debug/tokenFiles.ts). */
const DEBUG_FOLDER = /^d-(\d+)-/;
const TOKEN_PREFIX = 't-';
const STATE = 'state.json';

export class RuntimeFolder {
  private state: WindowState;
  private disposed = false;

  private constructor(
    /** The window folder. */
    readonly dir: string,
    private readonly isAlive: (pid: number) => boolean,
    state: WindowState,
  ) {
    this.state = state;
  }

  /**
   * Makes sure the root is private, removes what dead extension hosts left behind (their tokens
   * always; their folder too unless one of its terminals still runs), then takes over the folder
   * of a dead host that one of `shellPids` belongs to (a reload), or makes a new one.
   */
  static open(shellPids: readonly number[], options: RuntimeFolderOptions = {}): { folder: RuntimeFolder; adoption: Adoption | undefined } {
    const root = options.root ?? defaultRuntimeRoot();
    const isAlive = options.isAlive ?? processAlive;
    const owner = options.ownerPid ?? process.pid;
    ensurePrivateDir(root);
    const wanted = new Set(shellPids);
    let adopted: { dir: string; state: WindowState; terminals: TerminalRecord[] } | undefined;
    for (const name of safeReaddir(root)) {
      const dir = path.join(root, name);
      if (!name.startsWith(WINDOW_PREFIX) || !isOwnDir(dir)) continue;
      const state = readState(dir);
      if (state && state.owner !== owner && isAlive(state.owner)) continue; // another window's, alive
      // Its host is gone: its tokens are dead (and must not be read by anyone any more).
      removeTokens(dir);
      const live = (state?.terminals ?? []).filter((t) => isAlive(t.shellPid));
      const mine = live.filter((t) => wanted.has(t.shellPid));
      if (!adopted && state && mine.length > 0) {
        adopted = { dir, state, terminals: mine };
      } else if (live.length === 0) {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
    if (adopted) {
      const state: WindowState = { owner, ...(adopted.state.port !== undefined ? { port: adopted.state.port } : {}), terminals: adopted.terminals };
      const folder = new RuntimeFolder(adopted.dir, isAlive, state);
      folder.save();
      return { folder, adoption: { port: adopted.state.port, terminals: adopted.terminals } };
    }
    // Made under a name no cleanup reads, and renamed once its state is in: another window's
    // cleanup (VS Code restores several windows at once) takes a window folder without state for
    // a dead host's and deletes it, tokens and all.
    const name = `${WINDOW_PREFIX}${randomBytes(8).toString('hex')}`;
    const staging = path.join(root, `.${name}`);
    const state: WindowState = { owner, terminals: [] };
    fs.mkdirSync(staging, { mode: 0o700 });
    try {
      writeState(staging, state);
      fs.renameSync(staging, path.join(root, name));
    } catch (e) {
      fs.rmSync(staging, { recursive: true, force: true });
      throw e;
    }
    return { folder: new RuntimeFolder(path.join(root, name), isAlive, state), adoption: undefined };
  }

  /**
   * Removes the tokens of every window folder whose extension host is gone, the folders no
   * running terminal knows, and the debug sessions' folders of hosts that are gone (tokenFiles.ts
   * cleans up only when a debug session next starts, which may be never). A host that crashed
   * never disposed its folders: until this runs, its terminals and debugged programs could still
   * read a live token and send it to whatever process takes the old port.
   * Cheap (a few directory reads) and run once soon after activation; `open` does the same and
   * then takes over a folder.
   */
  static sweep(options: Omit<RuntimeFolderOptions, 'ownerPid'> = {}): void {
    const root = options.root ?? defaultRuntimeRoot();
    const isAlive = options.isAlive ?? processAlive;
    // Unlike `open`, nothing here checked the root: one planted by another user is not ours to clean.
    if (!isOwnDir(root)) return;
    for (const name of safeReaddir(root)) {
      const dir = path.join(root, name);
      if (!isOwnDir(dir)) continue;
      const debugHost = Number(DEBUG_FOLDER.exec(name)?.[1]);
      if (Number.isInteger(debugHost)) {
        // Only tokens inside, nothing a reload could reuse: the whole folder goes with its host.
        if (debugHost !== process.pid && !isAlive(debugHost)) fs.rmSync(dir, { recursive: true, force: true });
        continue;
      }
      if (!name.startsWith(WINDOW_PREFIX)) continue;
      const state = readState(dir);
      if (state && isAlive(state.owner)) continue;
      removeTokens(dir);
      if (!(state?.terminals ?? []).some((t) => isAlive(t.shellPid))) fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  /** A new token file name (not yet written). */
  newFileName(): string {
    return `${TOKEN_PREFIX}${randomBytes(12).toString('hex')}`;
  }

  pathOf(file: string): string {
    return path.join(this.dir, file);
  }

  /**
   * Writes `token` to `file` (0600), atomically: a client reads the old content or the new one,
   * never a part. Returns the full path.
   */
  writeToken(file: string, token: string): string {
    if (this.disposed) throw new Error('The runtime folder was disposed.');
    if (!/^t-[0-9a-f]+$/.test(file)) throw new Error('Not a token file name.');
    const target = this.pathOf(file);
    const temp = path.join(this.dir, `.${file}.${randomBytes(4).toString('hex')}`);
    fs.writeFileSync(temp, token, { mode: 0o600, flag: 'wx' });
    fs.renameSync(temp, target);
    return target;
  }

  removeToken(file: string): void {
    if (!file.startsWith(TOKEN_PREFIX) || file.includes('/') || file.includes('\\')) return;
    fs.rmSync(this.pathOf(file), { force: true });
  }

  /** Remembers the endpoint's port for the next extension host of this window. */
  setPort(port: number): void {
    this.state.port = port;
    this.save();
  }

  /** Remembers which token file (and identity) a terminal holds. */
  record(terminal: TerminalRecord): void {
    this.state.terminals = [...this.state.terminals.filter((t) => !(t.shellPid === terminal.shellPid && t.file === terminal.file)), terminal];
    this.save();
  }

  /** Forgets every terminal's record of `file` (its grant was revoked). */
  forgetFile(file: string): void {
    const before = this.state.terminals.length;
    this.state.terminals = this.state.terminals.filter((t) => t.file !== file);
    if (this.state.terminals.length !== before) this.save();
  }

  /** Forgets a terminal (it closed) or one of its files (`file` given). */
  forget(shellPid: number, file?: string): void {
    const before = this.state.terminals.length;
    this.state.terminals = this.state.terminals.filter((t) => !(t.shellPid === shellPid && (file === undefined || t.file === file)));
    if (this.state.terminals.length !== before) this.save();
  }

  get records(): readonly TerminalRecord[] {
    return this.state.terminals;
  }

  /**
   * Removes every token. The folder and its (non-secret) state stay while a terminal it knows
   * still runs, so the next extension host of this window can find them; otherwise all goes.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    removeTokens(this.dir);
    const live = this.state.terminals.filter((t) => this.isAlive(t.shellPid));
    if (live.length === 0) fs.rmSync(this.dir, { recursive: true, force: true });
    else {
      this.state.terminals = live;
      this.save();
    }
  }

  private save(): void {
    try {
      writeState(this.dir, this.state);
    } catch {
      // Losing the state only means terminals are not restored after a reload: they fail closed.
    }
  }
}

/** Creates `dir` (0700) or checks that the existing one is a private directory of this user. */
export function ensurePrivateDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: false, mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    else if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const st = fs.lstatSync(dir);
  if (!st.isDirectory() || st.isSymbolicLink()) throw new Error(`${dir} is not a directory; refusing to keep terminal tokens there.`);
  if (process.platform === 'win32') return; // per-user temp folder; POSIX modes do not apply
  const uid = typeof process.getuid === 'function' ? process.getuid() : st.uid;
  if (st.uid !== uid) throw new Error(`${dir} belongs to another user; refusing to keep terminal tokens there.`);
  if ((st.mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
}

/**
 * Whether `dir` is a real directory (not a symlink) of this user. Cleaning reads and deletes inside
 * it: through a link it would delete `t-*` and dot files wherever the link points.
 */
function isOwnDir(dir: string): boolean {
  try {
    const st = fs.lstatSync(dir);
    return st.isDirectory() && (typeof process.getuid !== 'function' || st.uid === process.getuid());
  } catch {
    return false;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** Writes `dir`'s state.json whole or not at all (a temporary file, then renamed over it). */
function writeState(dir: string, state: WindowState): void {
  const temp = path.join(dir, `.${STATE}.${randomBytes(4).toString('hex')}`);
  try {
    fs.writeFileSync(temp, JSON.stringify(state), { mode: 0o600, flag: 'wx' });
    fs.renameSync(temp, path.join(dir, STATE));
  } catch (e) {
    fs.rmSync(temp, { force: true });
    throw e;
  }
}

function readState(dir: string): WindowState | undefined {
  try {
    const raw = JSON.parse(fs.readFileSync(path.join(dir, STATE), 'utf8')) as Partial<WindowState>;
    if (typeof raw.owner !== 'number' || !Array.isArray(raw.terminals)) return undefined;
    const terminals = raw.terminals.filter(
      (t): t is TerminalRecord =>
        !!t && typeof t.shellPid === 'number' && typeof t.file === 'string' && /^t-[0-9a-f]+$/.test(t.file) && typeof t.identity === 'string',
    );
    return { owner: raw.owner, ...(typeof raw.port === 'number' ? { port: raw.port } : {}), terminals };
  } catch {
    return undefined;
  }
}

function removeTokens(dir: string): void {
  for (const name of safeReaddir(dir)) {
    if (name.startsWith(TOKEN_PREFIX) || (name.startsWith('.') && !name.startsWith(`.${STATE}`))) fs.rmSync(path.join(dir, name), { force: true });
  }
}
