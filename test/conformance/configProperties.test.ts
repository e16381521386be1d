/**
 * Property tests: on generated config/credentials files, what the model says of every profile
 * agrees with the AWS CLI's own reading (botocore on this machine, one Python process per batch),
 * and each profile's plan is the one botocore would follow (the roles it assumes, in order, with
 * the durations it sends). No mocks: real files on disk, the real botocore.
 *
 * Replay a failure with FC_SEED=<seed> (printed on failure).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { loadProfileListing, loadProfileModel, readConfigSnapshot } from '../../src/config/snapshot';
import type { ProfileKind, ProfileModel } from '../../src/shared/types';
import { type OracleProfile, type OracleReading, type OracleValue, readWithBotocore, BOTOCORE_ERROR_TOPICS } from '../support/botocore';
import { SECRET_MARK, configCase, renderCase } from '../support/configArbitraries';

const BATCH = Number(process.env.CONFIG_PROPERTY_BATCH ?? 150);
const RUNS = Number(process.env.CONFIG_PROPERTY_RUNS ?? 2);

// The spec, written independently of src/config.
const ONE_LINE_KEYS = [
  'region', 'role_arn', 'source_profile', 'credential_source', 'mfa_serial', 'external_id', 'role_session_name', 'duration_seconds',
  'web_identity_token_file', 'sso_session', 'sso_start_url', 'sso_region', 'sso_account_id', 'sso_role_name', 'credential_process',
  'login_session', 'aws_access_key_id', 'aws_secret_access_key', 'aws_session_token',
];
const IAM_ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::[0-9]{12}:role\/([!-~]*\/)?[A-Za-z0-9_+=,.@-]{1,64}$/;

const isSecret = (v: OracleValue | undefined): v is { sha256: string; multiline: boolean; block: boolean } => typeof v === 'object' && v !== null && 'sha256' in v;
const isBlock = (v: OracleValue | undefined): boolean => typeof v === 'object' && v !== null && (!('sha256' in v) || v.block === true);
const asString = (v: OracleValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

function kindOfMethod(method: string | undefined, s: Record<string, OracleValue>): ProfileKind {
  switch (method) {
    case 'assume-role':
      return 'credential_source' in s && !('source_profile' in s) ? 'credentialSource' : 'sourceProfile';
    case 'assume-role-with-web-identity':
      return 'webIdentity';
    case 'sso':
      return 'sso';
    case 'shared-credentials-file':
    case 'config-file':
      return 'static';
    case 'custom-process':
      return 'process';
    case 'login':
      return 'login';
    default:
      throw new Error(`unknown botocore method ${method}`);
  }
}

/** Python int() for the ASCII values the generator writes; undefined where int() raises. */
function pythonInt(raw: string): number | undefined {
  const t = raw.trim();
  return /^[+-]?[0-9]+(_[0-9]+)*$/.test(t) ? Number(t.replace(/_/g, '')) : undefined;
}

function durationReason(raw: OracleValue | undefined, chained: boolean): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const cli = pythonInt(raw);
  // int() refuses it: botocore leaves the duration out, STS's one hour applies.
  if (cli === undefined) return undefined;
  if (cli < 900 || cli > 43200) return `duration_seconds ${cli} outside 900..43200`;
  if (chained && cli > 3600) return `duration_seconds ${cli} over an hour in a role chain`;
  return undefined;
}

/**
 * Why the model must report a problem although botocore resolves the profile (or finds none):
 * what STS would refuse, an invalid region, an indented value (in the profile, or in a profile of
 * its chain, whose values the plan would pass on), settings no provider uses.
 */
