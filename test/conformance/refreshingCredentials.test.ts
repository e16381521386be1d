/**
 * RefreshingCredentials against a real STS (moto), driven by a fake clock: every refresh is a real
 * AssumeRole, and STS calls are counted on the wire. Time never passes for real: the STS `Date`
 * header teaches ClockSkew the offset to the fake clock, so expirations land on the fake timeline.
 * Faults moto cannot produce come from the strict fault proxy (test/support/faultProxy.ts).
 */
import * as assert from 'node:assert/strict';
import { startMoto, MotoServer, waitFor } from '../support/moto';
import { FaultProxy, STS_FAULTS } from '../support/faultProxy';
import { FakeClock } from '../support/fakeClock';
import { AMBIENT_AWS_ENV, setEnv } from '../support/awsFiles';
import { EventLog, nextEvent } from '../support/events';
import { RefreshingCredentials, RefreshContext, RefreshFailureEvent } from '../../src/credentials/refreshingCredentials';
import { ClockSkew, StsCallCounter, assumeRole } from '../../src/credentials/sts';
import { UserFacingError } from '../../src/credentials/errors';
import type { AwsCredentials } from '../../src/shared/types';

const SOURCE: AwsCredentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const FAST = { maxAttempts: 1, connectTimeoutMs: 1000, requestTimeoutMs: 2000 };
const MIN = 60_000;

