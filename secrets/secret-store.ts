/**
 * Where credentials live: AWS Secrets Manager in production, an AES-256-GCM encrypted table
 * in Postgres when running without AWS. Callers hold only secret *names* (references); values
 * are read at the moment of use inside activities and never logged or put in workflow history.
 */
export interface SecretStore {
  /** Creates the secret or stores a new version of it (rotation). */
  put(name: string, value: string): Promise<void>;
  /** The current value, or null when the secret does not exist (or was deleted). */
  get(name: string): Promise<string | null>;
  /** Removes the secret immediately (no recovery window): used on uninstall and tenant deletion. */
  delete(name: string): Promise<void>;
  /** Removes every secret whose name starts with the prefix (a tenant's whole folder). */
  deletePrefix(prefix: string): Promise<number>;
}

/** Secret names are hierarchical per tenant so one tenant's secrets can be removed together. */
export const secretNames = {
  tenantPrefix: (tenantId: string) => `tenants/${tenantId}/`,
  slackBotToken: (tenantId: string) => `tenants/${tenantId}/slack/bot-token`,
  crmConnection: (tenantId: string, connectionId: string) => `tenants/${tenantId}/crm/${connectionId}`,
  userGoogle: (tenantId: string, userId: string) => `tenants/${tenantId}/users/${userId}/google`,
  userFathom: (tenantId: string, userId: string) => `tenants/${tenantId}/users/${userId}/fathom`,
  fathomWebhookSecret: (tenantId: string, userId: string) => `tenants/${tenantId}/users/${userId}/fathom-webhook`,
};
