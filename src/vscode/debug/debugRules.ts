/**
 * Which debug launches get the active identity, decided without VS Code (no `vscode` import;
 * envFile.ts reads an envFile's names, grantLifecycle.ts says when a grant ends). A launch
 * configuration that chooses AWS credentials itself keeps them: any credential or profile variable
 * in `env` (or cppdbg-style `environment`), or in the `envFile` it reads. An `envFile` alone does
 * not count: debugpy fills one in from `python.envFile` (default `${workspaceFolder}/.env`) for
 * every launch in a folder, whether or not the file exists.
 */
import { type EnvFileNames, envFilePaths } from './envFile';

/**
 * Variables that pick the credentials or the profile. AWS_REGION, AWS_ENDPOINT_URL_* and the like
 * do not: a configuration setting only those still gets the identity.
 */
export const AWS_CREDENTIAL_VARIABLES: ReadonlySet<string> = new Set([
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_ROLE_SESSION_NAME',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_CONFIG_FILE',
]);

/** The part of a debug configuration read here (vscode.DebugConfiguration fits). */
export interface LaunchConfig {
  readonly type?: string;
  readonly request?: string;
  readonly name?: string;
  readonly env?: unknown;
  readonly envFile?: unknown;
  readonly environment?: unknown;
  readonly [key: string]: unknown;
}

/** A configuration's `env` when it is an object of variables (anything else is not read). */
function envObject(env: unknown): Record<string, unknown> | undefined {
  return env && typeof env === 'object' && !Array.isArray(env) ? (env as Record<string, unknown>) : undefined;
}

/** The name of one entry of an `environment` array. */
function entryName(entry: unknown): unknown {
  return entry && typeof entry === 'object' ? (entry as { name?: unknown }).name : undefined;
}

/**
 * Why the identity must not be added to `config`, or undefined when it may. The reason is a phrase
 * naming what the configuration sets (variable NAMES only, never a value). `envFile` is what
 * {@link readEnvFileNames} found in the configuration's envFile; without it an envFile counts as
 * choosing credentials (nothing was checked).
 */
export function ownAwsSettings(config: LaunchConfig, envFile?: EnvFileNames): string | undefined {
  if (config.request === 'attach') return 'it attaches to a process that is already running (its environment cannot change)';
  const names: string[] = [];
  for (const name of Object.keys(envObject(config.env) ?? {})) if (AWS_CREDENTIAL_VARIABLES.has(name.toUpperCase())) names.push(name);
  if (Array.isArray(config.environment)) {
    for (const entry of config.environment as unknown[]) {
      const name = entryName(entry);
      if (typeof name === 'string' && AWS_CREDENTIAL_VARIABLES.has(name.toUpperCase())) names.push(name);
    }
  }
  const parts: string[] = [];
  if (names.length > 0) parts.push(`it sets ${names.join(', ')} itself`);
  if (envFilePaths(config).length > 0) {
    const fromFile = envFile ? [...new Set(envFile.names.filter((n) => AWS_CREDENTIAL_VARIABLES.has(n.toUpperCase())))] : [];
    if (fromFile.length > 0) parts.push(`its envFile sets ${fromFile.join(', ')}`);
    else if (!envFile || envFile.unchecked) parts.push('it reads an envFile that AWS Identity could not check (it may choose AWS credentials)');
  }
  return parts.length > 0 ? parts.join(' and ') : undefined;
}

/**
 * `config.env` with `vars` added (a plain object). The configuration's own entries win: a region
 * (AWS_REGION, AWS_DEFAULT_REGION) the launch sets stays; credential variables never collide, since
 * a launch setting one is left alone altogether ({@link ownAwsSettings}).
 */
export function withVariables(env: unknown, vars: ReadonlyMap<string, string>): Record<string, string | null> {
  return { ...Object.fromEntries(vars), ...(envObject(env) as Record<string, string | null> | undefined) };
}

/**
 * Debuggers that read the program's environment only from an `environment` array of
 * `{ name, value }` (Microsoft C/C++: cppdbg, cppvsdbg) and ignore `env`.
 */
const ENVIRONMENT_ARRAY_TYPES: ReadonlySet<string> = new Set(['cppdbg', 'cppvsdbg']);

function usesEnvironmentArray(config: Record<string, unknown>): boolean {
  return typeof config.type === 'string' && ENVIRONMENT_ARRAY_TYPES.has(config.type);
}

/** One entry of cppdbg's `environment` array. */
export interface EnvironmentEntry {
  readonly name: string;
  readonly value: string;
}

/**
 * Names the variables {@link addVariables} put into a configuration, so that resolving it again
 * (a restart) takes out those and no entry of the configuration's own, such as its AWS_REGION.
 */
export const ADDED_VARIABLES = '__awsIdentityVariables';

/**
 * Adds `vars` to `config` where its debugger reads them: `environment` for the C/C++ debuggers,
 * `env` for every other. The configuration's own entries win, as in {@link withVariables}.
 */
export function addVariables(config: Record<string, unknown>, vars: ReadonlyMap<string, string>): void {
  let added: string[];
  if (usesEnvironmentArray(config)) {
    const own = Array.isArray(config.environment) ? (config.environment as unknown[]) : [];
    const taken = new Set(own.map(entryName));
    const entries: EnvironmentEntry[] = [...vars].filter(([name]) => !taken.has(name)).map(([name, value]) => ({ name, value }));
    config.environment = [...own, ...entries];
    added = entries.map((e) => e.name);
  } else {
    const own = envObject(config.env) ?? {};
    added = [...vars.keys()].filter((name) => !Object.hasOwn(own, name));
    config.env = withVariables(config.env, vars);
  }
  config[ADDED_VARIABLES] = added;
}

/**
 * Takes out what {@link addVariables} added to this configuration before, from the field it added
 * them to (`environment` for the C/C++ debuggers, `env` for every other), and nothing else.
 */
export function removeAddedVariables(config: Record<string, unknown>): void {
  const recorded = config[ADDED_VARIABLES];
  delete config[ADDED_VARIABLES];
  const names = Array.isArray(recorded) ? recorded.filter((n): n is string => typeof n === 'string') : [];
  if (usesEnvironmentArray(config)) {
    if (Array.isArray(config.environment)) config.environment = (config.environment as unknown[]).filter((e) => !names.includes(entryName(e) as string));
  } else {
    const env = envObject(config.env);
    if (env) for (const name of names) delete env[name];
  }
}

/** A short, printable label for a launch in log lines. */
export function launchLabel(config: LaunchConfig): string {
  const name = typeof config.name === 'string' && config.name ? config.name : '(unnamed)';
  const type = typeof config.type === 'string' ? config.type : '?';
  return `"${name.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').slice(0, 80)}" (${type})`;
}

/**
 * Whether the debugger may run the program in a terminal (where VS Code may save the environment to
 * restore it): `console` set to a terminal, or Python's debugger, whose default console is the
 * integrated terminal. (js-debug's `node-terminal` creates its terminal transient: never saved.)
 */
export function mayRunInTerminal(config: LaunchConfig): boolean {
  const console = typeof config.console === 'string' ? config.console : undefined;
  if (console === 'integratedTerminal' || console === 'externalTerminal') return true;
  return console === undefined && (config.type === 'python' || config.type === 'debugpy');
}

/**
 * A child session a debugger starts for a process it already launched (js-debug's per-process
 * sessions carry `__pendingTargetId`): its environment was fixed by the parent's launch.
 */
export function isChildSession(config: LaunchConfig): boolean {
  return typeof config.__pendingTargetId === 'string' || typeof config.__parentId === 'string';
}
