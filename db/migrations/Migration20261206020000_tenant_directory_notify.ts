import { Migration } from '@mikro-orm/migrations';

/**
 * Every change to a tenant row, or to who is an app user and with which role, is announced on the
 * `tenant_directory_changed` channel with the tenant id, when its transaction commits. API
 * processes cache tenants and actors (api/slack/tenant-directory-cache.ts) and drop them on this
 * notice, so an uninstall made by the worker stops a workspace's clicks in every API process at once.
 */
export class Migration20261206020000_tenant_directory_notify extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create function announce_tenant_change() returns trigger language plpgsql as $$
      begin
        perform pg_notify('tenant_directory_changed', (case when tg_op = 'DELETE' then old.id else new.id end)::text);
        return null;
      end $$;`);
    this.addSql(`
      create function announce_app_user_change() returns trigger language plpgsql as $$
      begin
        perform pg_notify('tenant_directory_changed', (case when tg_op = 'DELETE' then old.tenant_id else new.tenant_id end)::text);
        return null;
      end $$;`);
    this.addSql('create trigger tenant_directory_changed after insert or update or delete on tenant for each row execute function announce_tenant_change();');
    // Only the role matters to a cached actor; a Google health update is no reason to drop it.
    this.addSql(
      'create trigger app_user_directory_changed after insert or update of role, slack_user_id or delete on app_user for each row execute function announce_app_user_change();',
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger if exists app_user_directory_changed on app_user;');
    this.addSql('drop trigger if exists tenant_directory_changed on tenant;');
    this.addSql('drop function if exists announce_app_user_change();');
    this.addSql('drop function if exists announce_tenant_change();');
  }
}
