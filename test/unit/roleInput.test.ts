import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  clampDuration,
  clampSessionTokenDuration,
  isMfaSerial,
  parseCallerArn,
  parseRoleInput,
  partitionOfRegion,
  sanitizeSessionName,
  SESSION_NAME_PATTERN,
  validateSessionName,
} from '../../src/shared/roleInput';

function ok(input: string, partition?: Parameters<typeof parseRoleInput>[1]): { arn: string; account: string; roleName: string } {
  const r = parseRoleInput(input, partition);
  if (!r.ok) assert.fail(`expected "${input}" to parse, got: ${r.message}`);
  return r;
}
function bad(input: string): string {
  const r = parseRoleInput(input);
  if (r.ok) assert.fail(`expected "${input}" to be rejected, got ${r.arn}`);
  return r.message;
}

describe('roleInput.parseRoleInput', () => {
  it('accepts full role ARNs in every partition, with and without a path', () => {
    for (const p of ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b']) {
      const r = ok(`arn:${p}:iam::123456789012:role/Admin`);
      assert.equal(r.arn, `arn:${p}:iam::123456789012:role/Admin`);
      assert.equal(r.roleName, 'Admin');
      assert.equal(r.account, '123456789012');
    }
    const withPath = ok('arn:aws:iam::123456789012:role/team/ops/Deploy-Role+1=,.@_');
    assert.equal(withPath.roleName, 'Deploy-Role+1=,.@_');
    assert.equal(withPath.arn, 'arn:aws:iam::123456789012:role/team/ops/Deploy-Role+1=,.@_');
  });

  it('expands the shorthands with the default partition', () => {
    assert.equal(ok('123456789012:Admin').arn, 'arn:aws:iam::123456789012:role/Admin');
    assert.equal(ok('123456789012:role/Admin').arn, 'arn:aws:iam::123456789012:role/Admin');
    assert.equal(ok('123456789012:role/team/Admin').arn, 'arn:aws:iam::123456789012:role/team/Admin');
    assert.equal(ok(' 123456789012:Admin ', 'aws-cn').arn, 'arn:aws-cn:iam::123456789012:role/Admin');
  });

  it('says precisely what is wrong', () => {
    assert.match(bad(''), /Enter a role ARN/);
    assert.match(bad('arn:aws:iam::12345:role/x'), /"12345" has 5 digits; it must have 12/);
    assert.match(bad('arn:aws:iam::12345678901a:role/x'), /must be 12 digits/);
    assert.match(bad('arn:awz:iam::123456789012:role/x'), /Unknown partition "awz"/);
    assert.match(bad('arn:aws:s3:::bucket'), /s3 ARN; a role ARN has the service "iam"/);
    assert.match(bad('arn:aws:iam:us-east-1:123456789012:role/x'), /IAM ARNs have no region: remove "us-east-1"/);
    assert.match(bad('arn:aws:iam::123456789012:user/alice'), /IAM user, not a role/);
    assert.match(bad('arn:aws:iam::123456789012:role/'), /role name is missing/);
    assert.match(bad('arn:aws:iam::123456789012:role/a b'), /space/);
    assert.match(bad('arn:aws:iam::123456789012:role/a*b'), /contains "\*"/);
    assert.match(bad(`arn:aws:iam::123456789012:role/${'x'.repeat(65)}`), /65 characters; the maximum is 64/);
    assert.match(bad('arn:aws:iam::123456789012:role/a//b'), /empty segment/);
    assert.match(bad('arn:aws:iam::123456789012'), /six parts/);
    assert.match(bad('Admin'), /Add the account ID before the role name: 123456789012:Admin/);
    assert.match(bad('123456789012'), /Add the role after the account ID/);
    assert.match(bad('arn:aws:sts::123456789012:assumed-role/Admin/me'), /assumed-role session ARN.*arn:aws:iam::123456789012:role\/Admin/);
  });

  it('round-trips every valid role ARN it builds (property)', () => {
    const name = fc.stringMatching(/^[\w+=,.@-]{1,64}$/);
    const pathSeg = fc.stringMatching(/^[a-z0-9_-]{1,8}$/);
    fc.assert(
      fc.property(fc.stringMatching(/^\d{12}$/), fc.array(pathSeg, { maxLength: 3 }), name, (account, segs, roleName) => {
        const arn = `arn:aws:iam::${account}:role/${segs.map((s) => `${s}/`).join('')}${roleName}`;
        const r = parseRoleInput(arn);
        return r.ok && r.arn === arn && r.roleName === roleName && r.account === account;
      }),
    );
  });

  it('maps regions to partitions for the shorthand', () => {
    assert.equal(partitionOfRegion('cn-north-1'), 'aws-cn');
    assert.equal(partitionOfRegion('us-gov-west-1'), 'aws-us-gov');
    assert.equal(partitionOfRegion('eu-west-1'), 'aws');
    assert.equal(partitionOfRegion(undefined), 'aws');
  });
});

