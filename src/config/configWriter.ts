/**
 * Writes a new section at the end of the AWS config file (configEdits.ts decides the bytes).
 *
 * An existing file only gains bytes at its end: it is opened for appending (its mode, owner and
 * links untouched) and read through that same handle, so the name check sees what is there now.
 * A write that fails part-way (a full disk) is cut back to the old length: half a section would
 * make the AWS CLI refuse the whole file. A missing file is created with mode 0600 in a folder
 * created 0700. Nothing here ever waits on a pipe put where the file should be.
 */
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ConfigEditError, type NewSection, sectionAppendix } from './configEdits';

const NON_BLOCKING = constants.O_NONBLOCK ?? 0;

/** Appends `section` to `file`; throws ConfigEditError (cause and next step) when it may not or cannot. */
export async function appendSection(file: string, section: NewSection): Promise<void> {
  const what = `[${section.kind} ${section.name}]`;
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, constants.O_RDWR | constants.O_APPEND | NON_BLOCKING);
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return createWith(file, section, what);
    throw notAdded(file, what, e);
  }
  try {
    const before = await readRegular(handle, file);
    // Throws for a name already in use in the file as it is now.
    const appendix = sectionAppendix(before, section);
    try {
      await writeAll(handle, appendix);
    } catch (e) {
      await handle.truncate(before.length).catch(() => undefined);
      throw notAdded(file, what, e);
    }
  } finally {
    await handle.close().catch(() => undefined);
  }
}

async function createWith(file: string, section: NewSection, what: string): Promise<void> {
  const appendix = sectionAppendix(undefined, section);
  let handle: fs.FileHandle;
  try {
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    // 'wx': if another program created the file meanwhile, fail rather than replace it.
    handle = await fs.open(file, 'wx', 0o600);
  } catch (e) {
    throw notAdded(file, what, e);
  }
  try {
    await writeAll(handle, appendix);
  } catch (e) {
    await handle.close().catch(() => undefined);
    await fs.unlink(file).catch(() => undefined);
    throw notAdded(file, what, e);
  }
  await handle.close();
}

async function readRegular(handle: fs.FileHandle, file: string): Promise<Buffer> {
  const stat = await handle.stat();
  if (!stat.isFile()) {
    throw new ConfigEditError(`${file} is not an ordinary file (it is a pipe, socket or device), so nothing was added to it. Next step: replace it with an ordinary file.`);
  }
  return handle.readFile();
}

/** Every byte, or an error: one write call may write only part of them. */
async function writeAll(handle: fs.FileHandle, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, at, bytes.length - at);
    if (bytesWritten === 0) throw new Error('no byte could be written');
    at += bytesWritten;
  }
  await handle.datasync();
}

function notAdded(file: string, what: string, e: unknown): ConfigEditError {
  if (e instanceof ConfigEditError) return e;
  return new ConfigEditError(`${what} was not added to ${file}: ${cause(e)}; the file is as it was. Next step: ${nextStep(e)}.`);
}

function errorCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

function cause(e: unknown): string {
  switch (errorCode(e)) {
    case 'ENOSPC':
      return 'the disk is full';
    case 'EDQUOT':
      return 'your disk quota is used up';
    case 'EFBIG':
      return 'the file would exceed the size this process may write';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'ENOTDIR':
      return 'a part of its path is a file, not a folder';
    case 'EEXIST':
      return 'another program created it meanwhile, or it is a link to a file that does not exist';
    default:
      return (e as Error).message;
  }
}

function nextStep(e: unknown): string {
  switch (errorCode(e)) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'free some disk space, then try again';
    case 'EFBIG':
      return 'raise the file size limit VS Code runs with (ulimit -f), then try again';
    case 'EISDIR':
      return 'remove or rename the folder, then try again';
    case 'ENOTDIR':
      return 'check the path (and AWS_CONFIG_FILE), then try again';
    case 'EEXIST':
      return 'check the file (and where its link points), then try again';
    default:
      return 'check that the file and its folder are writable by your user, then try again';
  }
}
