import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import {
  DeleteSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM } from '@mikro-orm/postgresql';
import { ExternalServiceError } from '../../domain/service-errors';
import { startEmbeddedPostgres, type RunningEmbeddedPostgres } from '../../scripts/lib/embedded-postgres';
import { Migration20261128120500_secret_value } from '../../db/migrations/Migration20261128120500_secret_value';
import { AwsSecretStore } from '../../secrets/aws-secret-store';
import { createSecretStore } from '../../secrets/create-secret-store';
import { LocalSecretStore } from '../../secrets/local-secret-store';
import { type SecretKeyring } from '../../secrets/secret-keyring';
import { secretNames, type SecretStore } from '../../secrets/secret-store';
import { freePort } from '../../scripts/lib/processes';
import { startMotoServer, type RunningMotoServer } from './moto-server';
import { startScriptedSecretsManager } from './scripted-secrets-manager';

const REGION = 'us-east-1';
const MOTO_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

// ---------------------------------------------------------------------------------------------
// Environments: moto for AWS, embedded Postgres (with the real migration) for the local store.

interface MotoEnvironment {
  moto: RunningMotoServer;
  store: AwsSecretStore;
  /** A plain SDK client, to look at what the store wrote and to set up states it never creates. */
  sdk: SecretsManagerClient;
}

async function startMotoEnvironment(): Promise<MotoEnvironment> {
  const moto = await startMotoServer();
  const options = { region: REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS };
  return { moto, store: new AwsSecretStore(options), sdk: new SecretsManagerClient(options) };
}

interface PostgresEnvironment {
  postgres: RunningEmbeddedPostgres;
  dataDir: string;
  orm: MikroORM;
  /** Every SQL statement the ORM logged, values included. */
  sqlLog: string[];
  keyring: SecretKeyring;
  store: LocalSecretStore;
}

async function startPostgresEnvironment(): Promise<PostgresEnvironment> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'secret-store-test-'));
  const postgres = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'secrets_test' });
  const sqlLog: string[] = [];
  const orm = await MikroORM.init({
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
    // Query logging on, so the leak test can read everything that reached the database.
    debug: true,
    colors: false,
    logger: (message) => sqlLog.push(message),
  });
  await orm.getMigrator().up();
  const keyring = { keys: { k1: randomBytes(32) }, activeKeyId: 'k1' };
  return { postgres, dataDir, orm, sqlLog, keyring, store: localStoreOn(orm, keyring) };
}

async function stopPostgresEnvironment(environment: PostgresEnvironment | undefined): Promise<void> {
  if (!environment) return;
  await environment.orm.close(true);
  await environment.postgres.stop();
  await fs.rm(environment.dataDir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// Helpers

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => assert.fail('expected the operation to fail'),
    (error: unknown) => error,
  );
}

async function secretStoreFailureOf(promise: Promise<unknown>): Promise<ExternalServiceError> {
  const error = await failureOf(promise);
  assert.ok(error instanceof ExternalServiceError, `expected ExternalServiceError, got ${inspect(error)}`);
  assert.equal(error.service, 'secrets');
  return error;
}

function localStoreOn(orm: MikroORM, keyring: SecretKeyring): LocalSecretStore {
  return new LocalSecretStore(() => orm.em.fork(), keyring);
}

function cloneKeyring(keys: Record<string, Buffer>, activeKeyId: string): SecretKeyring {
  return { keys: { ...keys }, activeKeyId };
}

// ---------------------------------------------------------------------------------------------
// The contract every SecretStore keeps.