describe('RefreshingCredentials (moto + fake clock)', function () {
  this.timeout(30_000);
  let moto: MotoServer;
  let proxy: FaultProxy;
  let restoreEnv: () => void;
  let clock: FakeClock;
  let skew: ClockSkew;
  let counter: StsCallCounter;
  const live: RefreshingCredentials[] = [];

  before(async () => {
    moto = await startMoto();
    proxy = await FaultProxy.start(moto.endpoint);
    restoreEnv = setEnv({ ...AMBIENT_AWS_ENV, AWS_ENDPOINT_URL_STS: proxy.endpoint });
  });
  after(async () => {
    restoreEnv?.();
    await proxy?.stop();
    await moto?.stop();
  });
  beforeEach(() => {
    // A fake "now" an hour before real time: the skew logic must cope with it.
    clock = new FakeClock(Date.now() - 60 * MIN);
    skew = new ClockSkew(clock);
    counter = new StsCallCounter();
    proxy.reset();
  });
  afterEach(() => {
    for (const c of live.splice(0)) c.dispose();
    counter.dispose();
    proxy.assertConsumed();
  });

  const contexts: RefreshContext[] = [];
  function roleFetcher(durationSeconds = 3600): (context: RefreshContext) => Promise<AwsCredentials> {
    return async (context) => {
      contexts.push(context);
      return (await assumeRole(SOURCE, { roleArn: 'arn:aws:iam::123456789012:role/Dev', sessionName: 'refresh-test', durationSeconds }, 'us-east-1', { skew, tuning: FAST })).credentials;
    };
  }
  async function make(options: Partial<ConstructorParameters<typeof RefreshingCredentials>[0]> = {}, durationSeconds = 3600): Promise<RefreshingCredentials> {
    const fetch = options.fetch ?? roleFetcher(durationSeconds);
    const initial = options.initial ?? (await fetch({ reason: 'user' }));
    const c = new RefreshingCredentials({ label: 'role Dev', clock, fetch, initial, ...options });
    live.push(c);
    counter.reset();
    proxy.requests.length = 0;
    contexts.length = 0;
    return c;
  }

  it('puts STS expirations on the local (fake) clock', async () => {
    const c = await make();
    const remaining = (c.expiration?.getTime() ?? 0) - clock.now();
    assert.ok(Math.abs(remaining - 3600_000) < 5000, `expected ~1 h left on the fake clock, got ${remaining} ms`);
  });

  it('serves cached credentials while fresh: no STS call', async () => {
    const c = await make();
    const first = await c.get();
    await clock.advance(40 * MIN);
    assert.equal(await c.get(), first);
    assert.equal(counter.total, 0);
  });

  it('renews proactively at the advisory point even if nobody calls get()', async () => {
    const c = await make();
    const before = c.currentCredentials;
    assert.ok(c.nextTimerAt !== undefined && Math.abs(c.nextTimerAt - (c.expiration!.getTime() - 15 * MIN)) < 1000, 'timer armed 15 min before expiry');
    const refreshed = nextEvent(c.onDidRefresh, 'the proactive refresh');
    await clock.advance(45 * MIN + 1000);
    const e = await refreshed;
    assert.equal(e.reason, 'advisory');
    assert.notEqual(e.credentials.accessKeyId, before?.accessKeyId);
    assert.equal(counter.count('AssumeRole'), 1);
    assert.equal(contexts[0]?.reason, 'advisory');
    assert.ok(Math.abs((c.expiration?.getTime() ?? 0) - clock.now() - 3600_000) < 5000, 'the new credentials last an hour from now');
  });

  it('advisory failure keeps the current credentials, reports, and retries with backoff', async () => {
    const c = await make();
    const before = c.currentCredentials;
    proxy.inject({ action: 'AssumeRole', reply: STS_FAULTS.throttling, times: 2 });
    const failures = new EventLog<RefreshFailureEvent>(c.onDidFailRefresh);
    const failed = nextEvent(c.onDidFailRefresh, 'the advisory failure');
    await clock.advanceTo(c.nextTimerAt!);
    const f1 = await failed;
    assert.equal(f1.reason, 'advisory');
    assert.match(f1.error.message, /STS is throttling requests/);
    assert.ok(f1.currentStillValid);
    assert.match(c.lastError?.message ?? '', /STS is throttling requests/);
    // Callers are not held up and keep the old credentials.
    assert.equal(await c.get(), before);
    assert.equal(f1.nextAttemptAt - clock.now(), 5000, 'first retry after 5 s');

    const f2 = nextEvent(c.onDidFailRefresh, 'the second failure');
    await clock.advance(5000);
    assert.equal((await f2).nextAttemptAt - clock.now(), 10_000, 'backoff doubles');

    const refreshed = nextEvent(c.onDidRefresh, 'the retry that works');
    await clock.advance(10_000);
    await refreshed;
    assert.equal(c.lastError, undefined);
    assert.notEqual(c.currentCredentials?.accessKeyId, before?.accessKeyId);
    assert.equal(proxy.count('AssumeRole'), 3);
    failures.dispose();
  });

  it('mandatory window: callers wait for the refresh and get new credentials', async () => {
    const c = await make({ proactive: false });
    const before = c.currentCredentials;
    await clock.advance(51 * MIN);
    const got = await c.get();
    assert.notEqual(got.accessKeyId, before?.accessKeyId);
    assert.equal(contexts[0]?.reason, 'mandatory');
    assert.equal(counter.count('AssumeRole'), 1);
  });

  it('concurrent callers share ONE refresh (one STS call for 20 callers)', async () => {
    const c = await make({ proactive: false });
    await clock.advance(55 * MIN);
    const results = await Promise.all(Array.from({ length: 20 }, () => c.get()));
    assert.equal(new Set(results.map((r) => r.accessKeyId)).size, 1);
    assert.equal(counter.count('AssumeRole'), 1);
    assert.equal(proxy.count('AssumeRole'), 1);
  });

  it('mandatory failure: still-valid credentials are returned and the error reported; expired ones throw', async () => {
    const c = await make({ proactive: false });
    const before = c.currentCredentials;
    await clock.advance(52 * MIN);
    proxy.inject({ action: 'AssumeRole', reply: STS_FAULTS.serviceUnavailable });
    assert.equal(await c.get(), before, 'valid for 8 more minutes: served');
    assert.match(c.lastError?.message ?? '', /^STS failed with a server error/);
    assert.match(c.lastError?.message ?? '', /server error.*try again/);

    await clock.advance(9 * MIN); // expired, and past the backoff
    proxy.inject({ action: 'AssumeRole', reply: STS_FAULTS.serviceUnavailable });
    await assert.rejects(c.get(), (e: unknown) => e instanceof UserFacingError && /^STS failed with a server error/.test(e.message));
    // Next caller, after the backoff, gets fresh credentials.
    await clock.advance(10_000);
    assert.notEqual((await c.get()).accessKeyId, before?.accessKeyId);
  });

  it('credentials without expiration never refresh', async () => {
    const c = await make({
      initial: SOURCE,
      fetch: () => Promise.reject(new Error('must not be called')),
    });
    await clock.advance(100 * 24 * 60 * MIN);
    assert.equal(await c.get(), SOURCE);
    assert.equal(c.nextTimerAt, undefined);
    assert.equal(clock.pending.length, 0);
  });

  it('scales the windows down for short sessions (15 min): renews at half-life, not at once', async () => {
    const c = await make({}, 900);
    assert.equal(c.nextTimerAt! - clock.now() > 7 * MIN, true, `timer at ${(c.nextTimerAt! - clock.now()) / 1000}s`);
    const first = await c.get();
    await clock.advance(6 * MIN);
    assert.equal(await c.get(), first);
    assert.equal(counter.total, 0, 'no refresh storm for short-lived credentials');
    const refreshed = nextEvent(c.onDidRefresh, 'the half-life refresh');
    await clock.advance(2 * MIN);
    await refreshed;
    assert.equal(counter.count('AssumeRole'), 1);
  });

  it('catches up at once after a suspend (clock jumps past expiry)', async () => {
    const c = await make();
    const refreshed = nextEvent(c.onDidRefresh, 'the catch-up refresh');
    clock.jump(3 * 60 * MIN); // the laptop slept 3 hours: no timer ran
    await clock.advance(0);
    const e = await refreshed;
    assert.equal(e.reason, 'mandatory');
    assert.ok((c.expiration?.getTime() ?? 0) > clock.now() + 50 * MIN);
  });

  for (const offsetMin of [-20, +20]) {
    it(`clock skew ${offsetMin > 0 ? '+' : ''}${offsetMin} min: expiry and the refresh timer follow STS time, not the raw timestamp`, async () => {
      clock = new FakeClock(Date.now() + offsetMin * MIN);
      skew = new ClockSkew(clock);
      const c = await make();
      const raw = (await assumeRole(SOURCE, { roleArn: 'arn:aws:iam::123456789012:role/Dev', sessionName: 'raw', durationSeconds: 3600 }, 'us-east-1', { tuning: FAST })).credentials.expiration!;
      const naiveRemaining = raw.getTime() - clock.now();
      // Without correction a slow clock sees 80 min left (it would renew after expiry); a fast one 40.
      assert.ok(Math.abs(naiveRemaining - (60 - offsetMin) * MIN) < 10_000, `naive remaining ${naiveRemaining / MIN} min`);
      const remaining = c.expiration!.getTime() - clock.now();
      assert.ok(Math.abs(remaining - 60 * MIN) < 5000, `corrected remaining ${remaining / MIN} min`);
      assert.ok(Math.abs(skew.offsetMs + offsetMin * MIN) < 5000, `offset ${skew.offsetMs} ms`);
      const refreshed = nextEvent(c.onDidRefresh, 'the refresh at the advisory point');
      await clock.advance(45 * MIN + 1000);
      assert.equal((await refreshed).reason, 'advisory');
    });
  }

  it('interactive: never blocks callers on a pending prompt while valid; after expiry waits at most interactiveWaitMs', async () => {
    let release: ((code: AwsCredentials) => void) | undefined;
    const prompts: RefreshContext[] = [];
    const c = await make({
      initial: (await roleFetcher()({ reason: 'user' })),
      interactive: true,
      interactiveWaitMs: 30_000,
      // Stands in for "ask the user for an MFA code, then AssumeRole": resolves only when the test says.
      fetch: (context) => {
        prompts.push(context);
        return new Promise<AwsCredentials>((resolve) => (release = resolve));
      },
    });
    const before = c.currentCredentials;
    await clock.advance(45 * MIN + 1000);
    assert.equal(prompts.length, 1, 'one background renewal at the advisory point');
    assert.equal(prompts[0]?.reason, 'advisory');
    await clock.advance(8 * MIN); // mandatory window, prompt still pending
    assert.equal(await c.get(), before, 'not blocked by the pending prompt');
    assert.equal(prompts.length, 1, 'no second prompt while one is pending');

    await clock.advance(8 * MIN); // expired
    const waiting = c.get();
    const outcome = assert.rejects(waiting, (e: unknown) => e instanceof UserFacingError && /renewing them needs an MFA code/.test(e.message));
    await clock.advance(30_000);
    await outcome;

    const fresh = await roleFetcher()({ reason: 'user' });
    const waiting2 = c.get();
    release?.(fresh);
    assert.equal((await waiting2).accessKeyId, fresh.accessKeyId);
  });

  it('interactive: a dismissed prompt is not retried by the timer', async () => {
    let calls = 0;
    const c = await make({
      initial: await roleFetcher()({ reason: 'user' }),
      interactive: true,
      fetch: () => {
        calls++;
        return Promise.reject(Object.assign(new Error('Entering the MFA code was cancelled.'), { name: 'UserCancelledError' }));
      },
    });
    const failed = nextEvent(c.onDidFailRefresh, 'the dismissed prompt');
    await clock.advance(45 * MIN + 1000);
    await failed;
    await clock.advance(4 * MIN);
    assert.equal(calls, 1);
    assert.equal(c.nextTimerAt, undefined);
  });

  it('dispose stops the timer and ignores a refresh in flight', async () => {
    const c = await make({ proactive: false });
    await clock.advance(55 * MIN);
    const pending = c.refresh('mandatory');
    c.dispose();
    await assert.rejects(pending, (e: unknown) => e instanceof UserFacingError && /were discarded/.test(e.message));
    await assert.rejects(c.get(), (e: unknown) => e instanceof UserFacingError && /were discarded/.test(e.message));
    assert.equal(clock.pending.length, 0);
    await waitFor(() => counter.total === 1, 'the in-flight call to finish');
  });
});
