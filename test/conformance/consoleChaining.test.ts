/**
 * The console's chained-role rule (isKnownChainedRole, src/console/consoleUrl.ts) on real
 * sessions: each identity is made by the real IdentityManager against moto, with STS through the
 * federation fake's relay, so the strict fake knows which role sessions are chained and refuses a
 * SessionDuration for them as AWS does. For each, the test computes what "Open AWS Console as
 * Identity" computes (src/vscode/console/consoleCommands.ts, makeLink): the rule on the active
 * session (its profile's plan in a fresh reading of the config, its parent's ARN), then
 * createConsoleLink with the session's own credentials and the clamped setting, no `vscode` needed.
 *
 * What the user notices, and what is checked: how long the console session lasts (the
 * SessionDuration the sign-in token was asked with, or none), whether it took a refused request,
 * and as whom the login link signs the browser in.
 *
 * How the commands behave when the identity changes while they run (UI timing) is tested in the
 * real VS Code: test/integration/console.test.ts.
 */
import * as assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { useIdentityHarness } from '../support/identityHarness';
import { setEnv } from '../support/awsFiles';
import { TEST_CREDENTIALS, testConfig } from '../support/testProfiles';
import { FederationFake, type FederationRequest } from '../support/federationFake';
import { readConfigSnapshot } from '../../src/config/snapshot';
import type { CredentialPlan } from '../../src/config/credentialPlan';
import { assumeRole } from '../../src/credentials/sts';
import { createConsoleLink, nodeGet, type ConsoleLink } from '../../src/console/consoleSignIn';
import { clampConsoleDuration, isKnownChainedRole } from '../../src/console/consoleUrl';

/** awsIdentity.console.sessionDurationSeconds as the user set it. */
const SETTING = 7200;
const DEPLOY = 'arn:aws:iam::111122223333:role/team/Deploy';

/** Profiles beyond the shared test ones: sources that hold long-lived keys without being `static`, and a role session behind credential_process. */
function extraConfig(dir: string): string {
  return `
[profile self]
role_arn = arn:aws:iam::111122223333:role/Self
source_profile = self

[profile lt-process]
credential_process = ${process.execPath} ${path.join(dir, 'longterm.js')}

[profile role-from-lt-process]
role_arn = arn:aws:iam::111122223333:role/FromProcess
source_profile = lt-process

[profile role-process]
credential_process = ${process.execPath} ${path.join(dir, 'role-session.js')}

[profile role-from-role-process]
role_arn = arn:aws:iam::444455556666:role/Hidden
source_profile = role-process
`;
}

const EXTRA_CREDENTIALS = `
[self]
aws_access_key_id = AKIASELFSELFEXAMPLE1
aws_secret_access_key = self-secret-EXAMPLE
`;

