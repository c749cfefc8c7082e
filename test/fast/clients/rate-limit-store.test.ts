import assert from 'node:assert/strict';
import { InProcessRateLimitStore } from '../../../clients/in-process-rate-limit-store';
import { withRateLimitHolder } from '../../../clients/rate-limit-holder';
import { passRateLimit, type RateLimitStore } from '../../../clients/rate-limit-store';
import { fathomRate } from '../../../clients/service-rate-limits';

function fakeClock(start = 1_000_000) {
  const clock = {
    time: start,
    sleeps: [] as number[],
    now: () => clock.time,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.time += ms;
    },
  };
  return clock;
}

/** Fathom's bucket (60 a minute, burst 10) through the same gate every client passes. */
function fathomLimiter(clock: { now: () => number }) {
  const store: RateLimitStore = new InProcessRateLimitStore(() => clock.now());
  return {
    acquire: (key: string, waiter: { sleep: (ms: number) => Promise<void> }, maxWaitMs = Number.POSITIVE_INFINITY) =>
      passRateLimit({ store, maxWaitMs, sleep: waiter.sleep }, { service: 'fathom', key, rate: fathomRate, userMessage: 'rate limited' }),
    /** As one logical call (an activity the workflow schedules again after each deferral). */
    acquireAs: (holder: string, key: string, waiter: { sleep: (ms: number) => Promise<void> }, maxWaitMs: number) =>
      withRateLimitHolder(holder, () =>
        passRateLimit({ store, maxWaitMs, sleep: waiter.sleep }, { service: 'fathom', key, rate: fathomRate, userMessage: 'rate limited' }),
      ),
    pause: (key: string, waitMs: number) => store.pause(key, fathomRate, waitMs),
  };
}

async function rejectionOf(promise: Promise<unknown>): Promise<{ retryAfterMs?: number }> {
  return promise.then(
    () => assert.fail('expected the call to be sent away'),
    (error: { retryAfterMs?: number }) => error,
  );
}

