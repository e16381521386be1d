import * as assert from 'node:assert/strict';
import { clockTime, moreProfilesRowView, profileRowView, profileTooltip, statusView, formatRemaining, md, toStatusState } from '../../src/vscode/views/presentation';
import type { Identity, ProfileInfo } from '../../src/shared/types';

const base: ProfileInfo = { name: 'dev', kind: 'static', definedIn: [{ file: '/home/u/.aws/credentials', line: 3 }] };
const identity: Identity = {
  arn: 'arn:aws:sts::123456789012:assumed-role/Admin/vscode-alice',
  account: '123456789012',
  name: 'Admin',
  source: { type: 'profile', profile: 'dev-admin' },
  region: 'eu-west-1',
  regionSource: 'profile',
  expiration: new Date(Date.UTC(2026, 10, 21, 12, 0, 0)),
};
const NOW = Date.UTC(2026, 10, 21, 11, 0, 0);
/** A row with its hover tooltip, as the tree shows them (the tooltip is resolved on hover). */
const profileItemView = (p: ProfileInfo, active: boolean, fallback: string) => ({ ...profileRowView(p, active, fallback), tooltip: profileTooltip(p, active, fallback) });

describe('presentation: profile rows', () => {
  it('shows kind, region and MFA in the description; no region says which applies', () => {
    const v = profileItemView({ ...base, kind: 'sourceProfile', roleArn: 'arn:aws:iam::123456789012:role/Admin', sourceProfile: 'base', mfaSerial: 'arn:aws:iam::123456789012:mfa/alice' }, false, 'us-east-1');
    assert.equal(v.description, 'role via source_profile · us-east-1 (default) · MFA');
    assert.match(v.tooltip, /Role ARN: `arn:aws:iam::123456789012:role\/Admin`/);
    assert.match(v.tooltip, /MFA: required/);
    assert.match(v.tooltip, /credentials:4/);
    assert.equal(v.contextValue, 'awsIdentity.profile.usable');
  });
  it('marks the active profile', () => {
    const v = profileItemView({ ...base, region: 'eu-west-1' }, true, 'us-east-1');
    assert.equal(v.description, 'active · static keys · eu-west-1');
    assert.equal(v.contextValue, 'awsIdentity.profile.usable.active');
    assert.equal(v.icon, 'pass-filled');
  });
  it('names the region chosen for the profile in this workspace (what a switch uses), not its own', () => {
    const p = { ...base, region: 'us-west-2' };
    assert.equal(profileRowView(p, true, 'us-east-1', 'eu-west-1').description, 'active · static keys · eu-west-1 (chosen)');
    assert.match(profileTooltip(p, true, 'us-east-1', 'eu-west-1'), /Region: eu\\-west\\-1 \(chosen for this profile in this workspace; the profile says us\\-west\\-2\)/);
    // A choice equal to the profile's own region is no news; no choice leaves the row as it was.
    assert.equal(profileRowView(p, true, 'us-east-1', 'us-west-2').description, 'active · static keys · us-west-2');
    assert.equal(profileRowView({ ...base }, false, 'us-east-1', 'eu-north-1').description, 'static keys · eu-north-1 (chosen)');
  });
  it('shows an unusable profile with its reason instead of dropping it', () => {
    const v = profileItemView({ ...base, kind: 'sourceProfile', problem: 'source_profile "missing" is not defined.' }, false, 'us-east-1');
    assert.equal(v.description, '⚠ source_profile "missing" is not defined.');
    assert.equal(v.icon, 'warning');
    assert.equal(v.contextValue, 'awsIdentity.profile.invalid');
    assert.match(v.tooltip, /Cannot be used/);
  });
  it('escapes Markdown in user data', () => {
    assert.equal(md('a*b_[c]'), 'a\\*b\\_\\[c\\]');
  });
});

describe('presentation: the row after the first profiles', () => {
  it('says how many profiles there are and how many are not listed, and how to find one', () => {
    const view = moreProfilesRowView(10_000, 9_500);
    assert.equal(view.label, 'Show all 10,000 profiles');
    assert.equal(view.description, '9,500 more');
    assert.match(view.tooltip, /first 500 profiles/);
    assert.match(view.tooltip, /Switch Identity/);
  });
});

