/** The pure rules for what terminals receive (no VS Code needed). */
import * as assert from 'node:assert/strict';
import {
  MANAGED_VARIABLES,
  OWN_TERMINAL_DELETIONS,
  collectionDescription,
  identityKey,
  printable,
  terminalName,
  terminalVariables,
} from '../../src/terminal/terminalRules';
import { endpointShadows } from '../../src/terminal/shadows';
import type { AwsCredentials } from '../../src/shared/types';
import { sampleIdentity } from '../support/identities';

const creds: AwsCredentials = {
  accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN',
  expiration: new Date('2030-01-02T03:04:05.678Z'),
};
const grant = { url: 'http://127.0.0.1:4711/aws-identity/credentials', tokenFile: '/run/user/1000/aws-identity-switcher/w-01/t-02', token: 'ab'.repeat(32) };


describe('terminalVariables', () => {
  it('endpoint mode: URL, token FILE, an EMPTY token variable, region, and EMPTY key variables; no secret at all', () => {
    const vars = terminalVariables('endpoint', { region: 'eu-west-1', grant });
    assert.deepEqual(Object.fromEntries(vars), {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: grant.url,
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: grant.tokenFile,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: '',
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_SESSION_TOKEN: '',
      AWS_CREDENTIAL_EXPIRATION: '',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
    });
  });

  it('endpoint mode never carries the token in the environment unless the legacy variable was chosen', () => {
    for (const v of terminalVariables('endpoint', { region: 'r', grant }).values()) assert.ok(!v.includes(grant.token), 'the token is in the environment');
    assert.equal(terminalVariables('endpoint', { region: 'r', grant, legacyToken: true }).get('AWS_CONTAINER_AUTHORIZATION_TOKEN'), grant.token);
    assert.throws(() => terminalVariables('endpoint', { region: 'r', grant: { url: grant.url, tokenFile: grant.tokenFile }, legacyToken: true }), /legacy/);
  });

  it('environment mode: the temporary keys, a strict RFC 3339 expiry and the region; no endpoint variables', () => {
    assert.deepEqual(Object.fromEntries(terminalVariables('environment', { region: 'us-east-2', credentials: creds })), {
      AWS_ACCESS_KEY_ID: creds.accessKeyId,
      AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
      AWS_SESSION_TOKEN: creds.sessionToken,
      AWS_CREDENTIAL_EXPIRATION: '2030-01-02T03:04:05Z',
      AWS_REGION: 'us-east-2',
      AWS_DEFAULT_REGION: 'us-east-2',
    });
  });

  it('environment mode names the identity\'s profile in AWS_PROFILE only when asked to', () => {
    assert.equal(terminalVariables('environment', { region: 'r', credentials: creds, profileOverride: 'prod-admin' }).get('AWS_PROFILE'), 'prod-admin');
    assert.equal(terminalVariables('environment', { region: 'r', credentials: creds }).has('AWS_PROFILE'), false);
    assert.equal(terminalVariables('endpoint', { region: 'r', grant, profileOverride: 'x' }).has('AWS_PROFILE'), false);
  });

  it('off, or no identity: nothing', () => {
    assert.equal(terminalVariables('off', { region: 'r', grant }).size, 0);
    assert.equal(terminalVariables('endpoint', undefined).size, 0);
  });

  it('refuses long-lived keys and a mode without its input', () => {
    assert.throws(() => terminalVariables('environment', { region: 'r', credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 's' } }), /temporary/);
    assert.throws(() => terminalVariables('environment', { region: 'r', credentials: { ...creds, expiration: undefined } }), /temporary/);
    assert.throws(() => terminalVariables('endpoint', { region: 'r' }), /grant/);
    assert.throws(() => terminalVariables('environment', { region: 'r' }), /credentials/);
  });

  it('only ever sets managed variables, so turning the feature off clears everything it set', () => {
    const sets = [
      terminalVariables('endpoint', { region: 'r', grant }),
      terminalVariables('environment', { region: 'r', credentials: creds, profileOverride: 'p' }),
    ];
    for (const vars of sets) for (const k of vars.keys()) assert.ok((MANAGED_VARIABLES as readonly string[]).includes(k), k);
  });

  it('our own terminals delete the profile selectors', () => {
    assert.deepEqual(OWN_TERMINAL_DELETIONS, { AWS_PROFILE: null, AWS_DEFAULT_PROFILE: null });
    assert.ok(Object.isFrozen(OWN_TERMINAL_DELETIONS));
  });
});

describe('names and descriptions', () => {
  it('terminal name is "AWS: <name> (<account>)" with control characters stripped', () => {
    assert.equal(terminalName(sampleIdentity()), 'AWS: Admin (123456789012)');
    assert.equal(terminalName({ name: 'evil\u001b]0;pwned\u0007\r\nrm', account: '1' }), 'AWS: evil]0;pwnedrm (1)');
    assert.equal(printable('a\u009bb\u007fc'), 'abc');
  });
  it('collection description names identity, account, region and mode; never a secret', () => {
    assert.equal(collectionDescription(sampleIdentity(), 'endpoint'), 'AWS credentials for Admin (123456789012), eu-west-1, via refreshing credential endpoint');
    assert.match(collectionDescription(sampleIdentity(), 'environment'), /via environment variables$/);
    const shadows = endpointShadows({ inherited: {}, profiles: [{ name: 'default', kind: 'static' }] });
    assert.match(collectionDescription(sampleIdentity(), 'environment', shadows), /via environment variables \(the endpoint would lose: the \[default\] profile has credentials\)$/);
  });
  it('one grant per principal: the key is the ARN', () => {
    assert.equal(identityKey(sampleIdentity()), sampleIdentity().arn);
  });
});
