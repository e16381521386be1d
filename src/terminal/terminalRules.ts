/**
 * What the integrated terminals receive, decided without VS Code: the variable map per mode, and the
 * names and descriptions they show. No `vscode` import, so every rule here is unit-tested with plain
 * mocha; src/vscode/terminals/environmentCollection.ts applies it. The neighbouring pure rules:
 * shadows.ts (when the endpoint would lose to something in the environment, and so environment
 * variables are used instead), persistence.ts (what may go where VS Code saves it), grants.ts
 * (one endpoint token per terminal, and when one is revoked).
 *
 * Facts these rules rest on, measured with AWS CLI v1 1.45 (botocore 1.43), AWS CLI v2 2.9,
 * boto3 1.43 and the JS SDK v3 (credential-provider-node 3.972) in test/unit/profilePrecedence.test.ts:
 *  - Static keys in the environment beat a profile's credentials in every client, except that the
 *    JS SDK follows AWS_PROFILE when it is set (and then ignores the keys).
 *  - The container endpoint comes LAST in every client's chain: AWS_PROFILE, AWS_DEFAULT_PROFILE
 *    (both CLIs and boto3; not the JS SDK) or a `[default]` profile with credentials all beat it.
 *  - An EMPTY AWS_PROFILE makes botocore fail ("The config profile () could not be found"), so it
 *    cannot be blanked; EMPTY key variables are skipped by every client, so they can.
 *  - A profile without credentials (only `region`, say) named by AWS_PROFILE does not hide the
 *    endpoint.
 */
import type { AwsCredentials, Identity } from '../shared/types';
import { formatExpiration } from './containerCredentials';

export type TerminalCredentialsMode = 'endpoint' | 'environment' | 'off';

/** Something in the terminals' environment that a client would use instead of the endpoint. */
export interface Shadow {
  readonly cause: 'AWS_PROFILE' | 'AWS_DEFAULT_PROFILE' | 'defaultProfile' | 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI' | 'AWS_WEB_IDENTITY_TOKEN_FILE';
  /** Where the variable comes from: the environment VS Code was started with, or a `terminal.integrated.env.*` setting. */
  readonly origin?: 'process' | 'settings';
  /** One sentence for the log and the UI: what wins, over what, in which clients. */
  readonly message: string;
}

/** Every variable this extension may set in terminals; exactly these are cleared when it stops. */
export const MANAGED_VARIABLES = [
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_PROFILE',
] as const;
export type ManagedVariable = (typeof MANAGED_VARIABLES)[number];

/**
 * For terminals the extension creates itself (`TerminalOptions.env`, where `null` deletes): the
 * profile selectors a user's environment may carry, which would otherwise win over the chosen
 * identity. The environment variable collection cannot delete a variable, only these can.
 */
export const OWN_TERMINAL_DELETIONS: Readonly<Record<string, null>> = Object.freeze({ AWS_PROFILE: null, AWS_DEFAULT_PROFILE: null });

/** What the terminals get for one identity, whichever way. */
export interface ExportInput {
  readonly region: string;
  /**
   * Endpoint mode: where terminals fetch credentials and the file holding their token. `token` is
   * only put in the environment too when `legacyToken` is set (clients that predate the token file).
   */
  readonly grant?: { readonly url: string; readonly tokenFile: string; readonly token?: string };
  /**
   * Endpoint mode: also set AWS_CONTAINER_AUTHORIZATION_TOKEN (the user chose it for old clients,
   * e.g. AWS CLI v2 before late 2023). The token is then in the terminal's environment, where VS Code
   * may save it and where it survives a reload; clients that read the file still prefer the file.
   */
  readonly legacyToken?: boolean;
  /** Environment mode: the temporary credentials to export. */
  readonly credentials?: AwsCredentials;
  /** Environment mode: set AWS_PROFILE to this profile (the identity's own) to win over an inherited one. */
  readonly profileOverride?: string;
}

