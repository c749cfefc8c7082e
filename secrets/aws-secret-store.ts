import type * as SecretsManagerSdk from '@aws-sdk/client-secrets-manager';
import { type ExternalServiceError } from '../domain/service-errors';
import { assertValidSecretName, assertValidSecretPrefix } from './secret-name-rules';
import { type SecretStore } from './secret-store';
import { secretStoreError } from './secret-store-errors';

export interface AwsSecretStoreOptions {
  region: string;
  /** A Secrets Manager compatible endpoint such as moto or LocalStack; AWS itself when absent. */
  endpoint?: string;
  /** Static credentials (moto accepts any); the SDK's default provider chain when absent. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

// One SDK retry smooths a blip; anything longer is the Temporal activity retry policy's job,
// which has the backoff and the visibility.
const SDK_MAX_ATTEMPTS = 2;
const LIST_PAGE_SIZE = 100;
const THROTTLING_ERROR_NAMES = new Set(['ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded']);
const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/** AWS Secrets Manager (or moto / LocalStack through `endpoint`). */
export class AwsSecretStore implements SecretStore {
  private sdkAndClient?: Promise<{ sdk: typeof SecretsManagerSdk; client: SecretsManagerSdk.SecretsManagerClient }>;

  constructor(private readonly options: AwsSecretStoreOptions) {}

  /** The SDK loads at the first call, not at start: ~0.2 s that a process on the local store never needs. */
  private connect(): Promise<{ sdk: typeof SecretsManagerSdk; client: SecretsManagerSdk.SecretsManagerClient }> {
    this.sdkAndClient ??= import('@aws-sdk/client-secrets-manager').then((sdk) => ({
      sdk,
      client: new sdk.SecretsManagerClient({
        region: this.options.region,
        endpoint: this.options.endpoint,
        credentials: this.options.credentials,
        retryMode: 'standard',
        maxAttempts: SDK_MAX_ATTEMPTS,
      }),
    }));
    return this.sdkAndClient;
  }

  async put(name: string, value: string): Promise<void> {
    assertValidSecretName(name);
    const { sdk, client } = await this.connect();
    try {
      await client.send(new sdk.CreateSecretCommand({ Name: name, SecretString: value }));
    } catch (error) {
      // AWS answers InvalidRequestException when the name belongs to a secret scheduled for deletion.
      if (hasErrorName(error, 'ResourceExistsException') || hasErrorName(error, 'InvalidRequestException')) {
        await this.putNewVersion(name, value);
        return;
      }
      throw toSecretStoreError(sdk, error, 'CreateSecret', name, value);
    }
  }

  async get(name: string): Promise<string | null> {
    assertValidSecretName(name);
    const { sdk, client } = await this.connect();
    try {
      const response = await client.send(new sdk.GetSecretValueCommand({ SecretId: name }));
      return response.SecretString ?? null;
    } catch (error) {
      // Matched by name, not HTTP status: moto answers 404 where AWS answers 400.
      if (hasErrorName(error, 'ResourceNotFoundException')) return null;
      // For GetSecretValue this means the secret is scheduled for deletion: deleted, for callers.
      if (hasErrorName(error, 'InvalidRequestException')) return null;
      throw toSecretStoreError(sdk, error, 'GetSecretValue', name);
    }
  }

  async delete(name: string): Promise<void> {
    assertValidSecretName(name);
    const { sdk, client } = await this.connect();
    try {
      await client.send(new sdk.DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    } catch (error) {
      // Already gone is the goal reached; uninstall and tenant deletion retry this freely.
      if (hasErrorName(error, 'ResourceNotFoundException')) return;
      throw toSecretStoreError(sdk, error, 'DeleteSecret', name);
    }
  }

  async deletePrefix(prefix: string): Promise<number> {
    assertValidSecretPrefix(prefix);
    // Listed completely before deleting: deleting while paging can shift later pages.
    const names = await this.listNamesStartingWith(prefix);
    for (const name of names) await this.delete(name);
    return names.length;
  }

  private async putNewVersion(name: string, value: string): Promise<void> {
    const { sdk, client } = await this.connect();
    try {
      // PutSecretValue moves AWSCURRENT to the new version and AWSPREVIOUS to the one it replaces.
      await client.send(new sdk.PutSecretValueCommand({ SecretId: name, SecretString: value }));
    } catch (error) {
      if (!hasErrorName(error, 'InvalidRequestException')) throw toSecretStoreError(sdk, error, 'PutSecretValue', name, value);
      await this.restoreAndPutNewVersion(name, value);
    }
  }

  /**
   * For a secret scheduled for deletion (deleted with a recovery window outside this store):
   * writing a value means the secret is wanted again.
   */
  private async restoreAndPutNewVersion(name: string, value: string): Promise<void> {
    const { sdk, client } = await this.connect();
    let operation = 'RestoreSecret';
    try {
      await client.send(new sdk.RestoreSecretCommand({ SecretId: name }));
      operation = 'PutSecretValue';
      await client.send(new sdk.PutSecretValueCommand({ SecretId: name, SecretString: value }));
    } catch (error) {
      // A force-deleted name is removed asynchronously: for a few seconds it can be neither
      // restored nor created. A later attempt finds it gone and creates it afresh.
      const stillBeingDeleted = hasErrorName(error, 'InvalidRequestException') || hasErrorName(error, 'ResourceNotFoundException');
      throw toSecretStoreError(sdk, error, operation, name, value, stillBeingDeleted ? 'retryable' : undefined);
    }
  }

  private async listNamesStartingWith(prefix: string): Promise<string[]> {
    const { sdk, client } = await this.connect();
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      let page;
      try {
        page = await client.send(
          new sdk.ListSecretsCommand({
            Filters: [{ Key: 'name', Values: [prefix] }],
            // Secrets pending deletion are still recoverable; tenant deletion must remove them too.
            IncludePlannedDeletion: true,
            MaxResults: LIST_PAGE_SIZE,
            NextToken: nextToken,
          }),
        );
      } catch (error) {
        throw toSecretStoreError(sdk, error, 'ListSecrets', prefix);
      }
      // The service's name filter ignores case; deleting another tenant's secret must be impossible.
      for (const secret of page.SecretList ?? []) {
        if (secret.Name?.startsWith(prefix)) names.push(secret.Name);
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return names;
  }
}

function hasErrorName(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

/**
 * Retryable when the service is throttling or failing (5xx) or could not be reached at all;
 * invalid otherwise, unless the caller knows better. The value, when given, is cut out of the
 * detail in case a service echoes it.
 */
function toSecretStoreError(
  sdk: typeof SecretsManagerSdk,
  error: unknown,
  operation: string,
  name: string,
  value?: string,
  kind: 'retryable' | 'invalid' = isRetryable(sdk, error) ? 'retryable' : 'invalid',
): ExternalServiceError {
  const errorName = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const status = error instanceof sdk.SecretsManagerServiceException ? error.$metadata.httpStatusCode : undefined;
  let detail = `${operation} "${name}": ${errorName}${status ? ` (HTTP ${status})` : ''}: ${message}`;
  if (value) detail = detail.split(value).join('[redacted]');
  return secretStoreError(kind, detail, status);
}

function isRetryable(sdk: typeof SecretsManagerSdk, error: unknown): boolean {
  if (error instanceof sdk.SecretsManagerServiceException) {
    const status = error.$metadata.httpStatusCode ?? 0;
    return error.$fault === 'server' || status >= 500 || status === 429 || THROTTLING_ERROR_NAMES.has(error.name);
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return (code !== undefined && NETWORK_ERROR_CODES.has(code)) || hasErrorName(error, 'TimeoutError');
}