describe('presentation: status bar', () => {
  it('shows who you are at a glance, with ARN, account, region, source and expiry in the tooltip', () => {
    const v = statusView({ status: 'active', identity }, NOW, 10);
    assert.equal(v.text, '$(cloud) Admin (123456789012)');
    assert.equal(v.severity, 'normal');
    for (const part of [identity.arn, 'Account: 123456789012', 'Region: eu\\-west\\-1', 'profile `dev-admin`', '2026-11-21T12:00:00Z', 'in 1 h']) {
      assert.ok(v.tooltip.includes(part), `tooltip lacks ${part}:\n${v.tooltip}`);
    }
  });
  it('turns to the warning colour within the warning window, and error once expired', () => {
    assert.equal(statusView({ status: 'active', identity }, identity.expiration!.getTime() - 9 * 60_000, 10).severity, 'warning');
    assert.equal(statusView({ status: 'active', identity }, identity.expiration!.getTime() - 11 * 60_000, 10).severity, 'normal');
    assert.equal(statusView({ status: 'active', identity }, identity.expiration!.getTime() + 1, 10).severity, 'error');
  });
  it('shows a renewal failure as a warning while the credentials are still valid', () => {
    const v = statusView({ status: 'active', identity, refreshError: 'STS unreachable.' }, NOW, 10);
    assert.equal(v.severity, 'warning');
    assert.match(v.tooltip, /Renewing credentials failed/);
  });
  it('after a failed switch shows the error and still names the previous identity', () => {
    const v = statusView({ status: 'error', message: 'AccessDenied: not allowed.', previous: identity }, NOW, 10);
    assert.equal(v.severity, 'error');
    assert.equal(v.text, '$(error) Admin (123456789012)');
    assert.match(v.tooltip, /Switch failed/);
    assert.match(v.tooltip, /Still using \*\*Admin\*\*/);
  });
  it('says when renewing needs an IAM Identity Center sign-in: which session, until when, and what to do', () => {
    const sso: Identity = { ...identity, name: 'SsoAdmin', source: { type: 'ssoRole', sessionName: 'corp', startUrl: 'https://corp.awsapps.com/start', ssoRegion: 'eu-west-1', accountId: '123456789012', roleName: 'SsoAdmin' } };
    const v = statusView({ status: 'active', identity: sso, signInNeeded: 'corp', refreshError: 'The portal refused the token.' }, NOW, 10);
    assert.equal(v.severity, 'warning');
    assert.equal(v.text, '$(warning) SsoAdmin (123456789012): sign-in needed');
    const hhmm = clockTime(sso.expiration!);
    assert.ok(v.tooltip.includes(`**The IAM Identity Center sign-in for corp expired**, so SsoAdmin cannot be renewed: its credentials last until ${hhmm}.`), v.tooltip);
    assert.match(v.tooltip, /Next step: choose \*\*Sign In\*\* on the notification, or run \*\*IAM Identity Center: Sign In\*\*/);
    assert.match(v.tooltip, /aws sso login/);
    assert.ok(v.tooltip.includes(sso.arn), 'still says who you are');
    // Not hidden by the expiry warning window either.
    assert.equal(statusView({ status: 'active', identity: sso, signInNeeded: 'corp' }, sso.expiration!.getTime() - 60_000, 10).text, '$(warning) SsoAdmin (123456789012): sign-in needed');
  });
  it('turns a needed sign-in into an error once the credentials expired', () => {
    const v = statusView({ status: 'active', identity, signInNeeded: 'legacy.awsapps.com' }, identity.expiration!.getTime() + 1, 10);
    assert.equal(v.severity, 'error');
    assert.equal(v.text, '$(error) Admin (123456789012): sign-in needed');
    assert.match(v.tooltip, /sign-in for legacy\\\.awsapps\\\.com expired/);
    assert.match(v.tooltip, /its credentials expired at \d\d:\d\d and AWS calls fail\./);
  });
  it('the presenter passes the manager\'s signInNeeded through to the status bar', () => {
    const session = { sessionName: 'corp', startUrl: 'https://corp.awsapps.com/start', region: 'eu-west-1' };
    assert.deepEqual(toStatusState({ status: 'active', identity, signInNeeded: session }), { status: 'active', identity, signInNeeded: 'corp' });
    const legacy = { startUrl: 'https://legacy.awsapps.com/start', region: 'eu-west-1' };
    assert.deepEqual(toStatusState({ status: 'active', identity, signInNeeded: legacy }), { status: 'active', identity, signInNeeded: 'legacy.awsapps.com' });
    assert.deepEqual(toStatusState({ status: 'active', identity }), { status: 'active', identity });
  });
  it('formats remaining time', () => {
    assert.equal(formatRemaining(-1), 'expired');
    assert.equal(formatRemaining(30_000), 'less than a minute');
    assert.equal(formatRemaining(125 * 60_000), '2 h 5 min');
  });
});
