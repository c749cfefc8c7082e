import { ApplicationFailure, Context } from '@temporalio/activity';
import { ApplicationFailureCategory } from '@temporalio/common';
import { ExternalServiceError } from '../domain/service-errors';
import { ownRateLimitDetail } from '../clients/rate-limit-store';
import { rateLimitDeferralType, type RateLimitDeferralDetails } from '../domain/rate-limit-deferral';
import type { Logger } from '../runtime/logger';

/**
 * Translates client errors into what Temporal understands: retryable failures carry the
 * service's Retry-After as nextRetryDelay; everything else is non-retryable with its kind as
 * the failure type, and the rep-readable sentence as the message shown on the card.
 * An outside service saying no (revoked access, rate limit, 404) is an expected outcome, so it is
 * BENIGN: the SDK then keeps its multi-line dump (task token included) at DEBUG, and
 * logExpectedFailure says it in one line instead.
 */
export function toActivityFailure(error: unknown): unknown {
  if (error instanceof ApplicationFailure) return error;
  if (error instanceof ExternalServiceError && isOwnDeferral(error)) {
    // Not a failure: the workflow waits the turn out and calls again (workflows/rate-limit-waits.ts).
    const details: RateLimitDeferralDetails = { service: error.service, detail: error.detail ?? null, waitMs: error.retryAfterMs ?? 0 };
    return ApplicationFailure.create({ message: error.userMessage, type: rateLimitDeferralType, nonRetryable: true, details: [details], category: ApplicationFailureCategory.BENIGN });
  }
  if (error instanceof ExternalServiceError) {
    return ApplicationFailure.create({
      message: error.userMessage,
      type: error.kind,
      nonRetryable: error.kind !== 'retryable',
      nextRetryDelay: error.kind === 'retryable' ? error.retryAfterMs : undefined,
      details: [{ service: error.service, detail: error.detail ?? null, status: error.status ?? null }],
      category: ApplicationFailureCategory.BENIGN,
    });
  }
  return error;
}

/** Our own shared limiter sent the call away before it reached the service. */
function isOwnDeferral(error: ExternalServiceError): boolean {
  return error.kind === 'retryable' && (error.detail?.startsWith(ownRateLimitDetail) ?? false);
}

/** A connection or setting the rep or an admin must provide; retrying cannot help. */
export function notConfigured(message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type: 'not-configured', nonRetryable: true, category: ApplicationFailureCategory.BENIGN });
}

export function invalidRequest(message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type: 'invalid', nonRetryable: true, category: ApplicationFailureCategory.BENIGN });
}

/**
 * One WARN line for an expected failure (a bug's failure keeps the SDK's full report instead); an
 * attempt our own shared rate limiter deferred is pacing, not a failure: one INFO line.
 */
export function logExpectedFailure(logger: Logger, failure: unknown): void {
  if (!(failure instanceof ApplicationFailure) || failure.category !== ApplicationFailureCategory.BENIGN) return;
  const { activityType, attempt, workflowExecution } = Context.current().info;
  const [serviceDetails] = (failure.details ?? []) as ({ service?: string; detail?: string | null; status?: number | null } | undefined)[];
  const paced = failure.type === rateLimitDeferralType;
  logger[paced ? 'info' : 'warn'](paced ? 'Activity deferred by the shared rate limit' : 'Activity failed', {
    activity: activityType,
    workflowId: workflowExecution?.workflowId,
    attempt,
    failureType: failure.type,
    retryable: !failure.nonRetryable || paced,
    reason: failure.message,
    ...(serviceDetails ? { service: serviceDetails.service, status: serviceDetails.status, detail: serviceDetails.detail } : {}),
  });
}