function behavesAsASecretStore(storeUnderTest: () => SecretStore): void {
  const tenant = 'T1';
  const name = secretNames.crmConnection(tenant, 'c1');

  it('returns null for a secret that was never stored', async function () {
    assert.equal(await storeUnderTest().get(name), null);
  });

  it('returns the stored value, unicode and JSON intact', async function () {
    const value = JSON.stringify({ accessToken: 'tok-ünïcødé-✓', refreshToken: 'r"1\\n' });
    await storeUnderTest().put(name, value);
    assert.equal(await storeUnderTest().get(name), value);
  });

  it('returns the latest value after a rotation', async function () {
    await storeUnderTest().put(name, 'first');
    await storeUnderTest().put(name, 'second');
    assert.equal(await storeUnderTest().get(name), 'second');
  });

  it('forgets a deleted secret, and deleting it again is not an error', async function () {
    await storeUnderTest().put(name, 'value');
    await storeUnderTest().delete(name);
    assert.equal(await storeUnderTest().get(name), null);
    await storeUnderTest().delete(name);
  });

  it('stores a secret again after deleting it', async function () {
    await storeUnderTest().put(name, 'before');
    await storeUnderTest().delete(name);
    await storeUnderTest().put(name, 'after');
    assert.equal(await storeUnderTest().get(name), 'after');
  });

  it("deletes one tenant's secrets by prefix, and no one else's", async function () {
    const store = storeUnderTest();
    // More than one ListSecrets page (100) on AWS.
    const tenantSecrets = Array.from({ length: 105 }, (_, index) => secretNames.userGoogle(tenant, `U${index}`));
    const otherSecrets = [secretNames.slackBotToken('T10'), secretNames.slackBotToken('t1'), 'tenants/T1', 'other/tenants/T1/x'];
    for (const secret of [...tenantSecrets, ...otherSecrets]) await store.put(secret, `value of ${secret}`);

    assert.equal(await store.deletePrefix(secretNames.tenantPrefix(tenant)), tenantSecrets.length);

    for (const secret of tenantSecrets.slice(0, 3)) assert.equal(await store.get(secret), null);
    for (const secret of otherSecrets) assert.equal(await store.get(secret), `value of ${secret}`);
    assert.equal(await store.deletePrefix(secretNames.tenantPrefix(tenant)), 0);
  });

  it('rejects names the AWS naming rules forbid, and an empty prefix, as invalid', async function () {
    const store = storeUnderTest();
    for (const badName of ['', 'has space', 'tenants/T1/ü', 'x'.repeat(513)]) {
      assert.equal((await secretStoreFailureOf(store.put(badName, 'value'))).kind, 'invalid');
    }
    assert.equal((await secretStoreFailureOf(store.get('a*b'))).kind, 'invalid');
    assert.equal((await secretStoreFailureOf(store.deletePrefix(''))).kind, 'invalid');
  });
}

// ---------------------------------------------------------------------------------------------

