/**
 * How the benchmarks read the shared config files: through the public reading the extension
 * itself uses, `readConfigSnapshot(paths)` (src/config/snapshot.ts), never through the config
 * layer's internals: the listing the Profiles view draws from, and (switchSetup.ts) the snapshot
 * each switch of the IdentityManager reads.
 */
import * as snapshotModule from '../src/config/snapshot';
import type { ConfigPaths } from '../src/config/configFiles';
import type { ProfileListing } from '../src/shared/types';

/** The function the figures come from, recorded with them so that readings are not compared unknowingly. */
export function configReadingUsed(): string {
  return 'readConfigSnapshot';
}

/**
 * The snapshot function, looked up when called: while src/config declares it without an
 * implementation, the bundle has no such export (esbuild warns that it is undefined), and the
 * benchmarks that read config files say so instead of failing on `undefined is not a function`.
 */
export function readConfigSnapshot(paths: ConfigPaths): ReturnType<typeof snapshotModule.readConfigSnapshot> {
  const read = (snapshotModule as Partial<typeof snapshotModule>).readConfigSnapshot;
  if (typeof read !== 'function') {
    throw new Error('readConfigSnapshot (src/config/snapshot.ts) is declared but not implemented in this tree: the config benchmarks need it.');
  }
  return read(paths);
}

/** Both files read and indexed, each profile described when asked for: what the Profiles view starts from. */
export async function readListing(paths: ConfigPaths): Promise<ProfileListing> {
  return (await readConfigSnapshot(paths)).listing;
}

