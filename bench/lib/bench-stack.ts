/**
 * The stack every benchmark runs against: `startLocalStack` from scripts/start-local.ts (Temporal
 * dev server, embedded Postgres, migrations, worker and API as child processes) pointed at the
 * in-process emulators, exactly like `npm run demo`, plus one seeded workspace. It uses its own
 * ports and data directory (.data/bench, wiped at every start so runs are comparable), so it
 * never clashes with a developer's `npm start`.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { openOrm, type Orm } from '../../db/orm';
import { acrossTenants } from '../../db/tenant-scope';
import { Tenant } from '../../entities';
import { startLocalEmulators, type LocalEmulators } from '../../emulators';
import { HubSpotEmulator } from '../../emulators/hubspot-emulator';
import { seedEmulatedWorkspace, type EmulatedWorkspace } from '../../emulators/seed-workspace';
import { loadConfig, type AppConfig } from '../../runtime/config';
import { encryptedDataConverter, payloadCodecFor } from '../../runtime/data-converter';
import { buildSecretStore } from '../../runtime/services';
import { connectTemporalClient } from '../../runtime/temporal-connection';
import type { SecretStore } from '../../secrets/secret-store';

const repoRoot = path.resolve(__dirname, '..', '..');
const anthropicKey = 'sk-ant-bench-emulator';
/** Non-default ports and data dir; each can still be overridden from the environment. */
const benchDefaults: Record<string, string> = {
  TEMPORAL_PORT: '7333',
  TEMPORAL_UI_PORT: '8333',
  API_PORT: '3300',
  POSTGRES_PORT: '54339',
  LOCAL_DATA_DIR: path.join('.data', 'bench'),
};

export interface BenchStack {
  apiUrl: string;
  temporalAddress: string;
  emulators: LocalEmulators & { hubspot: HubSpotEmulator };
  config: AppConfig;
  /** The environment the worker and API were started with (for building the same app in-process). */
  env: Record<string, string>;
  orm: Orm;
  secrets: SecretStore;
  client: Client;
  workspace: EmulatedWorkspace;
  signingSecret: string;
  /** Stops everything and exits the process (startLocalStack owns the exit). */
  shutdown(exitCode: number, reason: string): Promise<void>;
}

export async function startBenchStack(): Promise<BenchStack> {
  for (const [name, value] of Object.entries(benchDefaults)) process.env[name] ||= value;
  const dataDir = path.resolve(repoRoot, process.env.LOCAL_DATA_DIR!);
  if (path.relative(path.join(repoRoot, '.data'), dataDir).startsWith('..')) {
    throw new Error(`LOCAL_DATA_DIR for benchmarks must be inside .data/ (it is wiped at start), got ${dataDir}.`);
  }
  await fs.rm(dataDir, { recursive: true, force: true });

  const emulators = await startLocalEmulators();
  const hubspot = new HubSpotEmulator();
  await hubspot.start();
  emulators.anthropic.registerApiKey(anthropicKey);
  // One emulated rep runs thousands of meetings here; Fathom's real per-user limit (60/min) would
  // turn the benchmark into a measurement of our backoff.
  emulators.fathom.rateLimit = { limit: 1_000_000, windowSeconds: 60 };
  const signingSecret = randomBytes(16).toString('hex');
  const appEnv: Record<string, string> = {
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: emulators.urls.slackApi,
    SLACK_RESPONSE_URL_HOSTS: emulators.slack.url,
    FATHOM_API_URL: emulators.urls.fathomApi,
    AI_DRAFTER: 'claude',
    ANTHROPIC_API_KEY: anthropicKey,
    ANTHROPIC_BASE_URL: emulators.urls.anthropic,
    HUBSPOT_API_URL: hubspot.url,
    HUBSPOT_CLIENT_ID: hubspot.oauthClient.clientId,
    HUBSPOT_CLIENT_SECRET: hubspot.oauthClient.clientSecret,
    GOOGLE_API_URL: emulators.urls.googleRoot,
    GOOGLE_TOKEN_URL: emulators.urls.googleToken,
    GOOGLE_CLIENT_ID: 'bench-google-client',
    GOOGLE_CLIENT_SECRET: 'bench-google-secret',
    SECRETS_BACKEND: 'local',
    SECRETS_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    SECRETS_ACTIVE_KEY: 'bench',
    PAYLOAD_CODEC_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    PAYLOAD_CODEC_ACTIVE_KEY: 'bench',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  // start-local reads its ports and data dir when first loaded, so only after the defaults are set.
  const { startLocalStack } = await import('../../scripts/start-local');
  const stack = await startLocalStack(appEnv);
  try {
    const env = { ...appEnv, DATABASE_URL: stack.databaseUrl, TEMPORAL_ADDRESS: stack.temporalAddress };
    const config = loadConfig(env);
    const orm = await openOrm(stack.databaseUrl);
    const secrets = buildSecretStore(config, orm);
    const workspace = await seedEmulatedWorkspace({
      orm,
      secrets,
      emulators: { ...emulators, hubspot },
      settings: { autoLogPolicy: 'never' },
    });
    // Benchmarks run thousands of meetings: the plan without a monthly meeting cap.
    await acrossTenants(orm, async (em) => {
      const tenant = await em.findOneOrFail(Tenant, { id: workspace.tenant.id });
      tenant.plan = 'business';
    });
    // The sample meeting's external attendees are at client.com: the card offers "Log to CRM" at once.
    hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
    const client = await connectTemporalClient(config.temporal, encryptedDataConverter(payloadCodecFor(config.payloadCodec)));
    return {
      apiUrl: stack.apiUrl,
      temporalAddress: stack.temporalAddress,
      emulators: Object.assign(emulators, { hubspot }),
      config,
      env,
      orm,
      secrets,
      client,
      workspace,
      signingSecret,
      async shutdown(exitCode, reason) {
        await client.connection.close().catch(() => undefined);
        await orm.close().catch(() => undefined);
        await emulators.stop();
        await hubspot.stop();
        await stack.shutdown(exitCode, reason);
      },
    };
  } catch (error) {
    await emulators.stop();
    await hubspot.stop();
    await stack.shutdown(1, `bench stack failed: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
}
