import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { toActivityFailure } from '../../activities/failures';
import { createFathomClient } from '../../clients/fathom-client';
import { bucketForWindow, rateLimitKey } from '../../clients/rate-limit-store';
import { forgetIdleRateLimits, PostgresRateLimitStore } from '../../db/api-rate-limits';
import { openMaintenanceOrm, openOrm, type Orm } from '../../db/orm';
import { rateLimitDeferralType, type RateLimitDeferralDetails } from '../../domain/rate-limit-deferral';
import { ExternalServiceError } from '../../domain/service-errors';
import { FathomEmulator } from '../../emulators/fathom-emulator';
import { sampleMeeting } from '../../emulators/fathom-sample-meeting';
import { testStack } from '../support/test-stack';

const repoRoot = path.resolve(__dirname, '..', '..');

interface TakerReport {
  granted: number;
  /** When each call was granted (after any wait within the bound): when it would go out. */
  grantedAt: number[];
  /** Calls refused again after coming back at the turn they were told. */
  sentAwayTwice: number;
  startedAt: number;
  endedAt: number;
}

/** Starts one taker process per entry, lets them all go at once, and collects their reports. */
async function runTakers(count: number, env: Record<string, string>): Promise<TakerReport[]> {
  const takers = Array.from({ length: count }, () => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'test/support/rate-limit-taker.ts'], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => output.includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`taker exited ${code} before it was ready: ${errors}`)));
    });
    const report = new Promise<TakerReport>((resolve, reject) => {
      child.once('exit', (code) => {
        const line = output.split('\n').find((candidate) => candidate.startsWith('{'));
        if (code === 0 && line) resolve(JSON.parse(line) as TakerReport);
        else reject(new Error(`taker exited ${code}: ${errors}`));
      });
    });
    return { child, ready, report };
  });
  await Promise.all(takers.map((taker) => taker.ready));
  for (const taker of takers) taker.child.stdin.end('go\n');
  return Promise.all(takers.map((taker) => taker.report));
}

async function rejection(promise: Promise<unknown>): Promise<ExternalServiceError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ExternalServiceError, String(error));
    return error;
  }
  assert.fail('expected a rejection');
}

