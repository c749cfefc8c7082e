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
const loginPage = (message: string, styleNonce: string, next: string | undefined) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Operator sign-in</title>
<style nonce="${styleNonce}">body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto }</style></head>
<body>
<h1>Operator sign-in</h1>
<p>${message}</p>
<form method="post" action="login">
  <label>Operator token <input type="password" name="token" autocomplete="off" required></label>
  ${next ? `<input type="hidden" name="next" value="${escapeHtml(next)}">` : ''}
  <button type="submit">Sign in</button>
</form>
</body></html>`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** Where to go after signing in: a path on this listener only, never another site (`//evil`, `/\evil`). */
function localPath(value: string | null | undefined): string | undefined {
  if (!value || !/^\/(?![/\\])/.test(value)) return undefined;
  const resolved = new URL(value, 'http://operator.invalid');
  return resolved.origin === 'http://operator.invalid' ? `${resolved.pathname}${resolved.search}${resolved.hash}` : undefined;
}

/**
 * The page runs no script and loads nothing; it may only post its form to itself and may not be
 * framed (no clickjacking of the token field), cached or leak its address as a referrer.
 */
function answerWithLoginPage(ctx: Context, status: number, message: string, next?: string): void {
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
  ctx.body = loginPage(message, styleNonce, next);
}

const signInMessage = 'Sign in with the operator token (CODEC_OPERATOR_TOKEN) to open the Temporal Web UI with decrypted workflow data.';

/** The sign-in form for browsers: the one step before the Web UI this listener serves. */
export function codecLoginPage() {
  return async (ctx: Context): Promise<void> => {
    answerWithLoginPage(ctx, 200, signInMessage, localPath(typeof ctx.query.next === 'string' ? ctx.query.next : undefined));
  };
}

/**
 * Checks the token from the form, sets the operator session cookie (8 hours) and sends the browser
 * on to the page it asked for, or to the Web UI (`landing`); without a Web UI it says it is done.
 * A wrong token counts against the client's failure limit (operatorRateLimited refuses it once over).
 */
export function codecLogin(settings: OperatorAuthSettings, limiter: OperatorAttemptLimiter, options: { landing?: string; now?: () => number } = {}) {
  const now = options.now ?? Date.now;
  return async (ctx: Context): Promise<void> => {
    const form = new URLSearchParams((ctx.state.rawBody as Buffer | undefined)?.toString('utf8') ?? '');
    const next = localPath(form.get('next'));
    if (!tokenMatches(form.get('token') ?? '', settings.token)) {
      limiter.recordFailure(operatorIdentity(ctx, settings).address);
      answerWithLoginPage(ctx, 401, 'That is not the operator token.', next);
      return;
    }
    const session = operatorSessionValue(settings.token, now());
    ctx.cookies.set(operatorSessionCookie, session.value, {
      httpOnly: true,
      // The whole listener: the Web UI's pages and API calls, and its same-origin codec endpoint.
      path: '/',
      maxAge: session.maxAgeSeconds * 1000,
      secure: ctx.secure,
      // Lax: a link to a run (from Slack, a ticket) opens signed in; no other site can post with it.
      sameSite: 'lax',
      overwrite: true,
    });
    const destination = next ?? options.landing;
    if (destination) {
      ctx.status = 303;
      ctx.redirect(destination);
      return;
    }
    answerWithLoginPage(ctx, 200, 'Signed in for 8 hours. You can close this tab.');
  };
}
