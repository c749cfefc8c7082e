import type { PayloadCodec } from '@temporalio/common';
import type { Orm } from '../../db/orm';
import type { OperatorSettings } from '../../runtime/config';
import type { Logger } from '../../runtime/logger';
import type { SecretStore } from '../../secrets/secret-store';
import type { ConnectionSettings } from './connection-settings';
import type { MeetingGateway } from '../meetings/meeting-gateway';
import type { TenantDirectoryCache } from '../../db/tenant-directory-cache';

/** What the Koa app needs; built by api/server.ts, or by tests with emulator URLs. */
export interface ApiDependencies {
  orm: Orm;
  /** Tenants and actors of verified Slack requests, kept while Postgres' change feed is live. */
  tenants: TenantDirectoryCache;
  gateway: MeetingGateway;
  secrets: SecretStore;
  logger: Logger;
  slack: {
    signingSecret: string;
    apiUrl: string;
    /** Origins a response_url may point at: Slack's own hooks host (plus emulators in tests). */
    responseUrlOrigins: string[];
    /** The app's OAuth client, for installs from /slack/install; absent when this deployment takes none. */
    oauth?: { clientId: string; clientSecret: string; stateSecret: string };
  };
  /** The API's address as browsers reach it: OAuth redirect URI and links in App Home. */
  publicUrl: string;
  /** Fathom's API base, for the meeting picker of `/followup`. */
  fathomApiUrl: string;
  /** Connecting Fathom, Google and CRMs from App Home; absent where this deployment offers none. */
  connections?: ConnectionSettings;
  maxBodyBytes: number;
  /** Believe X-Forwarded-* headers (TRUST_PROXY); anyone can forge them when no proxy sets them. */
  trustProxy?: boolean;
  /** The workflows' payload codec, served to authenticated operators at /codec (Temporal Web UI, CLI). */
  payloadCodec: PayloadCodec;
  /**
   * Operator access (codec server, audit export), served by createOperatorApp on its own
   * listener: bearer token, trusted proxies and identity header, Web UI origins allowed by CORS.
   */
  operator: OperatorSettings;
  /** Reports whether the API's own dependencies answer (database, Temporal). */
  health(): Promise<Record<string, boolean>>;
  now?: () => number;
}
