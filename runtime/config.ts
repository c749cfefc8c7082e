/**
 * Every setting the processes read, from the environment, validated once at start so a
 * misconfiguration fails with a clear message instead of at the first Slack click.
 */
import { createHmac } from 'node:crypto';
import type { DatabaseTimeouts } from '../db/orm';
import { EnvSettings, type Env } from './env-settings';
import { logLevels, type LogLevel } from './logger';

export interface AppConfig {
  logLevel: LogLevel;
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    apiKey?: string;
    tls: boolean;
    /** mTLS client certificate and key (PEM file paths), for a self-hosted cluster that requires them. */
    clientCertPath?: string;
    clientKeyPath?: string;
  };
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
    /** TRUST_PROXY: believe X-Forwarded-For/-Proto/-Host, for an API behind a proxy that sets them. */
    trustProxy: boolean;
    /**
     * The API's bounds on the database, so an outage is answered within Slack's 3 s instead of
     * after knex's 60 s: API_DATABASE_ACQUIRE_TIMEOUT_MS (1500) is what a request waits for a
     * connection, opening one included; API_DATABASE_STATEMENT_TIMEOUT_MS (2000).
     * API_DATABASE_CONNECT_TIMEOUT_MS (5000) bounds a connection's opening, which goes on after the
     * request that asked for it gave up, so the next request finds it: shorter than the request's
     * wait, a handshake slowed by a starved host (a restarted API under load) was torn down every
     * time and no request was ever served (test/api/database-outage.test.ts). The worker keeps the
     * drivers' defaults.
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
  /** ACTOR_PROOF_KEY: signs the actors the API resolves; the worker acts only for signed ones (runtime/actor-proof.ts). */
  actorProofKey: string;
  /** Operator access: the codec server for the Temporal Web UI and operator-only routes. */
  operator: OperatorSettings;
  /**
   * The worker's operations ports: WORKER_METRICS_ADDRESS, where Temporal's runtime serves its
   * Prometheus metrics (host:port); WORKER_HEALTH_HOST:WORKER_HEALTH_PORT, the worker's own
   * /livez, /readyz and /metrics. Loopback by default; a container binds 0.0.0.0.
   * WORKER_SLACK_TOKEN_TTL_MS: the longest the worker uses a tenant's bot token read once from the
   * secret store before reading it again (activities/tenant-slack-clients.ts); 0 reads it every time.
   */
  worker: { metricsAddress: string; healthHost: string; healthPort: number; slackTokenTtlMs: number };
}

/**
 * The install `state` key. Without SLACK_STATE_SECRET it is derived from the signing secret
 * (HMAC with a fixed label): nothing new to provision, and the derived key can neither sign nor
 * verify Slack requests. Setting it separately lets it rotate alone (only installs in progress,
 * at most 10 minutes old, are affected).
 */
function oauthStateSecret(settings: EnvSettings, signingSecret: string): string {
  const explicit = settings.secret('SLACK_STATE_SECRET', { minLength: 32, example: '<32 or more random characters, e.g. openssl rand -hex 32>' });
  return explicit ?? createHmac('sha256', signingSecret).update('slack-oauth-state/v1').digest('base64url');
}

