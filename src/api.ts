import type { AwsCredentials, Identity, ProfileInfo } from './shared/types';

export type { AwsCredentials, Identity, ProfileInfo, ProfileKind, IdentitySource } from './shared/types';

/**
 * An event as VS Code declares one (`vscode.Event<T>`), spelled out so that this file, which
 * other extensions may copy, needs no import of `vscode`.
 */
export type Event<T> = (listener: (e: T) => unknown, thisArgs?: unknown, disposables?: { dispose(): unknown }[]) => { dispose(): unknown };

/** Options for {@link AwsIdentityApi.assumeRole}. Unset fields take the user's settings. */
export interface AssumeRoleOptions {
  /** Assume the role with this profile's credentials instead of the active identity's. */
  readonly sourceProfile?: string;
  readonly sessionName?: string;
  readonly durationSeconds?: number;
  readonly externalId?: string;
}

/**
 * What `activate()` returns: other extensions get it with
 * `vscode.extensions.getExtension<AwsIdentityApi>('aws-identity-switcher.aws-identity-switcher')?.activate()`.
 */
export interface AwsIdentityApi {
  readonly apiVersion: 1;
  /** Every profile in the shared config files, including the ones that cannot work (with `problem`). */
  listProfiles(): Promise<ProfileInfo[]>;
  /** The active identity, or undefined when none is chosen. */
  getActiveIdentity(): Identity | undefined;
  /**
   * Fires after every switch of the active identity, and with undefined when it is cleared. Not on
   * renewals: the identity stays the same; getActiveIdentity() then has the new expiration and
   * getCredentials() the new credentials.
   */
  readonly onDidChangeIdentity: Event<Identity | undefined>;
  /** Makes a profile the active identity. Rejects with a message naming cause and next step; the previous identity stays active. */
  useProfile(name: string): Promise<Identity>;
  /** Assumes a role (from the active identity, or from `options.sourceProfile`) and makes it active. */
  assumeRole(roleArn: string, options?: AssumeRoleOptions): Promise<Identity>;
  /**
   * Temporary credentials of the active identity (session token included; long-lived IAM user keys
   * are exchanged for a session token first), renewed before they expire. Rejects when none is active.
   */
  getCredentials(): Promise<AwsCredentials>;
}
