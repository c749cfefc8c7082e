import { randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { Context } from 'koa';
import { operatorSessionCookie, operatorSessionValue, tokenMatches, type OperatorAuthSettings } from './operator-auth';
import { operatorIdentity } from './operator-identity';
import type { OperatorAttemptLimiter } from './operator-rate-limit';

/** A payload as the codec server protocol carries it: proto-JSON, bytes in base64. */
interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

class CodecRequestError extends Error {}

/**
 * Temporal's codec server protocol (`POST /encode`, `POST /decode`, body `{ payloads: [...] }`),
 * so the Web UI and CLI show decrypted payloads to an authenticated operator and can encode
 * what an operator sends in a signal, query or update. Mounted behind temporalUiCors and
 * operatorAuthenticated.
 */
export function codecHandler(codec: PayloadCodec, direction: 'encode' | 'decode') {
  return async (ctx: Context): Promise<void> => {
    let payloads: Payload[];
    try {
      payloads = parsePayloads(ctx.state.rawBody as Buffer | undefined);
    } catch (error) {
      if (!(error instanceof CodecRequestError)) throw error;
      ctx.status = 400;
      ctx.body = { error: error.message };
      return;
    }
    let result: Payload[];
    try {
      result = direction === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
    } catch (error) {
      // Unknown key id or a tampered payload: the message names the key id, never key bytes.
      ctx.status = 422;
      ctx.body = { error: error instanceof Error ? error.message : 'could not process payloads' };
      return;
    }
    ctx.status = 200;
    ctx.body = { payloads: result.map(toJson) };
  };
}

function parsePayloads(rawBody: Buffer | undefined): Payload[] {
  let body: unknown;
  try {
    body = JSON.parse(rawBody?.toString('utf8') ?? '');
  } catch {
    throw new CodecRequestError('body must be JSON: { "payloads": [...] }');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new CodecRequestError('body must be JSON: { "payloads": [...] }');
  // The Go SDK (so the Temporal CLI) marshals `Payloads` with encoding/json, which omits an empty
  // list: a query without arguments arrives as `{}`.
  const payloads = (body as { payloads?: unknown }).payloads ?? [];
  if (!Array.isArray(payloads)) throw new CodecRequestError('body must be JSON: { "payloads": [...] }');
  return payloads.map((entry: unknown, index) => {
    const payload = entry as JsonPayload | null;
    const metadata = payload?.metadata ?? {};
    const valid =
      typeof payload === 'object' &&
      payload !== null &&
      typeof metadata === 'object' &&
      Object.values(metadata).every((value) => typeof value === 'string') &&
      (payload.data === undefined || typeof payload.data === 'string');
    if (!valid) throw new CodecRequestError(`payloads[${index}] is not a proto-JSON payload`);
    return {
      metadata: Object.fromEntries(Object.entries(metadata).map(([key, value]) => [key, Buffer.from(value, 'base64')])),
      data: Buffer.from(payload.data ?? '', 'base64'),
    };
  });
}

function toJson(payload: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')])),
    data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
  };
}

/** Nonce of the page's one style sheet: the Content-Security-Policy allows nothing else. */
const loginPage = (message: string, styleNonce: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Codec server: operator sign-in</title>
<style nonce="${styleNonce}">body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto }</style></head>
<body>
<h1>Operator sign-in</h1>
<p>${message}</p>
<form method="post" action="login">
  <label>Operator token <input type="password" name="token" autocomplete="off" required></label>
  <button type="submit">Sign in</button>
</form>
<p>Then, in the Temporal Web UI, open the codec server settings and turn on
<em>Include cross-origin credentials</em>: the UI sends this session with each decode request.</p>
</body></html>`;

/**
 * The page runs no script and loads nothing; it may only post its form to itself and may not be
 * framed (no clickjacking of the token field), cached or leak its address as a referrer.
 */
function answerWithLoginPage(ctx: Context, status: number, message: string): void {
  const styleNonce = randomBytes(16).toString('base64');
  ctx.set(
    'content-security-policy',
    `default-src 'none'; style-src 'nonce-${styleNonce}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  );
  ctx.set('x-frame-options', 'DENY');
  ctx.set('referrer-policy', 'no-referrer');
  ctx.set('cache-control', 'no-store');
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = loginPage(message, styleNonce);
}

/** The sign-in form for browsers: the Web UI cannot send a bearer token of its own. */
export function codecLoginPage() {
  return async (ctx: Context): Promise<void> => {
    answerWithLoginPage(ctx, 200, 'Sign in with the operator token (CODEC_OPERATOR_TOKEN) to let the Temporal Web UI decrypt payloads.');
  };
}

/**
 * Checks the token from the form and sets the operator session cookie (8 hours). A wrong token
 * counts against the client's failure limit (operatorRateLimited refuses it once over).
 */
export function codecLogin(settings: OperatorAuthSettings, limiter: OperatorAttemptLimiter, now: () => number = Date.now) {
  return async (ctx: Context): Promise<void> => {
    const given = new URLSearchParams((ctx.state.rawBody as Buffer | undefined)?.toString('utf8') ?? '').get('token') ?? '';
    if (!tokenMatches(given, settings.token)) {
      limiter.recordFailure(operatorIdentity(ctx, settings).address);
      answerWithLoginPage(ctx, 401, 'That is not the operator token.');
      return;
    }
    const session = operatorSessionValue(settings.token, now());
    ctx.cookies.set(operatorSessionCookie, session.value, {
      httpOnly: true,
      path: '/codec',
      maxAge: session.maxAgeSeconds * 1000,
      // Over HTTPS the UI may live on another site; on plain-HTTP localhost it shares the site.
      secure: ctx.secure,
      sameSite: ctx.secure ? 'none' : 'strict',
      overwrite: true,
    });
    answerWithLoginPage(ctx, 200, 'Signed in for 8 hours. You can close this tab.');
  };
}
