import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM } from '@mikro-orm/postgresql';
import { Migration20261128120500_secret_value } from '../../db/migrations/Migration20261128120500_secret_value';
import { startEmbeddedPostgres, type RunningEmbeddedPostgres } from '../../scripts/lib/embedded-postgres';
import { freePort } from '../../scripts/lib/processes';
import { reencryptSecrets } from '../../scripts/reencrypt-secrets';
import { LocalSecretStore } from '../../secrets/local-secret-store';
import { secretNames } from '../../secrets/secret-store';

describe('npm run secrets:reencrypt', function () {
  this.timeout(120_000);
  let dataDir: string;
  let postgres: RunningEmbeddedPostgres;
  let orm: MikroORM;

  before(async function () {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'secret-reencryption-test-'));
    postgres = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'reencryption_test' });
    orm = await MikroORM.init({
      clientUrl: postgres.url,
      entities: [],
      discovery: { warnWhenNoEntities: false },
      extensions: [Migrator],
      migrations: {
        migrationsList: [{ name: 'Migration20261128120500_secret_value', class: Migration20261128120500_secret_value }],
        tableName: 'schema_migration',
        snapshot: false,
      },
      allowGlobalContext: false,
    });
    await orm.getMigrator().up();
  });

  after(async function () {
    await orm?.close(true);
    await postgres?.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('moves every secret to the active key and reports the counts per key', async function () {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const beforeRotation = new LocalSecretStore(() => orm.em.fork(), { keys: { old: oldKey }, activeKeyId: 'old' });
    const names = [secretNames.slackBotToken('T1'), secretNames.userFathom('T1', 'U1'), secretNames.userGoogle('T1', 'U1')];
    for (const name of names) await beforeRotation.put(name, `value of ${name}`);

    const rotating = new LocalSecretStore(() => orm.em.fork(), { keys: { old: oldKey, new: newKey }, activeKeyId: 'new' });
    await rotating.put(names[0], 'rewritten after the rotation');
    const report = await reencryptSecrets(rotating);

    assert.deepEqual(report, { before: { new: 1, old: 2 }, reencrypted: 2, after: { new: 3 } });
    const withoutOldKey = new LocalSecretStore(() => orm.em.fork(), { keys: { new: newKey }, activeKeyId: 'new' });
    assert.equal(await withoutOldKey.get(names[2]), `value of ${names[2]}`);
    assert.deepEqual(await reencryptSecrets(rotating), { before: { new: 3 }, reencrypted: 0, after: { new: 3 } });
  });
});
