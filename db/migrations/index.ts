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
import { Migration20261206090000_api_rate_limit_reservation } from './Migration20261206090000_api_rate_limit_reservation';
import { Migration20261206160000_api_rate_limit_without_deferred } from './Migration20261206160000_api_rate_limit_without_deferred';
import { knownMigrationNames, type KnownMigrationName } from './migration-names';

/** Each known migration's class, by name: a name in migration-names.ts without a class here (or the reverse) does not compile. */
const migrationClasses: Record<KnownMigrationName, MigrationObject['class']> = {
  Migration20261128120000_initial,
  Migration20261128120500_secret_value,
  Migration20261129090000_row_level_security,
  Migration20261129091000_meeting_usage,
  Migration20261129100000_audit_by_workflow,
  Migration20261130090000_tenant_isolation_without_settings,
  Migration20261205230000_fathom_webhook_id,
  Migration20261206000000_rep_slack_profile,
  Migration20261206010000_sync_incident,
  Migration20261206011000_google_health,
  Migration20261206020000_tenant_directory_notify,
  Migration20261206021000_api_rate_limit,
  Migration20261206022000_audit_attempt_key,
  Migration20261206050000_api_rate_limit_housekeeping,
  Migration20261206090000_api_rate_limit_reservation,
  Migration20261206160000_api_rate_limit_without_deferred,
};

/** Every migration this build knows, in order, for the migrator (db/migrate.ts). */
export const knownMigrations: MigrationObject[] = knownMigrationNames.map((name) => ({ name, class: migrationClasses[name] }));
