import { ApplicationFailure } from '@temporalio/activity';
import { ExternalServiceError } from '../domain/service-errors';

/**
 * Translates client errors into what Temporal understands: retryable failures carry the
 * service's Retry-After as nextRetryDelay; everything else is non-retryable with its kind as
 * the failure type, and the rep-readable sentence as the message shown on the card.
 */
export function toActivityFailure(error: unknown): unknown {
  if (error instanceof ApplicationFailure) return error;
  if (error instanceof ExternalServiceError) {
    return ApplicationFailure.create({
      message: error.userMessage,
      type: error.kind,
      nonRetryable: error.kind !== 'retryable',
      nextRetryDelay: error.kind === 'retryable' ? error.retryAfterMs : undefined,
      details: [{ service: error.service, detail: error.detail ?? null, status: error.status ?? null }],
    });
  }
  return error;
}

/** A connection or setting the rep or an admin must provide; retrying cannot help. */
export function notConfigured(message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type: 'not-configured', nonRetryable: true });
}

export function invalidRequest(message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type: 'invalid', nonRetryable: true });
}
