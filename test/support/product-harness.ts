/**
 * The whole product under test, in one process: the real Koa API on a loopback port, a real
 * worker on its own task queue, the shared Temporal dev server and Postgres, and emulators of
 * every external service reached over real HTTP by the real client libraries.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@temporalio/client';
import type Koa from 'koa';
import type { Worker } from '@temporalio/worker';
import { createApiApp, createOperatorApp } from '../../api/app';
import { connectionSettingsFrom } from '../../api/http/connection-settings';
import { MeetingGateway } from '../../api/meetings/meeting-gateway';
import { MeetingQuota } from '../../api/meetings/meeting-quota';
import { listeningTenantDirectory } from '../../db/tenant-directory-cache';
import type { CrmProviderName } from '../../domain/crm';
import { openMaintenanceOrm, openOrm, type MaintenanceOrm, type Orm } from '../../db/orm';
import { inTenant } from '../../db/tenant-scope';
import { CrmConnection, type OfferedAction } from '../../entities';
import { startLocalEmulators, type LocalEmulators } from '../../emulators';
import { sampleMeeting, type FathomMeeting } from '../../emulators/fathom-sample-meeting';
import { CronoEmulator } from '../../emulators/crono-emulator';
import { HubSpotEmulator } from '../../emulators/hubspot-emulator';
import { PipedriveEmulator } from '../../emulators/pipedrive-emulator';
import { SalesforceEmulator } from '../../emulators/salesforce-emulator';
import { connectEmulatedHubSpot, seedEmulatedWorkspace, type EmulatedWorkspace } from '../../emulators/seed-workspace';
import { blockActionsBody, signSlackRequest, slashCommandBody } from '../../emulators/slack-request-signer';
import { slackBotScopes } from '../../clients/slack-oauth';
import { loadConfig, type AppConfig } from '../../runtime/config';
import { payloadCodecFor } from '../../runtime/data-converter';
import { createLogger } from '../../runtime/logger';
import { tracingOff, type Tracing } from '../../runtime/tracing';
import { buildActivityDependencies, buildSecretStore, keptPerTenant } from '../../wiring/services';
import { TenantChangeFeed } from '../../db/tenant-change-feed';
import { clientInterceptors } from '../../wiring/temporal-connection';
import type { SecretStore } from '../../secrets/secret-store';
import { createMeetingWorker } from '../../worker';
import { meetingWorkflowId } from '../../workflows/messages';
import { freePort } from '../../scripts/lib/processes';
import { testStack } from './test-stack';
import { KnownUpdateOutcomes } from '../../api/meetings/known-update-outcomes';

export const signingSecret = 'test-signing-secret-0123456789abcdef';
/** 32 random bytes, as the API demands of CODEC_OPERATOR_TOKEN. */
export const operatorToken = randomBytes(32).toString('base64url');
const anthropicKey = 'sk-ant-test-key';

export type SeededTenant = EmulatedWorkspace;

/** Every CRM the product supports, each behind its own emulator, so a tenant can be seeded with any of them. */
export interface CrmEmulatorSet {
  hubspot: HubSpotEmulator;
  salesforce: SalesforceEmulator;
  pipedrive: PipedriveEmulator;
  crono: CronoEmulator;
}

