/**
 * The public partitions' regions with their display names, and the checks a region choice goes
 * through. Pure: no `vscode` import.
 *
 * The list is hardcoded (no SDK is loaded to show a picker). It matches botocore's
 * data/partitions.json (botocore 1.43.11) without the `*-global` pseudo-regions;
 * test/conformance/regionsBotocore.test.ts compares it with the botocore installed on the machine,
 * so a new region fails that test instead of drifting silently.
 */
import { partitionOfRegion, type Partition } from './roleInput';

export interface RegionInfo {
  /** e.g. `eu-west-1` */
  readonly code: string;
  /** e.g. `Europe (Ireland)` */
  readonly name: string;
}

/** The partitions this extension lists regions for. */
export const REGION_PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'] as const;
export type RegionPartition = (typeof REGION_PARTITIONS)[number];

export const REGIONS: Readonly<Record<RegionPartition, ReadonlyArray<RegionInfo>>> = {
  aws: [
    { code: 'af-south-1', name: 'Africa (Cape Town)' },
    { code: 'ap-east-1', name: 'Asia Pacific (Hong Kong)' },
    { code: 'ap-east-2', name: 'Asia Pacific (Taipei)' },
    { code: 'ap-northeast-1', name: 'Asia Pacific (Tokyo)' },
    { code: 'ap-northeast-2', name: 'Asia Pacific (Seoul)' },
    { code: 'ap-northeast-3', name: 'Asia Pacific (Osaka)' },
    { code: 'ap-south-1', name: 'Asia Pacific (Mumbai)' },
    { code: 'ap-south-2', name: 'Asia Pacific (Hyderabad)' },
    { code: 'ap-southeast-1', name: 'Asia Pacific (Singapore)' },
    { code: 'ap-southeast-2', name: 'Asia Pacific (Sydney)' },
    { code: 'ap-southeast-3', name: 'Asia Pacific (Jakarta)' },
    { code: 'ap-southeast-4', name: 'Asia Pacific (Melbourne)' },
    { code: 'ap-southeast-5', name: 'Asia Pacific (Malaysia)' },
    { code: 'ap-southeast-6', name: 'Asia Pacific (New Zealand)' },
    { code: 'ap-southeast-7', name: 'Asia Pacific (Thailand)' },
    { code: 'ca-central-1', name: 'Canada (Central)' },
    { code: 'ca-west-1', name: 'Canada West (Calgary)' },
    { code: 'eu-central-1', name: 'Europe (Frankfurt)' },
    { code: 'eu-central-2', name: 'Europe (Zurich)' },
    { code: 'eu-north-1', name: 'Europe (Stockholm)' },
    { code: 'eu-south-1', name: 'Europe (Milan)' },
    { code: 'eu-south-2', name: 'Europe (Spain)' },
    { code: 'eu-west-1', name: 'Europe (Ireland)' },
    { code: 'eu-west-2', name: 'Europe (London)' },
    { code: 'eu-west-3', name: 'Europe (Paris)' },
    { code: 'il-central-1', name: 'Israel (Tel Aviv)' },
    { code: 'me-central-1', name: 'Middle East (UAE)' },
    { code: 'me-south-1', name: 'Middle East (Bahrain)' },
    { code: 'mx-central-1', name: 'Mexico (Central)' },
    { code: 'sa-east-1', name: 'South America (Sao Paulo)' },
    { code: 'us-east-1', name: 'US East (N. Virginia)' },
    { code: 'us-east-2', name: 'US East (Ohio)' },
    { code: 'us-west-1', name: 'US West (N. California)' },
    { code: 'us-west-2', name: 'US West (Oregon)' },
  ],
  'aws-cn': [
    { code: 'cn-north-1', name: 'China (Beijing)' },
    { code: 'cn-northwest-1', name: 'China (Ningxia)' },
  ],
  'aws-us-gov': [
    { code: 'us-gov-east-1', name: 'AWS GovCloud (US-East)' },
    { code: 'us-gov-west-1', name: 'AWS GovCloud (US-West)' },
  ],
};

function isRegionPartition(p: string): p is RegionPartition {
  return (REGION_PARTITIONS as readonly string[]).includes(p);
}

/** The regions of `partition` (empty for partitions without a list, e.g. the ISO ones). */
export function regionsOf(partition: Partition | string): ReadonlyArray<RegionInfo> {
  return isRegionPartition(partition) ? REGIONS[partition] : [];
}

