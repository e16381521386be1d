/**
 * One reading of the shared files, shared by everything that asks about profiles until either
 * file changes: the Profiles view, the pickers, the check before a switch, the switch itself, the
 * terminals' check and the API. The VS Code side keeps the current snapshot and drops it when its
 * file watcher fires; the core asks for one through a function, so tests read afresh each time.
 */
import type { ProfileListing } from '../shared/types';
import type { ConfigPaths } from './configFiles';
import type { ClientSettings, CredentialPlan } from './credentialPlan';

export interface ConfigSnapshot {
  readonly paths: ConfigPaths;
  /** Every profile as the AWS CLI reads them, each described when first asked for. */
  readonly listing: ProfileListing;
  /**
   * How the AWS CLI would get `profile`'s credentials, or why it cannot (the same text as the
   * profile's `problem` in the listing; a missing profile has its own message).
   */
  plan(profile: string): CredentialPlan | { readonly problem: string };
  /**
   * The settings the SDK's clients would read from the shared config for themselves (FIPS,
   * dual-stack, app id, auth scheme preference), read from this snapshot instead: from the profile
   * the SDK reads them for (AWS_PROFILE, else `default`), environment variables first as the SDK
   * does. Handed to every client of a switch so that no client reads the files again.
   */
  clientSettings(env: NodeJS.ProcessEnv): ClientSettings;
}

/** Reads both files once. Never throws: unreadable files become file problems in the listing. */
export declare function readConfigSnapshot(paths: ConfigPaths): Promise<ConfigSnapshot>;
