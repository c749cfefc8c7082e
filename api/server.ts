/**
 * The API process: Slack and Fathom webhooks, /livez and /readyz on the public port (API_PORT); the
 * codec server, audit export and /metrics on the internal operator listener (OPERATOR_HOST:OPERATOR_PORT).
 * Stateless; run as many as needed.
 */
// First: compiles every module below with the V8 code of an earlier start when there is one.
import { keepCodeCacheForNextStart } from '../runtime/code-cache';
import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { openCheckedOrm, type Orm } from '../db/orm';
import { loadConfig } from '../runtime/config';
import { ConfigError } from '../runtime/env-settings';
import { encryptedDataConverter, payloadCodecFor } from '../runtime/data-converter';
import { shareMetricsWithPrimary } from '../runtime/cluster-metrics';
import { countExternalCalls, externalServiceClassifier } from '../runtime/external-call-metrics';
import { createLogger } from '../runtime/logger';
import { tracingEnabled } from '../runtime/tracing-enabled';
import { buildSecretStore } from '../wiring/services';
import { connectTemporalClient } from '../wiring/temporal-connection';
import { createApiApp, createOperatorApp } from './app';
import { connectionSettingsFrom } from './http/connection-settings';
import type { ApiDependencies } from './http/dependencies';
import { MeetingGateway } from './meetings/meeting-gateway';
import { MeetingQuota } from './meetings/meeting-quota';
import { listeningTenantDirectory } from '../db/tenant-directory-cache';
import { KnownUpdateOutcomes } from './meetings/known-update-outcomes';

async function main(): Promise<void> {
  // The OpenTelemetry SDK is loaded only when tracing is on (runtime/tracing-enabled.ts).
  const traced = tracingEnabled();
  const tracing = traced ? await (await import('../runtime/tracing')).startTracing('followup-api') : undefined;
  const config = loadConfig();
  const operatorToken = config.operator.token;
  if (!operatorToken) {
    throw new ConfigError(['CODEC_OPERATOR_TOKEN is not set; the API needs it to guard the codec server and audit export. For example: CODEC_OPERATOR_TOKEN=<32 random bytes, e.g. openssl rand -base64 32>']);
  }
  const logger = createLogger({ level: config.logLevel, base: { process: 'api' } });
  countExternalCalls(externalServiceClassifier(config));
  // One of API_PROCESSES (api/cluster.ts): /metrics reports every process's figures, gathered by the primary.
  if (cluster.isWorker) shareMetricsWithPrimary();
  // Migrations run as the table owner; the API itself then connects as the runtime role.
  if (process.env.MIGRATE_ON_START === 'true') {
    if (!config.databaseMigrationUrl) throw new Error('MIGRATE_ON_START needs DATABASE_MIGRATION_URL (the owner login).');
    // Loaded only here: the migrator and every migration are not worth loading on a plain start.
    const { migrateDatabase } = await import('../db/migrate');
    await migrateDatabase(config.databaseMigrationUrl);
  }
  const payloadCodec = payloadCodecFor(config.payloadCodec);
  // The codec server also shows payloads recorded before encryption; nothing else accepts them.
  const codecServerCodec = payloadCodecFor(config.payloadCodec, 'show');
  const updateOutcomes = new KnownUpdateOutcomes();
  // Side by side: start-up waits for the slower of the two servers only (the database's side also starts listening for tenant changes).
  const openDatabase = async (): Promise<[Orm, Awaited<ReturnType<typeof listeningTenantDirectory>>]> => {
    const opened = await openCheckedOrm(config.databaseUrl, config.api.databaseTimeouts);
    return [opened, await listeningTenantDirectory(opened, (error) => logger.warn('Tenant change feed unavailable; tenants are read afresh until it is back', { error }))];
  };
  const [[orm, directory], client] = await Promise.all([
    openDatabase(),
    connectTemporalClient(config.temporal, encryptedDataConverter(payloadCodec), { interceptors: [updateOutcomes.interceptor], traced }),
  ]);
  const deps: ApiDependencies = {
    orm,
    tenants: directory.tenants,
    gateway: new MeetingGateway(client, {
      taskQueue: config.temporal.taskQueue,
      ackTimeoutMs: config.api.temporalAckTimeoutMs,
      quota: new MeetingQuota(orm),
      actorProofKey: config.actorProofKey,
      orm,
      updateOutcomes,
    }),
    secrets: buildSecretStore(config, orm),
    logger,
    slack: {
      signingSecret: config.slack.signingSecret,
      apiUrl: config.slack.apiUrl,
      responseUrlOrigins: config.slack.responseUrlHosts.map((host) => (host.includes('://') ? host : `https://${host}`)),
      oauth:
        config.slack.clientId && config.slack.clientSecret
          ? { clientId: config.slack.clientId, clientSecret: config.slack.clientSecret, stateSecret: config.slack.stateSecret }
          : undefined,
    },
    publicUrl: config.api.publicUrl.replace(/\/+$/, ''),
    fathomApiUrl: config.fathom.apiUrl,
    connections: connectionSettingsFrom(config),
    maxBodyBytes: config.api.maxBodyBytes,
    trustProxy: config.api.trustProxy,
    payloadCodec: codecServerCodec,
    operator: config.operator,
    health: async () => ({
      database: await orm.isConnected(),
      temporal: await client.workflowService.getSystemInfo({}).then(() => true, () => false),
    }),
  };
  const codeCache = keepCodeCacheForNextStart();
  const server: Server = createApiApp(deps).listen(config.api.port, () => logger.info('API listening', { port: config.api.port, codeCache }));
  const { host: operatorHost, port: operatorPort } = config.operator;
  const operatorServer: Server = createOperatorApp({ ...deps, operator: { ...config.operator, token: operatorToken } }).listen(operatorPort, operatorHost, () =>
    logger.info('Operator listener (codec server, audit export, metrics) listening', { host: operatorHost, port: operatorPort }),
  );
  let stopping = false;
  const stop = (): void => {
    // Once: under api/cluster.ts a stop reaches this process twice (its process group, then the primary).
    if (stopping) return;
    stopping = true;
    logger.info('API stopping');
    let open = 2;
    const closed = (): void => {
      if (--open === 0) void directory.close().finally(() => client.connection.close()).finally(() => orm.close().finally(() => (tracing?.shutdown() ?? Promise.resolve()).finally(() => process.exit(0))));
    };
    server.close(closed);
    operatorServer.close(closed);
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error('API failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