/**
 * Reads and checks every setting, then throws one ConfigError listing all the problems.
 * A setting is one line below: a reader of EnvSettings, with its default or an example.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const settings = new EnvSettings(env);
  const apiPort = settings.integer('API_PORT', 3000, { min: 1, max: 65_535 });
  const anthropicApiKey = settings.optional('ANTHROPIC_API_KEY');
  const drafter = settings.choice('AI_DRAFTER', ['claude', 'extractive', 'unconfigured'], anthropicApiKey ? 'claude' : 'unconfigured');
  if (drafter === 'claude' && !anthropicApiKey) settings.problem('ANTHROPIC_API_KEY', 'is not set, and AI_DRAFTER=claude needs it', 'sk-ant-…');
  const secretsBackend = settings.choice('SECRETS_BACKEND', ['aws', 'local'], 'local');
  const temporalApiKey = settings.optional('TEMPORAL_API_KEY');
  const temporalClientCertPath = settings.optional('TEMPORAL_TLS_CERT');
  const temporalClientKeyPath = settings.optional('TEMPORAL_TLS_KEY');
  if ((temporalClientCertPath === undefined) !== (temporalClientKeyPath === undefined)) {
    settings.problem(temporalClientCertPath ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT', 'must be set together with the other mTLS file', '/run/secrets/temporal-client.pem');
  }
  const signingSecret = settings.required('SLACK_SIGNING_SECRET', '<the Signing Secret of the Slack app>');
  const config: AppConfig = {
    logLevel: settings.choice('LOG_LEVEL', logLevels, 'info'),
    temporal: {
      address: settings.text('TEMPORAL_ADDRESS', '127.0.0.1:7233'),
      namespace: settings.text('TEMPORAL_NAMESPACE', 'default'),
      taskQueue: settings.text('TEMPORAL_TASK_QUEUE', 'meeting-followup'),
      apiKey: temporalApiKey,
      tls: settings.boolean('TEMPORAL_TLS', false) || temporalApiKey !== undefined || temporalClientCertPath !== undefined,
      clientCertPath: temporalClientCertPath,
      clientKeyPath: temporalClientKeyPath,
    },
    databaseUrl: settings.connectionUrl('DATABASE_URL', ['postgres:', 'postgresql:'], 'postgres://app:password@localhost:5432/followup'),
    databaseMaintenanceUrl: settings.optionalConnectionUrl('DATABASE_MAINTENANCE_URL', ['postgres:', 'postgresql:'], 'postgres://app_maintenance:password@localhost:5432/followup'),
    databaseMigrationUrl: settings.optionalConnectionUrl('DATABASE_MIGRATION_URL', ['postgres:', 'postgresql:'], 'postgres://app_owner:password@localhost:5432/followup'),
    api: {
      port: apiPort,
      publicUrl: settings.url('PUBLIC_URL', `http://localhost:${apiPort}`),
      maxBodyBytes: settings.integer('API_MAX_BODY_BYTES', 256 * 1024),
      temporalAckTimeoutMs: settings.integer('API_TEMPORAL_ACK_TIMEOUT_MS', 2000),
      trustProxy: settings.boolean('TRUST_PROXY', false),
      databaseTimeouts: {
        connectMs: settings.integer('API_DATABASE_CONNECT_TIMEOUT_MS', 5000),
        acquireMs: settings.integer('API_DATABASE_ACQUIRE_TIMEOUT_MS', 1500),
        statementMs: settings.integer('API_DATABASE_STATEMENT_TIMEOUT_MS', 2000),
      },
    },
    slack: {
      signingSecret,
      apiUrl: settings.url('SLACK_API_URL', 'https://slack.com/api/'),
      clientId: settings.optional('SLACK_CLIENT_ID'),
      clientSecret: settings.optional('SLACK_CLIENT_SECRET'),
      stateSecret: oauthStateSecret(settings, signingSecret),
      responseUrlHosts: settings.list('SLACK_RESPONSE_URL_HOSTS', 'hooks.slack.com'),
    },
    fathom: { apiUrl: settings.url('FATHOM_API_URL', 'https://api.fathom.ai/external/v1') },
    ai: {
      drafter,
      anthropicApiKey,
      anthropicBaseUrl: settings.optionalUrl('ANTHROPIC_BASE_URL', 'https://api.anthropic.com'),
      model: settings.text('ANTHROPIC_MODEL', 'claude-sonnet-5-5'),
    },
    crm: {
      hubspot: {
        apiUrl: settings.url('HUBSPOT_API_URL', 'https://api.hubapi.com'),
        clientId: settings.optional('HUBSPOT_CLIENT_ID'),
        clientSecret: settings.optional('HUBSPOT_CLIENT_SECRET'),
        authorizeUrl: settings.optionalUrl('HUBSPOT_AUTHORIZE_URL', 'https://app.hubspot.com/oauth/authorize'),
      },
      salesforce: {
        loginUrl: settings.url('SALESFORCE_LOGIN_URL', 'https://login.salesforce.com'),
        clientId: settings.optional('SALESFORCE_CLIENT_ID'),
        clientSecret: settings.optional('SALESFORCE_CLIENT_SECRET'),
      },
      pipedrive: {
        apiUrl: settings.url('PIPEDRIVE_API_URL', 'https://api.pipedrive.com'),
        oauthUrl: settings.url('PIPEDRIVE_OAUTH_URL', 'https://oauth.pipedrive.com'),
        clientId: settings.optional('PIPEDRIVE_CLIENT_ID'),
        clientSecret: settings.optional('PIPEDRIVE_CLIENT_SECRET'),
      },
      crono: { apiUrl: settings.url('CRONO_API_URL', 'https://ext.crono.one') },
    },
    google: {
      apiUrl: settings.optionalUrl('GOOGLE_API_URL', 'https://www.googleapis.com'),
      tokenUrl: settings.optionalUrl('GOOGLE_TOKEN_URL', 'https://oauth2.googleapis.com/token'),
      authorizeUrl: settings.optionalUrl('GOOGLE_AUTHORIZE_URL', 'https://accounts.google.com/o/oauth2/v2/auth'),
      clientId: settings.optional('GOOGLE_CLIENT_ID'),
      clientSecret: settings.optional('GOOGLE_CLIENT_SECRET'),
    },
    secrets:
      secretsBackend === 'aws'
        ? {
            backend: 'aws',
            region: settings.text('AWS_REGION', 'us-east-1'),
            endpoint: settings.optionalUrl('SECRETS_MANAGER_ENDPOINT', 'https://secretsmanager.eu-west-1.amazonaws.com'),
          }
        : {
            backend: 'local',
            keys: settings.required('SECRETS_KEYS', 'k1:<32 random bytes in base64>'),
            activeKeyId: settings.required('SECRETS_ACTIVE_KEY', 'k1'),
          },
    payloadCodec: {
      keys: settings.required('PAYLOAD_CODEC_KEYS', 'k1:<32 random bytes in base64>'),
      activeKeyId: settings.required('PAYLOAD_CODEC_ACTIVE_KEY', 'k1'),
    },
    actorProofKey: actorProofKey(settings),
    operator: operatorSettings(settings),
    worker: {
      metricsAddress: settings.text('WORKER_METRICS_ADDRESS', '127.0.0.1:9464'),
      healthHost: settings.text('WORKER_HEALTH_HOST', '127.0.0.1'),
      healthPort: settings.integer('WORKER_HEALTH_PORT', 9465, { min: 0, max: 65_535 }),
      slackTokenTtlMs: settings.integer('WORKER_SLACK_TOKEN_TTL_MS', 5 * 60_000, { min: 0, max: 60 * 60_000 }),
    },
  };
  settings.assertValid();
  return config;
}

const actorProofKeyExample = '<32 random bytes, e.g. openssl rand -base64 32>';

/** Shared by the API and the worker only; never by operators, whose codec access it guards against. */
function actorProofKey(settings: EnvSettings): string {
  const key = settings.secret('ACTOR_PROOF_KEY', { minLength: 43, example: actorProofKeyExample });
  if (key === undefined) settings.problem('ACTOR_PROOF_KEY', 'is not set', actorProofKeyExample);
  return key ?? '';
}

