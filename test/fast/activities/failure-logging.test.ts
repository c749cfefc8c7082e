import assert from 'node:assert/strict';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger, type LogEntry } from '@temporalio/worker';
import { logExpectedFailure, toActivityFailure } from '../../../activities/failures';
import { ExternalServiceError } from '../../../domain/service-errors';
import { InProcessRateLimitStore } from '../../../clients/in-process-rate-limit-store';
import { passRateLimit } from '../../../clients/rate-limit-store';
import { createLogger } from '../../../runtime/logger';

const taskToken = Buffer.from('task-token-that-must-not-be-logged');

/** Runs `fail` as the activity `logCrmNote` does, collecting what the SDK and the app log. */
async function runFailingActivity(fail: () => never): Promise<{ sdkWarnings: LogEntry[]; appLines: string[] }> {
  const sdkEntries: LogEntry[] = [];
  const appLines: string[] = [];
  const appLogger = createLogger({ level: 'info', write: (line) => appLines.push(line) });
  const environment = new MockActivityEnvironment(
    { activityType: 'logCrmNote', taskToken, base64TaskToken: taskToken.toString('base64') },
    { logger: new DefaultLogger('TRACE', (entry) => sdkEntries.push(entry)) },
  );
  await assert.rejects(
    environment.run(async () => {
      try {
        fail();
      } catch (error) {
        const failure = toActivityFailure(error);
        logExpectedFailure(appLogger, failure);
        throw failure;
      }
    }),
  );
  const sdkWarnings = sdkEntries.filter((entry) => entry.level === 'WARN' || entry.level === 'ERROR');
  return { sdkWarnings, appLines };
}

describe('what an activity failure prints', function () {
  it('a CRM refusing revoked access (401) is one WARN JSON line through the app logger, without the task token', async function () {
    const { sdkWarnings, appLines } = await runFailingActivity(() => {
      throw new ExternalServiceError({
        service: 'hubspot',
        kind: 'reconnect',
        status: 401,
        userMessage: 'HubSpot access has expired or was revoked. Reconnect HubSpot and retry.',
        detail: 'refresh token revoked',
      });
    });
    assert.deepEqual(sdkWarnings, [], 'the SDK keeps its multi-line dump out of WARN');
    assert.equal(appLines.length, 1);
    const line = JSON.parse(appLines[0]!) as Record<string, unknown>;
    assert.equal(line.level, 'warn');
    assert.equal(line.msg, 'Activity failed');
    assert.equal(line.activity, 'logCrmNote');
    assert.equal(line.service, 'hubspot');
    assert.equal(line.status, 401);
    assert.match(String(line.reason), /Reconnect HubSpot/);
    assert.ok(!appLines[0]!.includes(taskToken.toString('base64')) && !/taskToken/i.test(appLines[0]!));
  });

  it('an attempt our shared rate limiter deferred is one INFO line (pacing, not a failure), while a 429 from the service stays a WARN', async function () {
    const gate = { store: new InProcessRateLimitStore(), maxWaitMs: 0 };
    const rate = { capacity: 1, refillPerMs: 1 / 60_000 };
    const request = { service: 'fathom' as const, key: 'fathom:test', rate, userMessage: 'Fathom’s rate limit for this account is used up; the meeting will be fetched shortly.' };
    await passRateLimit(gate, request);
    const deferral = await passRateLimit(gate, request).then(() => assert.fail('the second call should wait'), (error: unknown) => error);
    const deferred = await runFailingActivity(() => {
      throw deferral;
    });
    assert.deepEqual(deferred.sdkWarnings, []);
    assert.equal(deferred.appLines.length, 1);
    const paced = JSON.parse(deferred.appLines[0]!) as Record<string, unknown>;
    assert.equal(paced.level, 'info');
    assert.equal(paced.msg, 'Activity deferred by the shared rate limit');

    const refused = await runFailingActivity(() => {
      throw new ExternalServiceError({ service: 'fathom', kind: 'retryable', status: 429, retryAfterMs: 1000, userMessage: 'Fathom is rate limiting.' });
    });
    assert.equal((JSON.parse(refused.appLines[0]!) as Record<string, unknown>).level, 'warn');
  });

  it('a bug keeps the SDK’s full report (with the stack) and adds no line of its own', async function () {
    const { sdkWarnings, appLines } = await runFailingActivity(() => {
      throw new TypeError("Cannot read properties of undefined (reading 'id')");
    });
    assert.equal(sdkWarnings.length, 1);
    assert.equal(sdkWarnings[0]!.message, 'Activity failed');
    assert.deepEqual(appLines, []);
  });
});
