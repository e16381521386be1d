/**
 * What the integrated terminals receive, decided without VS Code: the variable map per mode, when
 * the credential endpoint would lose to something else in the environment (and so environment
 * variables are used instead), and which endpoint grants may be revoked. No `vscode` import, so
 * every rule here is unit-tested with plain mocha; src/vscode/terminals/environmentCollection.ts applies it.
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
import type { AwsCredentials, Identity, ProfileKind } from '../shared/types';
import { formatExpiration } from './credentialEndpoint';

export type TerminalCredentialsMode = 'endpoint' | 'environment' | 'off';

/** Every variable this extension may set in terminals; exactly these are cleared when it stops. */
export const MANAGED_VARIABLES = [
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
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
  /** Endpoint mode: where and with which token terminals fetch credentials. */
  readonly grant?: { readonly url: string; readonly token: string };
  /** Environment mode: the temporary credentials to export. */
  readonly credentials?: AwsCredentials;
  /** Environment mode: set AWS_PROFILE to this profile (the identity's own) to win over an inherited one. */
  readonly profileOverride?: string;
}

/**
 * The variables to set for `mode`. Endpoint mode also sets the four key variables to EMPTY
 * strings: every client skips empty keys, and an inherited or rc-exported AWS_ACCESS_KEY_ID
 * would otherwise beat the endpoint.
 * @throws Error when the input lacks what the mode needs (a bug in the caller)
 */
