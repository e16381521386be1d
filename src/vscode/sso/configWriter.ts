/**
 * Writes a new section at the end of the AWS config file (src/config/configEdits.ts decides the
 * bytes). An existing file only gains bytes at its end (opened for appending, its mode and owner
 * untouched); a missing one is created with mode 0600 in a folder created 0700.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ConfigEditError, type NewSection, sectionAppendix } from '../../config/configEdits';

async function readIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigEditError(`${file} could not be read (${(e as Error).message}), so nothing was added to it. Check its permissions, then try again.`);
  }
}

/** Appends `section` to `file`; throws ConfigEditError (cause and next step) when it may not or cannot. */
export async function appendSection(file: string, section: NewSection): Promise<void> {
  const before = await readIfExists(file);
  const appendix = sectionAppendix(before, section);
  try {
    if (!before) {
      await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      // 'wx': if another program created the file meanwhile, fail rather than replace it.
      await fs.writeFile(file, appendix, { flag: 'wx', mode: 0o600 });
      return;
    }
    const handle = await fs.open(file, 'a');
    try {
      // Changed since it was read (another editor saved it): check the name against that text instead.
      if ((await handle.stat()).size !== before.length) {
        throw new ConfigEditError(`${file} changed while the section was being added, so nothing was written. Try again.`);
      }
      await handle.write(appendix);
    } finally {
      await handle.close();
    }
  } catch (e) {
    if (e instanceof ConfigEditError) throw e;
    throw new ConfigEditError(`Adding [${section.kind} ${section.name}] to ${file} failed (${(e as Error).message}). Check that the file and its folder are writable, then try again.`);
  }
}

/** The bytes of `file` now, or undefined when it does not exist (for the names already in use). */
export function readConfigBytes(file: string): Promise<Buffer | undefined> {
  return readIfExists(file);
}
