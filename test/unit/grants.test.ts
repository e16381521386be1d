/** One endpoint token per terminal, and when one is revoked (no VS Code needed). */
import * as assert from 'node:assert/strict';
import { GRANT_GRACE_MS, GrantLedger } from '../../src/terminal/grants';

describe('GrantLedger (one token per terminal)', () => {
  class FakeGrant {
    revoked = 0;
    constructor(readonly name: string) {}
    revoke(): void {
      this.revoked++;
    }
  }
  type T = { id: number };
  let clock = 1_000_000;
  const now = (): number => clock;
  /** The ledger's timers, run by moving the clock: tests never sleep. */
  let timers: { at: number; run: () => void }[] = [];
  const schedule = (run: () => void, ms: number): (() => void) => {
    const timer = { at: clock + ms, run };
    timers.push(timer);
    return () => (timers = timers.filter((t) => t !== timer));
  };
  const advance = (ms: number): void => {
    const end = clock + ms;
    for (;;) {
      const next = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      timers = timers.filter((t) => t !== next);
      clock = next.at;
      next.run();
    }
    clock = end;
  };
  const newLedger = (): GrantLedger<T, FakeGrant> => new GrantLedger<T, FakeGrant>(now, schedule);
  let n = 0;
  const make = (key: string) => () => new FakeGrant(`${key}#${++n}`);
  beforeEach(() => {
    timers = [];
    clock += 60_000;
  });

  it('the pending grant of an identity is reused until a terminal takes it', () => {
    const ledger = newLedger();
    const a = ledger.use('A', make('A'));
    assert.equal(ledger.use('A', make('A')), a);
    assert.equal(ledger.rotate(make('A')), undefined, 'no terminal holds it: nothing to rotate');
    assert.equal(ledger.current, a);
  });

  it('each terminal opens with its own token; a token dies once no terminal that may hold it is open', () => {
    const ledger = newLedger();
    const a1 = ledger.use('A', make('A'));
    const t1 = { id: 1 };
    ledger.opened(t1);
    clock += 10_000;
    const a2 = ledger.rotate(make('A'))!;
    assert.notEqual(a2, a1);
    assert.equal(ledger.current, a2);
    clock += 10_000;
    const t2 = { id: 2 };
    ledger.opened(t2);
    clock += 10_000;
    const a3 = ledger.rotate(make('A'))!;
    clock += 10_000;
    // t1 was open while a2 was pending: a relaunch of t1 may have read it.
    assert.deepEqual(ledger.grantsOf(t1), [a1, a2]);
    assert.deepEqual(ledger.grantsOf(t2), [a2]);
    ledger.closed(t1);
    assert.equal(a1.revoked, 1, "the closed terminal's token is revoked");
    assert.equal(a2.revoked, 0, "the other terminal's token lives");
    assert.equal(a3.revoked, 0, 'the pending token lives');
    ledger.closed(t2);
    assert.equal(a2.revoked, 1);
    assert.equal(ledger.size, 1);
  });

  it('terminals opening together (before the rotation) share the pending token, which lives until both close', () => {
    const ledger = newLedger();
    const a1 = ledger.use('A', make('A'));
    const t1 = { id: 1 };
    const t2 = { id: 2 };
    ledger.opened(t1);
    ledger.opened(t2);
    ledger.rotate(make('A'));
    clock += GRANT_GRACE_MS;
    ledger.closed(t1);
    assert.equal(a1.revoked, 0);
    ledger.closed(t2);
    assert.equal(a1.revoked, 1);
  });

  it('a terminal opening just after a rotation also holds the grant rotated out (its process may have read it)', () => {
    const ledger = newLedger();
    const a1 = ledger.use('A', make('A'));
    const t1 = { id: 1 };
    ledger.opened(t1);
    const a2 = ledger.rotate(make('A'))!;
    clock += GRANT_GRACE_MS - 1;
    const t2 = { id: 2 };
    ledger.opened(t2);
    assert.deepEqual(new Set(ledger.grantsOf(t2)), new Set([a1, a2]));
    ledger.closed(t1);
    assert.equal(a1.revoked, 0, 't2 may hold it');
    ledger.closed(t2);
    assert.equal(a1.revoked, 0, 'not within its grace period');
    advance(1);
    assert.equal(a1.revoked, 1);
    clock += 10 * GRANT_GRACE_MS;
    const t3 = { id: 3 };
    ledger.opened(t3);
    assert.deepEqual(ledger.grantsOf(t3), [a2], 'long after, only the pending one');
  });

  it('switching identity: a terminal relaunched on the pending token keeps it (VS Code relaunches on a rotation)', () => {
    const ledger = newLedger();
    const a1 = ledger.use('A', make('A'));
    const t1 = { id: 1 };
    ledger.opened(t1);
    const a2 = ledger.rotate(make('A'))!; // t1, not typed in yet, is relaunched and reads a2
    clock += 60_000;
    const b1 = ledger.use('B', make('B'));
    advance(10 * GRANT_GRACE_MS);
    assert.equal(a2.revoked, 0, 't1 may be on it');
    assert.deepEqual(ledger.grantsOf(t1), [a1, a2]);
    assert.equal(ledger.keyOf(b1), 'B');
    // Switching back makes a NEW token: terminals' tokens are never handed out again.
    const a3 = ledger.use('A', make('A'));
    assert.notEqual(a3, a1);
    assert.equal(b1.revoked, 0, 't1 (clicked Relaunch) may be on it');
    ledger.closed(t1);
    advance(GRANT_GRACE_MS);
    assert.deepEqual([a1.revoked, a2.revoked, b1.revoked, a3.revoked], [1, 1, 1, 0]);
  });

  it('another terminal closing does not revoke the token an older terminal was relaunched on', () => {
    const ledger = newLedger();
    ledger.use('A', make('A'));
    const t1 = { id: 1 };
    ledger.opened(t1);
    const a2 = ledger.rotate(make('A'))!; // t1 is relaunched and reads a2
    clock += 10_000;
    const t2 = { id: 2 };
    ledger.opened(t2);
    ledger.rotate(make('A'));
    clock += 10_000;
    ledger.closed(t2);
    assert.equal(a2.revoked, 0, 't1 may be on it');
    ledger.closed(t1);
    assert.equal(a2.revoked, 1);
  });

  it('a terminal opened while nothing was pending holds the grants pending later (a reused task terminal)', () => {
    const ledger = newLedger();
    const t1 = { id: 1 };
    ledger.opened(t1);
    assert.deepEqual(ledger.grantsOf(t1), []);
    clock += 60_000;
    const a1 = ledger.use('A', make('A')); // the task runs again in t1 and reads a1
    ledger.use('B', make('B'));
    advance(10 * GRANT_GRACE_MS);
    assert.equal(a1.revoked, 0);
    ledger.closed(t1);
    assert.equal(a1.revoked, 1);
  });

  it('a switch with no terminal open revokes the pending grant only after the grace period', () => {
    const ledger = newLedger();
    const a1 = ledger.use('A', make('A'));
    const b1 = ledger.use('B', make('B'));
    assert.equal(a1.revoked, 0, 'a "+" terminal spawned with the old variables may be starting');
    advance(GRANT_GRACE_MS - 1);
    const t = { id: 1 };
    ledger.opened(t);
    assert.deepEqual(ledger.grantsOf(t), [a1, b1]);
    advance(10 * GRANT_GRACE_MS);
    assert.equal(a1.revoked, 0, 't holds it');
    ledger.closed(t);
    assert.equal(a1.revoked, 1);
    ledger.use('C', make('C'));
    advance(GRANT_GRACE_MS - 1);
    assert.equal(b1.revoked, 0);
    advance(1);
    assert.equal(b1.revoked, 1);
  });

  it('adopt: a terminal restored after a reload holds its grant until it closes', () => {
    const ledger = newLedger();
    ledger.use('A', make('A'));
    const restored = new FakeGrant('restored');
    const t = { id: 7 };
    ledger.adopt(t, 'A', restored);
    assert.deepEqual(ledger.grantsOf(t), [restored]);
    ledger.closed(t);
    advance(GRANT_GRACE_MS);
    assert.equal(restored.revoked, 1);
  });

  it('clearing the pending grant revokes it after the grace period; terminals opened with nothing pending hold none', () => {
    const ledger = newLedger();
    const a = ledger.use('A', make('A'));
    ledger.clearCurrent();
    assert.equal(a.revoked, 0);
    advance(GRANT_GRACE_MS);
    assert.equal(a.revoked, 1);
    clock += 60_000;
    const t = { id: 9 };
    ledger.opened(t);
    assert.deepEqual(ledger.grantsOf(t), []);
    ledger.closed(t);
    assert.equal(ledger.size, 0);
  });

  it('revokeAll stops even held grants (identity cleared, feature off) and the ledger stays usable', () => {
    const ledger = newLedger();
    const a = ledger.use('A', make('A'));
    const t = { id: 1 };
    ledger.opened(t);
    const b = ledger.use('B', make('B'));
    ledger.use('C', make('C'));
    ledger.revokeAll();
    assert.deepEqual([a.revoked, b.revoked], [1, 1]);
    assert.deepEqual(ledger.grantsOf(t), []);
    assert.equal(timers.length, 0, 'no revocation left scheduled');
    const d = ledger.use('D', make('D'));
    assert.equal(ledger.current, d);
    ledger.use('E', make('E'));
    assert.deepEqual(ledger.grantsOf(t), [d], 'the ledger still knows t is open');
    ledger.closed(t);
  });

  it('many terminals, rotations and switches: a grant lives exactly while it may be used (bounded random walk)', () => {
    const ledger = newLedger();
    const grants: FakeGrant[] = [];
    const retiredAt = new Map<FakeGrant, number>();
    const track = (key: string) => () => {
      const g = new FakeGrant(key);
      grants.push(g);
      return g;
    };
    /** Each open terminal, with every grant pending while it was open. */
    const open = new Map<T, Set<FakeGrant>>();
    let seed = 42;
    const rand = (k: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % k);
    for (let step = 0; step < 2_000; step++) {
      const before = ledger.current;
      advance(rand(3_000));
      const r = rand(5);
      if (r === 0) ledger.use(`I${rand(5)}`, track('I'));
      else if (r === 1) {
        const t = { id: step };
        ledger.opened(t);
        open.set(t, new Set());
        if (rand(2) === 0) ledger.rotate(track('R'));
      } else if (r === 2 && open.size) {
        const t = [...open.keys()][rand(open.size)]!;
        open.delete(t);
        ledger.closed(t);
      } else if (r === 3) ledger.rotate(track('R'));
      else if (r === 4 && rand(10) === 0) ledger.clearCurrent();
      if (before !== undefined && before !== ledger.current) retiredAt.set(before, clock);
      for (const seen of open.values()) if (ledger.current) seen.add(ledger.current);
      for (const g of grants) assert.ok(g.revoked <= 1);
      for (const [t, seen] of open) {
        for (const g of seen) if (g !== ledger.current) assert.ok(ledger.grantsOf(t).includes(g), `terminal ${t.id} lost ${g.name}`);
      }
      const held = new Set([...open.keys()].flatMap((t) => ledger.grantsOf(t)));
      for (const g of grants.filter((x) => x.revoked === 0)) {
        assert.ok(g === ledger.current || held.has(g) || clock - retiredAt.get(g)! < GRANT_GRACE_MS, `grant ${g.name} leaked`);
      }
      for (const g of held) assert.equal(g.revoked, 0, 'a held grant was revoked');
    }
  });
});
