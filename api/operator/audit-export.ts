import { Readable } from 'node:stream';
import type { Context } from 'koa';
import { appendAudit } from '../../db/audit';
import { auditLogLines } from '../../db/audit-export';
import { inTenant } from '../../db/tenant-scope';
import type { ApiDependencies } from '../http/dependencies';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `GET /operator/tenants/:tenantId/audit-log`: one tenant's audit log as JSON lines, for an
 * operator answering that tenant's request (or a regulator's). Mounted behind operator
 * authentication; the export itself is recorded in the tenant's audit log first.
 */
export function auditExportHandler(deps: ApiDependencies) {
  return async (ctx: Context): Promise<void> => {
    const tenantId = String(ctx.params.tenantId ?? '');
    if (!uuidPattern.test(tenantId)) {
      ctx.status = 400;
      ctx.body = { error: 'not a tenant id' };
      return;
    }
    await inTenant(deps.orm, tenantId, async (em) => {
      appendAudit(em, { tenantId, actor: 'operator', action: 'audit.exported', target: tenantId, result: 'success' });
    });
    ctx.status = 200;
    ctx.type = 'application/x-ndjson';
    ctx.set('content-disposition', `attachment; filename="audit-log-${tenantId}.jsonl"`);
    ctx.body = Readable.from(auditLogLines(deps.orm, tenantId));
  };
}