describe('roleInput session names and durations', () => {
  it('sanitises any string into a name STS accepts (property)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => SESSION_NAME_PATTERN.test(sanitizeSessionName(s))));
    assert.equal(sanitizeSessionName('alice@example.com'), 'alice@example.com');
    assert.equal(sanitizeSessionName('Jane Doe (laptop)'), 'Jane-Doe-laptop-');
    assert.equal(sanitizeSessionName('x'), 'vscode-aws-identity');
    assert.equal(sanitizeSessionName('a'.repeat(100)).length, 64);
  });

  it('validates session names as typed', () => {
    assert.equal(validateSessionName('alice'), undefined);
    assert.match(validateSessionName('a') ?? '', /at least 2/);
    assert.match(validateSessionName('a b') ?? '', /a space/);
  });

  it('clamps durations and says why', () => {
    assert.deepEqual(clampDuration(3600, { chained: false }), { seconds: 3600 });
    assert.equal(clampDuration(100, { chained: false }).seconds, 900);
    assert.match(clampDuration(100, { chained: false }).reason ?? '', /at least 15 minutes/);
    assert.equal(clampDuration(90000, { chained: false }).seconds, 43200);
    const chained = clampDuration(7200, { chained: true });
    assert.equal(chained.seconds, 3600);
    assert.match(chained.reason ?? '', /role chaining.*1 hour/);
    assert.deepEqual(clampDuration(3600, { chained: true }), { seconds: 3600 });
    assert.equal(clampDuration(Number.NaN, { chained: false }).seconds, 3600);
    assert.equal(clampSessionTokenDuration(200000).seconds, 129600);
  });

  it('reads caller ARNs for display', () => {
    assert.deepEqual(parseCallerArn('arn:aws:sts::123456789012:assumed-role/Admin/alice'), { partition: 'aws', account: '123456789012', kind: 'assumed-role', name: 'Admin', sessionName: 'alice' });
    assert.equal(parseCallerArn('arn:aws:iam::123456789012:user/dev/alice').name, 'alice');
    assert.equal(parseCallerArn('arn:aws:iam::123456789012:root').kind, 'root');
  });
});

describe('roleInput.isMfaSerial', () => {
  it('accepts virtual MFA device ARNs in every partition, with a path, and hardware serial numbers', () => {
    for (const serial of [
      'arn:aws:iam::123456789012:mfa/alice',
      'arn:aws-cn:iam::123456789012:mfa/alice',
      'arn:aws-us-gov:iam::123456789012:mfa/team/alice.b+c=d,e@f_g-h',
      'GAHT12345678',
    ]) {
      assert.ok(isMfaSerial(serial), serial);
    }
  });

  it('refuses what STS would refuse as SerialNumber: spaces, quotes, other characters, wrong shapes, too long', () => {
    for (const serial of [
      'arn:aws:iam::123456789012:mfa/alice bob',
      'arn:aws:iam::123456789012:mfa/a"b',
      'arn:aws:iam::123456789012:mfa/\u00e4',
      'arn:aws:iam::123456789012:mfa/',
      'arn:aws:iam::12345:mfa/alice',
      'arn:aws:iam::123456789012:user/alice',
      `arn:aws:iam::123456789012:mfa/${'a'.repeat(230)}`,
      'short1',
    ]) {
      assert.equal(isMfaSerial(serial), false, serial);
    }
  });
});
