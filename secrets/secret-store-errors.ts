import { ExternalServiceError, serviceDisplayName } from '../domain/service-errors';

/**
 * The two outcomes a secret store failure can have for an activity: try again later, or stop.
 * `detail` names the operation and the secret (a reference, safe to log), never its value.
 */
export function secretStoreError(kind: 'retryable' | 'invalid', detail: string, status?: number): ExternalServiceError {
  const storeName = serviceDisplayName('secrets');
  return new ExternalServiceError({
    service: 'secrets',
    kind,
    status,
    detail,
    userMessage:
      kind === 'retryable'
        ? `${storeName} is temporarily unavailable; it will be retried automatically.`
        : `${storeName} rejected the request.`,
  });
}
