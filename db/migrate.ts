import { applyMigrations, openOrm } from './orm';

/** Brings the database to the schema this build expects, logged in as its owner. */
export async function migrateDatabase(migrationDatabaseUrl: string): Promise<string[]> {
  // Migrations create and alter tables, so they run as the owner (DATABASE_MIGRATION_URL), never as the runtime role.
  const orm = await openOrm(migrationDatabaseUrl);
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
