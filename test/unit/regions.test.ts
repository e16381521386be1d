/**
 * The region list and the checks a region choice goes through (src/shared/regions.ts), and what is
 * remembered about choices (src/identity/regionChoice.ts). The list itself is compared with
 * botocore's data in test/conformance/regionsBotocore.test.ts.
 */
import * as assert from 'node:assert/strict';
import { REGIONS, REGION_PARTITIONS, checkRegion, findRegion, orderRegions, partitionOfArn, partitionOfIdentity, regionLabel, regionsOf } from '../../src/shared/regions';
import { partitionOfRegion } from '../../src/shared/roleInput';
import { recordRecentRegion, regionChoiceOf, regionFor, regionMemoryKey, rememberRegionChoice, sanitizeRecentRegions, sanitizeRegionChoices, preferredRegion } from '../../src/identity/regionChoice';
import type { Identity } from '../../src/shared/types';
import { recordingLogger } from '../support/recordingLogger';

const identity = (over: Partial<Identity> = {}): Identity => ({
  arn: 'arn:aws:sts::123456789012:assumed-role/Deploy/alice',
  account: '123456789012',
  name: 'Deploy',
  source: { type: 'profile', profile: 'dev' },
  region: 'us-east-1',
  regionSource: 'profile',
  ...over,
});

