/**
 * The names of every migration this build knows, in order: all a process needs to check that the
 * database's schema is current (db/orm.ts). Apart from the migration classes so that check does
 * not load the migrator and every migration at start; db/migrations/index.ts pairs each name with
 * its class, and the compiler refuses a name without one.
 */
export const knownMigrationNames = [
  'Migration20261128120000_initial',
  'Migration20261128120500_secret_value',
  'Migration20261129090000_row_level_security',
  'Migration20261129091000_meeting_usage',
  'Migration20261129100000_audit_by_workflow',
  'Migration20261130090000_tenant_isolation_without_settings',
  'Migration20261205230000_fathom_webhook_id',
  'Migration20261206000000_rep_slack_profile',
  'Migration20261206010000_sync_incident',
  'Migration20261206011000_google_health',
  'Migration20261206020000_tenant_directory_notify',
  'Migration20261206021000_api_rate_limit',
  'Migration20261206022000_audit_attempt_key',
  'Migration20261206050000_api_rate_limit_housekeeping',
  'Migration20261206090000_api_rate_limit_reservation',
  'Migration20261206160000_api_rate_limit_without_deferred',
] as const;

export type KnownMigrationName = (typeof knownMigrationNames)[number];
