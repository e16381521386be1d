/**
 * Changing the active identity's region without a new sign-in, and what is remembered about it.
 * Pure core: no `vscode` import. The identity manager (identityManager.ts `setRegion`) applies a
 * choice to the active session; src/vscode/commands/context.ts keeps what this file describes in
 * the workspace's state.
 *
 * A region change is not a switch: the same credentials (no STS call), a new `Identity` value with
 * the chosen region and `regionSource: 'user'`. Renewals keep it (they only move `expiration`).
 */
import { UserFacingError } from '../credentials/errors';
import { checkRegion, partitionOfIdentity } from '../shared/regions';
import type { Identity, Logger } from '../shared/types';

/** `onDidChangeRegion`: the active identity moved to another region. */
export interface RegionChange {
  /** The active identity with its new region (the same principal and credentials). */
  readonly identity: Identity;
  /** The region it had before. */
  readonly previous: string;
}

/** Looks up the region remembered for an identity (per workspace); undefined when there is none. */
export type RegionPreference = (identity: Identity) => string | undefined;

/**
 * The region code `region` may become for `identity`.
 * @throws UserFacingError naming the cause (unknown, another partition) and the next step
 */
export function regionFor(identity: Identity, region: unknown): string {
  const check = checkRegion(region, partitionOfIdentity(identity));
  if (!check.ok) throw new UserFacingError('other', `The region of ${identity.name} (${identity.account}) was not changed: ${check.message}`);
  return check.region.code;
}

/**
 * The region remembered for `identity` that should apply when it becomes active, if any and if it
 * is still valid for it (a remembered region that no longer fits is logged and ignored).
 */
export function preferredRegion(identity: Identity, lookup: RegionPreference | undefined, logger: Logger): string | undefined {
  let remembered: string | undefined;
  try {
    remembered = lookup?.(identity);
  } catch (error) {
    logger.error('Reading the region remembered for this identity failed; its own region applies', error);
    return undefined;
  }
  if (remembered === undefined || remembered === identity.region) return undefined;
  const check = checkRegion(remembered, partitionOfIdentity(identity));
  if (!check.ok) {
    logger.warn(`The region "${remembered}" remembered for ${identity.name} in this workspace is not used: ${check.message}`);
    return undefined;
  }
  return check.region.code;
}

/** The key a region choice is remembered under: the profile's name, or the role's ARN. */
export function regionMemoryKey(identity: Pick<Identity, 'source' | 'arn'>): string {
  const s = identity.source;
  switch (s.type) {
    case 'profile':
      return `profile:${s.profile}`;
    case 'assumedRole':
      return `role:${s.roleArn}`;
    case 'ssoRole':
      return `sso:${s.accountId}:${s.roleName}`;
  }
}

const MAX_CHOICES = 200;
const MAX_RECENT = 6;

/** Region choices per identity key, as stored (older versions' or foreign data is dropped). */
export function sanitizeRegionChoices(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/**
 * The region stored for one key, without copying the others: the Profiles view asks this for each
 * of its rows, and checking every stored choice per row cost tens of milliseconds per level.
 */
export function regionChoiceOf(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, key)) return undefined;
  const region = (value as Record<string, unknown>)[key];
  return typeof region === 'string' ? region : undefined;
}

/** `choices` with `key` → `region`, the newest last; at most MAX_CHOICES (the oldest go). */
export function rememberRegionChoice(choices: Readonly<Record<string, string>>, key: string, region: string): Record<string, string> {
  const entries = Object.entries(choices).filter(([k]) => k !== key);
  entries.push([key, region]);
  return Object.fromEntries(entries.slice(-MAX_CHOICES));
}

/** Recently used region codes, most recent first (what the picker lists first). */
export function sanitizeRecentRegions(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return [...new Set(value.filter((v): v is string => typeof v === 'string'))].slice(0, MAX_RECENT);
}

export function recordRecentRegion(recent: ReadonlyArray<string>, region: string): string[] {
  return [region, ...recent.filter((r) => r !== region)].slice(0, MAX_RECENT);
}
