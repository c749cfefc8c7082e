/**
 * The API process: Slack and Fathom webhooks, health. Stateless; run as many as needed.
 */
import type { Server } from 'node:http';
import { applyMigrations, assertSchemaIsCurrent, openOrm } from '../db/orm';
import { loadConfig } from '../runtime/config';
import { createLogger } from '../runtime/logger';
import { buildSecretStore } from '../runtime/services';
import { connectTemporalClient } from '../runtime/temporal-connection';
import { createApiApp } from './app';
import { MeetingGateway } from './meeting-gateway';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, base: { process: 'api' } });
  const orm = await openOrm(config.databaseUrl);
  if (process.env.MIGRATE_ON_START === 'true') await applyMigrations(orm);
  await assertSchemaIsCurrent(orm);
  const client = await connectTemporalClient(config.temporal);
  const app = createApiApp({
    orm,
    gateway: new MeetingGateway(client, { taskQueue: config.temporal.taskQueue, ackTimeoutMs: config.api.temporalAckTimeoutMs }),
    secrets: buildSecretStore(config, orm),
    logger,
    slack: {
      signingSecret: config.slack.signingSecret,
      apiUrl: config.slack.apiUrl,
      responseUrlOrigins: config.slack.responseUrlHosts.map((host) => (host.includes('://') ? host : `https://${host}`)),
    },
    maxBodyBytes: config.api.maxBodyBytes,
    health: async () => ({
      database: await orm.isConnected(),
      temporal: await client.workflowService.getSystemInfo({}).then(() => true, () => false),
    }),
  });
  const server: Server = app.listen(config.api.port, () => logger.info('API listening', { port: config.api.port }));
  const stop = (): void => {
    logger.info('API stopping');
    server.close(() => {
      void client.connection.close().finally(() => orm.close().finally(() => process.exit(0)));
    });
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error('API failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
