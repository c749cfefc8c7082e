/**
 * Every setting the processes read, from the environment, validated once at start so a
 * misconfiguration fails with a clear message instead of at the first Slack click.
 */
import { createHmac } from 'node:crypto';
import type { DatabaseTimeouts } from '../db/orm';
import { parseLogLevel, type LogLevel } from './logger';

export interface AppConfig {
  logLevel: LogLevel;
  temporal: { address: string; namespace: string; taskQueue: string; apiKey?: string; tls: boolean };
  /** The runtime login: row-level security holds it to one tenant per transaction. */
  databaseUrl: string;
  /** DATABASE_MAINTENANCE_URL: the cross-tenant jobs' login; the worker needs it, the API never. */
  databaseMaintenanceUrl?: string;
  /** DATABASE_MIGRATION_URL: the owner login, for migrations (`npm run migrate`, MIGRATE_ON_START). */
  databaseMigrationUrl?: string;
  api: {
    port: number;
    publicUrl: string;
    maxBodyBytes: number;
    temporalAckTimeoutMs: number;
    /**
     * The API's bounds on the database, so an outage is answered within Slack's 3 s instead of
     * after knex's 60 s: API_DATABASE_CONNECT_TIMEOUT_MS (1000), API_DATABASE_ACQUIRE_TIMEOUT_MS
     * (1500), API_DATABASE_STATEMENT_TIMEOUT_MS (2000). The worker keeps the drivers' defaults.
     */
    databaseTimeouts: DatabaseTimeouts;
  };
  slack: {
    signingSecret: string;
    apiUrl: string;
    clientId?: string;
    clientSecret?: string;
    /** Signs the OAuth install `state`: SLACK_STATE_SECRET, or a key derived from the signing secret. */
    stateSecret: string;
    responseUrlHosts: string[];
  };
  fathom: { apiUrl: string };
  ai: {
    drafter: 'claude' | 'extractive' | 'unconfigured';
    anthropicApiKey?: string;
    anthropicBaseUrl?: string;
    model: string;
  };
  crm: {
    /** authorizeUrl: HUBSPOT_AUTHORIZE_URL, where the connect flow sends admins (a stand-in for app.hubspot.com in the demo). */
    hubspot: { apiUrl: string; clientId?: string; clientSecret?: string; authorizeUrl?: string };
    salesforce: { loginUrl: string; clientId?: string; clientSecret?: string };
    pipedrive: { apiUrl: string; oauthUrl: string; clientId?: string; clientSecret?: string };
    crono: { apiUrl: string };
  };
  /** authorizeUrl: GOOGLE_AUTHORIZE_URL, Google's consent screen (overridable for the demo). */
  google: { apiUrl?: string; tokenUrl?: string; authorizeUrl?: string; clientId?: string; clientSecret?: string };
  secrets:
    | { backend: 'aws'; region: string; endpoint?: string }
    | { backend: 'local'; keys: string; activeKeyId: string };
  /** AES-256-GCM keys of the workflow payload codec (runtime/payload-codec.ts). */
  payloadCodec: { keys: string; activeKeyId: string };
  /** Operator access: the codec server for the Temporal Web UI and operator-only routes. */
  operator: {
    /** Bearer token of operators; without one, operator routes refuse everyone. */
    token?: string;
    /** Origins of the Temporal Web UI allowed to call the codec server from a browser. */
    temporalUiOrigins: string[];
  };
}

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new ConfigError(`${name} must be set.`);
  return value;
}

function integer(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(`${name} must be a non-negative integer, got "${raw}".`);
  return value;
}

/**
 * The install `state` key. Without SLACK_STATE_SECRET it is derived from the signing secret
 * (HMAC with a fixed label): nothing new to provision, and the derived key can neither sign nor
 * verify Slack requests. Setting it separately lets it rotate alone (only installs in progress,
 * at most 10 minutes old, are affected).
 */
function oauthStateSecret(env: Env): string {
  const explicit = env.SLACK_STATE_SECRET;
  if (explicit !== undefined && explicit !== '') {
    if (explicit.length < 32) throw new ConfigError('SLACK_STATE_SECRET must be at least 32 characters.');
    return explicit;
  }
  return createHmac('sha256', required(env, 'SLACK_SIGNING_SECRET')).update('slack-oauth-state/v1').digest('base64url');
}

