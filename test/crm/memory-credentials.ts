import type { CrmCredentials, CrmCredentialSource } from '../../clients/crm/crm-provider';

/** A secret store of one CRM connection, in memory; records every save. */
export class MemoryCredentialSource implements CrmCredentialSource {
  readonly saved: CrmCredentials[] = [];
  private readonly initial: CrmCredentials;

  constructor(public current: CrmCredentials) {
    this.initial = structuredClone(current);
  }

  /** A copy, as a real store hands out a fresh object on every read. */
  async load(): Promise<CrmCredentials> {
    return structuredClone(this.current);
  }

  async save(credentials: CrmCredentials): Promise<void> {
    this.saved.push(structuredClone(credentials));
    this.current = structuredClone(credentials);
  }

  /** Every credential value this store ever held, to prove none leaks into an error. */
  secrets(): string[] {
    return [this.initial, ...this.saved]
      .flatMap((credentials) => (credentials.type === 'oauth' ? [credentials.accessToken, credentials.refreshToken] : [credentials.apiKey, credentials.apiSecret]))
      .filter((value): value is string => Boolean(value));
  }
}
