import { ApplicationFailure } from '@temporalio/activity';
import { appendAudit } from '../db/audit';
import { inTenant } from '../db/tenant-scope';
import { AuditLog, Tenant } from '../entities';
import { secretNames } from '../secrets/secret-store';
import { tenantDeletionRequestedAction, type DeleteTenantStepInput } from '../workflows/data-lifecycle-types';
import type { ActivityDependencies } from './dependencies';

/** Kept: the history of what happened, including this deletion. */
const keptTables = ['audit_log'];

/**
 * Stops the tenant from resolving (Slack requests, webhooks) before anything is removed. Refuses,
 * before touching anything, a deletion that did not come through requestTenantDeletion: the
 * tenant must already be out of service and the request recorded for this very workflow.
 */
export function markTenantDeletedActivity(deps: ActivityDependencies) {
  return async function markTenantDeleted(input: DeleteTenantStepInput): Promise<void> {
    await inTenant(deps.orm, input.tenantId, async (em) => {
      const tenant = await em.findOne(Tenant, { id: input.tenantId });
      if (!tenant || tenant.status === 'deleted') return;
      const requested = await em.count(AuditLog, { action: tenantDeletionRequestedAction, workflowId: input.workflowId });
      if (tenant.status === 'active' || requested === 0) {
        throw ApplicationFailure.nonRetryable(
          'Refused: this tenant deletion was not requested through the deletion command (npm run tenant:delete), so nothing was deleted.',
          'DeletionNotRequested',
        );
      }
      tenant.status = 'deleted';
      tenant.deletedAt = deps.now();
      appendAudit(em, {
        tenantId: input.tenantId,
        actor: 'operator',
        action: 'tenant.deletion-started',
        target: input.tenantId,
        result: 'success',
        workflowId: input.workflowId,
        detail: { requestedBy: input.requestedBy },
      });
    });
  };
}

/** Every credential of the tenant and its users: bot token, CRM, Google and Fathom. */
export function deleteTenantSecretsActivity(deps: ActivityDependencies) {
  return async function deleteTenantSecrets(input: DeleteTenantStepInput): Promise<number> {
    return deps.secrets.deletePrefix(secretNames.tenantPrefix(input.tenantId));
  };
}

/**
 * Deletes the tenant's rows from every table that has a tenant_id (found in the catalogue, so
 * tables added later are not forgotten), then the tenant itself, and records the deletion in
 * the same transaction: afterwards the audit log is all that is left.
 */
export function deleteTenantRowsActivity(deps: ActivityDependencies) {
  return async function deleteTenantRows(input: DeleteTenantStepInput & { deletedSecrets: number }): Promise<Record<string, number>> {
    return inTenant(deps.orm, input.tenantId, async (em) => {
      const tables = await em.execute<{ table_name: string }[]>(
        `select c.table_name from information_schema.columns c
           join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
          where c.table_schema = current_schema() and c.column_name = 'tenant_id' and t.table_type = 'BASE TABLE'
            and c.table_name not in (${keptTables.map(() => '?').join(', ')})
          order by c.table_name`,
        keptTables,
      );
      const deletedRows: Record<string, number> = {};
      for (const { table_name: table } of tables) {
        const result = await em.execute<{ affectedRows: number }>(`delete from "${table}" where tenant_id = ?`, [input.tenantId], 'run');
        deletedRows[table] = result.affectedRows;
      }
      const tenant = await em.execute<{ affectedRows: number }>('delete from tenant where id = ?', [input.tenantId], 'run');
      deletedRows.tenant = tenant.affectedRows;
      appendAudit(em, {
        tenantId: input.tenantId,
        actor: 'operator',
        action: 'tenant.deleted',
        target: input.tenantId,
        result: 'success',
        workflowId: input.workflowId,
        detail: { requestedBy: input.requestedBy, deletedRows, deletedSecrets: input.deletedSecrets },
      });
      return deletedRows;
    });
  };
}
