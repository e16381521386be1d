/**
 * When the credential endpoint would lose in a terminal: what in the environment a new terminal
 * starts with (the environment VS Code was started with, with `terminal.integrated.env.<platform>`
 * on top) or in the shared config files wins over it in the AWS clients, and so which mode is
 * really used. PURE CORE: no `vscode` import. The facts these rules rest on are listed in
 * terminalRules.ts (measured in test/conformance/profilePrecedence.test.ts).
 */
import type { Identity, ProfileKind } from '../shared/types';
import type { Shadow, TerminalCredentialsMode } from './terminalRules';

export interface ShadowInput {
  /** The environment every new "+" terminal inherits: the extension host's `process.env`. */
  readonly inherited: Readonly<Record<string, string | undefined>>;
  /**
   * The `terminal.integrated.env.<platform>` setting (string sets, null removes), which VS Code
   * applies to every terminal on top of `inherited` (and below this extension's collection).
   */
  readonly configured?: TerminalEnvSetting;
  /** Name of that setting, for messages (e.g. `terminal.integrated.env.linux`). */
  readonly configuredName?: string;
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
  const { env, origin } = terminalEnvironment(input.inherited, input.configured);
  /** Who set `variable` for new terminals, as the start of a sentence. */
  const setBy = (variable: string): string => (origin(variable) === 'settings' ? `The setting ${input.configuredName ?? 'terminal.integrated.env'} sets` : 'VS Code was started with');
  const from = (variable: string, value: string): string => `${setBy(variable)} ${variable}=${value}`;
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
      origin: origin(variable),
      message:
        creds === undefined
          ? `${from(variable, name)}, a profile not found in the config files; ${clients} fail on it before asking the credential endpoint.`
          : `${from(variable, name)}; ${clients} prefer that profile's credentials to the credential endpoint.`,
    });
  }
  // With no selector, botocore and the JS SDK read the `default` profile before the endpoint.
  if (!selected && hasCredentials('default')) {
    shadows.push({
      cause: 'defaultProfile',
      message: 'Your [default] profile has credentials; the AWS CLIs and SDKs use it before the credential endpoint.',
    });
  }
  // AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE) are replaced by ours; a relative URI is not ours to blank
  // (an empty one is a URL of its own in some clients), and it beats the full URI everywhere.
  const relative = 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI';
  if (env[relative]) {
    shadows.push({ cause: relative, origin: origin(relative), message: `${setBy(relative)} ${relative}; the AWS SDKs prefer it to the endpoint's URL.` });
  }
  // A web identity in the environment (a pod's IAM role for service accounts, where code-server
  // and remote workspaces often run) is one of botocore's profile providers, all of which come
  // before the container endpoint; the JS SDK's chain puts it first too.
  const tokenFile = 'AWS_WEB_IDENTITY_TOKEN_FILE';
  if (env[tokenFile] && env.AWS_ROLE_ARN) {
    shadows.push({
      cause: tokenFile,
      origin: origin(tokenFile),
      message: `${setBy(tokenFile)} ${tokenFile} and AWS_ROLE_ARN (a web identity, such as a pod's service account role); the AWS CLIs and SDKs assume that role before asking the credential endpoint.`,
    });
  }
  return shadows;
}

/** The value of `terminal.integrated.env.<platform>`: a string sets a variable, null removes it. */
export type TerminalEnvSetting = Readonly<Record<string, string | null | undefined>>;

/**
 * The environment a new "+" terminal starts with before this extension's collection applies:
 * `inherited` with the `terminal.integrated.env.*` setting on top (null removes; `${env:NAME}`
 * refers to `inherited`, as VS Code resolves it). `origin` tells where each variable came from.
 */
export function terminalEnvironment(
  inherited: Readonly<Record<string, string | undefined>>,
  configured: TerminalEnvSetting | undefined,
): { env: Record<string, string | undefined>; origin: (variable: string) => 'process' | 'settings' } {
  const env: Record<string, string | undefined> = { ...inherited };
  const fromSettings = new Set<string>();
  for (const [name, value] of Object.entries(configured ?? {})) {
    if (value === undefined) continue;
    fromSettings.add(name);
    if (value === null) {
      delete env[name];
      continue;
    }
    if (typeof value !== 'string') continue;
    env[name] = value.replace(/\$\{env:([^}]+)\}/g, (_m, v: string) => inherited[v] ?? '');
  }
  return { env, origin: (variable) => (fromSettings.has(variable) ? 'settings' : 'process') };
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
 * In environment mode, an inherited AWS_PROFILE (pass {@link terminalEnvironment}'s `env`, so a
 * `terminal.integrated.env.*` setting counts) still wins in the JS SDK. When the identity is a
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
      `AWS_PROFILE=${inheritedProfile} is in the terminals' environment (from the environment VS Code was started with or a terminal.integrated.env setting): in "+" terminals the JS SDK (and tools built on it) will use that profile, not ${identity.name}. ` +
      'Use "AWS Identity: New Terminal as Active Identity" (it removes AWS_PROFILE), or remove AWS_PROFILE from the setting or the environment VS Code starts with.',
  };
}
