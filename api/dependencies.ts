import type { Orm } from '../db/orm';
import type { Logger } from '../runtime/logger';
import type { SecretStore } from '../secrets/secret-store';
import type { MeetingGateway } from './meeting-gateway';

/** What the Koa app needs; built by api/server.ts, or by tests with emulator URLs. */
export interface ApiDependencies {
  orm: Orm;
  gateway: MeetingGateway;
  secrets: SecretStore;
  logger: Logger;
  slack: {
    signingSecret: string;
    apiUrl: string;
    /** Origins a response_url may point at: Slack's own hooks host (plus emulators in tests). */
    responseUrlOrigins: string[];
  };
  maxBodyBytes: number;
  /** Reports whether the API's own dependencies answer (database, Temporal). */
  health(): Promise<Record<string, boolean>>;
  now?: () => number;
}
