import { randomUUID } from 'node:crypto';
import { EntitySchema } from '@mikro-orm/core';
import type { CrmProviderName } from '../domain/crm';
import { tenantFilter } from './tenant-scope';

export type ConnectionHealth = 'ok' | 'needs-reconnect' | 'error';

/** One CRM account connected by a tenant; credentials live in the secret store. */
export class CrmConnection {
  id: string = randomUUID();
  tenantId!: string;
  provider!: CrmProviderName;
  secretRef!: string;
  health: ConnectionHealth = 'ok';
  lastError?: string | null;
  isDefault: boolean = true;
  /** Non-secret provider details: API base URLs, HubSpot portal id, Pipedrive company domain. */
  settings: Record<string, string> = {};
  connectedBySlackUserId?: string | null;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const CrmConnectionSchema = new EntitySchema<CrmConnection>({
  class: CrmConnection,
  tableName: 'crm_connection',
  filters: tenantFilter(),
  properties: {
    id: { type: 'uuid', primary: true },
    tenantId: { type: 'uuid', index: true },
    provider: { type: 'string', length: 32 },
    secretRef: { type: 'string', length: 512 },
    health: { type: 'string', length: 32 },
    lastError: { type: 'text', nullable: true },
    isDefault: { type: 'boolean' },
    settings: { type: 'json' },
    connectedBySlackUserId: { type: 'string', length: 32, nullable: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
  },
});
