import { Migration } from '@mikro-orm/migrations';

/**
 * CRM writes ask the audit log whether this meeting's action was ever tried before
 * (activities/earlier-write.ts): an index by workflow keeps that one lookup per write cheap
 * however long a tenant's history grows.
 */
export class Migration20261129100000_audit_by_workflow extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index audit_log_workflow_action_index on audit_log (workflow_id, action);`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists audit_log_workflow_action_index;');
  }
}
