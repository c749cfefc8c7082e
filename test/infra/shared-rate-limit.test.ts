import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { toActivityFailure } from '../../activities/failures';
import { createFathomClient } from '../../clients/fathom-client';
import { bucketForWindow, rateLimitKey } from '../../clients/rate-limit-store';
import { PostgresRateLimitStore } from '../../db/api-rate-limits';
import { openOrm, type Orm } from '../../db/orm';
import { rateLimitDeferralType, type RateLimitDeferralDetails } from '../../domain/rate-limit-deferral';
import { ExternalServiceError } from '../../domain/service-errors';
import { FathomEmulator } from '../../emulators/fathom-emulator';
import { sampleMeeting } from '../../emulators/fathom-sample-meeting';
import { testStack } from '../support/test-stack';

const repoRoot = path.resolve(__dirname, '..', '..');

interface TakerReport {
  granted: number;
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

  it('two processes taking from one key together never get more than the bucket allows', async () => {
    // 5 at once, then 10 a second: alone, each process would be granted about as much as both together may.
    const rate = bucketForWindow(15, 1_000, 5);
    const takeForMs = 3_000;
    const reports = await runTakers(2, {
      DATABASE_URL: testStack().databaseUrl,
      BUCKET_KEY: `test:two-processes:${Date.now()}`,
      BUCKET_RATE: JSON.stringify(rate),
      TAKE_FOR_MS: String(takeForMs),
    });
    const granted = reports.reduce((sum, report) => sum + report.granted, 0);
    // Both processes' whole span: any delay in either only widens it, so the bound never fails by load.
    const spanMs = Math.max(...reports.map((report) => report.endedAt)) - Math.min(...reports.map((report) => report.startedAt));
    const allowed = rate.capacity + rate.refillPerMs * spanMs;
    assert.ok(granted <= allowed + 1, `${granted} calls granted in ${spanMs} ms; the shared bucket allows ${allowed.toFixed(1)}`);
    assert.ok(reports.every((report) => report.granted > 0), `both processes were served: ${JSON.stringify(reports)}`);
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
    const refused = await store.take(key, rate, 1, 100);
    assert.equal(refused.granted, false);
    assert.ok(refused.waitMs > reserved.waitMs + 900, `the reserved token is not handed out twice (${reserved.waitMs} then ${refused.waitMs} ms)`);
    const queued = await store.take(key, rate, 1, 100);
    assert.ok(queued.waitMs > refused.waitMs + 900, `a caller sent away later is told a later turn (${refused.waitMs} then ${queued.waitMs} ms)`);
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