export function loadConfig(env: Env = process.env): AppConfig {
  const apiPort = integer(env, 'API_PORT', 3000);
  const drafter = env.AI_DRAFTER ?? (env.ANTHROPIC_API_KEY ? 'claude' : 'unconfigured');
  if (drafter !== 'claude' && drafter !== 'extractive' && drafter !== 'unconfigured') {
    throw new ConfigError(`AI_DRAFTER must be "claude" or "extractive", got "${drafter}".`);
  }
  if (drafter === 'claude' && !env.ANTHROPIC_API_KEY) throw new ConfigError('AI_DRAFTER=claude needs ANTHROPIC_API_KEY.');
  const secretsBackend = env.SECRETS_BACKEND ?? 'local';
  if (secretsBackend !== 'aws' && secretsBackend !== 'local') {
    throw new ConfigError(`SECRETS_BACKEND must be "aws" or "local", got "${secretsBackend}".`);
  }
  return {
    logLevel: parseLogLevel(env.LOG_LEVEL),
    temporal: {
      address: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
      namespace: env.TEMPORAL_NAMESPACE ?? 'default',
      taskQueue: env.TEMPORAL_TASK_QUEUE ?? 'meeting-followup',
      apiKey: env.TEMPORAL_API_KEY || undefined,
      tls: env.TEMPORAL_TLS === 'true' || !!env.TEMPORAL_API_KEY,
    },
    databaseUrl: required(env, 'DATABASE_URL'),
    databaseMaintenanceUrl: env.DATABASE_MAINTENANCE_URL || undefined,
    databaseMigrationUrl: env.DATABASE_MIGRATION_URL || undefined,
    api: {
      port: apiPort,
      publicUrl: env.PUBLIC_URL ?? `http://localhost:${apiPort}`,
      maxBodyBytes: integer(env, 'API_MAX_BODY_BYTES', 256 * 1024),
      temporalAckTimeoutMs: integer(env, 'API_TEMPORAL_ACK_TIMEOUT_MS', 2000),
      databaseTimeouts: {
        connectMs: integer(env, 'API_DATABASE_CONNECT_TIMEOUT_MS', 1000),
        acquireMs: integer(env, 'API_DATABASE_ACQUIRE_TIMEOUT_MS', 1500),
        statementMs: integer(env, 'API_DATABASE_STATEMENT_TIMEOUT_MS', 2000),
      },
    },
    slack: {
      signingSecret: required(env, 'SLACK_SIGNING_SECRET'),
      apiUrl: env.SLACK_API_URL ?? 'https://slack.com/api/',
      clientId: env.SLACK_CLIENT_ID,
      clientSecret: env.SLACK_CLIENT_SECRET,
      stateSecret: oauthStateSecret(env),
      responseUrlHosts: (env.SLACK_RESPONSE_URL_HOSTS ?? 'hooks.slack.com').split(',').map((host) => host.trim()),
    },
    fathom: { apiUrl: env.FATHOM_API_URL ?? 'https://api.fathom.ai/external/v1' },
    ai: {
      drafter,
      anthropicApiKey: env.ANTHROPIC_API_KEY,
      anthropicBaseUrl: env.ANTHROPIC_BASE_URL,
      model: env.ANTHROPIC_MODEL ?? 'claude-sonnet-5-5',
    },
    crm: {
      hubspot: {
        apiUrl: env.HUBSPOT_API_URL ?? 'https://api.hubapi.com',
        clientId: env.HUBSPOT_CLIENT_ID,
        clientSecret: env.HUBSPOT_CLIENT_SECRET,
        authorizeUrl: env.HUBSPOT_AUTHORIZE_URL || undefined,
      },
      salesforce: { loginUrl: env.SALESFORCE_LOGIN_URL ?? 'https://login.salesforce.com', clientId: env.SALESFORCE_CLIENT_ID, clientSecret: env.SALESFORCE_CLIENT_SECRET },
      pipedrive: {
        apiUrl: env.PIPEDRIVE_API_URL ?? 'https://api.pipedrive.com',
        oauthUrl: env.PIPEDRIVE_OAUTH_URL ?? 'https://oauth.pipedrive.com',
        clientId: env.PIPEDRIVE_CLIENT_ID,
        clientSecret: env.PIPEDRIVE_CLIENT_SECRET,
      },
      crono: { apiUrl: env.CRONO_API_URL ?? 'https://ext.crono.one' },
    },
    google: {
      apiUrl: env.GOOGLE_API_URL,
      tokenUrl: env.GOOGLE_TOKEN_URL,
      authorizeUrl: env.GOOGLE_AUTHORIZE_URL || undefined,
      clientId: env.GOOGLE_CLIENT_ID,
      clientSecret: env.GOOGLE_CLIENT_SECRET,
    },
    secrets:
      secretsBackend === 'aws'
        ? { backend: 'aws', region: env.AWS_REGION ?? 'us-east-1', endpoint: env.SECRETS_MANAGER_ENDPOINT }
        : { backend: 'local', keys: required(env, 'SECRETS_KEYS'), activeKeyId: required(env, 'SECRETS_ACTIVE_KEY') },
    payloadCodec: { keys: required(env, 'PAYLOAD_CODEC_KEYS'), activeKeyId: required(env, 'PAYLOAD_CODEC_ACTIVE_KEY') },
    operator: {
      token: env.CODEC_OPERATOR_TOKEN || undefined,
      temporalUiOrigins: (env.TEMPORAL_UI_ORIGINS ?? 'http://localhost:8233')
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    },
  };
}
