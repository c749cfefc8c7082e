import assert from 'node:assert/strict';
import { knownMigrationNames } from '../../db/migrations/migration-names';
import { migrationTable, openCheckedOrm, openOrm, type Orm } from '../../db/orm';
import { testStack } from '../support/test-stack';

/**
 * The worker and the API refuse to start on a schema this build does not know, read from the
 * migrator's table without loading the migrator. The owner login edits that table here and puts
 * every row back.
 */
describe('the schema check at start', function () {
  this.timeout(60_000);
  let owner: Orm;

  before(async function () {
    owner = await openOrm(testStack().databaseUrls.migration);
  });

  after(async function () {
    await owner?.close();
  });

  it('accepts the migrated test database', async function () {
    const orm = await openCheckedOrm(testStack().databaseUrl);
    await orm.close();
  });

  it('refuses a database with a migration this build does not know', async function () {
    const newer = 'Migration29991231000000_from_a_newer_build';
    await owner.em.getConnection().execute(`insert into ${migrationTable} (name, executed_at) values (?, now())`, [newer]);
    try {
      await assert.rejects(openCheckedOrm(testStack().databaseUrl), new RegExp(`newer than this build \\(unknown migrations: ${newer}\\)`));
    } finally {
      await owner.em.getConnection().execute(`delete from ${migrationTable} where name = ?`, [newer]);
    }
  });

  it('refuses a database that misses a migration of this build', async function () {
    const last = knownMigrationNames[knownMigrationNames.length - 1]!;
    const connection = owner.em.getConnection();
    const [removed] = await connection.execute<{ id: number; name: string; executed_at: Date }[]>(`delete from ${migrationTable} where name = ? returning id, name, executed_at`, [last]);
    assert.ok(removed, `${last} is recorded in the test database`);
    try {
      await assert.rejects(openCheckedOrm(testStack().databaseUrl), new RegExp(`out of date \\(pending migrations: ${last}\\)`));
    } finally {
      await connection.execute(`insert into ${migrationTable} (id, name, executed_at) values (?, ?, ?)`, [removed.id, removed.name, removed.executed_at]);
    }
  });
});
