import { AccountMappingSchema } from './account-mapping';
import { AuditLogSchema } from './audit-log';
import { CrmConnectionSchema } from './crm-connection';
import { MeetingRecordSchema } from './meeting-record';
import { SyncIncidentSchema } from './sync-incident';
import { TenantSchema } from './tenant';
import { UserSchema } from './user';

export { AccountMapping } from './account-mapping';
export { AuditLog } from './audit-log';
export { CrmConnection } from './crm-connection';
export { MeetingRecord } from './meeting-record';
export { SyncIncident } from './sync-incident';
export type { IncidentNotice } from './sync-incident';
export { Tenant, defaultTenantSettings } from './tenant';
export type { TenantSettings, OfferedAction } from './tenant';
export { User } from './user';
export { tenantFilterName } from './tenant-scope';

export const entitySchemas = [
  TenantSchema,
  UserSchema,
  CrmConnectionSchema,
  MeetingRecordSchema,
  AccountMappingSchema,
  AuditLogSchema,
  SyncIncidentSchema,
];
