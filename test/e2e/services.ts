/**
 * The world the end-to-end flows run in, started by test/runE2e.ts before the workbench loads and
 * stopped after the flows: a real STS (moto_server) behind a recording proxy, an IAM user and a
 * locked role in it, a fixture HOME, the strict fakes of IAM Identity Center and of the console
 * federation endpoint, and code-server with the packaged extension installed and the test settings.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { startCodeServer, CodeServer } from '../support/codeServer';
import { createFixtureHome, isolatedEnv, FixtureHome } from '../support/fixtureHome';
import { startMoto, MotoServer } from '../support/moto';
import { FaultProxy } from '../support/faultProxy';
import { SsoFake } from '../support/ssoFake';
import { FederationFake } from '../support/federationFake';
import { IssuedSecrets } from '../support/secretScan';
import { MOTO_ACCOUNT, createRole, createUserWithKeys, setIamAuthorization } from '../support/motoIam';
import { cliV1Path } from '../support/awsClients';
import { packageApiConsumer } from '../support/vsixBuild';
import type { E2eFixture } from './harness';
import { provideSso, ssoAccounts, ssoConfigSections, SSO_USER } from './ssoSupport';
import { provideConsole } from './console';

/**
 * What runs, filled in as each part starts, so that whatever started before a failure is stopped
 * (`stopServices`) and the secrets scan covers what it wrote.
 */
export interface E2eServices {
  moto?: MotoServer;
  home?: FixtureHome;
  stsProxy?: FaultProxy;
  /** Every key, secret and token moto issued through `stsProxy`. */
  issued?: IssuedSecrets;
  sso?: SsoFake;
  federation?: FederationFake;
  cs?: CodeServer;
}

export interface RunningServices extends Readonly<Required<E2eServices>> {
  readonly fixture: E2eFixture;
}

/**
 * The loopback address of the console federation fake: not 127.0.0.1, because VS Code for the Web
 * rewrites http links to localhost, 127.0.0.1 and 0.0.0.0 (with a port) into code-server's port
 * proxy, which re-encodes the Destination inside the login URL; the fake then rightly refuses it.
 */
const FEDERATION_HOST = '127.0.0.2';

/**
 * User settings for the workbench under test. The terminal ones make the terminal readable from
 * the DOM (xterm's DOM renderer, no sticky-scroll overlay, no suggest widget over the text) and
 * put AWS CLI v1 first on the terminals' PATH: the integrated terminal's environment comes from
 * a login shell, whose /etc/profile drops the pyenv shims, so `aws` would otherwise be Debian's
 * CLI v2, which ignores AWS_ENDPOINT_URL_STS. A user's own PATH setting does the same.
 */
function workbenchSettings(cliV1Dir: string): Record<string, unknown> {
  return {
    'terminal.integrated.gpuAcceleration': 'off',
    'terminal.integrated.stickyScroll.enabled': false,
    'terminal.integrated.suggest.enabled': false,
    'terminal.integrated.enablePersistentSessions': false,
    'terminal.integrated.defaultProfile.linux': 'bash',
    'terminal.integrated.env.linux': { PATH: `${cliV1Dir}:\${env:PATH}` },
    'workbench.hover.delay': 300,
    // code-server would announce every port a terminal or the extension opens.
    'remote.autoForwardPorts': false,
  };
}

/** Removes one `[section]` (up to the next section) from an ini file. */
async function dropSection(file: string, section: string): Promise<void> {
  const lines = (await fsp.readFile(file, 'utf8')).split('\n');
  let inside = false;
  const kept = lines.filter((line) => {
    const header = /^\s*\[([^\]]+)\]/.exec(line);
    if (header) inside = header[1]?.trim() === section;
    return !inside;
  });
  await fsp.writeFile(file, kept.join('\n'));
}

/**
 * Starts everything in `s` (see E2eServices) with state under `tmp`, installs `vsix` (extension
 * `id`) and the API consumer into code-server, and returns what runs plus the flows' fixture.
 */
