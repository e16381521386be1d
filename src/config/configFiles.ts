/**
 * Where the shared config files are, and reading their bytes: each file is read once,
 * asynchronously, by us (so every failure is ours to explain: a folder, a FIFO, a huge file, no
 * permission), decoded as the AWS CLI decodes it, and parsed as the CLI parses it (iniParser.ts).
 * No `vscode` import.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { constants as fsConstants, promises as fs } from 'node:fs';
import { type DecodingIssues, type IniReading, readIniAsCli } from './iniParser';

export interface ConfigPaths {
  readonly configFile: string;
  readonly credentialsFile: string;
}

/** Files larger than this are not read: real ones are a few KiB, and parsing blocks the host. */
export const MAX_SHARED_FILE_BYTES = 16 * 1024 * 1024;

/**
 * Where the AWS CLI looks: $AWS_CONFIG_FILE / $AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and
 * ~/.aws/credentials. Like botocore, `$VAR` / `${VAR}` are expanded first, then a leading `~`.
 * An empty variable counts as unset (the SDK's reading; botocore would read no file at all).
 * A relative path is taken from the current directory, as the CLI would.
 */
export function resolveConfigPaths(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): ConfigPaths {
  const pick = (name: string, fallback: string): string => {
    const value = env[name];
    return path.resolve(expandUser(expandVars(value ? value : fallback, env), home));
  };
  return {
    configFile: pick('AWS_CONFIG_FILE', '~/.aws/config'),
    credentialsFile: pick('AWS_SHARED_CREDENTIALS_FILE', '~/.aws/credentials'),
  };
}

/** Python's os.path.expandvars on POSIX: `$name` / `${name}` for set variables; others stay. */
function expandVars(p: string, env: NodeJS.ProcessEnv): string {
  return p.replace(/\$(\w+|\{[^}]*\})/g, (whole, name: string) => {
    const key = name.startsWith('{') ? name.slice(1, -1) : name;
    const value = env[key];
    return value === undefined ? whole : value;
  });
}

/** Python's os.path.expanduser for `~` and `~/...` (other users' `~name` are left as they are). */
function expandUser(p: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/') || (path.sep === '\\' && p.startsWith('~\\'))) return path.join(home, p.slice(2));
  return p;
}

interface FileRead {
  readonly bytes?: Buffer;
  readonly problem?: string;
}

/**
 * Reads a shared file without ever blocking on it: opened non-blocking (a FIFO would otherwise
 * wait for a writer), checked to be a regular file of sane size before reading.
 */
async function readSharedFile(file: string, maxBytes: number): Promise<FileRead> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
    const stat = await handle.stat();
    if (stat.isDirectory()) {
      return { problem: isAFolder(file) };
    }
    if (!stat.isFile()) {
      return { problem: `${file} is not a regular file (it is a pipe, socket or device), so its profiles are not read. Next step: replace it with an ordinary file.` };
    }
    if (stat.size > maxBytes) {
      return {
        problem: `${file} is ${formatBytes(stat.size)}, more than the ${formatBytes(maxBytes)} this extension reads, so its profiles are not shown. Next step: check that this is the right file (shared config files are normally a few KiB).`,
      };
    }
    const bytes = await handle.readFile();
    if (bytes.length > maxBytes) {
      return { problem: `${file} grew past ${formatBytes(maxBytes)} while being read, so its profiles are not shown. Next step: check what is writing to it.` };
    }
    return { bytes };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return {}; // A missing file is simply empty, as for the CLI.
    if (code === 'EACCES' || code === 'EPERM') {
      return { problem: `${file} cannot be read: permission denied. Next step: make it readable by your user (for example chmod 600 "${file}" as its owner).` };
    }
    if (code === 'ENOTDIR') {
      return { problem: `${file} cannot be read: a part of its path is a file, not a folder. Next step: check the path (and AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE).` };
    }
    if (code === 'EISDIR') {
      return { problem: isAFolder(file) };
    }
    return { problem: `${file} cannot be read: ${(e as Error).message}. Next step: check the file and its permissions, then reload the profiles.` };
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

function isAFolder(file: string): string {
  return `${file} is a folder, not a file, so its profiles cannot be read. Next step: remove or rename the folder and put the file there.`;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`;
}


/** The text of a file's bytes, and what decoding found that the CLI refuses. */
export interface DecodedText extends DecodingIssues {
  /** The text with a leading byte-order mark removed and undecodable bytes replaced. */
  readonly text: string;
}

/**
 * Decodes a shared config file's bytes as the CLI does on Linux and macOS (UTF-8, strict), noting
 * what would make it refuse the file, and returns text that can still be read leniently.
 */
export function decodeSharedFile(bytes: Uint8Array): DecodedText {
  const hadByteOrderMark = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = hadByteOrderMark ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body), hadByteOrderMark };
  } catch {
    const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(body);
    return { text, hadByteOrderMark, invalidUtf8Line: lineOfByte(body, firstInvalidUtf8Offset(body)) };
  }
}

function firstInvalidUtf8Offset(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let need: number;
    let min: number;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return b.length;
}

function lineOfByte(b: Uint8Array, offset: number): number {
  let line = 0;
  for (let i = 0; i < offset && i < b.length; i++) {
    if (b[i] === 0x0a) line++;
    else if (b[i] === 0x0d && b[i + 1] !== 0x0a) line++;
  }
  return line;
}

/** One file as read: where it is, and the CLI's reading of it (empty when missing/unreadable). */
export interface SharedFileReading {
  readonly path: string;
  readonly reading: IniReading;
}

/** Both files as read, with what kept either from being read at all. */
export interface SharedFiles {
  readonly config: SharedFileReading;
  readonly credentials: SharedFileReading;
  /** Problems met while reading the files (unreadable, too large...), each a sentence with its next step. */
  readonly fileProblems: ReadonlyArray<string>;
}

export const EMPTY_READING: IniReading = { sections: [], continuedValues: false };

/** Parsing is synchronous; between the two files the extension host gets a turn. */
const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Reads and parses both files. Never throws and never hangs: a missing file is empty, an
 * unreadable, oversized or non-regular one is reported in `fileProblems`, and the other file is
 * still read.
 */
export async function readSharedFiles(paths: ConfigPaths, maxBytes = MAX_SHARED_FILE_BYTES): Promise<SharedFiles> {
  const [configRead, credentialsRead] = await Promise.all([readSharedFile(paths.configFile, maxBytes), readSharedFile(paths.credentialsFile, maxBytes)]);
  const parse = (read: FileRead): IniReading => {
    if (!read.bytes) return EMPTY_READING;
    const { text, ...issues } = decodeSharedFile(read.bytes);
    return readIniAsCli(text, issues);
  };
  const config = parse(configRead);
  await breathe();
  const credentials = parse(credentialsRead);
  return {
    config: { path: paths.configFile, reading: config },
    credentials: { path: paths.credentialsFile, reading: credentials },
    fileProblems: [configRead.problem, credentialsRead.problem].filter((p): p is string => p !== undefined),
  };
}