describe('console chained-role rule on real sessions (IdentityManager, moto, strict federation fake)', function () {
  this.timeout(30_000);
  const h = useIdentityHarness();

  // Nested, so its after() restores the STS endpoint before the harness restores the rest.
  describe('with STS through the fake\'s relay', () => {
    let fake: FederationFake;
    let restoreEnv: () => void;
    let seen: number;
    let made: ConsoleLink[];

    before(async () => {
      fake = await FederationFake.start(h.proxy.endpoint);
      restoreEnv = setEnv({ AWS_ENDPOINT_URL_STS: fake.stsEndpoint });
      // A role session made through the relay (so the fake knows it is one), served by a
      // credential_process: nothing in the config says it is a role session.
      const role = await assumeRole({ accessKeyId: 'AKIAPROCESSUSEREXAMPL', secretAccessKey: 'process-user-secret' }, { roleArn: 'arn:aws:iam::111122223333:role/Behind', sessionName: 'behind' }, 'us-east-1');
      const output = { Version: 1, AccessKeyId: role.credentials.accessKeyId, SecretAccessKey: role.credentials.secretAccessKey, SessionToken: role.credentials.sessionToken, Expiration: role.credentials.expiration?.toISOString() };
      await fsp.writeFile(path.join(h.files.dir, 'role-session.js'), `process.stdout.write(${JSON.stringify(JSON.stringify(output))});`);
      await fsp.writeFile(path.join(h.files.dir, 'longterm.js'), "process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: 'AKIALONGTERMEXAMPLE1', SecretAccessKey: 'longterm-secret-EXAMPLE' }));");
      await h.files.write(testConfig(h.files.dir) + extraConfig(h.files.dir), TEST_CREDENTIALS + EXTRA_CREDENTIALS);
    });
    after(async () => {
      restoreEnv?.();
      await fake?.stop();
    });
    beforeEach(() => {
      seen = fake.requests.length;
      made = [];
    });
    afterEach(() => {
      // The description is what the command logs: nothing secret in it (no link, token, session JSON or key).
      for (const link of made) {
        assert.doesNotMatch(link.description, /SigninToken|Session=|sessionKey|secret-EXAMPLE|EXAMPLEKEY|process-user-secret/, link.description);
        for (const r of fake.requests) if (r.issuedToken) assert.ok(!link.description.includes(r.issuedToken), 'a sign-in token reached the description');
      }
    });

    /**
     * What the console command computes for the active identity (consoleCommands.ts: isChainedRole,
     * then makeLink): the rule on the session held, then the sign-in with its own credentials.
     */
    const signIn = async (): Promise<{ chained: boolean; link: ConsoleLink }> => {
      const session = h.manager.session;
      assert.ok(session && !session.isDisposed, 'no active identity');
      const snapshot = await readConfigSnapshot({ configFile: h.files.configFile, credentialsFile: h.files.credentialsFile });
      const plan = (profile: string): CredentialPlan | undefined => {
        const p = snapshot.plan(profile);
        return 'problem' in p ? undefined : p;
      };
      const parentArn = session.parent?.identity.arn;
      const chained = isKnownChainedRole(session.identity, { plan, ...(parentArn !== undefined ? { parentArn } : {}) });
      const { arn, name, region } = session.identity;
      const link = await createConsoleLink({
        identity: { arn, name, region },
        credentials: await session.getCredentials(),
        chained,
        sessionDurationSeconds: clampConsoleDuration(SETTING),
        federationEndpoint: fake.endpoint,
      });
      made.push(link);
      return { chained, link };
    };
    const tokenRequests = (): FederationRequest[] => fake.requests.slice(seen).filter((r) => r.action === 'getSigninToken');
    /** Follows a login link the way the browser does; the ARN the fake's page says it signed in. */
    const signedInAs = async (link: ConsoleLink): Promise<string> => {
      const page = await nodeGet(link.url, 5000);
      assert.equal(page.status, 200, 'the login link was refused');
      return /<dd id="arn">([^<]*)<\/dd>/.exec(page.body)?.[1] ?? '(no ARN on the page)';
    };
    /** One getSigninToken, accepted, asked with `duration` (undefined: none): nothing refused. */
    const assertOneRequest = (duration: number | undefined): void => {
      assert.deepEqual(
        tokenRequests().map((r) => ({ status: r.status, duration: r.params.SessionDuration, reason: r.reason })),
        [{ status: 200, duration: duration === undefined ? undefined : String(duration), reason: undefined }],
      );
    };

    it('Assume Role… from an identity with IAM user keys: not chained, the console session lasts the setting', async () => {
      await h.manager.useProfile('static');
      const role = await h.manager.assumeRole({ roleArn: DEPLOY, source: { type: 'active' } });
      const { chained, link } = await signIn();
      assert.equal(chained, false);
      assertOneRequest(SETTING);
      assert.equal(link.sessionDuration, SETTING);
      assert.equal(await signedInAs(link), role.arn);
      assert.match(link.description, new RegExp(`^console sign-in for ${role.arn} through the role session,`));
    });

    it('Assume Role… with a profile whose credential_process gives long-lived keys: not chained, the setting', async () => {
      const role = await h.manager.assumeRole({ roleArn: DEPLOY, source: { type: 'profile', profile: 'lt-process' } });
      const { chained, link } = await signIn();
      assert.equal(chained, false);
      assertOneRequest(SETTING);
      assert.equal(await signedInAs(link), role.arn);
    });

    it('a role profile whose source_profile is itself, holding the keys: not chained, the setting', async () => {
      const role = await h.manager.useProfile('self');
      const { chained, link } = await signIn();
      assert.equal(chained, false);
      assertOneRequest(SETTING);
      assert.equal(await signedInAs(link), role.arn);
    });

    it('a role profile whose source is a credential_process giving long-lived keys: not chained, the setting', async () => {
      const role = await h.manager.useProfile('role-from-lt-process');
      const { chained, link } = await signIn();
      assert.equal(chained, false);
      assertOneRequest(SETTING);
      assert.equal(await signedInAs(link), role.arn);
    });

    it('a chained role profile (role from a role): chained, no SessionDuration, one request, nothing refused', async () => {
      const role = await h.manager.useProfile('chain');
      const { chained, link } = await signIn();
      assert.equal(chained, true);
      assertOneRequest(undefined);
      assert.equal(link.sessionDuration, undefined);
      assert.equal(await signedInAs(link), role.arn);
      assert.match(link.description, /through the chained role session/);
    });

    it('Assume Role… from an active role session: chained, no SessionDuration, one request, nothing refused', async () => {
      await h.manager.useProfile('role');
      const role = await h.manager.assumeRole({ roleArn: 'arn:aws:iam::444455556666:role/Admin', source: { type: 'active' } });
      const { chained, link } = await signIn();
      assert.equal(chained, true);
      assertOneRequest(undefined);
      assert.equal(await signedInAs(link), role.arn);
    });

    it('a role chained behind a credential_process (unknowable): asks with the setting, refused once, then signed in without it', async () => {
      const role = await h.manager.useProfile('role-from-role-process');
      const { chained, link } = await signIn();
      assert.equal(chained, false, 'nothing in the config says the source is a role session');
      const requests = tokenRequests();
      assert.deepEqual(
        requests.map((r) => ({ status: r.status, duration: r.params.SessionDuration })),
        [
          { status: 400, duration: String(SETTING) },
          { status: 200, duration: undefined },
        ],
      );
      assert.match(requests[0]!.reason ?? '', /chained role session/);
      assert.equal(link.sessionDuration, undefined);
      assert.equal(await signedInAs(link), role.arn);
      assert.match(link.description, /asked again without a session duration/);
    });
  });
});
