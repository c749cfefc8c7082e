import { randomBytes } from 'node:crypto';
import { pkceVerifierProblem } from './pkce';
import { HttpEmulator, type EmulatorResponse, type RecordedRequest, type RouteHandler } from './http-emulator';
import { googleError, googleUnauthenticated } from './google-api-errors';
import { GoogleCalendarEvents, type InvitationBatch } from './google-calendar-events';
import { GmailDrafts, type GmailDraft } from './gmail-drafts';
import { isRecord, type JsonObject } from './json-values';

/**
 * Google under one origin, as googleapis clients see it with `rootUrl`: the OAuth token and
 * revoke endpoints, Gmail drafts and Calendar events. API calls are made as the user who owns
 * the access token, so every mailbox and calendar is per user.
 */
export interface GoogleEmulatorOptions {
  /** When set, the token endpoint rejects other client credentials with invalid_client. */
  oauthClient?: { clientId: string; clientSecret: string };
  /** The `scope` reported by the token endpoint. */
  scope?: string;
  /** How long a new draft stays invisible to `q=rfc822msgid:` searches (Gmail's index lag); 2 s by default. */
  gmailSearchLagMs?: number;
}

interface GoogleUser {
  email: string;
  refreshToken: string;
  tz: string;
  revoked: boolean;
}

type AuthorizedHandler = (request: RecordedRequest, params: string[], userEmail: string) => EmulatorResponse;

/** Gmail documents no figure; seconds is what a search right after an insert can miss. */
const DEFAULT_GMAIL_SEARCH_LAG_MS = 2_000;
/**
 * messages.list / messages.get accept only these scopes; gmail.compose (enough for every drafts
 * method) is not among them (Gmail API reference, "Authorization scopes" of users.messages.get).
 */
const MAIL_READING_SCOPES = ['https://mail.google.com/', 'https://www.googleapis.com/auth/gmail.modify', 'https://www.googleapis.com/auth/gmail.readonly'];
const DEFAULT_SCOPE = 'https://www.googleapis.com/auth/gmail.compose https://www.googleapis.com/auth/calendar.events';

export class GoogleEmulator extends HttpEmulator {
  /** Lifetime of issued access tokens; Google's is 3599 s. */
  accessTokenLifetimeSeconds = 3599;

  private readonly oauthClient?: { clientId: string; clientSecret: string };
  private readonly scope: string;
  private readonly users = new Map<string, GoogleUser>();
  private readonly accessTokens = new Map<string, { email: string; expiresAt: number }>();
  private readonly authCodes = new Map<string, { email: string; redirectUri?: string; codeChallenge?: string }>();
  private readonly gmail: GmailDrafts;
  private readonly calendars = new GoogleCalendarEvents((email) => this.users.get(email.toLowerCase())?.tz ?? 'UTC');

  constructor(options: GoogleEmulatorOptions = {}) {
    super('google');
    this.oauthClient = options.oauthClient;
    this.scope = options.scope ?? DEFAULT_SCOPE;
    this.gmail = new GmailDrafts(options.gmailSearchLagMs ?? DEFAULT_GMAIL_SEARCH_LAG_MS);

    this.route('POST', /^\/token$/, (request) => this.exchangeToken(request));
    this.route('POST', /^\/revoke$/, (request) => this.revoke(request));

    this.route('POST', /^\/gmail\/v1\/users\/([^/]+)\/drafts$/, this.inMailbox((request, _params, user) => this.gmail.create(user, request.body)));
    this.route('GET', /^\/gmail\/v1\/users\/([^/]+)\/drafts$/, this.inMailbox((request, _params, user) => this.gmail.list(user, request.query)));
    this.route('GET', /^\/gmail\/v1\/users\/([^/]+)\/drafts\/([^/]+)$/, this.inMailbox((request, [, id], user) => this.gmail.get(user, id!, request.query)));
    this.route('GET', /^\/gmail\/v1\/users\/([^/]+)\/messages$/, this.readingMail((request, _params, user) => this.gmail.listMessages(user, request.query)));
    this.route('GET', /^\/gmail\/v1\/users\/([^/]+)\/messages\/([^/]+)$/, this.readingMail((request, [, id], user) => this.gmail.getMessage(user, id!, request.query)));

    this.route('GET', /^\/calendar\/v3\/users\/me\/settings\/timezone$/, this.authorized((_request, _params, user) => this.calendars.timeZoneSetting(user)));
    this.route('GET', /^\/calendar\/v3\/calendars\/([^/]+)$/, this.authorized((_request, [calendarId], user) => this.calendars.calendar(user, calendarId!)));
    this.route('POST', /^\/calendar\/v3\/calendars\/([^/]+)\/events$/, this.authorized((request, [calendarId], user) =>
      this.calendars.insert(user, calendarId!, request.body, request.query),
    ));
    this.route('GET', /^\/calendar\/v3\/calendars\/([^/]+)\/events\/([^/]+)$/, this.authorized((_request, [calendarId, eventId], user) =>
      this.calendars.get(user, calendarId!, eventId!),
    ));
    this.route('PATCH', /^\/calendar\/v3\/calendars\/([^/]+)\/events\/([^/]+)$/, this.authorized((request, [calendarId, eventId], user) =>
      this.calendars.patch(user, calendarId!, eventId!, request.body, request.query),
    ));
  }

