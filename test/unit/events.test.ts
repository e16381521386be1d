import * as assert from 'node:assert/strict';
import { Disposable, Emitter } from '../../src/shared/events';

describe('events.Emitter (vscode.Event-shaped)', () => {
  it('delivers to listeners in order, honours thisArgs and the disposables array', () => {
    const errors: unknown[] = [];
    const emitter = new Emitter<number>((e) => errors.push(e));
    const seen: string[] = [];
    const target = { name: 'ctx', on(this: { name: string }, n: number) {
      seen.push(`${this.name}:${n}`);
    } };
    const bag: Disposable[] = [];
    emitter.event(target.on, target, bag);
    emitter.event((n) => seen.push(`plain:${n}`));
    emitter.fire(1);
    assert.deepEqual(seen, ['ctx:1', 'plain:1']);
    assert.equal(bag.length, 1);
    bag[0]?.dispose();
    emitter.fire(2);
    assert.deepEqual(seen, ['ctx:1', 'plain:1', 'plain:2']);
  });

  it('a throwing listener does not stop the others; its error is reported', () => {
    const errors: unknown[] = [];
    const emitter = new Emitter<string>((e) => errors.push(e));
    const seen: string[] = [];
    emitter.event(() => {
      throw new Error('boom');
    });
    emitter.event((s) => seen.push(s));
    emitter.fire('x');
    assert.deepEqual(seen, ['x']);
    assert.equal((errors[0] as Error).message, 'boom');
  });

  it('a listener may unsubscribe while the event fires; nothing fires after dispose', () => {
    const emitter = new Emitter<void>();
    let calls = 0;
    const sub = emitter.event(() => {
      calls++;
      sub.dispose();
    });
    emitter.fire();
    emitter.fire();
    assert.equal(calls, 1);
    emitter.event(() => calls++);
    emitter.dispose();
    emitter.fire();
    assert.equal(calls, 1);
    assert.equal(emitter.listenerCount, 0);
  });
});
