import { randomUUID } from 'node:crypto';
import { EntitySchema } from '@mikro-orm/core';
import type { CrmProviderName } from '../domain/crm';
import { tenantFilter } from './tenant-scope';

export type MappingSource = 'rep-choice' | 'admin' | 'auto';

/** What a tenant taught us: meetings with this email domain belong to this CRM account. */
export class AccountMapping {
  id: string = randomUUID();
  tenantId!: string;
  provider!: CrmProviderName;
  domain!: string;
  accountId!: string;
  accountName!: string;
  source: MappingSource = 'rep-choice';
  confidence: number = 1;
  hits: number = 0;
  lastUsedAt?: Date | null;
  createdBySlackUserId?: string | null;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const AccountMappingSchema = new EntitySchema<AccountMapping>({
  class: AccountMapping,
  tableName: 'account_mapping',
  filters: tenantFilter(),
  uniques: [{ properties: ['tenantId', 'provider', 'domain'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    tenantId: { type: 'uuid', index: true },
    provider: { type: 'string', length: 32 },
    domain: { type: 'string', length: 255 },
    accountId: { type: 'string', length: 255 },
    accountName: { type: 'string', length: 255 },
    source: { type: 'string', length: 16 },
    confidence: { type: 'double' },
    hits: { type: 'integer' },
    lastUsedAt: { type: 'datetime', nullable: true },
    createdBySlackUserId: { type: 'string', length: 32, nullable: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
  },
});
