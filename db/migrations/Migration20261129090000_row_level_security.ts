import { Migration } from '@mikro-orm/migrations';

/** The app's login (DATABASE_URL); it owns nothing, so policies always apply. */
export const runtimeRole = 'app_runtime';

/** Tenant-owned tables and the column that names their tenant. */
const tenantOwnedTables: Record<string, string> = {
  tenant: 'id',
  app_user: 'tenant_id',
  crm_connection: 'tenant_id',
  meeting_record: 'tenant_id',
  account_mapping: 'tenant_id',
  audit_log: 'tenant_id',
};

/**
 * The row is the transaction's tenant (`inTenant` sets app.tenant_id with is_local), or the
 * transaction was opened by `acrossTenants`. nullif: once a session has used the setting it
 * reads '' (not null) outside a transaction, and ''::uuid would raise instead of matching nothing.
 */
export function tenantIsolationCondition(column: string): string {
  return `(${column} = nullif(current_setting('app.tenant_id', true), '')::uuid or current_setting('app.cross_tenant', true) = 'on')`;
}

/**
 * Row-level security as the second wall behind the ORM's tenant filter: even a raw SQL query
 * inside tenant A's transaction cannot see or write tenant B's rows. FORCE makes the policies
 * apply to the table owner too; the app additionally runs as `app_runtime`, which owns nothing
 * and has no BYPASSRLS, so a forgotten FORCE or a superuser login cannot switch them off.
 *
 * Global tables stay without policies: `secret_value` (names are tenant-prefixed, values are
 * AES-GCM bound to their name, and the secret store reads outside tenant transactions),
 * `inbound_delivery` (delivery ids only) and `schema_migration`.
 */
export class Migration20261129090000_row_level_security extends Migration {
  override async up(): Promise<void> {
    // The login itself is created before any migration (db/database-roles.ts), by an admin:
    // the owner running migrations may not create roles.
    this.addSql(`
      do $$ begin
        if not exists (select 1 from pg_roles where rolname = '${runtimeRole}') then
          raise exception 'role ${runtimeRole} is missing: provision the database roles first (README, "Database roles")';
        end if;
      end $$;`);
    this.addSql(`grant usage on schema public to ${runtimeRole};`);
    this.addSql(
      `grant select, insert, update, delete on tenant, app_user, crm_connection, meeting_record, account_mapping, secret_value, inbound_delivery to ${runtimeRole};`,
    );
    // Append-only for the app as well as by trigger: no update or delete privilege at all.
    this.addSql(`grant select, insert on audit_log to ${runtimeRole};`);
    this.addSql(`grant usage, select on all sequences in schema public to ${runtimeRole};`);
    // Read-only, so the app can refuse to start on a schema it does not know.
    this.addSql(`grant select on schema_migration to ${runtimeRole};`);
    // Tables of later migrations are usable by the app without a grant each; their policies are
    // still theirs to add.
    this.addSql(`alter default privileges in schema public grant select, insert, update, delete on tables to ${runtimeRole};`);
    this.addSql(`alter default privileges in schema public grant usage, select on sequences to ${runtimeRole};`);

    for (const [table, column] of Object.entries(tenantOwnedTables)) {
      const condition = tenantIsolationCondition(column);
      this.addSql(`alter table ${table} enable row level security;`);
      this.addSql(`alter table ${table} force row level security;`);
      this.addSql(`create policy tenant_isolation on ${table} using ${condition} with check ${condition};`);
    }
  }

  override async down(): Promise<void> {
    for (const table of Object.keys(tenantOwnedTables)) {
      this.addSql(`drop policy if exists tenant_isolation on ${table};`);
      this.addSql(`alter table ${table} no force row level security;`);
      this.addSql(`alter table ${table} disable row level security;`);
    }
    this.addSql(`alter default privileges in schema public revoke all on tables from ${runtimeRole};`);
    this.addSql(`alter default privileges in schema public revoke all on sequences from ${runtimeRole};`);
    this.addSql(`revoke all on all tables in schema public from ${runtimeRole};`);
    this.addSql(`revoke all on all sequences in schema public from ${runtimeRole};`);
    this.addSql(`revoke usage on schema public from ${runtimeRole};`);
  }
}
