import * as assert from 'node:assert/strict';
import { decodeSharedFile } from '../../src/config/configFiles';
import { indexProfiles } from '../../src/config/profileIndex';
import { readIniAsCli } from '../../src/config/iniParser';
import {
  ConfigEditError,
  existingNames,
  nameProblem,
  regionProblem,
  sanitizeName,
  sectionAppendix,
  ssoRoleProfileSection,
  ssoSessionSection,
  startUrlProblem,
  suggestProfileName,
  suggestSessionName,
  withSection,
} from '../../src/config/configEdits';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
const session = ssoSessionSection('corp', 'https://corp.awsapps.com/start', 'eu-west-1');

/** The SSO sessions and profiles the AWS CLI would read from a config file of these bytes. */
function cliView(b: Uint8Array) {
  const decoded = decodeSharedFile(b);
  const reading = readIniAsCli(decoded.text, decoded);
  const empty = { sections: [], continuedValues: false };
  const index = indexProfiles({ config: { path: 'config', reading }, credentials: { path: 'credentials', reading: empty }, fileProblems: [] });
  return { refusal: reading.refusal, sessions: index.ssoSessions, profiles: index.profiles };
}

describe('configEdits: appending a section leaves every other byte as it was', () => {
  it('appends after the last byte of an LF file, separated by one blank line', () => {
    const before = bytes('[default]\nregion = us-east-1\n');
    const after = withSection(before, session);
    assert.deepEqual(after.subarray(0, before.length), before);
    assert.equal(text(after), '[default]\nregion = us-east-1\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n');
    const view = cliView(after);
    assert.equal(view.refusal, undefined);
    assert.equal(view.sessions.get('corp')?.get('sso_start_url'), 'https://corp.awsapps.com/start');
    assert.equal(view.sessions.get('corp')?.get('sso_region'), 'eu-west-1');
  });

  it('keeps CRLF files CRLF, and adds no second blank line after one that is there', () => {
    const before = bytes('[profile a]\r\nregion = us-east-1\r\n\r\n');
    const after = text(withSection(before, session));
    assert.ok(after.startsWith('[profile a]\r\nregion = us-east-1\r\n\r\n[sso-session corp]\r\n'));
    assert.equal(after.replace(/\r\n/g, '').includes('\n'), false, 'a bare LF in a CRLF file');
    assert.ok(after.endsWith('sso:account:access\r\n'));
  });

  it('puts one blank line before the section in CRLF and CR-only files too, in their own line ending', () => {
    assert.ok(text(sectionAppendix(bytes('[default]\r\nregion = us-east-1\r\n'), session)).startsWith('\r\n[sso-session corp]\r\n'));
    const cr = withSection(bytes('[default]\rregion = us-east-1\r'), session);
    assert.equal(text(cr), '[default]\rregion = us-east-1\r\r[sso-session corp]\rsso_start_url = https://corp.awsapps.com/start\rsso_region = eu-west-1\rsso_registration_scopes = sso:account:access\r');
    assert.equal(cliView(cr).sessions.get('corp')?.get('sso_region'), 'eu-west-1');
    assert.equal(cliView(cr).profiles.get('default')?.settings.get('region'), 'us-east-1');
  });

  it('ends an unterminated last line first (LF and CRLF)', () => {
    assert.equal(text(sectionAppendix(bytes('[profile a]\nregion = x'), session)).slice(0, 21), '\n\n[sso-session corp]\n');
    assert.ok(text(sectionAppendix(bytes('[profile a]\r\nregion = x'), session)).startsWith('\r\n\r\n[sso-session corp]\r\n'));
    const after = withSection(bytes('[profile a]\nregion = eu-west-1'), session);
    assert.equal(cliView(after).profiles.get('a')?.settings.get('region'), 'eu-west-1');
  });

  it('keeps a byte-order mark and bytes that are not UTF-8 exactly', () => {
    const before = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes('# caf'), 0xe9, ...bytes('\n[profile a]\nregion = us-east-1\n')]);
    const after = withSection(before, session);
    assert.deepEqual(after.subarray(0, before.length), before);
    assert.ok(text(after.subarray(before.length)).startsWith('\n[sso-session corp]\n'));
  });

  it('a missing or empty file gets the section alone, no BOM, no leading blank line', () => {
    assert.equal(text(withSection(undefined, session)).split('\n')[0], '[sso-session corp]');
    assert.equal(text(withSection(new Uint8Array(), session)).split('\n')[0], '[sso-session corp]');
  });

  it('never overwrites: an existing session or profile name is refused, with the next step', () => {
    const before = bytes('[sso-session corp]\nsso_start_url = https://old.awsapps.com/start\nsso_region = us-east-1\n[profile "dev"]\n[default]\n');
    assert.throws(() => withSection(before, session), (e: unknown) => e instanceof ConfigEditError && /already exists.*choose another name/.test(e.message));
    const profile = ssoRoleProfileSection('dev', { session: 'corp', accountId: '123456789012', roleName: 'Admin' });
    assert.throws(() => withSection(before, profile), /\[profile dev\] already exists/);
    assert.throws(() => withSection(before, { ...profile, name: 'default' }), /default/);
    // A profile may share a session's name: they are different kinds of section.
    assert.ok(text(withSection(before, { ...profile, name: 'corp' })).endsWith('[profile corp]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Admin\n'));
  });

  it('a profile for an SSO role is read back by the CLI rules as an SSO profile of that session', () => {
    const before = withSection(bytes('[default]\n'), session);
    const after = withSection(before, ssoRoleProfileSection('corp-Admin', { session: 'corp', accountId: '123456789012', roleName: 'Admin', region: 'eu-west-1' }));
    const s = cliView(after).profiles.get('corp-Admin')?.settings;
    assert.equal(s?.get('sso_session'), 'corp');
    assert.equal(s?.get('sso_account_id'), '123456789012');
    assert.equal(s?.get('sso_role_name'), 'Admin');
    assert.equal(s?.get('region'), 'eu-west-1');
  });

  it('refuses values that would spill onto another line', () => {
    assert.throws(() => withSection(undefined, { kind: 'profile', name: 'x', settings: [['region', 'us-east-1\n[profile y]']] }), ConfigEditError);
  });
});

