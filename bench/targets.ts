/**
 * The targets table and the verdicts: how each run is held to the targets (reported, not
 * enforced), under `targets` in the JSON and in the Markdown's sections and Targets table.
 */
import { round, verdict } from './lib';

/** How a measured value is held against its limit. */
export type Rule = '<' | '<=' | '>=' | '=';

export interface Target {
  readonly rule: Rule;
  readonly limit: number;
  /** The limit as the Markdown states it. */
  readonly text: string;
}

/**
 * The targets the project set itself; reported with every run. Each key is a headline key; the
 * value checked is that key's, except where the target is a ratio of two keys (`ratioOf`).
 */
export const TARGETS = {
  activateMs: { rule: '<', limit: 10, text: '`activateMs` < 10 ms' },
  vsixBytes: { rule: '<', limit: 300_000, text: '`vsixBytes` < 300,000 bytes' },
  profiles2kMs: { rule: '<=', limit: 2.5, text: '`profiles2kMs` ≤ 2.5 × `profiles2kFloorMs`' },
  profiles10kMs: { rule: '<', limit: 150, text: '`profiles10kMs` < 150 ms' },
  switchSpeedupVsCli: { rule: '>=', limit: 10, text: '`switchSpeedupVsCli` ≥ 10' },
  assumeOverStsRatio: { rule: '<=', limit: 1.5, text: '`assumeOverStsRatio` ≤ 1.5' },
  endpointP99Ratio: { rule: '<=', limit: 1.15, text: '`endpointP99Ratio` ≤ 1.15' },
  // Not timings: what each operation costs in STS calls.
  assumeStsCalls: { rule: '=', limit: 1, text: '`assumeStsCalls` = 1 (one STS call per assume)' },
  endpointStsCallsPerRequest: { rule: '=', limit: 0, text: '`endpointStsCallsPerRequest` = 0' },
} satisfies Record<string, Target>;

/** Targets held as the ratio of one headline key over another. */
const RATIO_OF: Partial<Record<keyof typeof TARGETS, readonly [string, string]>> = {
  profiles2kMs: ['profiles2kMs', 'profiles2kFloorMs'],
};

export type TargetName = keyof typeof TARGETS;

export interface TargetCheck {
  readonly target: string;
  readonly rule: Rule;
  readonly limit: number;
  /** The value held against the limit: the key's own, or the ratio of the two keys in `ratioOf`. */
  readonly value: number | null;
  readonly ratioOf?: readonly [string, string];
  /** null: not measured in this run. */
  readonly met: boolean | null;
}

function holds(rule: Rule, value: number, limit: number): boolean {
  switch (rule) {
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
    case '>=':
      return value >= limit;
    case '=':
      return value === limit;
  }
}

/** Each target held against the headline keys of one run (see headline in summaryJson.ts). */
export function targets(h: Record<string, unknown>): Record<TargetName, TargetCheck> {
  const num = (k: string): number | null => (typeof h[k] === 'number' ? (h[k] as number) : null);
  const out = {} as Record<TargetName, TargetCheck>;
  for (const [name, t] of Object.entries(TARGETS) as [TargetName, Target][]) {
    const ratioOf = RATIO_OF[name];
    let value = num(name);
    if (ratioOf) {
      const over = num(ratioOf[0]);
      const under = num(ratioOf[1]);
      value = over !== null && under !== null && under > 0 ? round(over / under, 2) : null;
    }
    out[name] = { target: t.text, rule: t.rule, limit: t.limit, value, ...(ratioOf ? { ratioOf } : {}), met: value === null ? null : holds(t.rule, value, t.limit) };
  }
  return out;
}

export function targetVerdict(c: TargetCheck): string {
  return c.met === null ? 'not measured' : verdict(c.met);
}
