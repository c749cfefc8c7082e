import assert from 'node:assert/strict';
import { ExternalServiceError, type ExternalErrorKind, type ExternalService } from '../../domain/service-errors';
import type { GoogleTokenSource, GoogleTokens } from '../../clients/google-workspace';
import type { GoogleAppConfig } from '../../clients/google/google-auth';
import { GoogleEmulator } from '../../emulators/google-emulator';

/** The rep's Google grant as the secret store would hold it, recording every save. */
export class MemoryTokenSource implements GoogleTokenSource {
  readonly saved: GoogleTokens[] = [];

  constructor(public tokens: GoogleTokens) {}

  load(): Promise<GoogleTokens> {
    return Promise.resolve({ ...this.tokens });
  }

  save(tokens: GoogleTokens): Promise<void> {
    this.saved.push({ ...tokens });
    this.tokens = { ...tokens };
    return Promise.resolve();
  }
}

export const rep = { email: 'maria.rossi@acme-sales.com', refreshToken: '1//0rep-refresh-token', accessToken: 'ya29.rep-live-access-token' };
const oauthClient = { clientId: 'followup-app.apps.googleusercontent.com', clientSecret: 'app-secret' };

export interface GoogleTestBed {
  emulator: GoogleEmulator;
  app: GoogleAppConfig;
  /** A connected rep whose access token is valid for the next hour. */
  tokens: MemoryTokenSource;
}

export async function startGoogleTestBed(): Promise<GoogleTestBed> {
  const emulator = new GoogleEmulator({ oauthClient });
  await emulator.start();
  emulator.registerUser({ email: rep.email, refreshToken: rep.refreshToken, accessToken: rep.accessToken, tz: 'Europe/Rome' });
  const tokens = new MemoryTokenSource({ ...rep, expiresAt: Date.now() + 3_600_000 });
  return { emulator, app: { ...oauthClient, tokenUrl: `${emulator.url}/token`, apiRootUrl: `${emulator.url}/` }, tokens };
}

/** Awaits a rejection and checks it is the ExternalServiceError the activity layer expects. */
export async function expectServiceError(
  promise: Promise<unknown>,
  expected: { service: ExternalService; kind: ExternalErrorKind; status?: number; retryAfterMs?: number; userMessage?: RegExp },
): Promise<ExternalServiceError> {
  const error = await promise.then(
    () => assert.fail('expected an ExternalServiceError'),
    (failure: unknown) => failure,
  );
  assert.ok(error instanceof ExternalServiceError, `expected ExternalServiceError, got ${String(error)}`);
  assert.equal(error.service, expected.service);
  assert.equal(error.kind, expected.kind);
  if (expected.status !== undefined) assert.equal(error.status, expected.status);
  if (expected.retryAfterMs !== undefined) assert.equal(error.retryAfterMs, expected.retryAfterMs);
  if (expected.userMessage) assert.match(error.userMessage, expected.userMessage);
  for (const secret of [rep.refreshToken, rep.accessToken, 'ya29.', '1//0']) {
    assert.ok(!error.message.includes(secret) && !(error.detail ?? '').includes(secret), 'error text must not carry a token');
  }
  return error;
}
