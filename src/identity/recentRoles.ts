/**
 * Recently assumed roles, ranked by "frecency": how often and how lately each was used.
 * Only ARNs, counts and times are kept (in globalState): never credentials.
 */
export interface RecentRole {
  readonly arn: string;
  readonly count: number;
  readonly lastUsed: number; // epoch ms
}

const HALF_LIFE_MS = 7 * 24 * 3600_000;
const MAX_ENTRIES = 30;

/** Score: use count, halved for every week since last use. */
function score(r: RecentRole, now: number): number {
  return r.count * Math.pow(0.5, Math.max(0, now - r.lastUsed) / HALF_LIFE_MS);
}

export function rankRecentRoles(roles: readonly RecentRole[], now: number): RecentRole[] {
  return [...roles].sort((a, b) => score(b, now) - score(a, now) || b.lastUsed - a.lastUsed);
}

export function recordRoleUse(roles: readonly RecentRole[], arn: string, now: number): RecentRole[] {
  const existing = roles.find((r) => r.arn === arn);
  const updated: RecentRole = { arn, count: (existing?.count ?? 0) + 1, lastUsed: now };
  const rest = roles.filter((r) => r.arn !== arn);
  return rankRecentRoles([updated, ...rest], now).slice(0, MAX_ENTRIES);
}

/** Accepts only well-formed entries: globalState may hold data from an older version. */
export function sanitizeRecentRoles(value: unknown): RecentRole[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (r): r is RecentRole =>
      typeof r === 'object' && r !== null && typeof (r as RecentRole).arn === 'string' && Number.isFinite((r as RecentRole).count) && Number.isFinite((r as RecentRole).lastUsed),
  );
}
