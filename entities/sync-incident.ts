import { randomUUID } from 'node:crypto';
import { EntitySchema } from '@mikro-orm/core';
import type { CrmProviderName } from '../domain/crm';
import { tenantFilter } from './tenant-scope';

/** The DM an admin got about an incident, so later failures edit it instead of posting again. */
export interface IncidentNotice {
  slackUserId: string;
  channel: string;
  ts: string;
}

/**
 * Meetings whose CRM note failed for good for one reason at one provider, close together in
 * time: the admins hear about them once, with a count, instead of once per meeting.
 */
export class SyncIncident {
  id: string = randomUUID();
  tenantId!: string;
  provider!: CrmProviderName;
  /** The failure kind (reconnect, invalid, …), as the workflow's ActionFailure names it. */
  reason!: string;
  /** The last failure's sentence for people, shown in the DM. */
  message!: string;
  /** Each meeting counted once, however often its activity reports. */
  workflowIds: string[] = [];
  notices: IncidentNotice[] = [];
  openedAt: Date = new Date();
  /** Set by an admin's Retry all: failures after it are a new incident with a fresh count and DM. */
  closedAt?: Date | null;
  updatedAt: Date = new Date();
}

export const SyncIncidentSchema = new EntitySchema<SyncIncident>({
  class: SyncIncident,
  tableName: 'sync_incident',
  filters: tenantFilter(),
  properties: {
    id: { type: 'uuid', primary: true },
    tenantId: { type: 'uuid', index: true },
    provider: { type: 'string', length: 32 },
    reason: { type: 'string', length: 32 },
    message: { type: 'text' },
    workflowIds: { type: 'json' },
    notices: { type: 'json' },
    openedAt: { type: 'datetime' },
    closedAt: { type: 'datetime', nullable: true },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
  },
});
