/**
 * Awkward configs, as people and generators write them, and a realistic organisation config
 * (test/fixtures/org-config): for every profile botocore knows, the extension lists it with no
 * problem exactly when botocore resolves it, with a problem about botocore's own reason where
 * botocore refuses it, and plans the roles botocore would assume (innermost first, with the
 * durations it sends). One botocore process reads every case, in `before`.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readConfigSnapshot, type ConfigSnapshot } from '../../src/config/snapshot';
import type { ProfileKind } from '../../src/shared/types';
import { BOTOCORE_ERROR_TOPICS, type OracleReading } from '../support/botocore';
import { ARN, caseFiles, cli, type Files, keys, readCasesWithBotocore, scenario, SECRET } from '../support/profileCases';

const ORG = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'org-config');


const KIND_OF_METHOD: Readonly<Record<string, ProfileKind>> = {
  'shared-credentials-file': 'static',
  'config-file': 'static',
  sso: 'sso',
  'custom-process': 'process',
  'assume-role-with-web-identity': 'webIdentity',
  login: 'login',
};

async function snapshotFor(id: string): Promise<ConfigSnapshot> {
  const { configFile, credentialsFile } = caseFiles(id);
  return readConfigSnapshot({ configFile, credentialsFile });
}

/** Every profile botocore knows: listed, usable iff botocore resolves it, and planned as botocore would. */
function assertAgrees(snapshot: ConfigSnapshot, r: OracleReading): { usable: string[]; refused: string[] } {
  assert.equal(r.fullConfigError, undefined, 'botocore reads the files');
  const usable: string[] = [];
  const refused: string[] = [];
  const model = snapshot.listing.model();
  assert.ok(!JSON.stringify(model).includes(SECRET), 'a secret reached the listing');
  for (const [name, o] of Object.entries(r.profiles ?? {})) {
    const p = model.profiles.find((x) => x.name === name);
    assert.ok(p, `botocore knows "${name}", the listing does not (listed: ${model.profiles.map((x) => x.name).join(', ')})`);
    const plan = snapshot.plan(name);
    if (o.verdict === 'credentials') {
      usable.push(name);
      assert.equal(p.problem, undefined, `botocore resolves "${name}" (${o.method}); the listing says ${p.problem}`);
      assert.ok(!('problem' in plan), `"${name}" has no plan`);
      if (o.method === 'assume-role') assert.match(p.kind, /^(sourceProfile|credentialSource)$/);
      else assert.equal(p.kind, KIND_OF_METHOD[o.method!], `kind of "${name}"`);
      assert.equal(plan.kind, p.kind);
      assert.deepEqual(
        plan.roles.map((x) => ({ roleArn: x.roleArn, durationSeconds: x.durationSeconds ?? null })),
        o.assumedRoles,
        `roles of "${name}"`,
      );
    } else if (o.verdict === 'error') {
      refused.push(name);
      assert.ok(p.problem, `botocore refuses "${name}" (${o.error}); the listing has no problem`);
      const topic = BOTOCORE_ERROR_TOPICS.find(([b]) => b.test(o.error ?? ''));
      assert.ok(topic, `no topic known for botocore's error ${o.error}`);
      assert.match(p.problem, topic[1], `"${name}": botocore says ${o.error}`);
      assert.deepEqual(plan, { problem: p.problem }, 'the plan gives the listing\'s problem');
    } else {
      assert.equal(p.kind, 'none', `botocore finds no credentials for "${name}"`);
      assert.ok('problem' in plan);
    }
  }
  for (const p of model.profiles) if (!(p.name in (r.profiles ?? {}))) assert.match(p.problem ?? '', /^The AWS CLI ignores the section/, `"${p.name}" is listed but botocore does not know it`);
  return { usable, refused };
}

function agrees(title: string, files: Files, expect: { usable: string[]; refused?: string[] }): void {
  scenario(title, files);
  it(title, async () => {
    const r = cli(title);
    const seen = assertAgrees(await snapshotFor(title), r);
    assert.deepEqual(seen.usable.sort(), [...expect.usable].sort(), 'the profiles botocore resolves');
    assert.deepEqual(seen.refused.sort(), [...(expect.refused ?? [])].sort(), 'the profiles botocore refuses');
  });
}