export interface ProductHarness {
  emulators: LocalEmulators & CrmEmulatorSet;
  config: AppConfig;
  /** The environment the config was read from: a worker process started with it behaves like this one. */
  env: Record<string, string>;
  /** Every line the app logged (API and activities, all levels), to check what reaches logs. */
  logs: string[];
  orm: Orm;
  /** The maintenance login the worker's cross-tenant jobs use. */
  maintenanceOrm: MaintenanceOrm;
  secrets: SecretStore;
  client: Client;
  taskQueue: string;
  apiUrl: string;
  /** The internal operator listener: codec server and audit export. */
  operatorUrl: string;
  seedTenant(options?: { crm?: CrmProviderName | null; offeredActions?: OfferedAction[]; autoLog?: boolean }): Promise<SeededTenant>;
  addFathomMeeting(seeded: SeededTenant, overrides?: Partial<FathomMeeting>, options?: { transcriptLines?: number }): FathomMeeting;
  slashCommand(seeded: SeededTenant, text: string, options?: { channelId?: string; userId?: string }): Promise<Response>;
  click(seeded: SeededTenant, action: { actionId: string; value?: string; blockId?: string; selected?: { value: string; text: string } }, options?: { userId?: string; teamId?: string }): Promise<Response>;
  postSigned(path: string, body: string, options?: { timestamp?: number; secret?: string; headers?: Record<string, string> }): Promise<Response>;
  workflowId(seeded: SeededTenant, recordingId: string | number): string;
  /** Gives the tenant's HubSpot connection fresh tokens, as a rep reconnecting HubSpot would. */
  reconnectHubSpot(seeded: SeededTenant): Promise<void>;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

/**
 * `databaseUrl`: where the app reaches Postgres instead of the shared test database (e.g. through
 * an outage proxy); the connection then has the deployed API's timeouts (`API_DATABASE_*`).
 * `operatorPort`: where the operator listener listens instead of any free port (the Web UI's codec
 * endpoint names a fixed one).
 * `tracing`: where the worker sends its workflow spans (the test's own tracer provider); off by default.
 */
export async function startProductHarness(
  options: { startWorker?: boolean; databaseUrl?: string; env?: Record<string, string>; operatorPort?: number; tracing?: Pick<Tracing, 'spanProcessor' | 'resource'> } = {},
): Promise<ProductHarness> {
  const stack = testStack();
  const emulators = await startLocalEmulators();
  const crmEmulators: CrmEmulatorSet = {
    hubspot: new HubSpotEmulator(),
    salesforce: new SalesforceEmulator(),
    pipedrive: new PipedriveEmulator(),
    crono: new CronoEmulator(),
  };
  await Promise.all(Object.values(crmEmulators).map((emulator) => emulator.start()));
  const { hubspot, salesforce, pipedrive, crono } = crmEmulators;
  emulators.anthropic.registerApiKey(anthropicKey);
  const taskQueue = `test-${randomUUID()}`;
  // Known before the app is built: it is the OAuth redirect URI's origin.
  const apiPort = await freePort();
  const env: Record<string, string> = {
    DATABASE_URL: stack.databaseUrl,
    DATABASE_MAINTENANCE_URL: stack.databaseUrls.maintenance,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
    SLACK_SIGNING_SECRET: signingSecret,
    PUBLIC_URL: `http://127.0.0.1:${apiPort}`,
    SLACK_API_URL: emulators.urls.slackApi,
    SLACK_RESPONSE_URL_HOSTS: emulators.slack.url,
    // The Slack emulator's default app credentials, for installs through /slack/install.
    SLACK_CLIENT_ID: 'slack-client-id',
    SLACK_CLIENT_SECRET: 'slack-client-secret',
    FATHOM_API_URL: emulators.urls.fathomApi,
    AI_DRAFTER: 'claude',
    ANTHROPIC_API_KEY: anthropicKey,
    ANTHROPIC_BASE_URL: emulators.urls.anthropic,
    HUBSPOT_API_URL: hubspot.url,
    HUBSPOT_CLIENT_ID: hubspot.oauthClient.clientId,
    HUBSPOT_CLIENT_SECRET: hubspot.oauthClient.clientSecret,
    SALESFORCE_LOGIN_URL: salesforce.url,
    SALESFORCE_CLIENT_ID: salesforce.oauthClient.clientId,
    SALESFORCE_CLIENT_SECRET: salesforce.oauthClient.clientSecret,
    PIPEDRIVE_API_URL: pipedrive.url,
    PIPEDRIVE_OAUTH_URL: pipedrive.url,
    PIPEDRIVE_CLIENT_ID: pipedrive.oauthClient.clientId,
    PIPEDRIVE_CLIENT_SECRET: pipedrive.oauthClient.clientSecret,
    CRONO_API_URL: crono.url,
    GOOGLE_API_URL: emulators.urls.googleRoot,
    GOOGLE_TOKEN_URL: emulators.urls.googleToken,
    GOOGLE_CLIENT_ID: 'google-test-client',
    GOOGLE_CLIENT_SECRET: 'google-test-secret',
    SECRETS_BACKEND: 'local',
    SECRETS_KEYS: `test:${randomBytes(32).toString('base64')}`,
    SECRETS_ACTIVE_KEY: 'test',
    API_TEMPORAL_ACK_TIMEOUT_MS: '2500',
    PAYLOAD_CODEC_KEYS: stack.payloadCodecKeys.keys,
    PAYLOAD_CODEC_ACTIVE_KEY: stack.payloadCodecKeys.activeKeyId,
    CODEC_OPERATOR_TOKEN: operatorToken,
    ACTOR_PROOF_KEY: randomBytes(32).toString('base64url'),
    LOG_LEVEL: 'error',
    ...options.env,
  };
  const config = loadConfig(env);
  // Everything is kept for inspection; only errors are printed, as before.
  const logs: string[] = [];
  const logger = createLogger({
    level: 'debug',
    write: (line) => {
      logs.push(line);
      if (line.includes('"level":"error"')) process.stdout.write(`${line}\n`);
    },
  });
  const orm = options.databaseUrl ? await openOrm(options.databaseUrl, config.api.databaseTimeouts) : await openOrm(stack.databaseUrl);
  const maintenanceOrm = await openMaintenanceOrm(stack.databaseUrls.maintenance);
  const secrets = buildSecretStore(config, orm);
  // The API's client, with the interceptors connectTemporalClient gives a traced API (the tests that trace need them; untraced, they carry nothing).
  const updateOutcomes = new KnownUpdateOutcomes();
  const client = new Client({
    connection: stack.env.connection,
    namespace: stack.env.namespace,
    dataConverter: stack.dataConverter,
    interceptors: await clientInterceptors(true, [updateOutcomes.interceptor]),
  });
  const dependencies = buildActivityDependencies({ config, orm, maintenanceOrm, secrets, logger });
  // As worker.ts does: the worker's kept Slack clients and card views hear of installs and uninstalls.
  const workerTenantChanges = new TenantChangeFeed(orm, keptPerTenant(dependencies), (error) => logger.warn('Tenant change feed unavailable', { error }));
  await workerTenantChanges.start();

  const directory = await listeningTenantDirectory(orm, (error) => logger.warn('Tenant change feed unavailable', { error }));
  const apiDependencies = {
    orm,
    tenants: directory.tenants,
    gateway: new MeetingGateway(client, { taskQueue, ackTimeoutMs: config.api.temporalAckTimeoutMs, quota: new MeetingQuota(orm), actorProofKey: config.actorProofKey, orm, updateOutcomes }),
    secrets,
    logger,
    slack: {
      signingSecret,
      apiUrl: config.slack.apiUrl,
      responseUrlOrigins: [emulators.slack.url],
      oauth: { clientId: config.slack.clientId!, clientSecret: config.slack.clientSecret!, stateSecret: config.slack.stateSecret },
    },
    publicUrl: config.api.publicUrl,
    fathomApiUrl: config.fathom.apiUrl,
    connections: connectionSettingsFrom(config),
    maxBodyBytes: config.api.maxBodyBytes,
    payloadCodec: payloadCodecFor(config.payloadCodec, 'show'),
    operator: config.operator,
    health: async () => ({
      database: await orm.isConnected(),
      temporal: await client.workflowService.getSystemInfo({}).then(() => true, () => false),
    }),
  };
  const listen = (app: Koa, port = 0): Promise<Server> =>
    new Promise((resolve) => {
      const listening = app.listen(port, '127.0.0.1', () => resolve(listening));
    });
  const server = await listen(createApiApp(apiDependencies), apiPort);
  const operatorServer = await listen(createOperatorApp({ ...apiDependencies, operator: { ...config.operator, token: operatorToken } }), options.operatorPort);
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const operatorUrl = `http://127.0.0.1:${(operatorServer.address() as AddressInfo).port}`;

  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  const startWorker = async (): Promise<void> => {
    worker = await createMeetingWorker({
      connection: stack.env.nativeConnection,
      namespace: stack.env.namespace ?? 'default',
      taskQueue,
      dependencies,
      dataConverter: stack.dataConverter,
      workflowBundle: stack.workflowBundle,
      tracing: options.tracing ?? tracingOff('followup-worker'),
    });
    running = worker.run();
  };
  const stopWorker = async (): Promise<void> => {
    if (!worker) return;
    worker.shutdown();
    await running;
    worker = undefined;
  };
  if (options.startWorker !== false) await startWorker();

  const postSigned: ProductHarness['postSigned'] = (path, body, postOptions = {}) => {
    const signed = signSlackRequest({ signingSecret: postOptions.secret ?? signingSecret, body, timestamp: postOptions.timestamp });
    return fetch(`${apiUrl}${path}`, { method: 'POST', headers: { ...signed.headers, ...postOptions.headers }, body });
  };

  const harness: ProductHarness = {
    emulators: Object.assign(emulators, crmEmulators),
    config,
    env,
    logs,
    orm,
    maintenanceOrm,
    secrets,
    client,
    taskQueue,
    apiUrl,
    operatorUrl,
    async seedTenant(seedOptions = {}) {
      return seedEmulatedWorkspace({
        orm,
        secrets,
        emulators: { ...emulators, ...crmEmulators },
        botScopes: slackBotScopes,
        crm: seedOptions.crm,
        settings: {
          ...(seedOptions.offeredActions ? { offeredActions: seedOptions.offeredActions } : {}),
          autoLogPolicy: seedOptions.autoLog ? 'when-confident' : 'never',
        },
      });
    },
    addFathomMeeting(_seeded, overrides = {}, meetingOptions = {}) {
      return emulators.fathom.addMeeting(sampleMeeting(overrides, meetingOptions));
    },
    slashCommand(seeded, text, commandOptions = {}) {
      const body = slashCommandBody({
        command: '/followup',
        text,
        team_id: seeded.teamId,
        user_id: commandOptions.userId ?? seeded.rep.slackUserId,
        channel_id: commandOptions.channelId ?? 'C0SALES',
        trigger_id: emulators.slack.issueTriggerId(),
        response_url: emulators.slack.responseUrlFor(randomUUID()),
      });
      return postSigned('/slack/commands', body);
    },
    click(seeded, action, clickOptions = {}) {
      const userId = clickOptions.userId ?? seeded.rep.slackUserId;
      const teamId = clickOptions.teamId ?? seeded.teamId;
      const payload = {
        type: 'block_actions',
        team: { id: teamId, domain: 'acme' },
        enterprise: null,
        is_enterprise_install: false,
        user: { id: userId, team_id: teamId },
        trigger_id: emulators.slack.issueTriggerId(),
        response_url: emulators.slack.responseUrlFor(randomUUID()),
        container: { type: 'message', channel_id: 'C0SALES', message_ts: '1' },
        actions: [
          {
            type: action.selected ? 'static_select' : 'button',
            action_id: action.actionId,
            block_id: action.blockId ?? 'followup_actions',
            value: action.value,
            ...(action.selected ? { selected_option: { value: action.selected.value, text: { type: 'plain_text', text: action.selected.text } } } : {}),
            action_ts: String(Date.now() / 1000),
          },
        ],
      };
      return postSigned('/slack/interactions', blockActionsBody(payload));
    },
    postSigned,
    workflowId: (seeded, recordingId) => meetingWorkflowId(seeded.tenant.id, String(recordingId)),
    async reconnectHubSpot(seeded) {
      const connection = await inTenant(orm, seeded.tenant.id, (em) => em.findOneOrFail(CrmConnection, { provider: 'hubspot' }));
      await connectEmulatedHubSpot(secrets, hubspot, connection.secretRef);
    },
    startWorker,
    stopWorker,
    async close() {
      await stopWorker();
      for (const listening of [server, operatorServer]) {
        await new Promise<void>((resolve) => {
          listening.close(() => resolve());
          listening.closeAllConnections();
        });
      }
      await directory.close();
      await workerTenantChanges.close();
      await orm.close();
      await maintenanceOrm.close();
      await Promise.all([emulators.stop(), ...Object.values(crmEmulators).map((emulator) => emulator.stop())]);
    },
  };
  return harness;
}
