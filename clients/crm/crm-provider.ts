/**
 * The one interface every CRM adapter implements. Activities only ever talk to this, so a
 * tenant can switch HubSpot for Pipedrive without touching the workflow.
 */
import type { RateLimitStore } from '../rate-limit-store';
import type { CrmAccount, CrmCapability, CrmContact, CrmDeal, CrmDealStage, CrmNote, CrmProviderName, CrmTask } from '../../domain/crm';

export interface CreateNoteInput {
  accountId: string;
  /** Open deal to attach the note to as well, when the provider has `noteOnDeal`. */
  dealId?: string;
  /** Stable per meeting and action; written into the note so a retry can find it. */
  idempotencyKey: string;
  title: string;
  /** Plain text with line breaks; providers convert to their own format (HTML for HubSpot). */
  body: string;
  /** When the meeting happened (ISO 8601). */
  occurredAt: string;
}

export interface UpdateDealInput {
  dealId: string;
  /** Only the fields present are changed; nothing else is sent. */
  stageId?: string;
  amount?: number;
}

export interface CreateTaskInput {
  accountId: string;
  dealId?: string;
  contactId?: string;
  idempotencyKey: string;
  subject: string;
  body: string;
  /** Due date-time (ISO 8601 with offset), already in the rep's time zone. */
  dueAt: string;
}

export interface CrmProvider {
  readonly name: CrmProviderName;
  readonly capabilities: ReadonlySet<CrmCapability>;

  searchAccountsByDomain(domain: string): Promise<CrmAccount[]>;
  searchAccountsByName(name: string, limit?: number): Promise<CrmAccount[]>;
  getAccount(accountId: string): Promise<CrmAccount | null>;

  findNoteByKey(accountId: string, idempotencyKey: string): Promise<CrmNote | null>;
  createNote(input: CreateNoteInput): Promise<CrmNote>;

  listDeals(accountId: string, options?: { openOnly?: boolean }): Promise<CrmDeal[]>;
  listDealStages(): Promise<CrmDealStage[]>;
  updateDeal(input: UpdateDealInput): Promise<CrmDeal>;

  searchContacts(query: string, options?: { accountId?: string; limit?: number }): Promise<CrmContact[]>;

  findTaskByKey(accountId: string, idempotencyKey: string): Promise<CrmTask | null>;
  createTask(input: CreateTaskInput): Promise<CrmTask>;
}

/** Credentials as stored in the secret store for one CRM connection. */
export type CrmCredentials =
  | {
      type: 'oauth';
      accessToken: string;
      refreshToken?: string;
      /** Epoch ms; absent when the provider does not say (Salesforce). */
      expiresAt?: number;
      /** Salesforce instance URL / Pipedrive api_domain. */
      instanceUrl?: string;
    }
  | { type: 'apiKey'; apiKey: string; apiSecret?: string };

/**
 * Where a provider reads its credentials and writes refreshed tokens back. Providers refresh
 * once on 401; if that fails they throw ExternalServiceError kind 'reconnect'.
 */
export interface CrmCredentialSource {
  load(): Promise<CrmCredentials>;
  save(credentials: CrmCredentials): Promise<void>;
}

/** OAuth app settings and API base URLs; the base URLs are overridable for local emulators. */
export interface CrmProviderSettings {
  credentials: CrmCredentialSource;
  oauthClient?: { clientId: string; clientSecret: string };
  /** API base, e.g. https://api.hubapi.com ; emulators pass http://127.0.0.1:PORT */
  apiBaseUrl?: string;
  /** OAuth token endpoint base (HubSpot/Salesforce login/Pipedrive oauth host). */
  oauthBaseUrl?: string;
  /** Per-request limit; a slower answer fails as retryable. Defaults to 30 s. */
  requestTimeoutMs?: number;
  /** HubSpot portal (hub) id, needed for record links; links are omitted without it. */
  hubspotPortalId?: string;
  /** Pipedrive company domain ("acme" or "acme.pipedrive.com") for record links when the credentials carry no api_domain. */
  pipedriveCompanyDomain?: string;
  /** The shared per-account buckets (the worker's PostgreSQL store); defaults to the client's own. */
  rateLimits?: RateLimitStore;
}

/** Marker written into notes and tasks so a retry can find what an earlier attempt created. */
export function idempotencyMarker(idempotencyKey: string): string {
  return `ref:${idempotencyKey}`;
}
