/**
 * A throwaway HOME with its own ~/.aws, and the environment that points VS Code (and the
 * extension host it starts) at it instead of the user's real AWS setup.
 */
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

export interface FixtureHome {
  /** The temp folder used as HOME. */
  readonly home: string;
  /** `<home>/.aws/config` */
  readonly configFile: string;
  /** `<home>/.aws/credentials` */
  readonly credentialsFile: string;
  /** Removes the folder. */
  dispose(): Promise<void>;
}

/**
 * Copies `config` and `credentials` from `sourceAwsDir` into `<new temp HOME>/.aws/`.
 * A copy, so tests may edit the files (to exercise file watching) without touching the repo.
 */
export async function createFixtureHome(sourceAwsDir: string, parent: string = os.tmpdir()): Promise<FixtureHome> {
  const home = await fsp.mkdtemp(path.join(parent, 'ais-home-'));
  const awsDir = path.join(home, '.aws');
  await fsp.mkdir(awsDir, { recursive: true, mode: 0o700 });
  const configFile = path.join(awsDir, 'config');
  const credentialsFile = path.join(awsDir, 'credentials');
  await fsp.copyFile(path.join(sourceAwsDir, 'config'), configFile);
  await fsp.copyFile(path.join(sourceAwsDir, 'credentials'), credentialsFile);
  await fsp.chmod(credentialsFile, 0o600);
  return {
    home,
    configFile,
    credentialsFile,
    dispose: () => fsp.rm(home, { recursive: true, force: true, maxRetries: 3 }),
  };
}

/** Variable prefixes never passed on from the caller's environment. */
const scrubbedPrefixes = [
  'AWS_', // real credentials, profiles, regions, endpoints of whoever runs the tests
  'VSCODE_', // an outer VS Code (running the tests from its terminal) would hijack the CLI and IPC
  'ELECTRON_',
  'CODE_SERVER_', // an outer code-server's parent-pid handshake
];

/**
 * The caller's environment minus AWS_*, VSCODE_*, ELECTRON_* and CODE_SERVER_*, with HOME and the
 * AWS file variables set to the fixture, AWS_ENDPOINT_URL_STS set to a local STS when given,
 * and `extra` added last.
 */
export function isolatedEnv(fixture: FixtureHome, options: { stsEndpoint?: string; extra?: Record<string, string> } = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || scrubbedPrefixes.some((p) => key.toUpperCase().startsWith(p))) continue;
    env[key] = value;
  }
  // XDG dirs would otherwise still point into the real home.
  for (const key of ['XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME', 'XDG_STATE_HOME', 'XDG_RUNTIME_DIR']) delete env[key];
  env.HOME = fixture.home;
  env.AWS_CONFIG_FILE = fixture.configFile;
  env.AWS_SHARED_CREDENTIALS_FILE = fixture.credentialsFile;
  // No instance-metadata probing (a 1 s timeout per miss) when a test exercises a profile-less chain.
  env.AWS_EC2_METADATA_DISABLED = 'true';
  if (options.stsEndpoint) env.AWS_ENDPOINT_URL_STS = options.stsEndpoint;
  return { ...env, ...(options.extra ?? {}) };
}
