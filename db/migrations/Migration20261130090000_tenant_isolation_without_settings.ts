import { Migration } from '@mikro-orm/migrations';

const maintenanceRole = 'app_maintenance';
const runtimeRole = 'app_runtime';

/** Every tenant-owned table and the column that names its tenant. */
const tenantOwnedTables: Record<string, string> = {
  tenant: 'id',
  app_user: 'tenant_id',
  crm_connection: 'tenant_id',
  meeting_record: 'tenant_id',
  account_mapping: 'tenant_id',
  audit_log: 'tenant_id',
  meeting_usage: 'tenant_id',
};

/** Only the transaction's own tenant (`inTenant` sets app.tenant_id with is_local); nothing else opens a row. */
function ownTenantOnly(column: string): string {
  return `(${column} = nullif(current_setting('app.tenant_id', true), '')::uuid)`;
}

/**
 * Row-level security that no session can switch off. The policies stop honouring
 * `app.cross_tenant`, a setting any session could set; cross-tenant work is now done by the
 * maintenance login, through policies and grants made for it alone and only as wide as the
 * transcript purge needs: read meetings and tenants, empty a transcript, add an audit row (and read back its id).
 *
 * Two questions are asked before a tenant is known: "which tenant is this Slack workspace" (every
 * Slack request, an install) and "whose is this Fathom webhook" (the rep's id in its URL). They are
 * answered by functions that return one tenant id for an exact key and run as the owner, which
 * alone reads those two tables whole; the runtime login may call them and nothing more.
 */
export class Migration20261130090000_tenant_isolation_without_settings extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      do $$ begin
        if not exists (select 1 from pg_roles where rolname = '${maintenanceRole}') then
          raise exception 'role ${maintenanceRole} is missing: provision the database roles first (README, "Database roles")';
        end if;
      end $$;`);
    for (const [table, column] of Object.entries(tenantOwnedTables)) {
      const condition = ownTenantOnly(column);
      this.addSql(`drop policy if exists tenant_isolation on ${table};`);
      this.addSql(`create policy tenant_isolation on ${table} using ${condition} with check ${condition};`);
    }

    this.addSql(`grant usage on schema public to ${maintenanceRole};`);
    this.addSql(`grant select on schema_migration, tenant, meeting_record to ${maintenanceRole};`);
    this.addSql(`grant update (transcript, transcript_deleted_at, updated_at) on meeting_record to ${maintenanceRole};`);
    // The ORM inserts with `returning id`, which needs that one column readable.
    this.addSql(`grant insert, select (id) on audit_log to ${maintenanceRole};`);
    this.addSql(`grant usage on sequence audit_log_id_seq to ${maintenanceRole};`);
    this.addSql(`create policy maintenance_reads on tenant for select to ${maintenanceRole} using (true);`);
    this.addSql(`create policy maintenance_reads on meeting_record for select to ${maintenanceRole} using (true);`);
    this.addSql(`create policy maintenance_purges on meeting_record for update to ${maintenanceRole} using (true) with check (true);`);
    this.addSql(`create policy maintenance_audits on audit_log for insert to ${maintenanceRole} with check (true);`);
    this.addSql(`create policy maintenance_audit_ids on audit_log for select to ${maintenanceRole} using (true);`);

    // FORCE applies the policies to the owner too: the directory functions below read as the owner.
    this.addSql(`create policy tenant_directory on tenant for select to current_user using (true);`);
    this.addSql(`create policy tenant_directory on app_user for select to current_user using (true);`);
    this.addSql(`
      create function tenant_of_slack_id(slack_id varchar) returns table (id uuid, status varchar)
        language sql stable security definer set search_path = public, pg_temp
        as $$ select t.id, t.status from tenant t where t.slack_team_id = slack_id $$;`);
    this.addSql(`
      create function tenant_of_user(user_id uuid) returns uuid
        language sql stable security definer set search_path = public, pg_temp
        as $$ select u.tenant_id from app_user u where u.id = user_id $$;`);
    for (const fn of ['tenant_of_slack_id(varchar)', 'tenant_of_user(uuid)']) {
      this.addSql(`revoke all on function ${fn} from public;`);
      this.addSql(`grant execute on function ${fn} to ${runtimeRole};`);
    }
  }

  override async down(): Promise<void> {
    this.addSql('drop function if exists tenant_of_user(uuid);');
    this.addSql('drop function if exists tenant_of_slack_id(varchar);');
    this.addSql('drop policy if exists tenant_directory on app_user;');
    this.addSql('drop policy if exists tenant_directory on tenant;');
    this.addSql('drop policy if exists maintenance_audit_ids on audit_log;');
    this.addSql('drop policy if exists maintenance_audits on audit_log;');
    this.addSql('drop policy if exists maintenance_purges on meeting_record;');
    this.addSql('drop policy if exists maintenance_reads on meeting_record;');
    this.addSql('drop policy if exists maintenance_reads on tenant;');
    this.addSql(`revoke all on all tables in schema public from ${maintenanceRole};`);
    this.addSql(`revoke all on all sequences in schema public from ${maintenanceRole};`);
    this.addSql(`revoke usage on schema public from ${maintenanceRole};`);
    for (const [table, column] of Object.entries(tenantOwnedTables)) {
      const condition = `(${column} = nullif(current_setting('app.tenant_id', true), '')::uuid or current_setting('app.cross_tenant', true) = 'on')`;
      this.addSql(`drop policy if exists tenant_isolation on ${table};`);
      this.addSql(`create policy tenant_isolation on ${table} using ${condition} with check ${condition};`);
    }
  }
}