describe('Rate-limit buckets (in one process)', () => {
  it('fails fast with the wait as retry delay instead of sleeping longer than allowed', async () => {
    const clock = fakeClock();
    const limiter = fathomLimiter(clock);
    for (let call = 0; call < 10; call += 1) await limiter.acquire('key', clock, 1_000);
    await assert.rejects(limiter.acquire('key', clock, 1_000), (error: { kind?: string; retryAfterMs?: number }) => {
      assert.equal(error.kind, 'retryable');
      assert.equal(error.retryAfterMs, 1_200);
      return true;
    });
    assert.deepEqual(clock.sleeps, []);
    clock.time += 1_200;
    await limiter.acquire('key', clock, 1_000);
    assert.deepEqual(clock.sleeps, [], 'back at that time, the refused call finds a token there');
  });

  it('sends deferred callers back one per refilled token, so a crowd does not retry all at once', async () => {
    const clock = fakeClock();
    const limiter = fathomLimiter(clock);
    for (let call = 0; call < 10; call += 1) await limiter.acquire('key', clock, 1_000);
    const delays: number[] = [];
    for (let caller = 0; caller < 5; caller += 1) {
      await limiter.acquireAs(`call-${caller}`, 'key', clock, 1_000).catch((error: { retryAfterMs: number }) => delays.push(error.retryAfterMs));
    }
    assert.deepEqual(delays, [1_200, 2_400, 3_600, 4_800, 6_000]);
    // Each comes back at its time and is served at once.
    for (const [caller, delay] of delays.entries()) {
      clock.time = 1_000_000 + delay;
      await limiter.acquireAs(`call-${caller}`, 'key', clock, 0);
    }
    assert.deepEqual(clock.sleeps, []);
  });

  it('grants a sent-away call at its turn although newer callers came meanwhile, and queues them behind it', async () => {
    const clock = fakeClock();
    const limiter = fathomLimiter(clock);
    for (let call = 0; call < 10; call += 1) await limiter.acquire('key', clock, 1_000);
    const refused = await rejectionOf(limiter.acquireAs('first', 'key', clock, 1_000));
    assert.equal(refused.retryAfterMs, 1_200);
    // A newcomer arriving just before the first call's turn, when the token refilled by then is the first call's.
    clock.time += 1_100;
    const newcomer = await rejectionOf(limiter.acquireAs('newcomer', 'key', clock, 1_000));
    assert.equal(newcomer.retryAfterMs, 1_300, 'the newcomer is told the turn after the first call’s');
    clock.time += 100;
    await limiter.acquireAs('first', 'key', clock, 1_000);
    assert.deepEqual(clock.sleeps, [], 'back at its turn, the first call is granted at once');
    clock.time += 1_300;
    await limiter.acquireAs('newcomer', 'key', clock, 1_000);
    assert.deepEqual(clock.sleeps, [], 'and so is the newcomer at its own');
  });

  it('tells a call back early the rest of its wait, without taking its tokens again', async () => {
    const clock = fakeClock();
    const limiter = fathomLimiter(clock);
    for (let call = 0; call < 10; call += 1) await limiter.acquire('key', clock, 0);
    assert.equal((await rejectionOf(limiter.acquireAs('early', 'key', clock, 0))).retryAfterMs, 1_200);
    clock.time += 200;
    assert.equal((await rejectionOf(limiter.acquireAs('early', 'key', clock, 0))).retryAfterMs, 1_000, 'the rest of the same turn');
    assert.equal((await rejectionOf(limiter.acquire('key', clock, 0))).retryAfterMs, 2_200, 'one token owed, not two: the next caller is one turn behind');
    // Within the bound, it sleeps out the rest of its turn in the call.
    await limiter.acquireAs('early', 'key', clock, 1_000);
    assert.deepEqual(clock.sleeps, [1_000]);
  });

  it('never lets reservations, returning calls and newcomers together exceed 60 calls in any 60-second window', async () => {
    const clock = fakeClock();
    const limiter = fathomLimiter(clock);
    const callTimes: number[] = [];
    const returns = new Map<string, number>();
    for (let step = 0; step < 600; step += 1) {
      // Three new calls every second, each sent away with a reservation until its turn.
      if (step % 10 === 0) {
        for (let call = 0; call < 3; call += 1) {
          const holder = `call-${step}-${call}`;
          await limiter.acquireAs(holder, 'key', clock, 1_000).then(
            () => callTimes.push(clock.time),
            (error: { retryAfterMs: number }) => returns.set(holder, clock.time + error.retryAfterMs),
          );
        }
      }
      for (const [holder, at] of [...returns]) {
        if (at > clock.time) continue;
        returns.delete(holder);
        await limiter.acquireAs(holder, 'key', clock, 1_000).then(
          () => callTimes.push(clock.time),
          (error: { retryAfterMs: number }) => assert.fail(`${holder} was sent away twice (${error.retryAfterMs} ms)`),
        );
      }
      clock.time += 100;
    }
    for (const start of callTimes) {
      const inWindow = callTimes.filter((time) => time >= start && time < start + 60_000).length;
      assert.ok(inWindow <= 60, `${inWindow} calls in the window starting at ${start}`);
    }
  });

  it('moves the turns of calls sent away back by a pause, keeping their order', async () => {
    const clock = fakeClock();
    const limiter = fathomLimiter(clock);
    for (let call = 0; call < 10; call += 1) await limiter.acquire('key', clock, 0);
    assert.equal((await rejectionOf(limiter.acquireAs('first', 'key', clock, 0))).retryAfterMs, 1_200);
    assert.equal((await rejectionOf(limiter.acquireAs('second', 'key', clock, 0))).retryAfterMs, 2_400);
    await limiter.pause('key', 30_000);
    clock.time += 1_200;
    assert.equal((await rejectionOf(limiter.acquireAs('first', 'key', clock, 0))).retryAfterMs, 30_000, 'a 429 holds the key for everyone');
    assert.equal((await rejectionOf(limiter.acquireAs('second', 'key', clock, 0))).retryAfterMs, 31_200);
  });

  it('allows a burst of 10, then one call per 1.2 s', async () => {
    const clock = fakeClock();
    const limiter = fathomLimiter(clock);
    for (let call = 0; call < 13; call += 1) await limiter.acquire('key', clock);
    assert.deepEqual(clock.sleeps, [1_200, 1_200, 1_200]);
  });

  it('never lets one process exceed 60 calls in any 60-second window', async () => {
    const clock = fakeClock();
    const limiter = fathomLimiter(clock);
    const callTimes: number[] = [];
    for (let call = 0; call < 200; call += 1) {
      await limiter.acquire('key', clock);
      callTimes.push(clock.time);
    }
    for (const start of callTimes) {
      const inWindow = callTimes.filter((time) => time >= start && time < start + 60_000).length;
      assert.ok(inWindow <= 60, `${inWindow} calls in the window starting at ${start}`);
    }
  });

  it('queues concurrent callers one after another instead of releasing them together', async () => {
    const clock = { now: () => 0, sleeps: [] as number[], sleep: async (ms: number) => void clock.sleeps.push(ms) };
    const limiter = fathomLimiter(clock);
    await Promise.all(Array.from({ length: 12 }, () => limiter.acquire('key', clock)));
    assert.deepEqual(clock.sleeps, [1_200, 2_400]);
  });

  it('keeps separate budgets per key', async () => {
    const clock = fakeClock();
    const limiter = fathomLimiter(clock);
    for (let call = 0; call < 10; call += 1) await limiter.acquire('first', clock);
    await limiter.acquire('second', clock);
    assert.deepEqual(clock.sleeps, []);
  });

  it('after a pause, the first call waits for the reset and the rest follow at the refill pace', async () => {
    const clock = fakeClock();
    const limiter = fathomLimiter(clock);
    await limiter.pause('key', 30_000);
    await limiter.acquire('key', clock);
    await limiter.acquire('key', clock);
    assert.deepEqual(clock.sleeps, [30_000, 1_200]);
  });
});
