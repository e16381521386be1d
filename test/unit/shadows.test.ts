/** When the credential endpoint would lose in a terminal, and the mode then used (no VS Code needed). */
import * as assert from 'node:assert/strict';
import { effectiveMode, endpointShadows, profileOverride, terminalEnvironment } from '../../src/terminal/shadows';
import { sampleIdentity } from '../support/identities';


describe('endpointShadows and effectiveMode', () => {
  const profiles = [
    { name: 'default', kind: 'static' as const },
    { name: 'dev', kind: 'sso' as const },
    { name: 'regiononly', kind: 'none' as const },
  ];

  it('nothing shadows the endpoint with no [default] credentials and no selectors', () => {
    assert.deepEqual(endpointShadows({ inherited: {}, profiles: [{ name: 'default', kind: 'none' }, ...profiles.slice(1)] }), []);
    assert.deepEqual(endpointShadows({ inherited: {}, profiles: [] }), []);
    assert.deepEqual(effectiveMode('endpoint', []), { mode: 'endpoint' });
  });

  it('a [default] profile with credentials shadows it (measured: every client prefers it)', () => {
    const shadows = endpointShadows({ inherited: {}, profiles });
    assert.deepEqual(shadows.map((s) => s.cause), ['defaultProfile']);
    const decision = effectiveMode('endpoint', shadows);
    assert.equal(decision.mode, 'environment');
    assert.match(decision.reason!, /\[default\] profile has credentials.*environment variables/);
  });

  it('an inherited AWS_PROFILE with credentials shadows it; one naming a credential-less profile does not', () => {
    assert.deepEqual(endpointShadows({ inherited: { AWS_PROFILE: 'dev' }, profiles }).map((s) => s.cause), ['AWS_PROFILE']);
    // A selector means [default] is not consulted at all.
    assert.deepEqual(endpointShadows({ inherited: { AWS_PROFILE: 'regiononly' }, profiles }), []);
    const unknown = endpointShadows({ inherited: { AWS_PROFILE: 'gone' }, profiles });
    assert.match(unknown[0]!.message, /not found in the config files/);
  });

  it('AWS_DEFAULT_PROFILE and a relative container URI shadow it too; an inherited token (file) does not: ours replaces it', () => {
    const causes = endpointShadows({
      inherited: { AWS_DEFAULT_PROFILE: 'dev', AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/creds', AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: '/var/run/token' },
      profiles,
    }).map((s) => s.cause);
    assert.deepEqual(causes, ['AWS_DEFAULT_PROFILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI']);
  });

  it("a web identity in the environment (a pod's service account role) shadows it: botocore and the JS SDK assume that role first", () => {
    const podRole = { AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token', AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/pod' };
    const shadows = endpointShadows({ inherited: podRole, profiles: profiles.slice(1) });
    assert.deepEqual(shadows.map((s) => s.cause), ['AWS_WEB_IDENTITY_TOKEN_FILE']);
    assert.match(shadows[0]!.message, /VS Code was started with AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN/);
    assert.equal(effectiveMode('endpoint', shadows).mode, 'environment');
    // Either one alone is no web identity to the clients.
    assert.deepEqual(endpointShadows({ inherited: { AWS_ROLE_ARN: podRole.AWS_ROLE_ARN }, profiles: profiles.slice(1) }), []);
  });

  it('terminal.integrated.env.<platform> counts like the inherited environment: AWS_PROFILE there shadows the endpoint and is named', () => {
    const shadows = endpointShadows({ inherited: {}, profiles, configured: { AWS_PROFILE: 'dev' }, configuredName: 'terminal.integrated.env.linux' });
    assert.deepEqual(shadows.map((s) => [s.cause, s.origin]), [['AWS_PROFILE', 'settings']]);
    assert.match(shadows[0]!.message, /The setting terminal\.integrated\.env\.linux sets AWS_PROFILE=dev/);
    assert.equal(effectiveMode('endpoint', shadows).mode, 'environment');
    // The setting can also remove an inherited selector (null), or name a profile via ${env:...}.
    assert.deepEqual(endpointShadows({ inherited: { AWS_PROFILE: 'dev' }, profiles: profiles.slice(1), configured: { AWS_PROFILE: null } }), []);
    assert.deepEqual(endpointShadows({ inherited: { P: 'dev' }, profiles, configured: { AWS_DEFAULT_PROFILE: '${env:P}' } }).map((s) => s.cause), ['AWS_DEFAULT_PROFILE']);
    assert.deepEqual(endpointShadows({ inherited: {}, profiles: profiles.slice(1), configured: { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/x' } }).map((s) => s.origin), ['settings']);
  });

  it('terminalEnvironment: the setting over the inherited environment (null removes, ${env:X} resolves); feeds profileOverride', () => {
    const { env, origin } = terminalEnvironment({ AWS_PROFILE: 'a', HOME: '/h', KEEP: '1' }, { AWS_PROFILE: 'dev', KEEP: null, X: '${env:HOME}/x' });
    assert.deepEqual(env, { AWS_PROFILE: 'dev', HOME: '/h', X: '/h/x' });
    assert.equal(origin('AWS_PROFILE'), 'settings');
    assert.equal(origin('HOME'), 'process');
    assert.deepEqual(profileOverride(sampleIdentity(), terminalEnvironment({}, { AWS_PROFILE: 'dev' }).env), { profile: 'prod-admin' });
  });

  it('unknown profiles (files unreadable): only inherited variables are judged', () => {
    assert.deepEqual(endpointShadows({ inherited: {}, profiles: undefined }), []);
    assert.equal(endpointShadows({ inherited: { AWS_PROFILE: 'x' }, profiles: undefined }).length, 1);
  });

  it('modes other than endpoint are kept as configured', () => {
    const s = endpointShadows({ inherited: {}, profiles });
    assert.deepEqual(effectiveMode('environment', s), { mode: 'environment' });
    assert.deepEqual(effectiveMode('off', s), { mode: 'off' });
  });
});

describe('profileOverride', () => {
  it('nothing to do without an inherited AWS_PROFILE, or when it already names the identity\'s profile', () => {
    assert.deepEqual(profileOverride(sampleIdentity(), {}), {});
    assert.deepEqual(profileOverride(sampleIdentity(), { AWS_PROFILE: '' }), {});
    assert.deepEqual(profileOverride(sampleIdentity(), { AWS_PROFILE: 'prod-admin' }), {});
  });
  it('a profile identity replaces an inherited AWS_PROFILE with its own profile name', () => {
    assert.deepEqual(profileOverride(sampleIdentity(), { AWS_PROFILE: 'dev' }), { profile: 'prod-admin' });
  });
  it('an assumed-role identity cannot be named by a profile: says what stays uncovered and what to do', () => {
    const r = profileOverride(sampleIdentity({ source: { type: 'assumedRole', roleArn: 'arn:aws:iam::123456789012:role/Admin', sourceLabel: 'dev' } }), { AWS_PROFILE: 'dev' });
    assert.equal(r.profile, undefined);
    assert.match(r.uncovered!, /AWS_PROFILE=dev.*JS SDK.*New Terminal as Active Identity/);
  });
});