describe('regions', () => {
  it('every listed region belongs to its partition by name, once', () => {
    const all = REGION_PARTITIONS.flatMap((p) => REGIONS[p].map((r) => ({ ...r, p })));
    assert.equal(new Set(all.map((r) => r.code)).size, all.length, 'a region is listed twice');
    for (const r of all) assert.equal(partitionOfRegion(r.code), r.p, `${r.code} is listed under ${r.p}`);
    assert.deepEqual(regionsOf('aws-iso'), []);
  });

  it('labels a region with its name ("eu-west-1  Europe (Ireland)")', () => {
    assert.equal(regionLabel('eu-west-1'), 'eu-west-1  Europe (Ireland)');
    assert.equal(regionLabel('cn-north-1'), 'cn-north-1  China (Beijing)');
    assert.equal(regionLabel('xx-nowhere-9'), 'xx-nowhere-9');
    assert.equal(findRegion('us-gov-west-1')?.partition, 'aws-us-gov');
  });

  it("an identity's partition comes from its ARN, else its region", () => {
    assert.equal(partitionOfArn('arn:aws-cn:sts::123456789012:assumed-role/R/s'), 'aws-cn');
    assert.equal(partitionOfArn('not-an-arn'), undefined);
    assert.equal(partitionOfIdentity({ arn: 'arn:aws-us-gov:iam::123456789012:user/u', region: 'us-east-1' }), 'aws-us-gov');
    assert.equal(partitionOfIdentity({ arn: 'x', region: 'cn-northwest-1' }), 'aws-cn');
  });

  describe('checkRegion', () => {
    it('accepts a listed region of the partition (trimmed)', () => {
      assert.deepEqual(checkRegion(' eu-west-1 ', 'aws'), { ok: true, region: { code: 'eu-west-1', name: 'Europe (Ireland)' } });
      assert.equal(checkRegion('cn-north-1', 'aws-cn').ok, true);
    });

    const refused = (input: unknown, partition: string): string => {
      const r = checkRegion(input, partition);
      assert.equal(r.ok, false, `${String(input)} was accepted for ${partition}`);
      return r.ok ? '' : r.message;
    };

    it('refuses a region of another partition, naming both partitions and what to do', () => {
      const m = refused('cn-north-1', 'aws');
      assert.match(m, /cn-north-1 \(China \(Beijing\)\) is in the "aws-cn" partition/);
      assert.match(m, /active identity is in "aws"/);
      assert.match(m, /Switch to an identity of that partition first, or pick a region of "aws"/);
      assert.match(refused('us-east-1', 'aws-us-gov'), /"aws" partition/);
    });

    it('refuses an unknown region, and something that is no region code, with the next step', () => {
      assert.match(refused('eu-west-9', 'aws'), /"eu-west-9" is not a region known to this version of AWS Identity\. Pick one with "AWS Identity: Change Region"/);
      assert.match(refused('Ireland', 'aws'), /"Ireland" is not a region code \(they look like "eu-west-1"\)/);
      assert.match(refused('aws-global', 'aws'), /not a region/);
      assert.match(refused('', 'aws'), /No region was given: pass a region code such as "us-east-1"/);
      assert.match(refused(42, 'aws'), /No region was given/);
      assert.match(refused('us-iso-east-1', 'aws-iso'), /no region list for the "aws-iso" partition.*Set `region` in the profile/);
    });
  });

  describe('picker order', () => {
    it('recently used first (most recent first), then the rest in list order, each once', () => {
      const ordered = orderRegions('aws', ['eu-west-1', 'cn-north-1', 'bogus-1', 'ap-south-1', 'eu-west-1']);
      assert.deepEqual(ordered.slice(0, 3).map((r) => [r.code, r.recent]), [['eu-west-1', true], ['ap-south-1', true], ['af-south-1', false]]);
      assert.equal(ordered.length, REGIONS.aws.length);
      assert.equal(new Set(ordered.map((r) => r.code)).size, ordered.length);
      assert.deepEqual(orderRegions('aws-cn', ['eu-west-1']).map((r) => r.code), ['cn-north-1', 'cn-northwest-1']);
      assert.deepEqual(orderRegions('aws-cn', ['cn-northwest-1']).map((r) => r.code), ['cn-northwest-1', 'cn-north-1']);
    });

    it('recent regions: newest first, deduplicated, at most 6; stored junk dropped', () => {
      let recent: string[] = [];
      for (const r of ['a-1', 'b-1', 'a-1', 'c-1', 'd-1', 'e-1', 'f-1', 'g-1']) recent = recordRecentRegion(recent, r);
      assert.deepEqual(recent, ['g-1', 'f-1', 'e-1', 'd-1', 'c-1', 'a-1']);
      assert.deepEqual(sanitizeRecentRegions(['x-1', 3, 'x-1', null, 'y-1']), ['x-1', 'y-1']);
      assert.deepEqual(sanitizeRecentRegions({}), []);
    });
  });

  describe('remembered choices', () => {
    it('are keyed by the profile name, the role ARN, or the IAM Identity Center account and role', () => {
      assert.equal(regionMemoryKey(identity()), 'profile:dev');
      assert.equal(regionMemoryKey(identity({ source: { type: 'assumedRole', roleArn: 'arn:aws:iam::111122223333:role/Ops', sourceLabel: 'dev' } })), 'role:arn:aws:iam::111122223333:role/Ops');
      assert.equal(
        regionMemoryKey(identity({ source: { type: 'ssoRole', startUrl: 'https://x.awsapps.com/start', ssoRegion: 'us-east-1', accountId: '111122223333', roleName: 'Admin' } })),
        'sso:111122223333:Admin',
      );
    });

    it('one region per key, the newest replacing; junk dropped; at most 200 kept (the oldest go)', () => {
      let choices = rememberRegionChoice({}, 'profile:a', 'eu-west-1');
      choices = rememberRegionChoice(choices, 'profile:a', 'eu-west-2');
      assert.deepEqual(choices, { 'profile:a': 'eu-west-2' });
      assert.deepEqual(sanitizeRegionChoices({ a: 'x', b: 3 }), { a: 'x' });
      assert.deepEqual(sanitizeRegionChoices(['x']), {});
      for (let i = 0; i < 205; i++) choices = rememberRegionChoice(choices, `k${i}`, 'us-east-1');
      assert.equal(Object.keys(choices).length, 200);
      assert.equal(choices['profile:a'], undefined);
    });

    it('one key read as sanitizeRegionChoices would give it, junk and inherited names read as none', () => {
      const stored = { 'profile:a': 'eu-west-1', 'profile:b': 3 };
      assert.equal(regionChoiceOf(stored, 'profile:a'), 'eu-west-1');
      assert.equal(regionChoiceOf(stored, 'profile:b'), sanitizeRegionChoices(stored)['profile:b']);
      assert.equal(regionChoiceOf(stored, 'toString'), undefined);
      assert.equal(regionChoiceOf(['eu-west-1'], '0'), undefined);
      assert.equal(regionChoiceOf(undefined, 'profile:a'), undefined);
    });

    it('a remembered region applies only when it is valid for the identity; otherwise it is logged and ignored', () => {
      const logger = recordingLogger();
      assert.equal(preferredRegion(identity(), () => 'eu-west-1', logger), 'eu-west-1');
      assert.equal(preferredRegion(identity(), () => 'us-east-1', logger), undefined, 'its own region: nothing to do');
      assert.equal(preferredRegion(identity(), () => undefined, logger), undefined);
      assert.equal(preferredRegion(identity(), () => 'cn-north-1', logger), undefined);
      assert.equal(preferredRegion(identity(), () => {
        throw new Error('storage broke');
      }, logger), undefined);
      assert.match(logger.lines.join("\n"), /The region "cn-north-1" remembered for Deploy in this workspace is not used: .*"aws-cn" partition/);
      assert.match(logger.lines.join("\n"), /Reading the region remembered for this identity failed; its own region applies/);
    });

    it('regionFor refuses with the identity named, the cause and the next step', () => {
      assert.equal(regionFor(identity(), 'ap-southeast-2'), 'ap-southeast-2');
      assert.throws(() => regionFor(identity(), 'us-gov-east-1'), /The region of Deploy \(123456789012\) was not changed: us-gov-east-1 .* is in the "aws-us-gov" partition/);
    });
  });
});