/**
 * The variables to set for `mode`. Endpoint mode also sets the four key variables to EMPTY
 * strings: every client skips empty keys, and an inherited or rc-exported AWS_ACCESS_KEY_ID
 * would otherwise beat the endpoint.
 *
 * Endpoint mode puts NO secret in the environment: the token is in the file named by
 * AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (botocore, so AWS CLI v1 and boto3, and the JS SDK read it
 * before every request and prefer it to AWS_CONTAINER_AUTHORIZATION_TOKEN), and
 * AWS_CONTAINER_AUTHORIZATION_TOKEN is set EMPTY unless the user asked for the legacy variable.
 * @throws Error when the input lacks what the mode needs (a bug in the caller)
 */
export function terminalVariables(mode: TerminalCredentialsMode, input: ExportInput | undefined): Map<ManagedVariable, string> {
  const vars = new Map<ManagedVariable, string>();
  if (mode === 'off' || !input) return vars;
  if (mode === 'endpoint') {
    if (!input.grant) throw new Error('Endpoint mode needs a grant.');
    vars.set('AWS_CONTAINER_CREDENTIALS_FULL_URI', input.grant.url);
    vars.set('AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', input.grant.tokenFile);
    if (input.legacyToken && !input.grant.token) throw new Error('The legacy token variable needs the token.');
    vars.set('AWS_CONTAINER_AUTHORIZATION_TOKEN', input.legacyToken ? (input.grant.token ?? '') : '');
    vars.set('AWS_ACCESS_KEY_ID', '');
    vars.set('AWS_SECRET_ACCESS_KEY', '');
    vars.set('AWS_SESSION_TOKEN', '');
    vars.set('AWS_CREDENTIAL_EXPIRATION', '');
  } else {
    const c = input.credentials;
    if (!c) throw new Error('Environment mode needs credentials.');
    if (!c.sessionToken || !c.expiration) throw new Error('Only temporary credentials (session token and expiration) may be exported to terminals.');
    vars.set('AWS_ACCESS_KEY_ID', c.accessKeyId);
    vars.set('AWS_SECRET_ACCESS_KEY', c.secretAccessKey);
    vars.set('AWS_SESSION_TOKEN', c.sessionToken);
    // Read by botocore and the JS SDK to know when env credentials stop working.
    vars.set('AWS_CREDENTIAL_EXPIRATION', formatExpiration(c.expiration));
    if (input.profileOverride) vars.set('AWS_PROFILE', input.profileOverride);
  }
  vars.set('AWS_REGION', input.region);
  vars.set('AWS_DEFAULT_REGION', input.region);
  return vars;
}

/** `AWS: <name> (<account>)`, with control characters removed (names come from user files). */
export function terminalName(identity: Pick<Identity, 'name' | 'account'>): string {
  return `AWS: ${printable(identity.name)} (${printable(identity.account)})`;
}

/** For the environment collection's description, shown by VS Code's "environment changed" indicator. */
export function collectionDescription(identity: Identity, mode: TerminalCredentialsMode, shadows: readonly Shadow[] = []): string {
  const how = mode === 'endpoint' ? 'refreshing credential endpoint' : 'environment variables';
  const text = `AWS credentials for ${printable(identity.name)} (${printable(identity.account)}), ${printable(identity.region)}, via ${how}`;
  if (mode !== 'environment' || shadows.length === 0) return text;
  const causes = shadows.map((s) => (s.cause === 'defaultProfile' ? 'the [default] profile has credentials' : `${s.cause} is set`));
  return `${text} (the endpoint would lose: ${causes.join(', ')})`;
}

/** Strips C0/C1 control characters and ESC so user data cannot drive the terminal or spoof text. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
}

/** The key naming an identity in grants and the runtime state: its ARN. */
export function identityKey(identity: Pick<Identity, 'arn'>): string {
  return identity.arn;
}
