import { ApplicationFailure, type Info } from '@temporalio/activity';
import { appendAttemptAudits, type AttemptAuditEntry, type AuditEntry } from '../db/audit';
import { isDatabaseUnavailable } from '../db/database-unavailable';
import { inTenant } from '../db/tenant-scope';
import type { ActivityDependencies } from './dependencies';

const unrecordedSuccess = 'Done, but the database was down to record it; the next attempt finds the result by its key.';

/** An attempt's row as it travels in heartbeat details (JSON: the time as a string). */
type CarriedRow = Omit<AttemptAuditEntry, 'occurredAt'> & { occurredAt: string };

/** What an audited activity heartbeats: the rows the database could not take yet. */
interface CarriedAuditRows {
  unwrittenAuditRows: CarriedRow[];
}

/**
 * The audit rows of one activity execution's attempts, as durable as the attempts themselves.
 *
 * Why Temporal and not a local file: a row the database cannot take now (an outage) travels in the
 * attempt's heartbeat details, which the worker sends with the attempt's failure and Temporal
 * hands to the next attempt, wherever it runs; that attempt writes it. No worker disk has to
 * survive, and a worker killed mid-attempt loses nothing either: the next attempt writes a row
 * for every earlier attempt that has none ("no outcome reported"). Every row carries its attempt's
 * unique key and is inserted "on conflict do nothing", so replays never make a second row.
 * Left: the rows of the last attempt of an execution (retries exhausted, or a non-retryable
 * failure) while the database is down have no next attempt to carry them; they are logged.
 */
export class AttemptAudit {
  private readonly carried: CarriedRow[];

  constructor(
    private readonly deps: Pick<ActivityDependencies, 'orm' | 'logger'>,
    private readonly audit: Omit<AuditEntry, 'result' | 'detail' | 'occurredAt'>,
    private readonly info: Info,
  ) {
    this.carried = carriedRowsOf(info.heartbeatDetails);
  }

  /** For every heartbeat of this attempt, so a kill before it reports keeps what it carries. */
  heartbeatDetails(): CarriedAuditRows | undefined {
    return this.carried.length > 0 ? { unwrittenAuditRows: this.carried } : undefined;
  }

  /**
   * Writes this attempt's row with the carried ones and one for each earlier attempt without a row.
   * Returns whether the database took them; if not, they are heartbeated for the next attempt.
   */
  async record(result: 'success' | 'failure', detail: Record<string, unknown>): Promise<boolean> {
    const own: CarriedRow = { ...this.audit, result, detail: { attempt: this.info.attempt, ...detail }, attemptKey: this.keyOf(this.info.attempt), occurredAt: new Date().toISOString() };
    const rows = [...this.carried, own];
    try {
      await inTenant(this.deps.orm, this.audit.tenantId, (em) => appendAttemptAudits(em, [...rows, ...this.unreportedEarlierAttempts()].map(withDate)));
      return true;
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      // A success whose row is not written fails the attempt (there must be a next one to write
      // it), so it is recorded as what Temporal saw: a failure; the next attempt's row is the success.
      this.carried.push(result === 'success' ? { ...own, result: 'failure', detail: { ...own.detail, reason: unrecordedSuccess } } : own);
      return false;
    }
  }

  /** The failure that makes Temporal run another attempt, which writes the rows this one could not. */
  databaseUnavailable(): ApplicationFailure {
    return ApplicationFailure.create({ message: 'The audit log is unavailable (database down); the next attempt records this one.', type: 'database-unavailable' });
  }

  /** Rows that no attempt will write: this was the last attempt and the database is down. */
  logUnwritten(): void {
    for (const row of this.carried) {
      this.deps.logger.error('Audit row not written: the database is down and no attempt follows', { tenantId: row.tenantId, workflowId: row.workflowId, action: row.action, result: row.result, attemptKey: row.attemptKey, occurredAt: row.occurredAt });
    }
  }

  /** Placeholders; an attempt that has its row (written or carried, both earlier in the insert) keeps it. */
  private unreportedEarlierAttempts(): CarriedRow[] {
    const now = new Date().toISOString();
    return Array.from({ length: this.info.attempt - 1 }, (_unused, index) => ({
      ...this.audit,
      result: 'failure' as const,
      detail: { attempt: index + 1, reason: 'No outcome reported: the worker stopped or the attempt timed out.' },
      attemptKey: this.keyOf(index + 1),
      occurredAt: now,
    }));
  }

  private keyOf(attempt: number): string {
    return `${this.info.workflowExecution?.runId ?? this.audit.workflowId}:${this.info.activityId}:${attempt}`;
  }
}

function withDate(row: CarriedRow): AttemptAuditEntry {
  return { ...row, occurredAt: new Date(row.occurredAt) };
}

function carriedRowsOf(details: unknown): CarriedRow[] {
  const rows = (details as Partial<CarriedAuditRows> | undefined)?.unwrittenAuditRows;
  return Array.isArray(rows) ? [...rows] : [];
}