export function terminalVariables(mode: TerminalCredentialsMode, input: ExportInput | undefined): Map<ManagedVariable, string> {
  const vars = new Map<ManagedVariable, string>();
  if (mode === 'off' || !input) return vars;
  if (mode === 'endpoint') {
    if (!input.grant) throw new Error('Endpoint mode needs a grant.');
    vars.set('AWS_CONTAINER_CREDENTIALS_FULL_URI', input.grant.url);
    vars.set('AWS_CONTAINER_AUTHORIZATION_TOKEN', input.grant.token);
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

/** Something in the terminals' environment that a client would use instead of the endpoint. */
export interface Shadow {
  readonly cause: 'AWS_PROFILE' | 'AWS_DEFAULT_PROFILE' | 'defaultProfile' | 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI' | 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE';
  /** One sentence for the log and the UI: what wins, over what, in which clients. */
  readonly message: string;
}

export interface ShadowInput {
  /** The environment every new "+" terminal inherits: the extension host's `process.env`. */
  readonly inherited: Readonly<Record<string, string | undefined>>;
  /** Profiles in the shared config files (name and kind); undefined when they could not be read. */
  readonly profiles: ReadonlyArray<{ readonly name: string; readonly kind: ProfileKind }> | undefined;
}

/**
 * Why the endpoint would not be used by clients in a new terminal. Empty when it would be.
 * Our own terminals delete AWS_PROFILE/AWS_DEFAULT_PROFILE, but the collection is shared with "+"
 * terminals, so inherited selectors count.
 */
export function endpointShadows(input: ShadowInput): Shadow[] {
  const shadows: Shadow[] = [];
  const env = input.inherited;
  const hasCredentials = (name: string): boolean | undefined => {
    const p = input.profiles?.find((q) => q.name === name);
    return p ? p.kind !== 'none' : undefined;
  };
  const selectors: Array<'AWS_DEFAULT_PROFILE' | 'AWS_PROFILE'> = ['AWS_DEFAULT_PROFILE', 'AWS_PROFILE'];
  let selected = false;
  for (const variable of selectors) {
    const name = env[variable];
    if (name === undefined) continue;
    selected = true;
    const creds = hasCredentials(name);
    if (creds === false) continue;
    const clients = variable === 'AWS_DEFAULT_PROFILE' ? 'the AWS CLIs and boto3' : 'the AWS CLIs and SDKs';
    shadows.push({
      cause: variable,
      message:
        creds === undefined
          ? `VS Code was started with ${variable}=${name}, a profile not found in the config files; ${clients} fail on it before asking the credential endpoint.`
          : `VS Code was started with ${variable}=${name}; ${clients} prefer that profile's credentials to the credential endpoint.`,
    });
  }
  // With no selector, botocore and the JS SDK read the `default` profile before the endpoint.
  if (!selected && hasCredentials('default')) {
    shadows.push({
      cause: 'defaultProfile',
      message: 'Your [default] profile has credentials; the AWS CLIs and SDKs use it before the credential endpoint.',
    });
  }
  for (const variable of ['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE'] as const) {
    if (env[variable]) {
      shadows.push({ cause: variable, message: `VS Code was started with ${variable} set; the AWS SDKs prefer it to the endpoint's URL and token.` });
    }
  }
  return shadows;
}

export interface ModeDecision {
  readonly mode: TerminalCredentialsMode;
  /** Why the configured mode was not used, if it was not. */
  readonly reason?: string;
}

/**
 * The mode actually used. Endpoint mode falls back to environment variables when something would
 * hide the endpoint: environment keys win over all those causes in the CLIs and boto3, so the
 * chosen identity is used, at the price of no refresh in terminals already open. A terminal with
 * the wrong identity is worse than one whose credentials expire.
 */
export function effectiveMode(configured: TerminalCredentialsMode, shadows: readonly Shadow[]): ModeDecision {
  if (configured !== 'endpoint' || shadows.length === 0) return { mode: configured };
  return {
    mode: 'environment',
    reason: `${shadows.map((s) => s.message).join(' ')} Terminals therefore get the credentials as environment variables (they do not refresh in terminals that are already open).`,
  };
}

/**
 * In environment mode, an inherited AWS_PROFILE still wins in the JS SDK. When the identity is a
 * profile, naming it in AWS_PROFILE makes every client use the chosen identity (the CLIs keep
 * using the exported keys; the JS SDK resolves the same profile itself). Returns the profile to
 * set, or undefined, and what stays uncovered.
 */
export function profileOverride(identity: Identity, inherited: Readonly<Record<string, string | undefined>>): { profile?: string; uncovered?: string } {
  const inheritedProfile = inherited.AWS_PROFILE;
  if (!inheritedProfile) return {};
  if (identity.source.type === 'profile') {
    return inheritedProfile === identity.source.profile ? {} : { profile: identity.source.profile };
  }
  return {
    uncovered:
      `VS Code was started with AWS_PROFILE=${inheritedProfile}: in "+" terminals the JS SDK (and tools built on it) will use that profile, not ${identity.name}. ` +
      'Use "AWS Identity: New Terminal as Active Identity" (it removes AWS_PROFILE), or start VS Code without AWS_PROFILE.',
  };
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

/** The key under which an identity's grant is shared: the same principal reuses one grant. */
export function identityKey(identity: Pick<Identity, 'arn'>): string {
  return identity.arn;
}

/**
 * Which endpoint grant each terminal received, and when a grant may be revoked: only when it is
 * not the current one AND no open terminal holds it. Terminals opened before a switch keep a
 * working, refreshing token. Generic over the terminal and grant types, so it needs no VS Code.
 */
export class GrantLedger<TTerminal, TGrant extends { revoke(): void }> {
  private readonly records = new Map<string, { grant: TGrant; holders: Set<TTerminal> }>();
  private readonly byTerminal = new Map<TTerminal, string>();
  private currentKey: string | undefined;

  /** The grant for `key`, made with `create` the first time; it becomes the current one. */
  use(key: string, create: () => TGrant): TGrant {
    let record = this.records.get(key);
    if (!record) {
      record = { grant: create(), holders: new Set() };
      this.records.set(key, record);
    }
    const previous = this.currentKey;
    this.currentKey = key;
    if (previous !== undefined && previous !== key) this.sweep(previous);
    return record.grant;
  }

  /** No grant is current (identity cleared, or a mode without the endpoint). */
  clearCurrent(): void {
    const previous = this.currentKey;
    this.currentKey = undefined;
    if (previous !== undefined) this.sweep(previous);
  }

  get current(): TGrant | undefined {
    return this.currentKey === undefined ? undefined : this.records.get(this.currentKey)?.grant;
  }

  /** A terminal opened now received the current grant (if any). */
  opened(terminal: TTerminal): void {
    if (this.currentKey === undefined || this.byTerminal.has(terminal)) return;
    this.records.get(this.currentKey)?.holders.add(terminal);
    this.byTerminal.set(terminal, this.currentKey);
  }

  /** A terminal closed: its grant goes if nothing else needs it. */
  closed(terminal: TTerminal): void {
    const key = this.byTerminal.get(terminal);
    if (key === undefined) return;
    this.byTerminal.delete(terminal);
    this.records.get(key)?.holders.delete(terminal);
    this.sweep(key);
  }

  /** The grant a terminal holds, if any. */
  grantOf(terminal: TTerminal): TGrant | undefined {
    const key = this.byTerminal.get(terminal);
    return key === undefined ? undefined : this.records.get(key)?.grant;
  }

  /** Grants alive now (current or held). */
  get size(): number {
    return this.records.size;
  }

  /**
   * Revokes every grant, held or not: the identity was cleared or the feature turned off, so open
   * terminals must stop getting credentials too. The ledger stays usable.
   */
  revokeAll(): void {
    for (const r of this.records.values()) r.grant.revoke();
    this.records.clear();
    this.byTerminal.clear();
    this.currentKey = undefined;
  }

  dispose(): void {
    this.revokeAll();
  }

  private sweep(key: string): void {
    const record = this.records.get(key);
    if (!record || key === this.currentKey || record.holders.size > 0) return;
    this.records.delete(key);
    record.grant.revoke();
  }
}
