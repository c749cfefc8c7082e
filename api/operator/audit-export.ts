import { Readable } from 'node:stream';
import type { Context } from 'koa';
import { appendAudit } from '../../db/audit';
import { auditLogLines } from '../../db/audit-export';
import { inTenant } from '../../db/tenant-scope';
import type { ApiDependencies } from '../http/dependencies';
import { operatorActor, type OperatorIdentity } from './operator-identity';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `GET /operator/tenants/:tenantId/audit-log`: one tenant's audit log as JSON lines, for an
 * operator answering that tenant's request (or a regulator's). Mounted behind operator
 * authentication; the export itself is recorded in the tenant's audit log first, under the
 * operator's name when an OIDC proxy vouched for one.
 */
export function auditExportHandler(deps: ApiDependencies) {
  return async (ctx: Context): Promise<void> => {
    const tenantId = String(ctx.params.tenantId ?? '');
    if (!uuidPattern.test(tenantId)) {
      ctx.status = 400;
      ctx.body = { error: 'not a tenant id' };
      return;
    }
    const operator = ctx.state.operator as OperatorIdentity;
    await inTenant(deps.orm, tenantId, async (em) => {
      appendAudit(em, {
        tenantId,
        actor: operatorActor(operator),
        action: 'audit.exported',
        target: tenantId,
        result: 'success',
        detail: operator.name ? { operator: operator.name } : {},
      });
    });
    deps.logger.info('Operator exported a tenant audit log', { tenantId, operator: operator.name ?? 'token holder' });
    ctx.status = 200;
    ctx.type = 'application/x-ndjson';
    ctx.set('content-disposition', `attachment; filename="audit-log-${tenantId}.jsonl"`);
    ctx.body = Readable.from(auditLogLines(deps.orm, tenantId));
  };
}
