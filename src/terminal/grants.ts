/**
 * Endpoint grants: one token per terminal, and when a token may be revoked. PURE CORE: no `vscode`
 * import (generic over the terminal and grant types).
 */

/**
 * How long after a grant stops being the pending grant it still lives: a terminal opening may
 * still hold it, and it is never revoked sooner (unless every grant is).
 */
export const GRANT_GRACE_MS = 2_000;

/** Runs `run` after `ms` milliseconds; returns what cancels it. */
export type Schedule = (run: () => void, ms: number) => () => void;

const setTimer: Schedule = (run, ms) => {
  const timer = setTimeout(run, ms);
  return () => clearTimeout(timer);
};

interface GrantEntry<TTerminal> {
  readonly key: string;
  readonly holders: Set<TTerminal>;
  /** When it stopped being the pending grant; undefined while it is. */
  retiredAt: number | undefined;
  /** Cancels the revocation scheduled for the end of its grace period. */
  cancelSweep?: (() => void) | undefined;
}

/**
 * Which endpoint grants each terminal may hold, and when one is revoked. The collection carries one
 * pending grant that the next terminal to open receives; right after a terminal opened (its process
 * has started) the pending grant is rotated and a fresh one takes its place.
 *
 * A terminal may hold every grant that was pending while it was open, not only the one it opened
 * with: VS Code starts a new shell in the same terminal without a new `onDidOpenTerminal` (the
 * automatic relaunch of a terminal not typed in yet when the collection changed, the user clicking
 * Relaunch, a task terminal reused for the next run), and that shell reads the token pending at
 * that moment. So when a grant is retired, every open terminal becomes a holder. VS Code applies
 * the collection in another process, so a terminal that opens also holds the grants retired within
 * {@link GRANT_GRACE_MS} before. A grant is revoked when it is not pending, no open terminal may
 * hold it, and it was retired at least {@link GRANT_GRACE_MS} ago: a token copied out of a terminal
 * dies once that terminal and every terminal open while the token was pending have closed.
 */
export class GrantLedger<TTerminal, TGrant extends { revoke(): void }> {
  private readonly grants = new Map<TGrant, GrantEntry<TTerminal>>();
  /** Every open terminal we were told about, with the grants it may hold (maybe none). */
  private readonly byTerminal = new Map<TTerminal, Set<TGrant>>();
  private pending: TGrant | undefined;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly schedule: Schedule = setTimer,
  ) {}

  /**
   * The pending grant for `key`: the current one when it is for `key`, else one made with `create`
   * (the previous pending grant is retired).
   */
  use(key: string, create: () => TGrant): TGrant {
    const current = this.pending;
    if (current !== undefined && this.grants.get(current)?.key === key) return current;
    const grant = create();
    this.grants.set(grant, { key, holders: new Set(), retiredAt: undefined });
    this.pending = grant;
    if (current !== undefined) this.retire(current);
    return grant;
  }

  /** No grant is pending (a mode without the endpoint). */
  clearCurrent(): void {
    const current = this.pending;
    this.pending = undefined;
    if (current !== undefined) this.retire(current);
  }

  get current(): TGrant | undefined {
    return this.pending;
  }

  /**
   * A terminal opened: it holds the pending grant and those retired just before. Tell the ledger
   * about every terminal, even with nothing pending: a later relaunch may read a later grant.
   */
  opened(terminal: TTerminal): void {
    if (this.byTerminal.has(terminal)) return;
    const held = new Set<TGrant>();
    const since = this.now() - GRANT_GRACE_MS;
    for (const [grant, entry] of this.grants) {
      if (entry.retiredAt === undefined || entry.retiredAt >= since) {
        entry.holders.add(terminal);
        held.add(grant);
      }
    }
    this.byTerminal.set(terminal, held);
  }

  /** A terminal (restored after a reload) holds `grant`, which is not pending. */
  adopt(terminal: TTerminal, key: string, grant: TGrant): void {
    const entry: GrantEntry<TTerminal> = this.grants.get(grant) ?? { key, holders: new Set(), retiredAt: this.now() };
    this.grants.set(grant, entry);
    entry.holders.add(terminal);
    const held = this.byTerminal.get(terminal) ?? new Set<TGrant>();
    held.add(grant);
    this.byTerminal.set(terminal, held);
  }

  /**
   * After a terminal's process started: if a terminal opened with the pending grant, a fresh one
   * for the same key (made with `create`) becomes pending. Returns it, or undefined if unchanged.
   */
  rotate(create: () => TGrant): TGrant | undefined {
    const current = this.pending;
    if (current === undefined) return undefined;
    const entry = this.grants.get(current);
    if (!entry || entry.holders.size === 0) return undefined;
    const grant = create();
    this.grants.set(grant, { key: entry.key, holders: new Set(), retiredAt: undefined });
    this.pending = grant;
    this.retire(current);
    return grant;
  }

  /** A terminal closed: the grants it held go if nothing else may hold them. */
  closed(terminal: TTerminal): void {
    const held = this.byTerminal.get(terminal);
    if (!held) return;
    this.byTerminal.delete(terminal);
    for (const grant of held) {
      this.grants.get(grant)?.holders.delete(terminal);
      this.sweep(grant);
    }
  }

  /** The grants a terminal may hold. */
  grantsOf(terminal: TTerminal): TGrant[] {
    return [...(this.byTerminal.get(terminal) ?? [])];
  }

  /** The key (identity) a grant is for. */
  keyOf(grant: TGrant): string | undefined {
    return this.grants.get(grant)?.key;
  }

  /** Grants alive now (pending, held, or in their grace period). */
  get size(): number {
    return this.grants.size;
  }

  /**
   * Revokes every grant, held or not: the identity was cleared or the feature turned off, so open
   * terminals must stop getting credentials too. The ledger stays usable and keeps knowing which
   * terminals are open.
   */
  revokeAll(): void {
    for (const [grant, entry] of this.grants) {
      entry.cancelSweep?.();
      grant.revoke();
    }
    this.grants.clear();
    for (const held of this.byTerminal.values()) held.clear();
    this.pending = undefined;
  }

  dispose(): void {
    this.revokeAll();
  }

  /** `grant` stops being pending: every open terminal may have read it (see the class comment). */
  private retire(grant: TGrant): void {
    const entry = this.grants.get(grant);
    if (!entry) return;
    entry.retiredAt = this.now();
    for (const [terminal, held] of this.byTerminal) {
      entry.holders.add(terminal);
      held.add(grant);
    }
    this.sweep(grant);
  }

  /** Revokes `grant` if nothing may use it any more; within its grace period, checks again after. */
  private sweep(grant: TGrant): void {
    const entry = this.grants.get(grant);
    if (!entry || entry.retiredAt === undefined || entry.holders.size > 0 || entry.cancelSweep) return;
    const wait = entry.retiredAt + GRANT_GRACE_MS - this.now();
    if (wait > 0) {
      entry.cancelSweep = this.schedule(() => {
        entry.cancelSweep = undefined;
        this.sweep(grant);
      }, wait);
      return;
    }
    this.grants.delete(grant);
    grant.revoke();
  }
}