function reasonsBeyondBotocore(name: string, reading: OracleReading): string[] {
  const profiles = reading.profiles!;
  const p = profiles[name]!;
  const s = p.settings;
  const reasons: string[] = [];
  const continued = (settings: Record<string, OracleValue>): string[] =>
    ONE_LINE_KEYS.filter((k) => {
      const v = settings[k];
      return isBlock(v) || asString(v)?.includes('\n') || (isSecret(v) && v.multiline);
    });
  for (const k of continued(s)) reasons.push(`${k} is an indented block or continues on indented lines`);
  /** An sso-session start URL or region given as a block, for a profile the SSO provider claims. */
  const sessionBlock = (settings: Record<string, OracleValue>): boolean => {
    const session = asString(settings.sso_session);
    const sessionSettings = session === undefined ? undefined : reading.ssoSessionSettings?.[session];
    return !!sessionSettings && ('sso_account_id' in settings || 'sso_role_name' in settings) && (isBlock(sessionSettings.sso_start_url) || isBlock(sessionSettings.sso_region));
  };
  if (typeof s.region === 'string' && s.region !== '' && p.regionValid === false) reasons.push('invalid region');
  if (p.verdict === 'credentials') {
    p.roleChain.forEach((prof, i) => {
      const ps = profiles[prof]!.settings;
      if (!IAM_ROLE_ARN.test(asString(ps.role_arn) ?? '')) reasons.push(`role_arn of ${prof} is not a role ARN`);
      const d = durationReason(ps.duration_seconds, i < p.roleChain.length - 1);
      if (d) reasons.push(d);
    });
    if (p.method === 'assume-role-with-web-identity' && !IAM_ROLE_ARN.test(asString(s.role_arn) ?? '')) reasons.push('web identity role_arn');
    const last = p.roleChain[p.roleChain.length - 1];
    const source = last === undefined ? undefined : asString(profiles[last]!.settings.source_profile);
    const ss = source === undefined ? undefined : profiles[source]?.settings;
    // botocore's web identity provider takes any truthy web_identity_token_file (a block too).
    const claimsWebIdentity = ss !== undefined && (isBlock(ss.web_identity_token_file) || !!asString(ss.web_identity_token_file));
    if (ss && claimsWebIdentity && !IAM_ROLE_ARN.test(asString(ss.role_arn) ?? '')) reasons.push('source web identity role_arn');
    for (const prof of [...p.roleChain.slice(1), ...(source !== undefined && source !== name ? [source] : [])]) {
      if (continued(profiles[prof]!.settings).length > 0) reasons.push(`${prof}, in the chain, has an indented value`);
    }
    if (p.method === 'sso' && sessionBlock(s)) reasons.push('sso-session value is a block');
    if (ss && !claimsWebIdentity && sessionBlock(ss)) reasons.push('source sso-session value is a block');
  }
  if (p.verdict === 'none') {
    if (('aws_secret_access_key' in s || 'aws_session_token' in s) && !('aws_access_key_id' in s)) reasons.push('secret without key id');
    const session = asString(s.sso_session);
    if (session !== undefined && !(reading.ssoSessions ?? []).includes(session)) reasons.push('missing sso-session');
    if (!('sso_session' in s) && ('sso_start_url' in s || 'sso_region' in s)) reasons.push('legacy SSO without account/role');
  }
  return reasons;
}

