import type { EntitySchemaMetadata } from '@mikro-orm/core';

/**
 * Every tenant-owned entity carries this filter, enabled by default. Its condition needs a
 * `tenantId` argument, so a query made without tenant context throws instead of silently
 * returning every tenant's rows. Code that legitimately spans tenants (retention cleanup,
 * tenant lookup from a verified Slack team id) disables it explicitly.
 */
export const tenantFilterName = 'tenant';

export function tenantFilter(): NonNullable<EntitySchemaMetadata<unknown>['filters']> {
  return {
    [tenantFilterName]: {
      name: tenantFilterName,
      default: true,
      args: true,
      cond: (args: { tenantId?: string }) => {
        if (!args?.tenantId) throw new Error('Tenant context missing: tenant-owned data was queried without a tenant.');
        return { tenantId: args.tenantId };
      },
    },
  };
}
