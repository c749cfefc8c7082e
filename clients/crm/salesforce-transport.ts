import type { HttpRequest, HttpRequestOptions, HttpResponse } from 'jsforce';
import { Transport } from 'jsforce/lib/transport';
// The package root re-exports only its default object at runtime, so runtime classes come from lib/.
import { StreamPromise } from 'jsforce/lib/util/promise';
import { ExternalServiceError, errorFromHttpStatus, errorFromNetworkFailure, parseRetryAfter } from '../../domain/service-errors';

/**
 * jsforce's HTTP transport with two changes, installed on every Connection we create:
 * - its built-in retries (5 attempts with backoff on 429/5xx/resets) are off, because Temporal
 *   owns retries and backoff;
 * - error responses become ExternalServiceErrors here, where the status code, the Retry-After
 *   header and the body are all still known (jsforce's own errors keep only errorCode/message).
 */
export class SalesforceTransport extends Transport {
  constructor(private readonly timeoutMs: number) {
    super();
  }

  override httpRequest(request: HttpRequest, options: HttpRequestOptions = {}): StreamPromise<HttpResponse> {
    const sent = super.httpRequest(request, { ...options, timeout: this.timeoutMs, retry: { ...options.retry, maxRetries: 0 } });
    return StreamPromise.create(() => ({
      stream: sent.stream(),
      promise: sent.then(
        (response) => {
          if (response.statusCode >= 400) throw salesforceResponseError(response);
          return response;
        },
        (error: unknown) => {
          throw errorFromNetworkFailure('salesforce', error);
        },
      ),
    }));
  }
}

interface SalesforceProblem {
  errorCode?: string;
  message?: string;
}

/** Salesforce answers errors as `[{ message, errorCode, fields }]`; OAuth-style bodies as `{ error, error_description }`. */
export function salesforceResponseError(response: HttpResponse): ExternalServiceError {
  const status = response.statusCode;
  const problem = firstProblem(response.body);
  const detail = `HTTP ${status}${problem.errorCode ? ` ${problem.errorCode}` : ''}${problem.message ? `: ${problem.message}` : ''}`;
  const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
  if (problem.errorCode === 'REQUEST_LIMIT_EXCEEDED') {
    // The org's rolling 24-hour API allowance is used up: a 403, but one that time heals.
    return new ExternalServiceError({
      service: 'salesforce',
      kind: 'retryable',
      status,
      detail,
      retryAfterMs,
      userMessage: 'Salesforce’s daily API limit for your org is used up; it will be retried automatically.',
    });
  }
  return errorFromHttpStatus('salesforce', status, { detail, retryAfterMs });
}

function firstProblem(body: string): SalesforceProblem {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return {};
  }
  const first: unknown = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!first || typeof first !== 'object') return {};
  const record = first as Record<string, unknown>;
  const errorCode = typeof record.errorCode === 'string' ? record.errorCode : typeof record.error === 'string' ? record.error : undefined;
  const message =
    typeof record.message === 'string' ? record.message : typeof record.error_description === 'string' ? record.error_description : undefined;
  return { errorCode, message };
}
