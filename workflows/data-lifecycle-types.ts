/**
 * Inputs and outputs of the data lifecycle workflows (transcript retention, tenant deletion),
 * shared with their activities. Dependency-free, so the workflow bundle can import it.
 */
export interface PurgeTranscriptsBatchInput {
  /** The purge run, recorded on each audit row. */
  workflowId: string;
  batchSize: number;
}

export interface DeleteTenantInput {
  tenantId: string;
  /** Who asked: an operator's name or ticket, kept in the audit record of the deletion. */
  requestedBy: string;
}

export interface DeleteTenantStepInput extends DeleteTenantInput {
  workflowId: string;
}

export interface DeleteTenantResult {
  /** Rows removed per table (audit_log is never among them). */
  deletedRows: Record<string, number>;
  deletedSecrets: number;
  cancelSignalsSent: number;
}

/** The audit record, written by the request path (wiring/tenant-deletion.ts), without which nothing is deleted. */
export const tenantDeletionRequestedAction = 'tenant.deletion-requested';

export function deleteTenantWorkflowId(tenantId: string): string {
  return `delete-tenant:${tenantId}`;
}
