import assert from 'node:assert/strict';
import { InProcessRateLimitStore } from '../../clients/in-process-rate-limit-store';
import { passRateLimit, type RateLimitStore } from '../../clients/rate-limit-store';
import { fathomRate } from '../../clients/service-rate-limits';

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
    pause: (key: string, waitMs: number) => store.pause(key, fathomRate, waitMs),
  };
}

describe('Rate-limit buckets (in one process)', () => {
  it('fails fast with the wait as retry delay instead of sleeping longer than allowed, holding its turn', async () => {
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
    assert.deepEqual(clock.sleeps, [], 'back at its turn, the refused call finds its token there');
  });

  it('sends deferred callers back one per refilled token, so a crowd does not retry all at once', async () => {
    const clock = fakeClock();
    const limiter = fathomLimiter(clock);
    for (let call = 0; call < 10; call += 1) await limiter.acquire('key', clock, 1_000);
    const delays: number[] = [];
    for (let caller = 0; caller < 5; caller += 1) {
      await limiter.acquire('key', clock, 1_000).catch((error: { retryAfterMs: number }) => delays.push(error.retryAfterMs));
    }
    assert.deepEqual(delays, [1_200, 2_400, 3_600, 4_800, 6_000]);
    // Each comes back at its time and is served at once.
    for (const delay of delays) {
      clock.time = 1_000_000 + delay;
      await limiter.acquire('key', clock, 0);
    }
    assert.deepEqual(clock.sleeps, []);
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