// ---- Operator access (codec server, audit export): its own listener, token and proxy trust ----

/**
 * CODEC_OPERATOR_TOKEN: the operators' bearer token (the API refuses to start without one; the
 * worker does not need it). OPERATOR_HOST/OPERATOR_PORT (127.0.0.1:3001): the internal listener
 * of the operator routes, never the public Slack-facing port. OPERATOR_IDENTITY_HEADER (e.g.
 * `x-forwarded-email`): the operator's name as set by an OIDC proxy, believed only on requests
 * from OPERATOR_TRUSTED_PROXIES (comma-separated addresses). TEMPORAL_UI_URL: where the Temporal
 * Web UI server listens, which the operator listener serves to signed-in operators (no UI without
 * it). TEMPORAL_UI_ORIGINS: origins of a Web UI served elsewhere that the codec server answers
 * from a browser (the UI it serves itself is same-origin and needs none).
 */
export interface OperatorSettings {
  token?: string;
  host: string;
  port: number;
  identityHeader?: string;
  trustedProxies: string[];
  temporalUiOrigins: string[];
  temporalUiUrl?: string;
  /** The operator listener as operators' browsers reach it (OPERATOR_URL): App Home links admins' operators to a meeting's history there. */
  url: string;
}

const minimumOperatorTokenCharacters = 43; // 32 bytes in base64url; 64 in hex
const operatorTokenExample = '<32 random bytes, e.g. openssl rand -base64 32>';

/** Why a token is too weak to guard the operator routes, or undefined when it is strong enough. */
export function operatorTokenProblem(token: string): string | undefined {
  if (token.length < minimumOperatorTokenCharacters || new Set(token).size < 12) {
    return `is not at least 32 random bytes (${minimumOperatorTokenCharacters}+ characters)`;
  }
  return undefined;
}

function operatorSettings(settings: EnvSettings): OperatorSettings {
  const token = settings.optional('CODEC_OPERATOR_TOKEN');
  const tokenProblem = token && operatorTokenProblem(token);
  if (tokenProblem) settings.problem('CODEC_OPERATOR_TOKEN', tokenProblem, operatorTokenExample);
  const identityHeader = settings.optional('OPERATOR_IDENTITY_HEADER')?.toLowerCase();
  const trustedProxies = settings.list('OPERATOR_TRUSTED_PROXIES', '');
  if (identityHeader && trustedProxies.length === 0) {
    settings.problem('OPERATOR_TRUSTED_PROXIES', 'is empty, and OPERATOR_IDENTITY_HEADER is believed only from the proxy that sets it', '10.0.0.5');
  }
  const host = settings.text('OPERATOR_HOST', '127.0.0.1');
  const port = settings.integer('OPERATOR_PORT', 3001, { min: 1, max: 65_535 });
  return {
    token,
    host,
    port,
    identityHeader,
    trustedProxies,
    temporalUiOrigins: settings.urlList('TEMPORAL_UI_ORIGINS', 'http://localhost:8233'),
    temporalUiUrl: settings.optionalUrl('TEMPORAL_UI_URL', 'http://127.0.0.1:8233'),
    url: settings.url('OPERATOR_URL', `http://${host}:${port}`),
  };
}
