/**
 * Mocha root hooks: one Temporal dev server and one PostgreSQL per test run, started once and
 * shared by every test file; each test then uses its own task queue and tenant.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { startEmbeddedPostgres, type RunningEmbeddedPostgres } from '../../scripts/lib/embedded-postgres';
import type { DatabaseUrls } from '../../db/database-roles';
import { migrateDatabase } from '../../db/migrate';
import { provisionLocalDatabaseRoles } from '../../scripts/lib/local-database-roles';
import { encryptedDataConverter, failureConverterPath, payloadCodecFor } from '../../runtime/data-converter';
import { createLogger } from '../../runtime/logger';
import { temporalRuntimeOptions } from '../../wiring/temporal-runtime-logging';
import { resolveTemporalCli } from '../../scripts/lib/temporal-cli';
import { workflowInterceptorModules, workflowsPath } from '../../wiring/workflow-code';
import { meetingSearchAttributes } from '../../workflows/messages';
import { freePort } from '../../scripts/lib/processes';
import { temporalDevServerFlags } from '../../scripts/lib/temporal-dev-server-flags';
import { setTestStack, testStack } from '../support/test-stack';

let postgres: RunningEmbeddedPostgres | undefined;
let postgresDir: string | undefined;

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(240_000);
    Runtime.install(temporalRuntimeOptions(createLogger({ level: 'warn', base: { process: 'test-run' } }), 'warn'));
    const temporalCliPath = resolveTemporalCli();
    const payloadCodecKeys = { keys: `test-run:${randomBytes(32).toString('base64')}`, activeKeyId: 'test-run' };
    const dataConverter = encryptedDataConverter(payloadCodecFor(payloadCodecKeys));
    // The Web UI server runs too, for a test's operator listener to serve on a port chosen now
    // (test/e2e/web-ui-operator.test.ts): the dev server only learns its codec endpoint at start,
    // and that endpoint is on the operator listener, the origin the browser opens the UI at.
    const [uiPort, operatorPort] = [await freePort(), await freePort()];
    const webUi = { upstreamUrl: `http://127.0.0.1:${uiPort}`, operatorPort, url: `http://localhost:${operatorPort}` };
    const [env, database, workflowBundle] = await Promise.all([
      TestWorkflowEnvironment.createLocal({
        server: {
          executable: { type: 'existing-path', path: temporalCliPath },
          searchAttributes: meetingSearchAttributes,
          uiPort,
          extraArgs: ['--ui-codec-endpoint', `${webUi.url}/codec`, '--ui-disable-news-fetch', ...temporalDevServerFlags],
        },
        client: { dataConverter },
      }),
      startDatabase(),
      bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, failureConverterPath, logger: new DefaultLogger('WARN') }),
    ]);
    setTestStack({
      env,
      temporalCliPath,
      temporalAddress: env.address,
      databaseUrl: database.runtime,
      databaseUrls: database,
      workflowBundle,
      payloadCodecKeys,
      dataConverter,
      webUi,
    });
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    try {
      await testStack().env.teardown();
    } finally {
      setTestStack(undefined);
      await postgres?.stop();
      if (postgresDir) await rm(postgresDir, { recursive: true, force: true });
    }
  },
};

/**
 * The app's three logins on this run's database: an embedded Postgres, or TEST_DATABASE_URL (an
 * admin login of an external server, whose database the roles are provisioned in), then migrated
 * as the owner. Fresh passwords each run.
 */
async function startDatabase(): Promise<DatabaseUrls> {
  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    const urls = await provisionLocalDatabaseRoles({ adminUrl: external, database: new URL(external).pathname.slice(1) });
    await migrateDatabase(urls.migration);
    return urls;
  }
  postgresDir = await mkdtemp(path.join(os.tmpdir(), 'followup-test-pg-'));
  postgres = await startEmbeddedPostgres({ dataDir: postgresDir, port: await freePort(), database: 'followup_test' });
  const urls = await provisionLocalDatabaseRoles({ adminUrl: postgres.url, database: 'followup_test' });
  await migrateDatabase(urls.migration);
  return urls;
}