  // ---- seeding and knobs ---------------------------------------------------------------------

  /** A user who already granted consent: the product holds `refreshToken` (and maybe a live access token). */
  registerUser(user: { email: string; refreshToken: string; accessToken?: string; tz?: string }): void {
    const email = user.email.toLowerCase();
    this.users.set(email, { email, refreshToken: user.refreshToken, tz: user.tz ?? 'UTC', revoked: false });
    if (user.accessToken) this.accessTokens.set(user.accessToken, { email, expiresAt: Date.now() + this.accessTokenLifetimeSeconds * 1000 });
  }

  /** The code Google appends to the OAuth redirect once `email` approves; single use. */
  /** The code of a consent; `codeChallenge` is the S256 challenge the authorize URL carried, if any. */
  issueAuthCode(email: string, options: { redirectUri?: string; codeChallenge?: string } = {}): string {
    const code = `4/0Aemu${randomBytes(18).toString('base64url')}`;
    this.authCodes.set(code, { email: email.toLowerCase(), redirectUri: options.redirectUri, codeChallenge: options.codeChallenge });
    return code;
  }

  /** The user removed the app's access: refresh fails with invalid_grant, access tokens stop working. */
  revokeUser(email: string): void {
    const user = this.users.get(email.toLowerCase());
    if (!user) return;
    user.revoked = true;
    this.dropAccessTokens(user.email);
  }

  /** Every issued access token now answers 401, which pushes clients onto the refresh path. */
  expireAccessTokens(): void {
    for (const token of this.accessTokens.values()) token.expiresAt = 0;
  }

  /** How long a new draft stays invisible to `q` searches. */
  get gmailSearchLagMs(): number {
    return this.gmail.searchLagMs;
  }

  set gmailSearchLagMs(milliseconds: number) {
    this.gmail.searchLagMs = milliseconds;
  }

  // ---- inspection ----------------------------------------------------------------------------

  drafts(email?: string): GmailDraft[] {
    return this.gmail.all(email);
  }

  events(email?: string): JsonObject[] {
    return this.calendars.all(email);
  }

  /** Addresses that got an invitation or update email for the event (sendUpdates all/externalOnly). */
  invitationsSent(eventId: string): string[] {
    return this.calendars.invitationsSent(eventId);
  }

  invitationLog(): InvitationBatch[] {
    return this.calendars.invitationLog();
  }

  // ---- OAuth ---------------------------------------------------------------------------------

