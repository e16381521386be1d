import type { AwsCredentials, Identity, ProfileInfo } from './shared/types';

export type { AwsCredentials, Identity, ProfileInfo, ProfileKind, IdentitySource } from './shared/types';

/**
 * An event as VS Code declares one (`vscode.Event<T>`), spelled out so that this file, which
 * other extensions may copy, needs no import of `vscode`.
 */
export type Event<T> = (listener: (e: T) => unknown, thisArgs?: unknown, disposables?: { dispose(): unknown }[]) => { dispose(): unknown };

/**
 * The id of the authentication provider this extension registers. An extension gets the
 * session that the credential and switch methods require with
 * `vscode.authentication.getSession(AUTH_PROVIDER_ID, [], { createIfNone: true })`: VS Code
 * asks the user once per extension ("The extension 'X' wants to sign in using AWS Identity")
 * and lists the extension under Accounts > AWS Identity > Manage Trusted Extensions, where the
 * user can take the permission back.
 */
export const AUTH_PROVIDER_ID = 'awsIdentity';

/**
 * Proof that the user allowed the calling extension: the `vscode.AuthenticationSession` from
 * `vscode.authentication.getSession('awsIdentity', …)` (any object with its `accessToken`).
 * The token is an opaque random capability, not an AWS credential. It changes when the user
 * clears the identity, signs out under Accounts, and every 10 minutes (the previous one is then
 * accepted for 2 more minutes): get the session again right before each call instead of keeping it.
 */
export interface ApiAccess {
  readonly accessToken: string;
}

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
 *
 * Reading who is active and which profiles exist is open to every extension (nothing there is a
 * secret). Reading credentials and switching the identity need an {@link ApiAccess}: the session
 * VS Code hands out only to extensions the user allowed. See docs/api.md.
 */
export interface AwsIdentityApi {
  /** 2 since credentials and switches need the user's consent (version 1 took no session). */
  readonly apiVersion: 2;
  /** The authentication provider to ask for the session: {@link AUTH_PROVIDER_ID}. */
  readonly authenticationProviderId: typeof AUTH_PROVIDER_ID;
  /** Every profile in the shared config files, including the ones that cannot work (with `problem`). Never a secret. */
  listProfiles(): Promise<ProfileInfo[]>;
  /** The active identity, or undefined when none is chosen. */
  getActiveIdentity(): Identity | undefined;
  /**
   * Fires after every switch of the active identity, and with undefined when it is cleared. Not on
   * renewals: the identity stays the same; getActiveIdentity() then has the new expiration and
   * getCredentials() the new credentials. Not on region changes either: see {@link onDidChangeRegion}.
   */
  readonly onDidChangeIdentity: Event<Identity | undefined>;
  /**
   * Fires when the active identity's region changed without a switch (the user picked another
   * region in the status bar, or {@link setRegion}), with the identity carrying the new `region`
   * (`regionSource: 'user'`). The principal and the credentials are the same; a region the user
   * chose for an identity also applies when that identity becomes active again (then only
   * onDidChangeIdentity fires, with that region already set).
   */
  readonly onDidChangeRegion: Event<Identity>;
  /**
   * Temporary credentials of the active identity (session token included; long-lived IAM user keys
   * are exchanged for a session token first), renewed before they expire. Rejects when `access`
   * is not the current session of this provider, and when no identity is active.
   */
  getCredentials(access: ApiAccess): Promise<AwsCredentials>;
  /**
   * Makes a profile the active identity, for new terminals too. The user sees in the status bar
   * that your extension set it; it is not remembered as the workspace's identity. Rejects with a
   * message naming cause and next step; the previous identity stays active.
   */
  useProfile(access: ApiAccess, name: string): Promise<Identity>;
  /** Assumes a role (from the active identity, or from `options.sourceProfile`) and makes it active, as {@link useProfile} does. */
  assumeRole(access: ApiAccess, roleArn: string, options?: AssumeRoleOptions): Promise<Identity>;
  /**
   * Moves the active identity to another region of its partition, e.g. `"eu-west-1"`: no new
   * sign-in, the same credentials; new terminals and the console use it. Not remembered for the
   * workspace (the user's own choice in the status bar is). Rejects, changing nothing, when no
   * identity is active, or the region is unknown or of another partition (the message says which).
   */
  setRegion(access: ApiAccess, region: string): Promise<Identity>;
}
