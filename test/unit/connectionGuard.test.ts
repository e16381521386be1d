/** The credential endpoint's connection policing, on a fake clock with stand-in sockets (no network). */
import * as assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { CUTS_PER_TICK, ConnectionGuard, MAX_CONNECTIONS, PACING_TICK_MS, REQUEST_DEADLINE_MS, SILENT_DEADLINE_MS } from '../../src/terminal/connectionGuard';
import { FakeClock } from '../support/fakeClock';

/** What the guard uses of a socket: bytesRead, writable, destroyed, end(), destroy(), 'close'. */
class FakeSocket extends EventEmitter {
  bytesRead = 0;
  writable = true;
  destroyed = false;
  written = '';
  constructor(readonly name: string) {
    super();
  }
  end(data: string): void {
    this.written += data;
    this.writable = false;
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.writable = false;
    this.emit('close');
  }
}

function setup(): { guard: ConnectionGuard; clock: FakeClock; stats: { evicted: number; cut: number }; open: (name: string) => FakeSocket } {
  const clock = new FakeClock(0);
  const stats = { evicted: 0, cut: 0 };
  const guard = new ConnectionGuard(stats, clock);
  const open = (name: string): FakeSocket => {
    const s = new FakeSocket(name);
    guard.connected(s as unknown as Socket);
    return s;
  };
  return { guard, clock, stats, open };
}

const as = (s: FakeSocket): Socket => s as unknown as Socket;

describe('ConnectionGuard', () => {
  it('cuts a socket that sent nothing at the silent deadline, quietly', async () => {
    const { clock, open, stats } = setup();
    const s = open('idle');
    await clock.advance(SILENT_DEADLINE_MS - 1);
    assert.equal(s.destroyed, false);
    await clock.advance(1);
    assert.equal(s.destroyed, true);
    assert.equal(s.written, '', 'nothing to answer: no request started');
    assert.equal(stats.cut, 1);
  });

  it('gives a socket with part of a request until the request deadline, then answers 408 and cuts it', async () => {
    const { clock, open } = setup();
    const s = open('slow');
    s.bytesRead = 10;
    await clock.advance(REQUEST_DEADLINE_MS - 1);
    assert.equal(s.destroyed, false);
    await clock.advance(1);
    assert.match(s.written, /^HTTP\/1\.1 408 /);
    await clock.advance(200);
    assert.equal(s.destroyed, true);
  });

  it('never cuts a socket while its request is answered; a kept-alive one waits again, a trusted one until the request deadline', async () => {
    const { guard, clock, open } = setup();
    const s = open('client');
    s.bytesRead = 200;
    guard.requestStarted(as(s));
    await clock.advance(10 * REQUEST_DEADLINE_MS);
    assert.equal(s.destroyed, false);
    guard.requestFinished(as(s), true);
    await clock.advance(SILENT_DEADLINE_MS);
    assert.equal(s.destroyed, false, 'a trusted kept-alive socket is not cut as silent');
    await clock.advance(REQUEST_DEADLINE_MS - SILENT_DEADLINE_MS);
    assert.equal(s.destroyed, true);
    const stranger = open('stranger');
    stranger.bytesRead = 200;
    guard.requestStarted(as(stranger));
    guard.requestFinished(as(stranger), false);
    await clock.advance(SILENT_DEADLINE_MS);
    assert.equal(stranger.destroyed, true, 'an untrusted kept-alive socket that sends nothing goes at the silent deadline');
  });

  it('paces the cuts: a crowd falling due at once is cut at most CUTS_PER_TICK per tick, oldest first', async () => {
    const { clock, open } = setup();
    const crowd = Array.from({ length: 50 }, (_, i) => open(`s${i}`));
    await clock.advance(SILENT_DEADLINE_MS);
    assert.equal(crowd.filter((s) => s.destroyed).length, CUTS_PER_TICK);
    await clock.advance(PACING_TICK_MS);
    assert.equal(crowd.filter((s) => s.destroyed).length, 2 * CUTS_PER_TICK);
    assert.deepEqual(
      crowd.map((s) => s.destroyed),
      crowd.map((_, i) => i < 2 * CUTS_PER_TICK),
      'oldest first',
    );
    await clock.advance(PACING_TICK_MS * Math.ceil(50 / CUTS_PER_TICK));
    assert.ok(crowd.every((s) => s.destroyed));
  });

  it('at the cap, the oldest waiting stranger makes room (partial before silent), a trusted kept-alive socket last, a busy one never', async () => {
    const { guard, open, stats } = setup();
    const busy = open('busy');
    busy.bytesRead = 200;
    guard.requestStarted(as(busy));
    const trusted = open('trusted');
    trusted.bytesRead = 200;
    guard.requestStarted(as(trusted));
    guard.requestFinished(as(trusted), true);
    const crowd: FakeSocket[] = [];
    while (guard.size < MAX_CONNECTIONS) crowd.push(open(`c${crowd.length}`));
    // All still in their first SILENT_DEADLINE_MS: nothing was swept into the partial set yet.
    open('newcomer');
    assert.equal(stats.evicted, 1);
    assert.equal(crowd[0]!.destroyed, true, 'the oldest stranger');
    assert.equal(trusted.destroyed, false);
    assert.equal(busy.destroyed, false);
    assert.equal(guard.size, MAX_CONNECTIONS);
    guard.destroyAll();
    assert.ok(busy.destroyed && trusted.destroyed && crowd.every((s) => s.destroyed));
    assert.equal(guard.size, 0);
  });
});
