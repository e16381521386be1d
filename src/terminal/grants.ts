/**
 * Endpoint grants: one token per terminal, and when a token may be revoked. PURE CORE: no `vscode`
 * import (generic over the terminal and grant types).
 */

/** How long after a grant stops being the one in the collection a terminal opening may still hold it. */
export const GRANT_GRACE_MS = 2_000;

interface GrantEntry<TTerminal> {
  readonly key: string;
  readonly holders: Set<TTerminal>;
  /** When it stopped being the collection's grant; undefined while it is. */
  retiredAt: number | undefined;
}

/**
 * Which endpoint grants each terminal may hold, and when one is revoked. The collection carries one
 * "pending" grant (the current one) that the next terminal to open receives; right after a terminal
 * opened (its process has started, so its environment is fixed) the pending grant is rotated: it
 * stays with the terminals that opened while it was pending, and a fresh one takes its place. A
 * grant is revoked when it is not pending and no terminal that may hold it is open, so a token
 * copied out of a terminal dies when that terminal closes.
 *
 * VS Code applies the collection in another process, so the moment a terminal reads it is not the
 * moment we hear about it: a terminal is taken to hold the pending grant when it opens and every
 * grant retired within {@link GRANT_GRACE_MS} before that. Generic over the terminal and grant types,
 * so it needs no VS Code.
 */
export class GrantLedger<TTerminal, TGrant extends { revoke(): void }> {
  private readonly grants = new Map<TGrant, GrantEntry<TTerminal>>();
  private readonly byTerminal = new Map<TTerminal, Set<TGrant>>();
  private pending: TGrant | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * The pending grant for `key`: the current one when it is for `key`, else one made with `create`
   * (the previous pending grant is retired, and revoked if no terminal holds it).
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

  /** No grant is pending (identity cleared, or a mode without the endpoint). */
  clearCurrent(): void {
    const current = this.pending;
    this.pending = undefined;
    if (current !== undefined) this.retire(current);
  }

  get current(): TGrant | undefined {
    return this.pending;
  }

  /** A terminal opened: it holds the pending grant and those retired just before. */
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
   * After a terminal's process started: if the pending grant is held, a fresh one for the same key
   * (made with `create`) becomes pending. Returns the new pending grant, or undefined if unchanged.
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

  /** Grants alive now (pending or held). */
  get size(): number {
    return this.grants.size;
  }

  /**
   * Revokes every grant, held or not: the identity was cleared or the feature turned off, so open
   * terminals must stop getting credentials too. The ledger stays usable.
   */
  revokeAll(): void {
    for (const grant of this.grants.keys()) grant.revoke();
    this.grants.clear();
    this.byTerminal.clear();
    this.pending = undefined;
  }

  dispose(): void {
    this.revokeAll();
  }

  private retire(grant: TGrant): void {
    const entry = this.grants.get(grant);
    if (!entry) return;
    entry.retiredAt = this.now();
    this.sweep(grant);
  }

  private sweep(grant: TGrant): void {
    const entry = this.grants.get(grant);
    if (!entry || grant === this.pending || entry.holders.size > 0) return;
    this.grants.delete(grant);
    grant.revoke();
  }
}
