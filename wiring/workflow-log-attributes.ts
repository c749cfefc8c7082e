/**
 * Bundled into the workflow sandbox (wiring/workflow-code.ts): every line a workflow logs names its
 * tenant, next to the workflow id, run id and type the SDK adds. The tenant is the TenantId search
 * attribute every tenant's workflow is started with; the cross-tenant purge has none.
 */
import { workflowInfo, type GetLogAttributesInput, type Next, type WorkflowInterceptors, type WorkflowOutboundCallsInterceptor } from '@temporalio/workflow';
import { tenantIdSearchAttribute } from '../workflows/messages';

export const interceptors = (): WorkflowInterceptors => ({
  outbound: [
    {
      getLogAttributes: (input: GetLogAttributesInput, next: Next<WorkflowOutboundCallsInterceptor, 'getLogAttributes'>) => {
        const tenantId = workflowInfo().typedSearchAttributes.get(tenantIdSearchAttribute);
        return next(tenantId ? { ...input, tenantId } : input);
      },
    },
  ],
});