function check(reading: OracleReading, model: ProfileModel, files: { config: string; credentials: string }): void {
  assert.ok(!JSON.stringify(model).includes(SECRET_MARK), 'a secret value reached the model');
  if (reading.fullConfigError) {
    for (const [which, file] of Object.entries(files)) {
      if (!reading.fileErrors[which as 'config' | 'credentials']) continue;
      assert.ok(
        model.fileProblems.some((p) => p.startsWith(`The AWS CLI cannot read ${file}`)),
        `botocore refuses the ${which} file (${reading.fileErrors[which as 'config']}) but fileProblems says ${JSON.stringify(model.fileProblems)}`,
      );
      for (const p of model.profiles) {
        if (p.definedIn.some((d) => d.file === file)) assert.ok(p.problem, `profile ${p.name} is in a file the CLI refuses but has no problem`);
      }
    }
    return;
  }
  assert.ok(!model.fileProblems.some((p) => p.includes('The AWS CLI cannot read')), `botocore reads the files but the model says ${JSON.stringify(model.fileProblems)}`);
  assert.deepEqual([...model.ssoSessions].sort(), [...(reading.ssoSessions ?? [])].sort(), 'sso-session names');
  const oracleProfiles = reading.profiles ?? {};
  const byName = new Map(model.profiles.map((p) => [p.name, p]));
  assert.equal(byName.size, model.profiles.length, 'profile names are unique');
  for (const p of model.profiles) {
    if (!(p.name in oracleProfiles)) {
      assert.match(p.problem ?? '', /^The AWS CLI ignores the section/, `the model lists "${p.name}", which botocore does not know, without saying the CLI ignores it`);
    }
  }
  for (const [name, o] of Object.entries(oracleProfiles) as [string, OracleProfile][]) {
    const m = byName.get(name);
    assert.ok(m, `botocore knows profile "${name}" but the model does not list it`);
    const s = o.settings;
    // Values continued on indented lines are shown up to the line break (the rest may be a secret).
    const shown = (v: OracleValue | undefined): string | undefined => asString(v)?.split('\n')[0];
    assert.equal(m.region, shown(s.region) || undefined, `region of "${name}"`);
    assert.equal(m.roleArn, shown(s.role_arn), `role_arn of "${name}"`);
    assert.equal(m.sourceProfile, shown(s.source_profile), `source_profile of "${name}"`);
    const reasons = reasonsBeyondBotocore(name, reading);
    const expectProblem = o.verdict === 'error' || reasons.length > 0;
    assert.equal(
      m.problem !== undefined,
      expectProblem,
      `"${name}": botocore says ${o.verdict}${o.error ? ` (${o.error})` : ''}${reasons.length ? `, and ${reasons.join(', ')}` : ''}; the model says ${m.problem ?? 'no problem'}`,
    );
    if (o.verdict === 'credentials') assert.equal(m.kind, kindOfMethod(o.method, s), `kind of "${name}" (botocore used ${o.method})`);
    if (o.verdict === 'none') assert.equal(m.kind, 'none', `kind of "${name}" (botocore finds no credentials)`);
    if (o.verdict === 'error' && !reasons.some((r) => r.includes('indented'))) {
      const topic = BOTOCORE_ERROR_TOPICS.find(([b]) => b.test(o.error ?? ''));
      assert.ok(topic, `no topic known for botocore's error ${o.error}`);
      assert.match(m.problem!, topic[1], `"${name}": botocore says ${o.error}`);
    }
  }
}

