/** The pure rules for what terminals receive (no VS Code needed). */
import * as assert from 'node:assert/strict';
import {
  GrantLedger,
  MANAGED_VARIABLES,
  OWN_TERMINAL_DELETIONS,
  collectionDescription,
  effectiveMode,
  endpointShadows,
  identityKey,
  printable,
  profileOverride,
  terminalName,
  terminalVariables,
} from '../../src/terminal/terminalRules';
import type { AwsCredentials, Identity } from '../../src/shared/types';

const creds: AwsCredentials = {
  accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN',
  expiration: new Date('2030-01-02T03:04:05.678Z'),
};
const grant = { url: 'http://127.0.0.1:4711/aws-identity/credentials', token: 'ab'.repeat(32) };

function identity(over: Partial<Identity> = {}): Identity {
  return {
    arn: 'arn:aws:sts::123456789012:assumed-role/Admin/vscode-me',
    account: '123456789012',
    name: 'Admin',
    source: { type: 'profile', profile: 'prod-admin' },
    region: 'eu-west-1',
    regionSource: 'profile',
    ...over,
  };
}

describe('terminalVariables', () => {
  it('endpoint mode: URL, token, region, and EMPTY key variables (measured harmless; they mask inherited keys)', () => {
    assert.deepEqual(Object.fromEntries(terminalVariables('endpoint', { region: 'eu-west-1', grant })), {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: grant.url,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: grant.token,
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_SESSION_TOKEN: '',
      AWS_CREDENTIAL_EXPIRATION: '',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
    });
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

  it('AWS_DEFAULT_PROFILE, a relative container URI and a token file shadow it too', () => {
    const causes = endpointShadows({
      inherited: { AWS_DEFAULT_PROFILE: 'dev', AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/creds', AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: '/var/run/token' },
      profiles,
    }).map((s) => s.cause);
    assert.deepEqual(causes, ['AWS_DEFAULT_PROFILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE']);
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
    assert.deepEqual(profileOverride(identity(), {}), {});
    assert.deepEqual(profileOverride(identity(), { AWS_PROFILE: '' }), {});
    assert.deepEqual(profileOverride(identity(), { AWS_PROFILE: 'prod-admin' }), {});
  });
  it('a profile identity replaces an inherited AWS_PROFILE with its own profile name', () => {
    assert.deepEqual(profileOverride(identity(), { AWS_PROFILE: 'dev' }), { profile: 'prod-admin' });
  });
  it('an assumed-role identity cannot be named by a profile: says what stays uncovered and what to do', () => {
    const r = profileOverride(identity({ source: { type: 'assumedRole', roleArn: 'arn:aws:iam::123456789012:role/Admin', sourceLabel: 'dev' } }), { AWS_PROFILE: 'dev' });
    assert.equal(r.profile, undefined);
    assert.match(r.uncovered!, /AWS_PROFILE=dev.*JS SDK.*New Terminal as Active Identity/);
  });
});

describe('names and descriptions', () => {
  it('terminal name is "AWS: <name> (<account>)" with control characters stripped', () => {
    assert.equal(terminalName(identity()), 'AWS: Admin (123456789012)');
    assert.equal(terminalName({ name: 'evil\u001b]0;pwned\u0007\r\nrm', account: '1' }), 'AWS: evil]0;pwnedrm (1)');
    assert.equal(printable('a\u009bb\u007fc'), 'abc');
  });
  it('collection description names identity, account, region and mode; never a secret', () => {
    assert.equal(collectionDescription(identity(), 'endpoint'), 'AWS credentials for Admin (123456789012), eu-west-1, via refreshing credential endpoint');
    assert.match(collectionDescription(identity(), 'environment'), /via environment variables$/);
    const shadows = endpointShadows({ inherited: {}, profiles: [{ name: 'default', kind: 'static' }] });
    assert.match(collectionDescription(identity(), 'environment', shadows), /via environment variables \(the endpoint would lose: the \[default\] profile has credentials\)$/);
  });
  it('one grant per principal: the key is the ARN', () => {
    assert.equal(identityKey(identity()), identity().arn);
  });
});

describe('GrantLedger', () => {
  class FakeGrant {
    revoked = 0;
    constructor(readonly name: string) {}
    revoke(): void {
      this.revoked++;
    }
  }
  type T = { id: number };

  it('reuses the grant of the same identity and keeps the current one alive without terminals', () => {
    const ledger = new GrantLedger<T, FakeGrant>();
    const a = ledger.use('A', () => new FakeGrant('A'));
    assert.equal(ledger.use('A', () => new FakeGrant('A2')), a);
    assert.equal(ledger.current, a);
    assert.equal(a.revoked, 0);
  });

  it('switching revokes the previous grant only when no open terminal holds it', () => {
    const ledger = new GrantLedger<T, FakeGrant>();
    const a = ledger.use('A', () => new FakeGrant('A'));
    const t1 = { id: 1 };
    ledger.opened(t1);
    const b = ledger.use('B', () => new FakeGrant('B'));
    assert.equal(a.revoked, 0, 'terminal 1 still holds A');
    assert.equal(ledger.grantOf(t1), a);
    const c = ledger.use('C', () => new FakeGrant('C'));
    assert.equal(b.revoked, 1, 'nobody held B');
    ledger.closed(t1);
    assert.equal(a.revoked, 1, 'A goes with its last terminal');
    assert.equal(c.revoked, 0);
    assert.equal(ledger.size, 1);
  });

  it('a held grant that becomes current again is not revoked when its terminal closes', () => {
    const ledger = new GrantLedger<T, FakeGrant>();
    const a = ledger.use('A', () => new FakeGrant('A'));
    const t = { id: 1 };
    ledger.opened(t);
    ledger.use('B', () => new FakeGrant('B'));
    assert.equal(ledger.use('A', () => new FakeGrant('A-new')), a, 'the same token comes back');
    ledger.closed(t);
    assert.equal(a.revoked, 0);
  });

  it('clearing the identity revokes unheld grants; terminals opened with no current grant hold none', () => {
    const ledger = new GrantLedger<T, FakeGrant>();
    const a = ledger.use('A', () => new FakeGrant('A'));
    ledger.clearCurrent();
    assert.equal(a.revoked, 1);
    const t = { id: 9 };
    ledger.opened(t);
    assert.equal(ledger.grantOf(t), undefined);
    ledger.closed(t);
    assert.equal(ledger.size, 0);
  });

  it('revokeAll stops even held grants (identity cleared, feature off) and the ledger stays usable', () => {
    const ledger = new GrantLedger<T, FakeGrant>();
    const a = ledger.use('A', () => new FakeGrant('A'));
    const t = { id: 1 };
    ledger.opened(t);
    ledger.use('B', () => new FakeGrant('B'));
    ledger.revokeAll();
    assert.equal(a.revoked, 1);
    assert.equal(ledger.grantOf(t), undefined);
    ledger.closed(t);
    const c = ledger.use('C', () => new FakeGrant('C'));
    assert.equal(ledger.current, c);
  });

  it('a terminal is counted once; closing an unknown terminal is harmless; dispose revokes all exactly once', () => {
    const ledger = new GrantLedger<T, FakeGrant>();
    const a = ledger.use('A', () => new FakeGrant('A'));
    const t = { id: 1 };
    ledger.opened(t);
    ledger.opened(t);
    const b = ledger.use('B', () => new FakeGrant('B'));
    ledger.opened(t); // already attributed to A: stays with A
    assert.equal(ledger.grantOf(t), a);
    ledger.closed({ id: 2 });
    ledger.dispose();
    assert.equal(a.revoked, 1);
    assert.equal(b.revoked, 1);
    assert.equal(ledger.size, 0);
  });

  it('many terminals across many switches: a grant is revoked exactly when its last holder closes (bounded random walk)', () => {
    const ledger = new GrantLedger<T, FakeGrant>();
    const grants = new Map<string, FakeGrant>();
    const open: T[] = [];
    let seed = 42;
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let step = 0; step < 2_000; step++) {
      const r = rand(4);
      if (r === 0) {
        const key = `I${rand(5)}`;
        ledger.use(key, () => {
          const g = new FakeGrant(key);
          grants.set(`${key}#${step}`, g);
          return g;
        });
      } else if (r === 1) {
        const t = { id: step };
        ledger.opened(t);
        open.push(t);
      } else if (r === 2 && open.length) {
        ledger.closed(open.splice(rand(open.length), 1)[0]!);
      } else if (r === 3 && rand(10) === 0) {
        ledger.clearCurrent();
      }
      // Invariant: a live grant is current or held; a revoked grant was revoked once.
      for (const g of grants.values()) assert.ok(g.revoked <= 1);
      const held = new Set(open.map((t) => ledger.grantOf(t)).filter(Boolean));
      const live = [...grants.values()].filter((g) => g.revoked === 0);
      for (const g of live) assert.ok(g === ledger.current || held.has(g), `grant ${g.name} leaked`);
      for (const g of held) assert.equal(g!.revoked, 0, 'a held grant was revoked');
    }
  });
});