describe('Rate limits shared by every process (PostgreSQL buckets)', function () {
  this.timeout(180_000);
  let orms: Orm[] = [];

  afterEach(async () => {
    await Promise.all(orms.map((orm) => orm.close()));
    orms = [];
  });

  /** Each its own connection pool, as two processes would have. */
  async function twoStores(): Promise<[PostgresRateLimitStore, PostgresRateLimitStore]> {
    orms = [await openOrm(testStack().databaseUrl), await openOrm(testStack().databaseUrl)];
    return [new PostgresRateLimitStore(orms[0]!), new PostgresRateLimitStore(orms[1]!)];
  }

  it('two processes taking from one key together never get more than the bucket allows, and a call sent away comes back once', async () => {
    // 10 at once, then 5 a second (15 in any second): alone, each process would be granted about as much as both together may.
    const limit = 15;
    const rate = bucketForWindow(limit, 1_000, 10);
    const takeForMs = 4_000;
    const reports = await runTakers(2, {
      DATABASE_URL: testStack().databaseUrl,
      BUCKET_KEY: `test:two-processes:${Date.now()}`,
      BUCKET_RATE: JSON.stringify(rate),
      TAKE_FOR_MS: String(takeForMs),
      LANES: '4',
    });
    const granted = reports.reduce((sum, report) => sum + report.granted, 0);
    // Both processes' whole span: any delay in either only widens it, so the bound never fails by load.
    const spanMs = Math.max(...reports.map((report) => report.endedAt)) - Math.min(...reports.map((report) => report.startedAt));
    const allowed = rate.capacity + rate.refillPerMs * spanMs;
    assert.ok(granted <= allowed + 1, `${granted} calls granted in ${spanMs} ms; the shared bucket allows ${allowed.toFixed(1)}`);
    assert.ok(reports.every((report) => report.granted > 0), `both processes were served: ${JSON.stringify(reports.map((report) => report.granted))}`);
    // A grant is stamped after its statement returns: a stamp up to 250 ms late may crowd one window with one more second's refill share.
    const times = reports.flatMap((report) => report.grantedAt).sort((a, b) => a - b);
    const busiest = Math.max(...times.map((start) => times.filter((time) => time >= start && time < start + 1_000).length));
    assert.ok(busiest <= Math.floor(limit + rate.refillPerMs * 250), `${busiest} calls went out within one second; the limit is ${limit}`);
    // 8 lanes on 5 tokens a second: most calls are sent away once; back at their turn (within the 2 s grace) they are granted.
    assert.equal(reports.reduce((sum, report) => sum + report.sentAwayTwice, 0), 0, 'no call was sent away twice');
  });

  it('a wait within the bound reserves the next token; callers sent away are told turns one token apart', async () => {
    const [store] = await twoStores();
    const key = `test:reserve:${Date.now()}`;
    const rate = { capacity: 2, refillPerMs: 1 / 1_000 };
    assert.deepEqual(await store.take(key, rate, 1, 0), { granted: true, waitMs: 0 });
    assert.deepEqual(await store.take(key, rate, 1, 0), { granted: true, waitMs: 0 });
    const reserved = await store.take(key, rate, 1, 10_000);
    assert.equal(reserved.granted, true, 'nobody queues ahead: a wait within the bound is reserved');
    assert.ok(reserved.waitMs > 900 && reserved.waitMs <= 1_000, `reserved for ${reserved.waitMs} ms from now`);
    const refused = await store.take(key, rate, 1, 100, 'first');
    assert.equal(refused.granted, false);
    assert.ok(refused.waitMs > reserved.waitMs + 900, `the reserved token is not handed out twice (${reserved.waitMs} then ${refused.waitMs} ms)`);
    const queued = await store.take(key, rate, 1, 100, 'second');
    assert.ok(queued.waitMs > refused.waitMs + 900, `a caller sent away later is told a later turn (${refused.waitMs} then ${queued.waitMs} ms)`);
  });

  it('a call sent away is granted at its turn in either process, ahead of newer callers, and is never debited twice', async () => {
    const [first, second] = await twoStores();
    const key = `test:turns:${Date.now()}`;
    // One token a second and a 5 s grace: a return late by load is still a return.
    const rate = { capacity: 5, refillPerMs: 1 / 1_000 };
    for (let call = 0; call < 5; call += 1) assert.equal((await first.take(key, rate, 1, 0)).granted, true);
    const sentAway = await first.take(key, rate, 1, 100, 'meeting-1:draftFollowUp');
    assert.equal(sentAway.granted, false);
    const behind = await second.take(key, rate, 1, 100, 'meeting-2:draftFollowUp');
    assert.equal(behind.granted, false);
    assert.ok(behind.waitMs > sentAway.waitMs + 900, `a newer call queues behind (${sentAway.waitMs} then ${behind.waitMs} ms)`);

    await new Promise((resolve) => setTimeout(resolve, sentAway.waitMs + 50));
    // The token refilled by now is the first call's: a newcomer in the other process does not get it.
    const newcomer = await second.take(key, rate, 1, 0);
    assert.equal(newcomer.granted, false, 'the newcomer is refused the token reserved for the returning call');
    assert.deepEqual(await second.take(key, rate, 1, 0, 'meeting-1:draftFollowUp'), { granted: true, waitMs: 0 }, 'back at its turn, granted at once');

    // The second call back early: told the rest of its turn, its tokens not taken again.
    const startedAt = Date.now();
    const early = await first.take(key, rate, 1, 0, 'meeting-2:draftFollowUp');
    const next = await first.take(key, rate, 1, 0);
    const elapsedMs = Date.now() - startedAt;
    assert.equal(early.granted, false);
    assert.ok(early.waitMs > 0 && early.waitMs < 1_000, `the rest of its turn: ${early.waitMs} ms`);
    assert.ok(next.waitMs <= early.waitMs + 1_000 + 1 && next.waitMs >= early.waitMs + 1_000 - elapsedMs - 1, `one token owed for it, not two (${early.waitMs} then ${next.waitMs} ms)`);
    const claimed = await first.take(key, rate, 1, 5_000, 'meeting-2:draftFollowUp');
    assert.equal(claimed.granted, true, 'within the bound, it sleeps out the rest of its turn');
    assert.ok(claimed.waitMs <= early.waitMs, `${claimed.waitMs} ms`);
  });

  it('a turn booked ahead (negative bound) takes the tokens even when they are there, and only its holder claims it, in either process', async () => {
    const [first, second] = await twoStores();
    const key = `test:booked:${Date.now()}`;
    const rate = { capacity: 1, refillPerMs: 1 / 1_000 };
    const booked = await first.take(key, rate, 1, -1, 'meeting-1:draftFollowUp');
    assert.deepEqual(booked, { granted: false, waitMs: 0 }, 'booked for now, not granted');
    assert.deepEqual(await first.take(key, rate, 1, -1, 'meeting-1:draftFollowUp'), { granted: false, waitMs: 0 }, 'booking again changes nothing');
    const newcomer = await second.take(key, rate, 1, 0);
    assert.equal(newcomer.granted, false, 'the booked token is not handed to a newcomer');
    assert.ok(newcomer.waitMs > 900, `${newcomer.waitMs} ms`);
    assert.deepEqual(await second.take(key, rate, 1, 2_000, 'meeting-1:draftFollowUp'), { granted: true, waitMs: 0 }, 'the holder claims its turn');
  });

  it('a 429 moves the reserved turns back with the pause', async () => {
    const [first, second] = await twoStores();
    const key = `test:pause-turns:${Date.now()}`;
    const rate = { capacity: 1, refillPerMs: 1 / 1_000 };
    await first.take(key, rate, 1, 0);
    const sentAway = await first.take(key, rate, 1, 0, 'call');
    await second.pause(key, rate, 30_000);
    const back = await first.take(key, rate, 1, 0, 'call');
    assert.equal(back.granted, false, 'a 429 holds the key for everyone');
    assert.ok(back.waitMs > 25_000 && back.waitMs <= 30_000 + sentAway.waitMs, `its turn after the pause: ${back.waitMs} ms`);
  });

  it('the daily purge forgets reservations whose call never came back', async () => {
    const [store] = await twoStores();
    const key = `test:abandoned:${Date.now()}`;
    const rate = { capacity: 1, refillPerMs: 1 / 1_000 };
    await store.take(key, rate, 1, 0);
    await store.take(key, rate, 1, 0, 'cancelled-meeting');
    const connection = orms[0]!.em.fork().getConnection();
    await connection.execute(`update api_rate_limit_reservation set due_at = now() - interval '2 days' where key = ?`, [key]);
    const maintenance = await openMaintenanceOrm(testStack().databaseUrls.maintenance);
    try {
      await forgetIdleRateLimits(maintenance, 86_400_000);
    } finally {
      await maintenance.close();
    }
    assert.deepEqual(await connection.execute(`select holder from api_rate_limit_reservation where key = ?`, [key]), []);
  });

  it('a 429 seen by one process pauses the key for the other, and the wait becomes the activity’s retry delay', async () => {
    const stores = await twoStores();
    const emulator = new FathomEmulator({ rateLimit: { limit: 2, windowSeconds: 60 } });
    await emulator.start();
    try {
      const apiKey = `shared-limit-key-${Date.now()}`;
      emulator.registerApiKey(apiKey, 'rep@example.com', { team: 'Sales' });
      emulator.addMeeting(sampleMeeting({ title: 'one', created_at: new Date().toISOString() }));
      const [first, second] = stores.map((store) =>
        createFathomClient({ credentials: { type: 'apiKey', apiKey }, repEmail: 'rep@example.com', baseUrl: `${emulator.url}/external/v1`, rateLimits: store }),
      );
      // Another app on the same Fathom account spent the window: the first process meets the 429.
      emulator.injectFault({ path: /\/meetings$/, times: 1, fault: { status: 429, headers: { 'ratelimit-reset': '45' }, body: { error: 'Rate limit exceeded' } } });
      const seen = await rejection(first!.listMeetings({}));
      assert.equal(seen.status, 429);
      const callsSoFar = emulator.requestsTo('GET', /\/meetings$/).length;

      const held = await rejection(second!.listMeetings({}));
      assert.equal(held.kind, 'retryable');
      assert.equal(held.status, undefined, 'refused by the shared bucket, not by Fathom');
      assert.ok(held.retryAfterMs! > 40_000 && held.retryAfterMs! <= 45_000, `retry after ${held.retryAfterMs} ms`);
      assert.equal(emulator.requestsTo('GET', /\/meetings$/).length, callsSoFar, 'the second process did not call Fathom');

      // The wait is the workflow's to sit out on a timer (workflows/rate-limit-waits.ts): no attempt is spent on it.
      const failure = toActivityFailure(held);
      assert.ok(failure instanceof ApplicationFailure);
      assert.equal(failure.type, rateLimitDeferralType);
      assert.equal(failure.nonRetryable, true);
      assert.equal((failure.details?.[0] as RateLimitDeferralDetails).waitMs, held.retryAfterMs);
    } finally {
      await emulator.stop();
    }
  });

  it('keys are hashed: no credential is stored', async () => {
    const [store] = await twoStores();
    const key = rateLimitKey('fathom', 'account', 'apiKey:very-secret-key');
    await store.take(key, { capacity: 1, refillPerMs: 1 }, 1, 0);
    const rows = await orms[0]!.em.getConnection().execute<{ key: string }[]>(`select key from api_rate_limit where key like 'fathom:%'`);
    assert.ok(rows.some((row) => row.key === key));
    assert.ok(rows.every((row) => !row.key.includes('secret')));
  });
});
