/**
 * What a debug launch's envFile sets, read for its variable NAMES only (never a value: the file may
 * hold secrets), so that debugRules.ts can tell a launch that chooses AWS credentials in its
 * envFile from one whose debugger merely names an envFile (debugpy always does). No `vscode`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LaunchConfig } from './debugRules';

/** What a launch's envFile(s) set, as far as these rules need: variable NAMES, never a value. */
export interface EnvFileNames {
  readonly names: readonly string[];
  /**
   * A file exists that could not be checked (over {@link ENV_FILE_MAX_BYTES}, not a regular file,
   * unreadable, or a relative path with no folder to read it from): it may choose credentials.
   */
  readonly unchecked: boolean;
}

/** The envFile paths a configuration names: a string, or a list of strings (vscode-go). */
export function envFilePaths(config: LaunchConfig): string[] {
  const raw: unknown[] = Array.isArray(config.envFile) ? config.envFile : [config.envFile];
  return raw.filter((p): p is string => typeof p === 'string' && p.trim() !== '');
}

/** A dotenv file is a few hundred bytes; a bigger one is not read (it counts as unchecked). */
export const ENV_FILE_MAX_BYTES = 256 * 1024;

/**
 * The variable names a dotenv file sets, never a value. Any line that starts (after blanks and an
 * optional `export `) with a name and `=` or `:` counts, so no name dotenv (or the Python
 * extension's parser) reads is missed; a line inside a multi-line quoted value may count as well,
 * which at worst leaves the launch alone.
 */
export function envFileVariableNames(text: string): string[] {
  const names = new Set<string>();
  for (const line of text.split(/\r\n|\r|\n/)) {
    const name = /^\s*(?:export\s+)?([\w.-]+)\s*[=:]/.exec(line)?.[1];
    if (name) names.add(name);
  }
  return [...names];
}

/**
 * Reads the names the envFile(s) set; relative paths are taken from `folder`. A missing file sets
 * nothing. Only regular files up to the cap are opened, without blocking (a FIFO named as the
 * envFile must not hang the launch); the text is parsed for names and dropped (it may hold secrets).
 */
export async function readEnvFileNames(files: readonly string[], folder: string | undefined): Promise<EnvFileNames> {
  const names: string[] = [];
  let unchecked = false;
  for (const file of files) {
    const found = await namesIn(path.isAbsolute(file) ? file : folder ? path.resolve(folder, file) : undefined);
    if (found) names.push(...found);
    else unchecked = true;
  }
  return { names, unchecked };
}

/** The names in one file; undefined when it exists but cannot be checked. */
async function namesIn(file: string | undefined): Promise<string[] | undefined> {
  if (!file) return undefined;
  let handle: fs.promises.FileHandle | undefined;
  try {
    // stat before open: opening a device or a FIFO can block or have effects; fstat after, for a swap in between.
    if (!(await fs.promises.stat(file)).isFile()) return undefined;
    handle = await fs.promises.open(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size > ENV_FILE_MAX_BYTES) return undefined;
    // One byte more than the file had: reading it means the file grew meanwhile (then: unchecked).
    const buffer = Buffer.alloc(stat.size + 1);
    let length = 0;
    let n: number;
    do {
      n = (await handle.read(buffer, length, buffer.length - length, length)).bytesRead;
      length += n;
    } while (n > 0 && length < buffer.length);
    return length === buffer.length ? undefined : envFileVariableNames(buffer.toString('utf8', 0, length));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? [] : undefined;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * `vars` without the names the envFile sets. Most debuggers (js-debug, Go, cppdbg) let `env` beat
 * the envFile, so a region the file chooses would otherwise be overridden by ours; credential
 * variables never meet here, since a file setting one leaves the launch alone.
 */
export function notInEnvFile<K extends string>(vars: ReadonlyMap<K, string>, envFile: EnvFileNames): Map<K, string> {
  const set = new Set(envFile.names.map((n) => n.toUpperCase()));
  return new Map([...vars].filter(([name]) => !set.has(name.toUpperCase())));
}
