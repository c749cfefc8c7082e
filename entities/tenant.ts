import { randomUUID } from 'node:crypto';
import { EntitySchema } from '@mikro-orm/core';
import type { CrmProviderName } from '../domain/crm';
import type { TenantPlan } from '../domain/plan-limits';

export type TenantStatus = 'active' | 'inactive' | 'deleted';
export type AutoLogPolicy = 'never' | 'when-confident';
export type OfferedAction = 'note' | 'draft' | 'event' | 'deal' | 'task';

export interface TenantSettings {
  /** Language for summaries and emails; 'auto' follows the meeting's language. */
  language: string;
  tone: 'professional' | 'friendly' | 'concise';
  autoLogPolicy: AutoLogPolicy;
  nudgeAfterHours: number;
  expireAfterDays: number;
  transcriptRetentionDays: number;
  offeredActions: OfferedAction[];
  defaultCrm?: CrmProviderName;
}

export const defaultTenantSettings: TenantSettings = {
  language: 'auto',
  tone: 'professional',
  autoLogPolicy: 'never',
  nudgeAfterHours: 24,
  expireAfterDays: 7,
  transcriptRetentionDays: 90,
  offeredActions: ['note', 'draft', 'event', 'deal', 'task'],
};

/** A Slack workspace (or Enterprise Grid org) that installed the app. */
export class Tenant {
  id: string = randomUUID();
  slackTeamId!: string;
  slackEnterpriseId?: string | null;
  name!: string;
  plan: TenantPlan = 'free';
  status: TenantStatus = 'active';
  settings: TenantSettings = { ...defaultTenantSettings };
  /** Secret-store reference of the bot token; the token itself never sits in this table. */
  botTokenSecretRef?: string | null;
  installedAt: Date = new Date();
  deletedAt?: Date | null;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const TenantSchema = new EntitySchema<Tenant>({
  class: Tenant,
  tableName: 'tenant',
  properties: {
    id: { type: 'uuid', primary: true },
    slackTeamId: { type: 'string', length: 32, unique: true },
    slackEnterpriseId: { type: 'string', length: 32, nullable: true },
    name: { type: 'string', length: 255 },
    plan: { type: 'string', length: 32 },
    status: { type: 'string', length: 16 },
    settings: { type: 'json' },
    botTokenSecretRef: { type: 'string', length: 512, nullable: true },
    installedAt: { type: 'datetime' },
    deletedAt: { type: 'datetime', nullable: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
  },
});
