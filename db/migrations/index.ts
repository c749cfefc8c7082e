import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261128120000_initial } from './Migration20261128120000_initial';
import { Migration20261128120500_secret_value } from './Migration20261128120500_secret_value';
import { Migration20261129090000_row_level_security } from './Migration20261129090000_row_level_security';
import { Migration20261129091000_meeting_usage } from './Migration20261129091000_meeting_usage';
import { Migration20261129100000_audit_by_workflow } from './Migration20261129100000_audit_by_workflow';
import { Migration20261130090000_tenant_isolation_without_settings } from './Migration20261130090000_tenant_isolation_without_settings';
import { Migration20261205230000_fathom_webhook_id } from './Migration20261205230000_fathom_webhook_id';
import { Migration20261206000000_rep_slack_profile } from './Migration20261206000000_rep_slack_profile';
import { Migration20261206010000_sync_incident } from './Migration20261206010000_sync_incident';
import { Migration20261206011000_google_health } from './Migration20261206011000_google_health';
import { Migration20261206020000_tenant_directory_notify } from './Migration20261206020000_tenant_directory_notify';
import { Migration20261206021000_api_rate_limit } from './Migration20261206021000_api_rate_limit';
import { Migration20261206022000_audit_attempt_key } from './Migration20261206022000_audit_attempt_key';
import { Migration20261206050000_api_rate_limit_housekeeping } from './Migration20261206050000_api_rate_limit_housekeeping';

/**
 * Every migration this build knows, in order. Listed explicitly (no folder scan) so ts-node,
 * compiled builds and Docker images run exactly the same set.
 */
export const knownMigrations: MigrationObject[] = [
  { name: 'Migration20261128120000_initial', class: Migration20261128120000_initial },
  { name: 'Migration20261128120500_secret_value', class: Migration20261128120500_secret_value },
  { name: 'Migration20261129090000_row_level_security', class: Migration20261129090000_row_level_security },
  { name: 'Migration20261129091000_meeting_usage', class: Migration20261129091000_meeting_usage },
  { name: 'Migration20261129100000_audit_by_workflow', class: Migration20261129100000_audit_by_workflow },
  { name: 'Migration20261130090000_tenant_isolation_without_settings', class: Migration20261130090000_tenant_isolation_without_settings },
  { name: 'Migration20261205230000_fathom_webhook_id', class: Migration20261205230000_fathom_webhook_id },
  { name: 'Migration20261206000000_rep_slack_profile', class: Migration20261206000000_rep_slack_profile },
  { name: 'Migration20261206010000_sync_incident', class: Migration20261206010000_sync_incident },
  { name: 'Migration20261206011000_google_health', class: Migration20261206011000_google_health },
  { name: 'Migration20261206020000_tenant_directory_notify', class: Migration20261206020000_tenant_directory_notify },
  { name: 'Migration20261206021000_api_rate_limit', class: Migration20261206021000_api_rate_limit },
  { name: 'Migration20261206022000_audit_attempt_key', class: Migration20261206022000_audit_attempt_key },
  { name: 'Migration20261206050000_api_rate_limit_housekeeping', class: Migration20261206050000_api_rate_limit_housekeeping },
];