/** The listed region with this code, in any partition. */
export function findRegion(code: string): (RegionInfo & { readonly partition: RegionPartition }) | undefined {
  for (const partition of REGION_PARTITIONS) {
    const found = REGIONS[partition].find((r) => r.code === code);
    if (found) return { ...found, partition };
  }
  return undefined;
}

/** `eu-west-1  Europe (Ireland)`; an unlisted code alone. */
export function regionLabel(code: string): string {
  const found = findRegion(code);
  return found ? `${found.code}  ${found.name}` : code;
}

/** The partition of an ARN (`arn:aws-cn:...` → `aws-cn`); undefined when it is not an ARN. */
export function partitionOfArn(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts[0] === 'arn' && parts.length >= 6 && parts[1] ? parts[1] : undefined;
}

/**
 * The partition an identity lives in: its ARN's (what STS said), else its current region's. A
 * region change never leaves it: credentials of one partition do not work in another.
 */
export function partitionOfIdentity(identity: { readonly arn: string; readonly region: string }): string {
  return partitionOfArn(identity.arn) ?? partitionOfRegion(identity.region);
}

/**
 * The domain a partition's regional endpoints end in (botocore's and the SDK's partition data):
 * `oidc.eusc-de-east-1.amazonaws.eu`, `portal.sso.cn-north-1.amazonaws.com.cn`.
 */
const DNS_SUFFIXES: Readonly<Record<Partition, string>> = {
  aws: 'amazonaws.com',
  'aws-cn': 'amazonaws.com.cn',
  'aws-us-gov': 'amazonaws.com',
  'aws-iso': 'c2s.ic.gov',
  'aws-iso-b': 'sc2s.sgov.gov',
  'aws-iso-e': 'cloud.adc-e.uk',
  'aws-iso-f': 'csp.hci.ic.gov',
  'aws-eusc': 'amazonaws.eu',
};

/** The DNS suffix of `region`'s partition. */
export function dnsSuffixOfRegion(region: string): string {
  return DNS_SUFFIXES[partitionOfRegion(region)];
}

export type RegionCheck = { readonly ok: true; readonly region: RegionInfo } | { readonly ok: false; readonly message: string };

/**
 * Whether `input` may become the region of an identity of `partition`: a listed region of that
 * partition. The refusal names the cause and what to do instead.
 */
export function checkRegion(input: unknown, partition: string): RegionCheck {
  const how = 'Pick one with "AWS Identity: Change Region" (the region in the status bar), which lists the valid ones.';
  if (typeof input !== 'string' || input.trim() === '') return { ok: false, message: `No region was given: pass a region code such as "us-east-1". ${how}` };
  const code = input.trim();
  const listed = regionsOf(partition);
  if (listed.length === 0) {
    return { ok: false, message: `AWS Identity has no region list for the "${partition}" partition, so the region cannot be changed here. Set \`region\` in the profile (~/.aws/config) instead.` };
  }
  const found = findRegion(code);
  if (!found) {
    const shape = /^[a-z]{2}(-[a-z]+)+-\d+$/.test(code) ? 'is not a region known to this version of AWS Identity' : 'is not a region code (they look like "eu-west-1")';
    return { ok: false, message: `"${code}" ${shape}. ${how}` };
  }
  if (found.partition !== partition) {
    return {
      ok: false,
      message: `${found.code} (${found.name}) is in the "${found.partition}" partition, but the active identity is in "${partition}": its credentials do not work there. Switch to an identity of that partition first, or pick a region of "${partition}".`,
    };
  }
  return { ok: true, region: { code: found.code, name: found.name } };
}

/**
 * The picker's order: the recently used regions of the partition first (most recent first), then
 * the others in list order. `recent` may hold codes of other partitions or unknown ones: skipped.
 */
export function orderRegions(partition: string, recent: ReadonlyArray<string>): Array<RegionInfo & { readonly recent: boolean }> {
  const listed = regionsOf(partition);
  const byCode = new Map(listed.map((r) => [r.code, r]));
  const first: Array<RegionInfo & { recent: boolean }> = [];
  for (const code of recent) {
    const r = byCode.get(code);
    if (r && !first.some((f) => f.code === code)) first.push({ ...r, recent: true });
  }
  const rest = listed.filter((r) => !first.some((f) => f.code === r.code)).map((r) => ({ ...r, recent: false }));
  return [...first, ...rest];
}