describe('awkward configs: usable exactly when the AWS CLI can use them (checked against botocore)', () => {
  scenario('org', { config: fs.readFileSync(path.join(ORG, 'config')), credentials: fs.readFileSync(path.join(ORG, 'credentials')) });
  readCasesWithBotocore();

  agrees(
    'quoted, oddly spaced, tabbed and non-ASCII names',
    {
      config:
        `[profile "my profile"]\n${keys}[profile  two-spaces]\n${keys}[profile\ttabbed]\n${keys}[profile 'single quoted']\n${keys}` +
        `[profile "say \\"hi\\""]\n${keys}[profile équipe]\n${keys}[profile "chained name"]\nrole_arn = ${ARN}\nsource_profile = my profile\n`,
    },
    { usable: ['my profile', 'two-spaces', 'tabbed', 'single quoted', 'say "hi"', 'équipe', 'chained name'] },
  );
  agrees(
    'credentials-file sections written [profile x], used as source_profile',
    { config: `[profile r]\nrole_arn = ${ARN}\nsource_profile = profile x\n[profile x]\nregion = us-east-1\n`, credentials: `[profile x]\n${keys}[x]\n${keys}` },
    { usable: ['r', 'profile x', 'x'] },
  );
  agrees(
    'CRLF line endings throughout, with a chain and SSO',
    {
      config: `[profile a]\r\nrole_arn = ${ARN}\r\nsource_profile = b\r\n[profile b]\r\n${keys.replace(/\n/g, '\r\n')}[profile s]\r\nsso_session = x\r\nsso_account_id = 123456789012\r\nsso_role_name = R\r\n[sso-session x]\r\nsso_start_url = https://x.awsapps.com/start\r\nsso_region = us-east-1\r\n`,
      credentials: `[c]\r\n${keys.replace(/\n/g, '\r\n')}`,
    },
    { usable: ['a', 'b', 's', 'c'] },
  );
  agrees(
    'role chains: through roles, to SSO, to a process, to credential_source, to web identity',
    {
      config:
        `[profile top]\nrole_arn = ${ARN}\nsource_profile = mid\nduration_seconds = 1200\n[profile mid]\nrole_arn = arn:aws:iam::210987654321:role/Mid\nsource_profile = base\nduration_seconds = 3600\n[profile base]\n${keys}` +
        `[profile via-sso]\nrole_arn = ${ARN}\nsource_profile = sso\n[profile sso]\nsso_start_url = https://x/start\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = A\n` +
        `[profile via-proc]\nrole_arn = ${ARN}\nsource_profile = proc\n[profile proc]\ncredential_process = /bin/creds\n` +
        `[profile via-env]\nrole_arn = ${ARN}\nsource_profile = env\n[profile env]\nrole_arn = arn:aws:iam::210987654321:role/Env\ncredential_source = Environment\n` +
        `[profile via-web]\nrole_arn = ${ARN}\nsource_profile = web\n[profile web]\nrole_arn = arn:aws:iam::210987654321:role/Web\nweb_identity_token_file = /var/run/token\n`,
    },
    { usable: ['top', 'mid', 'base', 'via-sso', 'sso', 'via-proc', 'proc', 'via-env', 'env', 'via-web', 'web'] },
  );
  agrees(
    'credential_source values, and one botocore does not know',
    { config: `[profile e]\nrole_arn = ${ARN}\ncredential_source = Environment\n[profile i]\nrole_arn = ${ARN}\ncredential_source = Ec2InstanceMetadata\n[profile c]\nrole_arn = ${ARN}\ncredential_source = EcsContainer\n[profile bad]\nrole_arn = ${ARN}\ncredential_source = Ec2\n` },
    { usable: ['e', 'i', 'c'], refused: ['bad'] },
  );
  agrees(
    'credential_process and web identity, set up right and wrong',
    { config: `[profile p]\ncredential_process = "/opt/my tools/creds" --json\n[profile empty]\ncredential_process =\n[profile w]\nrole_arn = ${ARN}\nweb_identity_token_file = /t\n[profile w-no-role]\nweb_identity_token_file = /t\n` },
    { usable: ['p', 'w'], refused: ['empty', 'w-no-role'] },
  );
  agrees(
    'cycles, and a profile that is its own source',
    {
      config:
        `[profile a]\nrole_arn = ${ARN}\nsource_profile = b\n[profile b]\nrole_arn = ${ARN}\nsource_profile = a\n` +
        `[profile self]\nrole_arn = ${ARN}\nsource_profile = self\n${keys}[profile selfless]\nrole_arn = ${ARN}\nsource_profile = selfless\n[profile into-loop]\nrole_arn = ${ARN}\nsource_profile = a\n`,
    },
    { usable: ['self'], refused: ['a', 'b', 'selfless', 'into-loop'] },
  );
  agrees(
    'SSO: sessions, legacy, a missing session, a mismatch, missing settings',
    {
      config:
        '[sso-session corp]\nsso_start_url = https://corp/start\nsso_region = us-east-1\n' +
        '[profile s]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = A\n' +
        '[profile same]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = A\nsso_region = us-east-1\n' +
        '[profile legacy]\nsso_start_url = https://corp/start\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = A\n' +
        '[profile gone]\nsso_session = nope\nsso_account_id = 123456789012\nsso_role_name = A\n' +
        '[profile mismatch]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = A\nsso_region = eu-west-1\n' +
        '[profile half]\nsso_account_id = 123456789012\n',
    },
    { usable: ['s', 'same', 'legacy'], refused: ['gone', 'mismatch', 'half'] },
  );
  agrees(
    'MFA on a role and on static keys (botocore ignores it on keys; the plan uses it for GetSessionToken)',
    { config: `[profile r]\nrole_arn = ${ARN}\nsource_profile = k\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n[profile k]\n${keys}mfa_serial = arn:aws:iam::123456789012:mfa/me\n` },
    { usable: ['r', 'k'] },
  );

  it('the organisation config (SSO generators, a bastion chain, odd names, CRLF): every profile botocore can use is usable', async () => {
    const r = cli('org');
    const snapshot = await readConfigSnapshot({ configFile: path.join(ORG, 'config'), credentialsFile: path.join(ORG, 'credentials') });
    const { usable, refused } = assertAgrees(snapshot, r);
    assert.equal(snapshot.listing.total, 44);
    assert.deepEqual(refused.sort(), ['loop-a', 'loop-b', 'typo-source']);
    assert.ok(usable.includes('data science') && usable.includes('ops') && usable.includes('profile ci'), usable.join(', '));
    assert.equal(usable.length, 40, 'every profile but [default] (a region only) and the three broken ones');
    const bastion = snapshot.plan('bastion');
    assert.ok(!('problem' in bastion) && bastion.sessionTokenMfaSerial === 'arn:aws:iam::999999999999:mfa/alice');
    const deploy = snapshot.plan('prod-deploy');
    assert.ok(!('problem' in deploy));
    assert.deepEqual(
      deploy.roles.map((x) => [x.profile, x.mfaSerial, x.externalId]),
      [
        ['prod-admin', 'arn:aws:iam::999999999999:mfa/alice', undefined],
        ['prod-deploy', undefined, 'acme-ci'],
      ],
    );
  });
});
