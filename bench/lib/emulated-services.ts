/**
 * What both bench stacks share: the local emulators (in this process, like `npm run demo`), the
 * environment that points the worker and API at them, and the seeded workspace the load runs as.
 */
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { openOrm, type Orm } from '../../db/orm';
import { inTenant } from '../../db/tenant-scope';
import { Tenant } from '../../entities';
import { emulatorEnvironment, startLocalEmulators, type LocalEmulators } from '../../emulators';
import { HubSpotEmulator } from '../../emulators/hubspot-emulator';
import { seedEmulatedWorkspace, type EmulatedWorkspace } from '../../emulators/seed-workspace';
import { slackBotScopes } from '../../clients/slack-oauth';
import { loadConfig, type AppConfig } from '../../runtime/config';
import { encryptedDataConverter, payloadCodecFor } from '../../runtime/data-converter';
import { buildSecretStore } from '../../wiring/services';
import { connectTemporalClient } from '../../wiring/temporal-connection';
import type { SecretStore } from '../../secrets/secret-store';

const anthropicKey = 'sk-ant-bench-emulator';

export type BenchEmulators = LocalEmulators & { hubspot: HubSpotEmulator };

export interface EmulatedServices {
  emulators: BenchEmulators;
  signingSecret: string;
  /** Added to the worker's and API's environment. */
  appEnv: Record<string, string>;
  stop(): Promise<void>;
}

export interface EmulatedServicesOptions {
  /** Replaces the HubSpot URL the app is given (a fault proxy). */
  hubSpotUrl?: (emulatorUrl: string) => Promise<string>;
  /** Settings that replace the defaults below, e.g. the AWS secret store behind a fault proxy. */
  appEnv?: Record<string, string>;
  /** The Anthropic tier the emulator states (its default, a low tier's 50 a minute, unless given). */
  anthropicRequestsPerMinute?: number;
}

/** Starts every emulator and the environment that points the app at them. */
export async function startEmulatedServices(options: EmulatedServicesOptions = {}): Promise<EmulatedServices> {
  const emulators = await startLocalEmulators({ anthropicRequestsPerMinute: options.anthropicRequestsPerMinute });
  const hubspot = new HubSpotEmulator();
  await hubspot.start();
  emulators.anthropic.registerApiKey(anthropicKey);
  // One emulated rep runs thousands of meetings here; Fathom's real per-user limit (60/min) would
  // turn the benchmark into a measurement of our backoff.
  emulators.fathom.rateLimit = { limit: 1_000_000, windowSeconds: 60 };
  const signingSecret = randomBytes(16).toString('hex');
  const hubSpotUrl = options.hubSpotUrl ? await options.hubSpotUrl(hubspot.url) : hubspot.url;
  const appEnv: Record<string, string> = {
    ...emulatorEnvironment({ emulators, hubspot, anthropicKey, hubspotUrl: hubSpotUrl }),
    SLACK_SIGNING_SECRET: signingSecret,
    SECRETS_BACKEND: 'local',
    SECRETS_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    SECRETS_ACTIVE_KEY: 'bench',
    PAYLOAD_CODEC_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    PAYLOAD_CODEC_ACTIVE_KEY: 'bench',
    // The API refuses to start without an operator token of 32 random bytes.
    CODEC_OPERATOR_TOKEN: randomBytes(32).toString('base64url'),
    ACTOR_PROOF_KEY: randomBytes(32).toString('base64url'),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...options.appEnv,
  };
  return {
    emulators: Object.assign(emulators, { hubspot }),
    signingSecret,
    appEnv,
    async stop() {
      await emulators.stop();
      await hubspot.stop();
    },
  };
}

export interface SeededBench {
  config: AppConfig;
  orm: Orm;
  secrets: SecretStore;
  client: Client;
  /** The last workspace seeded. */
  workspace: EmulatedWorkspace;
  workspaces: EmulatedWorkspace[];
  close(): Promise<void>;
}

/**
 * Opens the database and Temporal as the app does and seeds `count` workspaces (default 1) on the
 * unlimited plan. Several workspaces spread meetings over several Fathom accounts: Fathom allows
 * 60 calls a minute per account and the worker paces itself to that, so one rep's account
 * cannot prepare hundreds of meetings quickly (nor should it). Each rep has an address of their
 * own at acme.com (the tenant's domain, so the rep stays internal to the meeting), hence their own
 * Fathom and Google accounts: every workspace can draft emails and schedule events.
 */
export async function seedBenchWorkspace(services: EmulatedServices, env: Record<string, string>, count = 1): Promise<SeededBench> {
  const config = loadConfig(env);
  const orm = await openOrm(config.databaseUrl);
  const secrets = buildSecretStore(config, orm);
  const workspaces: EmulatedWorkspace[] = [];
  for (let index = 0; index < count; index++) {
    const workspace = await seedEmulatedWorkspace({
      orm,
      secrets,
      emulators: services.emulators,
      botScopes: slackBotScopes,
      repEmail: `rep${index + 1}@acme.com`,
      settings: { autoLogPolicy: 'never' },
    });
    // Benchmarks run thousands of meetings: the plan without a monthly meeting cap.
    await inTenant(orm, workspace.tenant.id, async (em) => {
      const tenant = await em.findOneOrFail(Tenant, { id: workspace.tenant.id });
      tenant.plan = 'business';
    });
    workspaces.push(workspace);
  }
  // The sample meeting's external attendees are at client.com: the card offers "Log to CRM" at once.
  services.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
  const client = await connectTemporalClient(config.temporal, encryptedDataConverter(payloadCodecFor(config.payloadCodec)));
  return {
    config,
    orm,
    secrets,
    client,
    workspace: workspaces.at(-1)!,
    workspaces,
    async close() {
      await client.connection.close().catch(() => undefined);
      await orm.close().catch(() => undefined);
    },
  };
}

/** What the bench and drill stacks hand to a benchmark from the emulators and the seeded workspaces. */
export function seededStackParts(services: EmulatedServices, seeded: SeededBench) {
  const { config, orm, secrets, client, workspace, workspaces } = seeded;
  return { emulators: services.emulators, signingSecret: services.signingSecret, config, orm, secrets, client, workspace, workspaces };
}