  private exchangeToken(request: RecordedRequest): EmulatorResponse {
    const form = isRecord(request.body) ? request.body : {};
    const clientProblem = this.clientProblem(request, form);
    if (clientProblem) return clientProblem;
    if (form.grant_type === 'refresh_token') {
      const user = [...this.users.values()].find((candidate) => candidate.refreshToken === form.refresh_token);
      if (!user || user.revoked) return oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
      return tokenResponse({ ...this.issueAccessToken(user.email), scope: this.scope });
    }
    if (form.grant_type === 'authorization_code') {
      const grant = typeof form.code === 'string' ? this.authCodes.get(form.code) : undefined;
      if (!grant) return oauthError(400, 'invalid_grant', 'Malformed auth code.');
      if (grant.redirectUri !== undefined && form.redirect_uri !== grant.redirectUri) return oauthError(400, 'redirect_uri_mismatch', 'Bad Request');
      this.authCodes.delete(form.code as string);
      const pkceProblem = pkceVerifierProblem(grant.codeChallenge, form.code_verifier);
      if (pkceProblem) return oauthError(400, 'invalid_grant', pkceProblem);
      const user = this.consentedUser(grant.email);
      return tokenResponse({ ...this.issueAccessToken(user.email), refresh_token: user.refreshToken, scope: this.scope, id_token: idToken(user.email, form.client_id) });
    }
    return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${String(form.grant_type ?? '')}`);
  }

  private revoke(request: RecordedRequest): EmulatorResponse {
    const token = request.query.get('token') ?? (isRecord(request.body) ? request.body.token : undefined);
    const email =
      [...this.users.values()].find((user) => user.refreshToken === token)?.email ??
      (typeof token === 'string' ? this.accessTokens.get(token)?.email : undefined);
    if (!email) return oauthError(400, 'invalid_token', 'Token expired or revoked');
    this.revokeUser(email);
    return { status: 200, body: {} };
  }

  /** Client credentials come as form fields (google-auth-library's default) or HTTP Basic. */
  private clientProblem(request: RecordedRequest, form: JsonObject): EmulatorResponse | undefined {
    if (!this.oauthClient) return undefined;
    const basic = /^Basic\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const [basicId, basicSecret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [];
    const clientId = basicId ?? form.client_id;
    const clientSecret = basicSecret ?? form.client_secret;
    if (clientId !== this.oauthClient.clientId) return oauthError(401, 'invalid_client', 'The OAuth client was not found.');
    if (clientSecret !== this.oauthClient.clientSecret) return oauthError(401, 'invalid_client', 'Unauthorized');
    return undefined;
  }

  /** Consent (re)creates the grant, so a user who revoked can reconnect with a fresh refresh token. */
  private consentedUser(email: string): GoogleUser {
    const existing = this.users.get(email);
    if (existing && !existing.revoked) return existing;
    const user: GoogleUser = { email, refreshToken: `1//0emu${randomBytes(24).toString('base64url')}`, tz: existing?.tz ?? 'UTC', revoked: false };
    this.users.set(email, user);
    return user;
  }

  private issueAccessToken(email: string): { access_token: string; expires_in: number } {
    const token = `ya29.a0Aemu${randomBytes(24).toString('base64url')}`;
    this.accessTokens.set(token, { email, expiresAt: Date.now() + this.accessTokenLifetimeSeconds * 1000 });
    return { access_token: token, expires_in: this.accessTokenLifetimeSeconds };
  }

  private dropAccessTokens(email: string): void {
    for (const [token, owner] of this.accessTokens) {
      if (owner.email === email) this.accessTokens.delete(token);
    }
  }

  // ---- API auth ------------------------------------------------------------------------------

  private authorized(handler: AuthorizedHandler): RouteHandler {
    return (request, params) => {
      const token = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
      const grant = token === undefined ? undefined : this.accessTokens.get(token);
      if (!grant || grant.expiresAt <= Date.now()) return googleUnauthenticated();
      return handler(request, params, grant.email);
    };
  }

  /** Gmail's `users/{userId}` must be `me` or the token owner's own address. */
  private readingMail(handler: AuthorizedHandler): RouteHandler {
    return this.inMailbox((request, params, user) => {
      const granted = this.scope.split(/\s+/);
      if (!MAIL_READING_SCOPES.some((scope) => granted.includes(scope))) {
        return googleError(403, 'insufficientPermissions', 'Request had insufficient authentication scopes.');
      }
      return handler(request, params, user);
    });
  }

  private inMailbox(handler: AuthorizedHandler): RouteHandler {
    return this.authorized((request, params, user) => {
      const userId = params[0]!;
      if (userId !== 'me' && userId.toLowerCase() !== user) return googleError(403, 'forbidden', `Delegation denied for ${user}`);
      return handler(request, params, user);
    });
  }
}

/** An OpenID Connect ID token as the code exchange returns it with the `openid email` scopes (unsigned: the emulator is the only issuer). */
function idToken(email: string, clientId: unknown): string {
  const part = (value: JsonObject) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = { iss: 'https://accounts.google.com', aud: typeof clientId === 'string' ? clientId : '', sub: email, email, email_verified: true };
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

function tokenResponse(body: JsonObject): EmulatorResponse {
  return { status: 200, headers: { 'cache-control': 'no-cache, no-store, max-age=0, must-revalidate' }, body: { ...body, token_type: 'Bearer' } };
}

function oauthError(status: number, error: string, description: string): EmulatorResponse {
  return { status, body: { error, error_description: description } };
}
