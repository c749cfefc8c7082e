import type { EmulatorResponse } from './http-emulator';

/** Google's JSON error shape, shared by Gmail and Calendar (api-contracts.md §6). */
const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  429: 'RESOURCE_EXHAUSTED',
};

export function googleError(
  code: number,
  reason: string,
  message: string,
  extra: { location?: string; locationType?: string; headers?: Record<string, string>; itemMessage?: string } = {},
): EmulatorResponse {
  const { headers, itemMessage, ...location } = extra;
  return {
    status: code,
    headers,
    body: {
      error: {
        code,
        message,
        errors: [{ message: itemMessage ?? message, domain: 'global', reason, ...location }],
        status: STATUS_NAMES[code] ?? 'UNKNOWN',
      },
    },
  };
}

export function googleUnauthenticated(): EmulatorResponse {
  return googleError(
    401,
    'authError',
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
    {
      itemMessage: 'Invalid Credentials',
      location: 'Authorization',
      locationType: 'header',
      headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
    },
  );
}
