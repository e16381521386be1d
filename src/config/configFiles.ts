/**
 * Where the shared config files are, and reading them into a ProfileModel.
 *
 * Each file is read once, asynchronously, by us (so every failure is ours to explain), then read
 * twice from that text: as the AWS CLI reads it (cliIni.ts, the semantics that decide) and as the
 * AWS SDK reads it (@smithy/shared-ini-file-loader, the parser the SDK's `fromIni` uses), so the
 * model can flag profiles the two read differently. No `vscode` import: see README.md here.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { constants as fsConstants, promises as fs } from 'node:fs';
import { externalDataInterceptor, parseKnownFiles } from '@smithy/shared-ini-file-loader';
import type { Logger, ProfileListing, ProfileModel } from '../shared/types';
import { type CliIniReading, decodeSharedFile, readIniAsCli, splitLines } from './iniParser';
import { buildProfileModel, listingOf, listProfiles, type ProfileModelInput, type SdkReading } from './profiles';
import { indexTexts, readProfileAsSdk, sdkLineContent, sdkParse } from '../credentials/sdkSections';

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

/**
 * The SDK's reading of the two texts, by its own parser. The parser is not exported on its own;
 * `parseKnownFiles` reads through a file cache that `externalDataInterceptor` can fill, so the
 * texts are handed to it in memory (see withInMemoryFiles). For one profile (`only`), just the
 * sections that can define it and its chain are parsed (see sdkSections.ts).
 */
async function readAsSdk(configText: string, credentialsText: string, only: string | undefined): Promise<SdkReading> {
  const parse = sdkParse({ externalDataInterceptor, parseKnownFiles });
  const full = { config: configText, credentials: credentialsText };
  return (only === undefined ? await parse(full) : (await readProfileAsSdk(indexTexts(full), only, parse)).sections) as SdkReading;
}

/** smithy's parser throws on these section names, and the SDK then ignores the whole file. */
function sdkRefusal(text: string): string | undefined {
  if (!text.includes('__proto__')) return undefined; // nearly always: skip the line-by-line scan
  const lines = splitLines(text);
  for (let n = 0; n < lines.length; n++) {
    const trimmed = sdkLineContent(lines[n]!);
    if (trimmed === '[__proto__]' || trimmed === '[profile __proto__]') {
      return `its parser throws on the section name ${trimmed} (line ${n + 1}), a name JavaScript reserves`;
    }
  }
  return undefined;
}

const EMPTY: CliIniReading = { sections: [], continuedValues: false, byHeader: new Map() };

const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

type LoadOptions = { logger?: Logger; maxFileBytes?: number; compareWithSdk?: boolean; only?: string };

/**
 * Reads both files and builds the model. Never throws and never hangs: a missing file is empty,
 * an unreadable, oversized or non-regular one is reported in `fileProblems`, and the other
 * file's profiles still appear. Always reads from disk (no cache), so edits are seen at once.
 *
 * `compareWithSdk: false` skips comparing each profile with the AWS SDK's reading: the listing
 * then says what the CLI makes of each profile, and the comparison waits until one is used.
 * `only` describes just that profile (see ProfileModelInput.only), for the check before a switch.
 */
export async function loadProfileModel(paths: ConfigPaths, opts: LoadOptions = {}): Promise<ProfileModel> {
  try {
    return buildProfileModel(await readBothFiles(paths, opts));
  } catch (e) {
    return unreadable(paths, e, opts.logger);
  }
}

/**
 * Reads and indexes both files as loadProfileModel does, but describes each profile only when
 * the listing is asked for it: what the Profiles view needs to show its first rows.
 */
export async function loadProfileListing(paths: ConfigPaths, opts: Omit<LoadOptions, 'only'> = {}): Promise<ProfileListing> {
  try {
    return listProfiles(await readBothFiles(paths, opts));
  } catch (e) {
    return listingOf(unreadable(paths, e, opts.logger));
  }
}

async function readBothFiles(paths: ConfigPaths, opts: LoadOptions): Promise<ProfileModelInput> {
  const maxBytes = opts.maxFileBytes ?? MAX_SHARED_FILE_BYTES;
  const [configRead, credentialsRead] = await Promise.all([readSharedFile(paths.configFile, maxBytes), readSharedFile(paths.credentialsFile, maxBytes)]);
  const fileProblems = [configRead.problem, credentialsRead.problem].filter((p): p is string => p !== undefined);
  // Parsing is synchronous; on a huge file, let the extension host breathe between the steps.
  const cliConfig = configRead.bytes ? readIniAsCli(decodeSharedFile(configRead.bytes)) : EMPTY;
  await breathe();
  const cliCredentials = credentialsRead.bytes ? readIniAsCli(decodeSharedFile(credentialsRead.bytes)) : EMPTY;
  await breathe();
  // The SDK reads with Node's utf8 decoding (invalid bytes become U+FFFD, a BOM stays and is
  // trimmed by its parser); the CLI with Python's strict UTF-8.
  const compare = opts.compareWithSdk !== false;
  const sdkConfigText = compare ? (configRead.bytes?.toString('utf8') ?? '') : '';
  const sdkCredentialsText = compare ? (credentialsRead.bytes?.toString('utf8') ?? '') : '';
  let sdk: SdkReading | undefined;
  try {
    // The SDK's reading only matters for a profile about to be used (fromIni reads the files
    // itself then); skipping it halves the time to list a large config.
    if (compare) {
      sdk = await readAsSdk(sdkConfigText, sdkCredentialsText, opts.only);
      await breathe();
    }
  } catch (e) {
    // Not expected (the SDK swallows its own parse errors); the CLI reading still stands.
    opts.logger?.error('Reading the shared config files as the AWS SDK does failed; profiles are not compared with its reading.', e);
  }
  const configIgnored = sdk ? sdkRefusal(sdkConfigText) : undefined;
  const credentialsIgnored = sdk ? sdkRefusal(sdkCredentialsText) : undefined;
  return {
    config: { path: paths.configFile, cli: cliConfig },
    credentials: { path: paths.credentialsFile, cli: cliCredentials },
    ...(sdk ? { sdk } : {}),
    sdkIgnores: { ...(configIgnored ? { config: configIgnored } : {}), ...(credentialsIgnored ? { credentials: credentialsIgnored } : {}) },
    fileProblems,
    ...(opts.only !== undefined ? { only: opts.only } : {}),
  };
}

/** The model when reading failed in a way nothing above expects: no profiles, and why. */
function unreadable(paths: ConfigPaths, e: unknown, logger: Logger | undefined): ProfileModel {
  logger?.error('Reading the AWS shared config files failed unexpectedly.', e);
  return {
    profiles: [],
    ssoSessions: [],
    configFile: paths.configFile,
    credentialsFile: paths.credentialsFile,
    fileProblems: [
      `The profiles could not be read because of an unexpected error (${e instanceof Error ? e.message : String(e)}). Next step: run "Reload Profiles"; if it persists, report it with the log.`,
    ],
  };
}

/**
 * Why `name` cannot be used, read fresh and compared with the AWS SDK's reading of the files
 * (the SDK resolves its credentials), or undefined when it can: the check before each switch.
 * Only that profile is described; the files are still read whole, since its chain may be anywhere.
 */
export async function profileProblem(paths: ConfigPaths, name: string, logger?: Logger): Promise<string | undefined> {
  const model = await loadProfileModel(paths, { ...(logger ? { logger } : {}), compareWithSdk: true, only: name });
  return model.profiles.find((p) => p.name === name)?.problem;
}
