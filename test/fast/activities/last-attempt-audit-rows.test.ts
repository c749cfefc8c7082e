import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { CarriedAuditRow, CarriedAuditRows } from '../../../activities/attempt-audit';
import type { ActivityDependencies } from '../../../activities/dependencies';
import { runAudited } from '../../../activities/run-audited';
import { DatabaseUnavailableError } from '../../../db/database-unavailable';

const audit = { tenantId: 'tenant', workflowId: 'meeting', actor: 'U-rep', action: 'crm.note', target: 'acct-acme' };

/** A database that is down: every transaction fails as an unreachable server does. */
const downDatabase = { orm: { em: { fork: () => { throw new DatabaseUnavailableError('connect ECONNREFUSED'); } } } } as unknown as Pick<ActivityDependencies, 'orm'>;

/** Attempt 1's row, as its heartbeat carried it (the database was down then too); attempt 2 left none (its worker was killed). */
const firstAttemptRow: CarriedAuditRow = {
  ...audit,
  result: 'failure',
  detail: { attempt: 1, reason: 'HubSpot did not answer' },
  attemptKey: 'run:act-1:1',
  occurredAt: '2026-03-02T15:00:00.000Z',
};

describe('the last attempt of an action while the database is down', function () {
  it('puts every attempt’s row in its failure’s details and keeps the failure as it was', async function () {
    const environment = new MockActivityEnvironment({
      attempt: 3,
      activityId: 'act-1',
      workflowExecution: { workflowId: 'meeting', runId: 'run' },
      heartbeatDetails: { unwrittenAuditRows: [firstAttemptRow] } satisfies CarriedAuditRows,
    }, { logger: new DefaultLogger('ERROR', () => undefined) }); // the SDK's WARN line of the failure is not what this checks
    const refusal = ApplicationFailure.create({ message: 'HubSpot no longer accepts this workspace’s connection.', type: 'reconnect', nonRetryable: true, details: [{ status: 401 }] });

    const failure = await environment.run(() => runAudited(downDatabase, audit, () => Promise.reject(refusal))).then(
      () => assert.fail('the attempt failed'),
      (error: unknown) => error,
    );

    assert.ok(failure instanceof ApplicationFailure);
    assert.equal(failure.type, 'reconnect', 'the rep still sees why the note failed');
    assert.equal(failure.nonRetryable, true);
    assert.deepEqual(failure.details?.[0], { status: 401 }, 'the details it had stay first');
    const rows = (failure.details?.[1] as CarriedAuditRows).unwrittenAuditRows;
    // Inserted in this order, on conflict (by key) do nothing: an attempt's first row wins.
    const firstPerAttempt = new Map<string, CarriedAuditRow>();
    for (const row of rows) if (!firstPerAttempt.has(row.attemptKey)) firstPerAttempt.set(row.attemptKey, row);
    assert.deepEqual([...firstPerAttempt.keys()].sort(), ['run:act-1:1', 'run:act-1:2', 'run:act-1:3']);
    const reasonOf = (attemptKey: string) => String(firstPerAttempt.get(attemptKey)?.detail?.reason);
    assert.equal(reasonOf('run:act-1:1'), 'HubSpot did not answer', 'the row its heartbeat carried, not a placeholder');
    assert.match(reasonOf('run:act-1:2'), /No outcome reported/);
    assert.equal(reasonOf('run:act-1:3'), 'HubSpot no longer accepts this workspace’s connection.');
  });
});
