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
  let n = 0;
  const make = (key: string) => () => new FakeGrant(`${key}#${++n}`);
  beforeEach(() => (clock += 60_000));

  it('the pending grant of an identity is reused until a terminal takes it', () => {
    const ledger = new GrantLedger<T, FakeGrant>(now);
    const a = ledger.use('A', make('A'));
    assert.equal(ledger.use('A', make('A')), a);
    assert.equal(ledger.rotate(make('A')), undefined, 'no terminal holds it: nothing to rotate');
    assert.equal(ledger.current, a);
  });

  it('each terminal gets its own token; a token dies with its terminal while the others keep theirs', () => {
    const ledger = new GrantLedger<T, FakeGrant>(now);
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
    assert.deepEqual(ledger.grantsOf(t1), [a1]);
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
    const ledger = new GrantLedger<T, FakeGrant>(now);
    const a1 = ledger.use('A', make('A'));
    const t1 = { id: 1 };
    const t2 = { id: 2 };
    ledger.opened(t1);
    ledger.opened(t2);
    ledger.rotate(make('A'));
    ledger.closed(t1);
    assert.equal(a1.revoked, 0);
    ledger.closed(t2);
    assert.equal(a1.revoked, 1);
  });

  it('a terminal opening just after a rotation also holds the grant rotated out (its process may have read it)', () => {
    const ledger = new GrantLedger<T, FakeGrant>(now);
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
    assert.equal(a1.revoked, 1);
    clock += 10 * GRANT_GRACE_MS;
    const t3 = { id: 3 };
    ledger.opened(t3);
    assert.deepEqual(ledger.grantsOf(t3), [a2], 'long after, only the pending one');
  });

  it('switching identity: the unheld pending grant goes at once, held ones stay with their terminals', () => {
    const ledger = new GrantLedger<T, FakeGrant>(now);
    const a1 = ledger.use('A', make('A'));
    const t1 = { id: 1 };
    ledger.opened(t1);
    const a2 = ledger.rotate(make('A'))!;
    clock += 60_000;
    const b1 = ledger.use('B', make('B'));
    assert.equal(a2.revoked, 1, 'nobody held the pending A token');
    assert.equal(a1.revoked, 0);
    assert.equal(ledger.keyOf(b1), 'B');
    // Switching back makes a NEW token: terminals' tokens are never handed out again.
    clock += 60_000;
    const a3 = ledger.use('A', make('A'));
    assert.notEqual(a3, a1);
    assert.equal(b1.revoked, 1);
    ledger.closed(t1);
    assert.equal(a1.revoked, 1);
  });

  it('adopt: a terminal restored after a reload holds its grant until it closes', () => {
    const ledger = new GrantLedger<T, FakeGrant>(now);
    ledger.use('A', make('A'));
    const restored = new FakeGrant('restored');
    const t = { id: 7 };
    ledger.adopt(t, 'A', restored);
    assert.deepEqual(ledger.grantsOf(t), [restored]);
    ledger.closed(t);
    assert.equal(restored.revoked, 1);
  });

  it('clearing the identity revokes the pending grant; terminals opened with no pending grant hold none', () => {
    const ledger = new GrantLedger<T, FakeGrant>(now);
    const a = ledger.use('A', make('A'));
    ledger.clearCurrent();
    assert.equal(a.revoked, 1);
    clock += 60_000;
    const t = { id: 9 };
    ledger.opened(t);
    assert.deepEqual(ledger.grantsOf(t), []);
    ledger.closed(t);
    assert.equal(ledger.size, 0);
  });

  it('revokeAll stops even held grants (identity cleared, feature off) and the ledger stays usable', () => {
    const ledger = new GrantLedger<T, FakeGrant>(now);
    const a = ledger.use('A', make('A'));
    const t = { id: 1 };
    ledger.opened(t);
    ledger.use('B', make('B'));
    ledger.revokeAll();
    assert.equal(a.revoked, 1);
    assert.deepEqual(ledger.grantsOf(t), []);
    ledger.closed(t);
    const c = ledger.use('C', make('C'));
    assert.equal(ledger.current, c);
  });

  it('many terminals, rotations and switches: a grant is revoked exactly when it is neither pending nor held (bounded random walk)', () => {
    const ledger = new GrantLedger<T, FakeGrant>(now);
    const grants: FakeGrant[] = [];
    const track = (key: string) => () => {
      const g = new FakeGrant(key);
      grants.push(g);
      return g;
    };
    const open: T[] = [];
    let seed = 42;
    const rand = (k: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % k);
    for (let step = 0; step < 2_000; step++) {
      clock += rand(3_000);
      const r = rand(5);
      if (r === 0) ledger.use(`I${rand(5)}`, track('I'));
      else if (r === 1) {
        const t = { id: step };
        ledger.opened(t);
        open.push(t);
        if (rand(2) === 0) ledger.rotate(track('R'));
      } else if (r === 2 && open.length) ledger.closed(open.splice(rand(open.length), 1)[0]!);
      else if (r === 3) ledger.rotate(track('R'));
      else if (r === 4 && rand(10) === 0) ledger.clearCurrent();
      for (const g of grants) assert.ok(g.revoked <= 1);
      const held = new Set(open.flatMap((t) => ledger.grantsOf(t)));
      for (const g of grants.filter((x) => x.revoked === 0)) assert.ok(g === ledger.current || held.has(g), `grant ${g.name} leaked`);
      for (const g of held) assert.equal(g.revoked, 0, 'a held grant was revoked');
    }
  });
});
