import type { RateLimitStore } from '../clients/rate-limit-store';
import type { CrmCredentials, CrmCredentialSource, CrmProvider } from '../clients/crm/crm-provider';
import type { CrmProviderName } from '../domain/crm';
import type { FollowUpWriter } from '../clients/follow-up-writer';
import type { CalendarEvents, EmailDrafts, GoogleTokens, GoogleTokenSource } from '../clients/google-workspace';
import type { MeetingSource, MeetingSourceCredentials } from '../clients/meeting-source';
import type { MaintenanceOrm, Orm } from '../db/orm';
import type { Logger } from '../runtime/logger';
import type { SecretStore } from '../secrets/secret-store';
import type { CardViews } from './card-views';
import type { TenantSlackClients } from './tenant-slack-clients';

/**
 * What activities need from the outside world, injected by the worker (real services) or by
 * tests (emulators). Factories, not clients: credentials differ per tenant and per rep.
 */
export interface ActivityDependencies {
  orm: Orm;
  /** The cross-tenant jobs' login (the transcript purge); never used for one tenant's work. */
  maintenanceOrm: MaintenanceOrm;
  secrets: SecretStore;
  logger: Logger;
  slackApiUrl: string;
  /** Each tenant's Slack client, kept while its token is known to be current (tenant-slack-clients.ts). */
  slackClients: TenantSlackClients;
  /** What card edits show from Postgres, kept per meeting and draft revision (card-views.ts). */
  cardViews: CardViews;
  /** The per-account rate-limit buckets every client passes, shared by all processes (db/api-rate-limits.ts). */
  rateLimits: RateLimitStore;
  /** Verifies that an actor was signed by the API (runtime/actor-proof.ts). */
  actorProofKey: string;
  /** `repEmail` keeps the listing to meetings the rep recorded or was invited to (fathom-client.ts). */
  meetingSource(credentials: MeetingSourceCredentials, repEmail: string | null): MeetingSource;
  /** Null when this deployment has no AI drafter configured. */
  followUpWriter: FollowUpWriter | null;
  crmProvider(provider: CrmProviderName, credentials: CrmCredentialSource, connectionSettings: Record<string, string>): CrmProvider;
  googleWorkspace(tokens: GoogleTokenSource): { drafts: EmailDrafts; calendar: CalendarEvents };
  /** Revokes grants at their providers when a tenant leaves; throws ExternalServiceError when the provider fails. */
  grantRevocation: GrantRevocation;
  now(): Date;
}

/** 'already-invalid': the provider no longer knew the token; 'not-revocable': the service offers no revocation (API keys). */
export type RevocationOutcome = 'revoked' | 'already-invalid' | 'not-revocable';

export interface GrantRevocation {
  google(tokens: GoogleTokens): Promise<RevocationOutcome>;
  crm(provider: CrmProviderName, credentials: CrmCredentials, connectionSettings: Record<string, string>): Promise<RevocationOutcome>;
  /** Deletes the rep's webhook at Fathom, so it stops sending us their recordings. */
  fathomWebhook(credentials: MeetingSourceCredentials, webhookId: string): Promise<'deleted' | 'already-gone'>;
}