describe('configEdits: names and validation', () => {
  it('reads existing names as the CLI reads headers (quotes, default)', () => {
    const names = existingNames(bytes('[profile "a"]\n[profile  b]\n[default]\n[sso-session s1]\n[sso-session "s 2"]\n'), 'profile');
    assert.deepEqual([...names].sort(), ['a', 'b', 'default']);
    assert.deepEqual([...existingNames(bytes('[sso-session s1]\n[sso-session "s 2"]\n'), 'sso-session')].sort(), ['s 2', 's1']);
  });

  it('takes a name from any header the CLI reads as that kind, whatever its first word', () => {
    // botocore only checks that the header starts with the kind, then takes the second word.
    const file = bytes('[sso-sessions corp]\nsso_start_url = https://old.awsapps.com/start\n[profiles newp]\nregion = x\n[profile-x other]\n');
    assert.deepEqual([...existingNames(file, 'sso-session')], ['corp']);
    assert.deepEqual([...existingNames(file, 'profile')].sort(), ['newp', 'other']);
    assert.throws(() => sectionAppendix(file, session), (e: unknown) => e instanceof ConfigEditError && /already exists/.test(e.message));
    assert.equal(cliView(file).sessions.get('corp')?.get('sso_start_url'), 'https://old.awsapps.com/start');
  });

  it('validates names, start URLs and regions with a sentence saying what to type', () => {
    assert.equal(nameProblem('profile', 'dev-Admin', new Set()), undefined);
    assert.match(nameProblem('profile', 'has space', new Set())!, /no spaces/);
    assert.match(nameProblem('sso-session', '', new Set())!, /needed/);
    assert.match(nameProblem('sso-session', 'x'.repeat(65), new Set())!, /at most 64/);
    assert.equal(startUrlProblem('https://d-1234567890.awsapps.com/start'), undefined);
    assert.match(startUrlProblem('http://d-1234567890.awsapps.com/start')!, /https/);
    assert.match(startUrlProblem('d-1234567890')!, /not a URL/);
    assert.match(startUrlProblem('')!, /start URL/);
    assert.equal(regionProblem('eu-west-1'), undefined);
    assert.equal(regionProblem('us-gov-west-1'), undefined);
    assert.equal(regionProblem('eusc-de-east-1'), undefined, 'the European Sovereign Cloud');
    assert.equal(regionProblem('us-isob-east-1'), undefined);
    assert.match(regionProblem('Ireland')!, /not a region name/);
  });

  it('suggests free, sanitized names', () => {
    assert.equal(suggestSessionName('https://my-company.awsapps.com/start', new Set()), 'my-company');
    assert.equal(suggestSessionName('https://my-company.awsapps.com/start', new Set(['my-company'])), 'my-company-2');
    assert.equal(suggestSessionName('nonsense', new Set()), 'sso');
    assert.equal(suggestProfileName('Prod Payments (EU)', 'AdministratorAccess', new Set()), 'Prod-Payments-EU-AdministratorAccess');
    assert.equal(suggestProfileName('Café', 'Read', new Set(['Cafe-Read'])), 'Cafe-Read-2');
    assert.equal(sanitizeName('  --a  b--  '), 'a-b');
    const long = suggestProfileName('x'.repeat(80), 'Role', new Set());
    assert.ok(long.length <= 64 && nameProblem('profile', long, new Set()) === undefined);
  });
});
