import { ApplicationFailure, type Info } from '@temporalio/activity';
import { appendAttemptAudits, type AttemptAuditEntry, type AuditEntry } from '../db/audit';
import { isDatabaseUnavailable } from '../db/database-unavailable';
import { inTenant } from '../db/tenant-scope';
import type { ActivityDependencies } from './dependencies';

const unrecordedSuccess = 'Done, but the database was down to record it; the next attempt finds the result by its key.';

/** An attempt's row as it travels in heartbeat or failure details (JSON: the time as a string). Ids and reasons only. */
export type CarriedAuditRow = Omit<AttemptAuditEntry, 'occurredAt'> & { occurredAt: string };
type CarriedRow = CarriedAuditRow;

/** What an audited activity heartbeats, and adds to its failure's details: the rows the database could not take yet. */
export interface CarriedAuditRows {
  unwrittenAuditRows: CarriedAuditRow[];
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
 * The last attempt of an execution (retries exhausted, or a non-retryable failure) has no next
 * attempt: its failure carries the rows in its details, and the workflow hands them to
 * recordUnwrittenAttemptAudits (workflows/unwritten-audit-rows.ts), which retries until the
 * database takes them. Every failure carries them, since an attempt cannot tell it is the last.
 */
export class AttemptAudit {
  private readonly carried: CarriedRow[];

  constructor(
    private readonly deps: Pick<ActivityDependencies, 'orm'>,
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
      await writeAttemptRows(this.deps, this.audit.tenantId, [...rows, ...this.unreportedEarlierAttempts()]);
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
  databaseUnavailable(): unknown {
    return this.carriedBy(ApplicationFailure.create({ message: 'The audit log is unavailable (database down); the next attempt records this one.', type: 'database-unavailable' }));
  }

  /**
   * The failure with the rows not written yet added to its details (after any there are): if this
   * attempt is the last, the workflow gets them from there and has them written. With them go the
   * placeholders this attempt would have written for earlier attempts without a row (a worker
   * killed mid-attempt); a placeholder whose attempt has its row by then is skipped, by its key.
   */
  carriedBy(failure: unknown): unknown {
    if (this.carried.length === 0) return failure;
    const carried: CarriedAuditRows = { unwrittenAuditRows: [...this.carried, ...this.unreportedEarlierAttempts()] };
    const details = failure instanceof ApplicationFailure ? (failure.details ?? []) : [];
    return ApplicationFailure.fromError(failure, { details: [...details, carried] });
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

/** Writes attempts' rows in one transaction; a row whose attempt already has one is skipped (by its key). */
export async function writeAttemptRows(deps: Pick<ActivityDependencies, 'orm'>, tenantId: string, rows: CarriedAuditRow[]): Promise<void> {
  await inTenant(deps.orm, tenantId, (em) => appendAttemptAudits(em, rows.map(withDate)));
}

function withDate(row: CarriedRow): AttemptAuditEntry {
  return { ...row, occurredAt: new Date(row.occurredAt) };
}

function carriedRowsOf(details: unknown): CarriedRow[] {
  const rows = (details as Partial<CarriedAuditRows> | undefined)?.unwrittenAuditRows;
  return Array.isArray(rows) ? [...rows] : [];
}
