import { MikroORM } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { knownMigrations } from './migrations';
import { migrationTable, ormOptions, type Orm } from './orm';

/**
 * The database as its owner with the migrator loaded. Only migrations need it: the app's own
 * processes check the schema from the names alone (assertSchemaIsCurrent), without this package.
 */
async function openMigrationOrm(migrationDatabaseUrl: string): Promise<Orm> {
  return MikroORM.init({
    ...ormOptions(migrationDatabaseUrl),
    extensions: [Migrator],
    migrations: {
      migrationsList: knownMigrations,
      tableName: migrationTable,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
  });
}

/** Applies pending migrations; safe to run from several processes (serialised by an advisory lock). */
async function applyMigrations(orm: Orm): Promise<string[]> {
  const connection = orm.em.getConnection();
  await connection.execute('select pg_advisory_lock(727001)');
  try {
    const applied = await orm.getMigrator().up();
    return applied.map((migration) => migration.name);
  } finally {
    await connection.execute('select pg_advisory_unlock(727001)');
  }
}

/** Brings the database to the schema this build expects, logged in as its owner. */
export async function migrateDatabase(migrationDatabaseUrl: string): Promise<string[]> {
  // Migrations create and alter tables, so they run as the owner (DATABASE_MIGRATION_URL), never as the runtime role.
  const orm = await openMigrationOrm(migrationDatabaseUrl);
  try {
    return await applyMigrations(orm);
  } finally {
    await orm.close(true);
  }
}

if (require.main === module) {
  const databaseUrl = process.env.DATABASE_MIGRATION_URL;
  if (!databaseUrl) {
    console.error('DATABASE_MIGRATION_URL (the owner login) is not set.');
    process.exit(2);
  }
  migrateDatabase(databaseUrl).then(
    (applied) => console.log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Schema is up to date.'),
    (error: unknown) => {
      console.error('Migration failed:', error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