describe('SecretStore', function () {
  let aws: MotoEnvironment | undefined;
  let local: PostgresEnvironment | undefined;

  before(async function () {
    // The first run on a machine installs moto from PyPI (about a minute).
    this.timeout(600_000);
    // Assigned as each comes up, so `after` stops whichever started even if the other failed.
    await Promise.all([
      startMotoEnvironment().then((started) => (aws = started)),
      startPostgresEnvironment().then((started) => (local = started)),
    ]);
  });

  after(async function () {
    await Promise.all([aws?.moto.stop(), stopPostgresEnvironment(local)]);
  });

  describe('AwsSecretStore (moto)', function () {
    beforeEach(async function () {
      await aws!.moto.reset();
    });

    behavesAsASecretStore(() => aws!.store);

    it('keeps the replaced value as AWSPREVIOUS on rotation', async function () {
      const name = secretNames.slackBotToken('T1');
      await aws!.store.put(name, 'old-token');
      await aws!.store.put(name, 'new-token');
      const previous = await aws!.sdk.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' }));
      assert.equal(previous.SecretString, 'old-token');
    });

    it('reads a secret scheduled for deletion (outside the store) as null', async function () {
      const name = secretNames.slackBotToken('T1');
      await aws!.store.put(name, 'token');
      await aws!.sdk.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
      assert.equal(await aws!.store.get(name), null);
    });

    it('deletes secrets scheduled for deletion too when deleting by prefix', async function () {
      const name = secretNames.slackBotToken('T1');
      await aws!.store.put(name, 'token');
      await aws!.sdk.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
      assert.equal(await aws!.store.deletePrefix(secretNames.tenantPrefix('T1')), 1);
      const error = await failureOf(aws!.sdk.send(new GetSecretValueCommand({ SecretId: name })));
      assert.equal((error as Error).name, 'ResourceNotFoundException');
    });

    it('fails as retryable when Secrets Manager cannot be reached', async function () {
      const unreachable = new AwsSecretStore({ region: REGION, endpoint: `http://127.0.0.1:${await freePort()}`, credentials: MOTO_CREDENTIALS });
      const error = await secretStoreFailureOf(unreachable.get(secretNames.slackBotToken('T1')));
      assert.equal(error.kind, 'retryable');
    });
  });

  describe('LocalSecretStore (embedded Postgres)', function () {
    const name = secretNames.userFathom('T1', 'U1');

    beforeEach(async function () {
      await local!.orm.em.fork().getConnection().execute('truncate secret_value');
    });

    behavesAsASecretStore(() => local!.store);

    async function storedRow(secretName: string): Promise<{ key_id: string; iv: Buffer; auth_tag: Buffer; ciphertext: Buffer; version: number }> {
      const rows = await local!.orm.em
        .fork()
        .getConnection()
        .execute<{ key_id: string; iv: Buffer; auth_tag: Buffer; ciphertext: Buffer; version: number }[]>(
          'select key_id, iv, auth_tag, ciphertext, version from secret_value where name = ?',
          [secretName],
        );
      assert.equal(rows.length, 1, `expected one row for ${secretName}`);
      return rows[0];
    }

    async function updateRow(sql: string, params: unknown[]): Promise<void> {
      await local!.orm.em.fork().getConnection().execute(sql, params, 'run');
    }

    function storeWith(keyring: SecretKeyring): LocalSecretStore {
      return localStoreOn(local!.orm, keyring);
    }

    it('stores only ciphertext, under a fresh IV per write, counting versions', async function () {
      const value = 'plain-text-token-that-must-not-be-stored';
      await local!.store.put(name, value);
      const first = await storedRow(name);
      assert.equal(first.key_id, 'k1');
      assert.equal(first.iv.length, 12);
      assert.equal(first.auth_tag.length, 16);
      assert.equal(first.version, 1);
      assert.ok(!first.ciphertext.includes(Buffer.from(value)), 'ciphertext contains the plaintext');

      await local!.store.put(name, value);
      const second = await storedRow(name);
      assert.equal(second.version, 2);
      assert.notDeepEqual(second.iv, first.iv);
      assert.notDeepEqual(second.ciphertext, first.ciphertext);
    });

    it('refuses to return a tampered ciphertext, auth tag or IV', async function () {
      await local!.store.put(name, 'token');
      const original = await storedRow(name);
      const flipFirstByte = (bytes: Buffer): Buffer => Buffer.concat([Buffer.from([bytes[0] ^ 0x01]), bytes.subarray(1)]);
      for (const column of ['ciphertext', 'auth_tag', 'iv'] as const) {
        await updateRow(`update secret_value set ${column} = ? where name = ?`, [flipFirstByte(original[column]), name]);
        const error = await secretStoreFailureOf(local!.store.get(name));
        assert.equal(error.kind, 'invalid');
        assert.match(error.detail ?? '', /failed authentication/);
        await updateRow(`update secret_value set ${column} = ? where name = ?`, [original[column], name]);
      }
      assert.equal(await local!.store.get(name), 'token');
    });

    it("refuses a ciphertext copied from another secret's row", async function () {
      const victim = secretNames.userFathom('T2', 'U9');
      await local!.store.put(name, 'tenant one token');
      await local!.store.put(victim, 'tenant two token');
      await updateRow(
        `update secret_value set (iv, auth_tag, ciphertext) = (select iv, auth_tag, ciphertext from secret_value where name = ?) where name = ?`,
        [name, victim],
      );
      assert.equal((await secretStoreFailureOf(local!.store.get(victim))).kind, 'invalid');
    });

    it('rotates keys: reads rows under old keys, writes and re-encrypts under the active one', async function () {
      const { k1 } = local!.keyring.keys;
      const k2 = randomBytes(32);
      const names = [name, secretNames.userGoogle('T1', 'U1'), secretNames.slackBotToken('T1')];
      for (const secretName of names) await local!.store.put(secretName, `value of ${secretName}`);

      const rotating = storeWith(cloneKeyring({ k1, k2 }, 'k2'));
      assert.equal(await rotating.get(name), `value of ${name}`);
      await rotating.put(name, 'rewritten under k2');
      assert.equal((await storedRow(name)).key_id, 'k2');

      assert.equal(await rotating.reencryptAll(), 2);
      assert.equal(await rotating.reencryptAll(), 0);
      for (const secretName of names) assert.equal((await storedRow(secretName)).key_id, 'k2');
      assert.equal((await storedRow(names[1])).version, 1, 're-encryption is not a new version of the value');

      const withoutOldKey = storeWith(cloneKeyring({ k2 }, 'k2'));
      assert.equal(await withoutOldKey.get(name), 'rewritten under k2');
      assert.equal(await withoutOldKey.get(names[1]), `value of ${names[1]}`);

      const withOnlyOldKey = storeWith(cloneKeyring({ k1 }, 'k1'));
      const error = await secretStoreFailureOf(withOnlyOldKey.get(name));
      assert.match(error.detail ?? '', /encrypted with key "k2", which is not configured \(have: k1\)/);
    });

    it('re-encrypts more rows than one batch', async function () {
      for (let index = 0; index < 230; index++) await local!.store.put(secretNames.userGoogle('T1', `U${index}`), `v${index}`);
      const rotating = storeWith(cloneKeyring({ ...local!.keyring.keys, k2: randomBytes(32) }, 'k2'));
      assert.equal(await rotating.reencryptAll(), 230);
      assert.equal(await rotating.get(secretNames.userGoogle('T1', 'U229')), 'v229');
    });

    it('rejects an invalid keyring when constructed', function () {
      assert.throws(() => storeWith({ keys: { k1: randomBytes(16) }, activeKeyId: 'k1' }), /16 bytes; AES-256 needs 32/);
      assert.throws(() => storeWith({ keys: { k1: randomBytes(32) }, activeKeyId: 'k2' }), /"k2" is not among/);
    });

    it('has a migration that can be rolled back and applied again', async function () {
      const migrator = local!.orm.getMigrator();
      await migrator.down();
      const tables = await local!.orm.em.fork().getConnection().execute<{ name: string | null }[]>(`select to_regclass('secret_value')::text as name`);
      assert.equal(tables[0].name, null);
      await migrator.up();
      await local!.store.put(name, 'value');
      assert.equal(await local!.store.get(name), 'value');
    });
  });

  describe('createSecretStore', function () {
    it('builds the store the config names', function () {
      assert.ok(createSecretStore({ kind: 'aws', aws: { region: REGION } }) instanceof AwsSecretStore);
      const local = createSecretStore({ kind: 'local', local: { keys: { k1: randomBytes(32) }, activeKeyId: 'k1' }, em: () => assert.fail('not used') });
      assert.ok(local instanceof LocalSecretStore);
    });

    it('names what is missing from the config', function () {
      assert.throws(() => createSecretStore({ kind: 'aws' }), /needs aws.region/);
      assert.throws(() => createSecretStore({ kind: 'local' }), /needs local keys and an em factory/);
      assert.throws(() => createSecretStore({ kind: 'vault' as 'aws' }), /Unknown secret store kind "vault"/);
    });
  });

  describe('secret values never leak', function () {
    /** Everything written to stdout and stderr until `stop()`, which also puts the real writers back. */
    function captureProcessOutput(): { stop(): string } {
      const captured: string[] = [];
      const originalWrites = { stdout: process.stdout.write, stderr: process.stderr.write };
      for (const stream of [process.stdout, process.stderr]) {
        stream.write = ((chunk: string | Uint8Array) => {
          captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
          return true;
        }) as typeof stream.write;
      }
      return {
        stop() {
          process.stdout.write = originalWrites.stdout;
          process.stderr.write = originalWrites.stderr;
          return captured.join('');
        },
      };
    }

    /** Every way an error tends to reach a log: message, stack, util.inspect (with cause) and JSON. */
    function renderings(error: unknown): string[] {
      return [String(error), (error as Error).stack ?? '', inspect(error, { depth: null, showHidden: true }), JSON.stringify(error) ?? ''];
    }

    it('keeps the value out of output, SQL logs and errors while operations fail', async function () {
      const value = `canary-${randomUUID()}`;
      const forms = [value, Buffer.from(value).toString('hex'), Buffer.from(value).toString('base64')];
      const name = secretNames.crmConnection('T1', 'c1');
      const echoingAws = await startScriptedSecretsManager(() => ({ status: 400, error: 'ValidationException', message: `bad value ${value}` }));
      const postgres = local!;
      // A database without the table, to make the local store's SQL fail.
      await postgres.orm.em.fork().getConnection().execute('create database secrets_empty');
      const emptyDatabaseOrm = await MikroORM.init({
        clientUrl: postgres.postgres.url.replace(/\/secrets_test$/, '/secrets_empty'),
        entities: [],
        discovery: { warnWhenNoEntities: false },
        debug: true,
        colors: false,
        logger: (message) => postgres.sqlLog.push(message),
      });
      postgres.sqlLog.length = 0;

      const errors: unknown[] = [];
      const output = captureProcessOutput();
      let capturedOutput: string;
      try {
        const aimedAt = (endpoint: string) => new AwsSecretStore({ region: REGION, endpoint, credentials: MOTO_CREDENTIALS });
        errors.push(await failureOf(aimedAt(`http://127.0.0.1:${await freePort()}`).put(name, value)));
        errors.push(await failureOf(aimedAt(echoingAws.endpoint).put(name, value)));
        errors.push(await failureOf(aws!.store.put('not a valid name', value)));

        await postgres.store.put(name, value);
        errors.push(await failureOf(localStoreOn(postgres.orm, { keys: { other: randomBytes(32) }, activeKeyId: 'other' }).get(name)));
        await postgres.orm.em.fork().getConnection().execute(`update secret_value set ciphertext = ciphertext || '\\x00'::bytea where name = ?`, [name]);
        errors.push(await failureOf(postgres.store.get(name)));
        errors.push(await failureOf(localStoreOn(emptyDatabaseOrm, postgres.keyring).put(name, value)));
      } finally {
        capturedOutput = output.stop();
        await echoingAws.stop();
        await emptyDatabaseOrm.close(true);
      }

      const databaseError = errors.pop();
      // Database failures stay the driver's own errors; everything else is the store's.
      assert.match(String(databaseError), /relation "secret_value" does not exist/);
      assert.deepEqual(
        errors.map((error) => (error instanceof ExternalServiceError ? error.kind : inspect(error))),
        ['retryable', 'invalid', 'invalid', 'invalid', 'invalid'],
      );
      errors.push(databaseError);
      // Both inserts, the stored one and the one the empty database refused, are in the SQL log.
      assert.equal(postgres.sqlLog.filter((line) => line.includes('insert into secret_value')).length, 2);
      const everything = [capturedOutput, ...postgres.sqlLog, ...errors.flatMap(renderings)].join('\n');
      for (const form of forms) assert.ok(!everything.includes(form), `the secret value leaked as ${form === value ? 'plain text' : 'an encoding'}`);
    });
  });
});