describe('config model vs the AWS CLI (botocore) on generated files', function () {
  this.timeout(180_000);
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'config-properties-'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it(`agrees with botocore on every profile (${RUNS} batches of ${BATCH} generated file pairs), and plans the roles botocore assumes`, async () => {
    const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Date.now() % 2 ** 31;
    let batchNo = 0;
    let checkedProfiles = 0;
    const stats = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(configCase, { minLength: BATCH, maxLength: BATCH }), async (specs) => {
        const dir = path.join(root, String(batchNo++));
        const cases = specs.map((spec, i) => ({ id: String(i), ...renderCase(spec) }));
        const oracle = readWithBotocore(cases);
        for (const c of cases) {
          const caseDir = path.join(dir, c.id);
          fs.mkdirSync(caseDir, { recursive: true });
          const files = { config: path.join(caseDir, 'config'), credentials: path.join(caseDir, 'credentials') };
          if (c.config !== undefined) fs.writeFileSync(files.config, c.config);
          if (c.credentials !== undefined) fs.writeFileSync(files.credentials, c.credentials);
          const model = await loadProfileModel({ configFile: files.config, credentialsFile: files.credentials });
          const reading = oracle.cases[Number(c.id)]!;
          try {
            check(reading, model, files);
          } catch (e) {
            throw new Error(
              `${(e as Error).message}\n--- config ---\n${c.config ?? '(no file)'}\n--- credentials ---\n${c.credentials ?? '(no file)'}\n--- model ---\n${JSON.stringify(model, null, 1)}\n--- botocore ---\n${JSON.stringify(reading, null, 1)}`,
            );
          }
          // The Profiles view's listing describes profiles page by page: each page is the model's
          // start, and the model it then completes is the one loadProfileModel builds.
          const listing = await loadProfileListing({ configFile: files.config, credentialsFile: files.credentials });
          assert.equal(listing.total, model.profiles.length, 'the listing counts a different number of profiles than the model lists');
          for (const count of [1, Math.ceil(model.profiles.length / 2), model.profiles.length + 1]) {
            assert.deepEqual(listing.first(count), model.profiles.slice(0, count), `listing.first(${count}) is not the start of the model`);
          }
          assert.deepEqual(listing.model(), model, 'the model completed from a partly described listing differs');
          // The check before a switch describes one profile only: exactly as the full model does.
          // Its plan is the listing's problem, or the roles botocore assumes with the durations it sends.
          const snapshot = await readConfigSnapshot({ configFile: files.config, credentialsFile: files.credentials });
          for (const p of model.profiles) {
            const one = await loadProfileModel({ configFile: files.config, credentialsFile: files.credentials }, { only: p.name });
            assert.deepEqual(one.profiles, [p], `loadProfileModel(…, { only: ${JSON.stringify(p.name)} }) differs from the full model's entry`);
            const plan = snapshot.plan(p.name);
            if (p.problem) assert.deepEqual(plan, { problem: p.problem }, `the plan of "${p.name}" does not give the listing's problem`);
            const o = reading.profiles?.[p.name];
            if (!p.problem && o?.verdict === 'credentials') {
              assert.ok(!('problem' in plan), `"${p.name}" is usable but has no plan: ${'problem' in plan ? plan.problem : ''}`);
              assert.deepEqual(
                plan.roles.map((r) => ({ roleArn: r.roleArn, durationSeconds: r.durationSeconds ?? null })),
                o.assumedRoles,
                `the roles planned for "${p.name}" are not those botocore assumes`,
              );
            }
          }
          checkedProfiles += model.profiles.length;
          if (process.env.CONFIG_PROPERTY_STATS) {
            for (const [n, o] of Object.entries(reading.profiles ?? {})) {
              const key = `${o.verdict}${o.method ? `/${o.method}` : ''}${model.profiles.find((p) => p.name === n)?.problem ? ' +problem' : ''}`;
              stats.set(key, (stats.get(key) ?? 0) + 1);
            }
            if (reading.fullConfigError) stats.set('refused file', (stats.get('refused file') ?? 0) + 1);
          }
        }
      }),
      {
        seed,
        numRuns: RUNS,
        endOnFailure: true,
        reporter: (run) => {
          if (run.failed) throw new Error(`FC_SEED=${seed} reproduces this:\n${(run.errorInstance as Error | undefined)?.message ?? "failed"}`);
        },
      },
    );
    if (process.env.CONFIG_PROPERTY_STATS) console.log([...stats].sort().map(([k, v]) => `${k}: ${v}`).join('\n'));
    assert.ok(checkedProfiles > RUNS * BATCH, `only ${checkedProfiles} profiles were checked`);
  });

  it('never throws and never drops a profile, on arbitrary bytes', async () => {
    const dir = fs.mkdtempSync(path.join(root, 'bytes-'));
    const file = path.join(dir, 'config');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.array(fc.constantFrom('[', ']', 'profile ', 'default', '"', "'", '=', ':', '#', ';', ' ', '\t', '\n', '\r', '\r\n', 'a', 'role_arn', 'source_profile', '\u00e9', '\ufeff'), { maxLength: 60 }).map((a) => Buffer.from(a.join(''))),
        ),
        async (bytes) => {
          fs.writeFileSync(file, bytes);
          const model = await loadProfileModel({ configFile: file, credentialsFile: path.join(dir, 'none') });
          for (const p of model.profiles) assert.ok(p.kind && Array.isArray(p.definedIn), `profile ${p.name} is malformed`);
        },
      ),
      { numRuns: 300 },
    );
  });
});