export async function startServices(s: E2eServices, options: { root: string; tmp: string; vsix: string; id: string; say: (line: string) => void }): Promise<RunningServices> {
  const { root, tmp, vsix, id, say } = options;
  const moto = (s.moto = await startMoto());
  // An IAM user that exists in moto, so its requests still pass once IAM authorization is on,
  // and a role that trusts someone else: assuming it is a real AccessDenied.
  const user = await createUserWithKeys(moto.endpoint, 'alice');
  const lockedRoleArn = await createRole(moto.endpoint, 'E2eLocked', `arn:aws:iam::${MOTO_ACCOUNT}:user/bob`);

  const home = (s.home = await createFixtureHome(path.join(root, 'test', 'fixtures', 'integration', 'aws'), tmp));
  // Keys in [default] make every AWS client prefer them to the loopback credential endpoint,
  // so the extension falls back to environment variables. Without them terminals get what
  // most users get: the endpoint (the default `awsIdentity.terminal.credentials` mode).
  await dropSection(home.credentialsFile, 'default');
  // moto made these keys just now (they are fake and die with moto), so they cannot be a
  // hand-written fixture: the profile is appended to the fixture HOME's copy.
  await fsp.appendFile(home.configFile, '\n# Added by test/runE2e.ts: an IAM user that exists in moto.\n[profile alice]\nregion = us-east-1\n');
  await fsp.appendFile(home.credentialsFile, `\n[alice]\naws_access_key_id = ${user.accessKeyId}\naws_secret_access_key = ${user.secretAccessKey}\n`);

  const workspace = path.join(tmp, 'workspace');
  await fsp.cp(path.join(root, 'test', 'fixtures', 'integration', 'workspace'), workspace, { recursive: true });
  // STS traffic goes through a recording proxy: every key, secret and token moto issues is
  // remembered, and after the run every file VS Code and the extension wrote is searched for them.
  const stsProxy = (s.stsProxy = await FaultProxy.start(moto.endpoint));
  s.issued = IssuedSecrets.recordFrom(stsProxy);
  // IAM Identity Center (SSO-OIDC and the portal): its role credentials are moto's AssumeRole
  // answers through the recording proxy, so the secrets scan covers them too.
  const sso = (s.sso = await SsoFake.start({ motoEndpoint: stsProxy.endpoint, accounts: ssoAccounts(MOTO_ACCOUNT), userName: SSO_USER }));
  await fsp.appendFile(home.configFile, ssoConfigSections(sso.startUrl, MOTO_ACCOUNT));
  // The console federation endpoint (getSigninToken, then the browser's login): it checks the
  // keys it is sent with moto's GetCallerIdentity.
  const federation = (s.federation = await FederationFake.start(moto.endpoint, { host: FEDERATION_HOST }));
  // For the debug launch of the workspace's callerArn.js: where it finds the JS SDK, and no
  // SDK warning about the machine's Node 20 in the Debug Console the README shows.
  const debuggee = { AIS_TEST_REPO_ROOT: root, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  const env = isolatedEnv(home, { stsEndpoint: stsProxy.endpoint, extra: { AWS_ENDPOINT_URL_SSO: sso.endpoint, AWS_ENDPOINT_URL_SSO_OIDC: sso.endpoint, ...debuggee } });
  const consumer = packageApiConsumer(root, tmp);
  const cs = (s.cs = await startCodeServer({ workspaceFolder: workspace, env, vsix, extraVsix: [consumer], stateParent: tmp, settings: workbenchSettings(path.dirname(cliV1Path())) }));
  const installed = fs.readdirSync(cs.extensionsDir).filter((d) => d.startsWith(`${id}-`));
  if (installed.length !== 1) throw new Error(`Installing ${vsix} did not put ${id} into ${cs.extensionsDir} (found: ${fs.readdirSync(cs.extensionsDir).join(', ') || 'nothing'}).`);
  say(`installed ${path.relative(root, vsix)} as ${installed[0]}; code-server ${cs.version} ready in ${(cs.startMs / 1000).toFixed(1)} s; moto at ${moto.endpoint}; IAM Identity Center fake at ${sso.endpoint}; console federation fake at ${federation.endpoint}`);
  // code-server is VS Code for the Web, where signInFlow "auto" means a device code. Here the
  // browser and the extension host share a machine, so the browser sign-in (authorization code
  // + PKCE, a callback on 127.0.0.1) works, and it is what the flows test (the device code is
  // covered by test/integration/sso.test.ts and the sandbox check). Both settings are
  // machine-scoped: a remote window reads them from the server's Machine settings.
  await fsp.mkdir(path.join(cs.userDataDir, 'Machine'), { recursive: true });
  await fsp.writeFile(
    path.join(cs.userDataDir, 'Machine', 'settings.json'),
    JSON.stringify({ 'awsIdentity.sso.signInFlow': 'browser', 'awsIdentity.console.federationEndpoint': federation.endpoint }, null, 2),
  );
  provideSso({ fake: sso, extensionId: id, cacheDir: path.join(home.home, '.aws', 'sso', 'cache') });
  provideConsole({ fake: federation });

  const proxy = stsProxy;
  const fixture: E2eFixture = {
    stsEndpoint: stsProxy.endpoint,
    account: MOTO_ACCOUNT,
    iamUserProfile: 'alice',
    iamUserArn: user.userArn,
    lockedRoleArn,
    setIamAuthorization: (on) => setIamAuthorization(moto.endpoint, on),
    shortenNextRoleSession: (roleName, seconds) =>
      proxy.rewriteNext({
        action: 'AssumeRole',
        when: (params) => (params.get('RoleArn') ?? '').endsWith(`:role/${roleName}`),
        rewrite: (xml) => xml.replace(/<Expiration>[^<]*<\/Expiration>/, `<Expiration>${new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')}</Expiration>`),
      }),
  };
  return { moto, home, stsProxy, issued: s.issued, sso, federation, cs, fixture };
}

/**
 * Stops whatever in `s` runs, code-server with its state kept (the secrets scan reads it; the
 * runner removes it with its temp dir), and reports requests the strict fakes refused.
 */
export async function stopServices(s: E2eServices, say: (line: string) => void): Promise<void> {
  await s.cs?.stop({ keepState: true }).catch((e: unknown) => say(`stopping code-server: ${String(e)}`));
  if (s.sso && s.sso.rejections.length > 0) say(`IAM Identity Center fake refused malformed requests: ${s.sso.rejections.join('; ')}`);
  await s.sso?.stop().catch((e: unknown) => say(`stopping the IAM Identity Center fake: ${String(e)}`));
  // Its reasons name parameters and the Destination, never a key or token.
  if (s.federation && s.federation.rejections.length > 0) say(`console federation fake refused malformed requests: ${s.federation.rejections.join('; ')}`);
  await s.federation?.stop().catch((e: unknown) => say(`stopping the console federation fake: ${String(e)}`));
  await s.stsProxy?.stop();
  await s.moto?.stop();
}
