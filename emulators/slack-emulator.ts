import { randomBytes } from 'node:crypto';
import { HttpEmulator, type EmulatorResponse, type RecordedRequest } from './http-emulator';
import { isRecord, type JsonObject } from './json-values';
import { timeZoneLabel, timeZoneOffsetSeconds } from './time-zones';
import { messageBlocksProblem, viewProblem, type BlockKitProblem } from './slack-block-kit-limits';
import { slackWebApiMethods, type SlackMethodSpec } from './slack-web-api-spec';
import { SlackRateLimits } from './slack-rate-limits';

/**
 * Slack Web API emulator: `POST /api/<method>` with form or JSON bodies, bearer bot tokens per
 * workspace, Slack's "HTTP 200 + ok:false" error style, 429 + Retry-After over Slack's rate limits
 * (slack-rate-limits.ts, on by default) or on demand, trigger-id
 * expiry, OAuth v2 install, Sign in with Slack (OpenID Connect), and a `response_url` receiver. Every call is checked against Slack's
 * published spec (see slack-web-api-spec.ts): unknown methods, missing scopes and missing required
 * arguments fail as they do in Slack, and messages only reach conversations the bot may post in.
 */
export interface SlackEmulatorOptions {
  /** App credentials checked by oauth.v2.access. */
  clientId?: string;
  clientSecret?: string;
  appId?: string;
}

export interface SlackWorkspace {
  teamId: string;
  teamName: string;
  botToken: string;
  botUserId: string;
  botId: string;
  enterpriseId?: string;
  /** Bot scopes the install granted (oauth.v2.access `scope`), checked on every call. */
  scopes: string[];
  revoked: boolean;
}

export interface SlackUser {
  id: string;
  teamId: string;
  /** The handle, e.g. `alice`. */
  name: string;
  /** Full name; Slack's `real_name` (defaults to `name`). */
  realName?: string;
  /** What Slack shows in messages; often empty in Slack, then clients fall back to the real name. */
  displayName?: string;
  email?: string;
  /** IANA zone, e.g. America/Los_Angeles. */
  tz: string;
  /** e.g. `en-US`; users.info returns it only with include_locale=true. */
  locale?: string;
  isBot?: boolean;
}

/** A public or private channel of a workspace (DMs are opened with conversations.open). */
export interface SlackChannel {
  id: string;
  teamId: string;
  name: string;
  isPrivate: boolean;
  isArchived: boolean;
  /** Whether the app's bot user was added to the channel. */
  botIsMember: boolean;
  memberIds: Set<string>;
}

export interface SlackMessage {
  channel: string;
  ts: string;
  teamId: string;
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: unknown;
  thread_ts?: string;
  user: string;
  bot_id: string;
  /** Set once chat.update has touched the message. */
  edited?: { user: string; ts: string };
}

export interface SlackEphemeralMessage {
  channel: string;
  user: string;
  message_ts: string;
  teamId: string;
  text?: string;
  blocks?: unknown[];
}

export interface SlackView extends JsonObject {
  id: string;
  team_id: string;
  type: string;
  hash: string;
  external_id: string;
}

export interface ResponseUrlPost {
  id: string;
  body: unknown;
  at: number;
}

export interface OAuthInstall {
  teamId: string;
  teamName: string;
  installerUserId: string;
  enterpriseId?: string;
  enterpriseName?: string;
  /** Org-wide Enterprise Grid install: Slack then answers with `team: null`. */
  isEnterpriseInstall?: boolean;
  botToken?: string;
  botUserId?: string;
  /** Comma-separated bot scopes the user approved, as oauth.v2.access reports them. */
  scope: string;
  /** When set, the exchange must send the same redirect_uri (bad_redirect_uri otherwise). */
  redirectUri?: string;
}

/** Who approves an install on Slack's consent screen; the scopes and redirect come from the app's authorize URL. */
export type InstallApproval = Omit<OAuthInstall, 'scope' | 'redirectUri'>;

type SlackArgs = JsonObject;
type MethodHandler = (args: SlackArgs, workspace: SlackWorkspace) => JsonObject;

/** Thrown inside method handlers; becomes Slack's `{ ok:false, error }` answer. */
class SlackMethodError extends Error {
  constructor(
    readonly code: string,
    readonly extra: JsonObject = {},
  ) {
    super(code);
  }
}

/** Fields @slack/web-api JSON-encodes into a single form field. */
const JSON_ENCODED_FIELDS = ['blocks', 'view', 'attachments', 'metadata'];
const MAX_MESSAGE_TEXT = 40_000;

/**
 * Arguments Slack's method docs (docs.slack.dev/reference/methods/<method>) require although the
 * 1.7.0 spec marks them optional.
 */
const REQUIRED_BY_DOCS: Record<string, string[]> = {
  'users.info': ['user'],
  'views.update': ['view'],
};

/**
 * The error Slack answers for a missing argument when the method documents it (chat.postMessage
 * without `channel` is `channel_not_found`); otherwise its generic `invalid_arguments`.
 */
const MISSING_ARGUMENT_ERRORS: Record<string, string[]> = {
  channel: ['channel_not_found'],
  user: ['user_not_found', 'user_not_in_channel'],
  ts: ['message_not_found'],
  message_ts: ['message_not_found'],
};

/** docs.slack.dev/reference/scopes/chat.write.public: post in public channels the bot is not a member of. */
const POST_IN_ANY_PUBLIC_CHANNEL = 'chat:write.public';

export class SlackEmulator extends HttpEmulator {
  /** Slack expires trigger ids about 3 s after issue; tests shorten this to avoid sleeping. */
  triggerIdLifetimeMs = 3000;

  private readonly clientId: string;
  private readonly clientSecret: string;
  private readonly appId: string;
  private readonly workspacesByToken = new Map<string, SlackWorkspace>();
  private readonly users = new Map<string, SlackUser>();
  private readonly channels = new Map<string, SlackChannel>();
  private readonly storedMessages: SlackMessage[] = [];
  private readonly ephemeral: SlackEphemeralMessage[] = [];
  private readonly storedViews = new Map<string, SlackView>();
  private readonly publishedHomeViews = new Map<string, SlackView[]>();
  private readonly triggerIds = new Map<string, { issuedAt: number; used: boolean }>();
  private readonly oauthCodes = new Map<string, OAuthInstall>();
  private readonly openIdCodes = new Map<string, { userId: string; teamId: string; redirectUri: string }>();
  private readonly dmChannels = new Map<string, string>();
  private readonly responseUrlLog: ResponseUrlPost[] = [];
  private idCounter = 0;
  private lastTsMicros = 0;
  /** Refuses over Slack's per-method and per-channel limits by default, as Slack does. */
  readonly rateLimits = new SlackRateLimits();

  private readonly methods: Record<string, MethodHandler> = {
    'auth.test': (_args, workspace) => this.authTest(workspace),
    'chat.postMessage': (args, workspace) => this.postMessage(args, workspace),
    'chat.update': (args, workspace) => this.updateMessage(args, workspace),
    'chat.postEphemeral': (args, workspace) => this.postEphemeral(args, workspace),
    'chat.getPermalink': (args, workspace) => this.getPermalink(args, workspace),
    'conversations.open': (args, workspace) => this.openConversation(args, workspace),
    'users.info': (args, workspace) => this.userInfo(args, workspace),
    'views.open': (args, workspace) => this.openView(args, workspace),
    'views.push': (args, workspace) => this.openView(args, workspace),
    'views.update': (args, workspace) => this.updateView(args, workspace),
    'views.publish': (args, workspace) => this.publishHomeView(args, workspace),
  };

  constructor(options: SlackEmulatorOptions = {}) {
    super('slack');
    this.clientId = options.clientId ?? 'slack-client-id';
    this.clientSecret = options.clientSecret ?? 'slack-client-secret';
    this.appId = options.appId ?? 'A0EMULATOR';
    this.route('POST', /^\/api\/([\w.]+)$/, (request, [method]) => this.callMethod(method!, request));
    this.route('POST', /^\/hooks\/response\/([^/]+)$/, (request, [id]) => this.receiveResponseUrlPost(id!, request));
  }

  // ---- seeding -------------------------------------------------------------------------------

  registerWorkspace(workspace: {
    teamId: string;
    botToken: string;
    /** The bot scopes the install granted. */
    scopes: readonly string[];
    enterpriseId?: string;
    botUserId?: string;
    teamName?: string;
  }): SlackWorkspace {
    // A reinstall keeps the team's bot identity, so the bot can still edit its older messages.
    const previous = [...this.workspacesByToken.values()].find((candidate) => candidate.teamId === workspace.teamId);
    const registered: SlackWorkspace = {
      teamId: workspace.teamId,
      teamName: workspace.teamName ?? previous?.teamName ?? `Team ${workspace.teamId}`,
      botToken: workspace.botToken,
      botUserId: workspace.botUserId ?? previous?.botUserId ?? this.generateId('U'),
      botId: previous?.botId ?? this.generateId('B'),
      enterpriseId: workspace.enterpriseId,
      scopes: [...workspace.scopes],
      revoked: false,
    };
    this.workspacesByToken.set(workspace.botToken, registered);
    return registered;
  }

  /** What Slack does on uninstall: every bot token of the team now answers token_revoked. */
  revokeWorkspace(teamId: string): void {
    for (const workspace of this.workspacesByToken.values()) {
      if (workspace.teamId === teamId) workspace.revoked = true;
    }
  }

  addUser(user: SlackUser): SlackUser {
    this.users.set(user.id, { ...user });
    return this.users.get(user.id)!;
  }

  /** A channel of the workspace; the bot is in it only when `botIsMember` (it was invited). */
  addChannel(channel: { id: string; teamId: string; name: string; isPrivate?: boolean; isArchived?: boolean; botIsMember?: boolean; memberIds?: string[] }): SlackChannel {
    const added: SlackChannel = {
      id: channel.id,
      teamId: channel.teamId,
      name: channel.name,
      isPrivate: channel.isPrivate ?? false,
      isArchived: channel.isArchived ?? false,
      botIsMember: channel.botIsMember ?? false,
      memberIds: new Set(channel.memberIds ?? []),
    };
    this.channels.set(channelKey(channel.teamId, channel.id), added);
    return added;
  }

  /** A trigger id as Slack puts it in slash-command and interaction payloads. */
  issueTriggerId(): string {
    const triggerId = `${Date.now()}.${randomBytes(4).readUInt32BE()}.${randomBytes(8).toString('hex')}`;
    this.triggerIds.set(triggerId, { issuedAt: Date.now(), used: false });
    return triggerId;
  }

  /**
   * What Slack's consent screen does when the user approves: reads the app's authorize URL
   * (client_id, scope, redirect_uri) and returns the one-time code it appends to the redirect.
   * The token it later exchanges for holds exactly the requested scopes.
   */
  approveInstall(authorizeUrl: string | URL, approval: InstallApproval): string {
    const url = new URL(authorizeUrl);
    if (url.searchParams.get('client_id') !== this.clientId) throw new Error(`Slack's consent screen refuses client_id ${url.searchParams.get('client_id')}`);
    const scope = url.searchParams.get('scope') ?? '';
    if (scope.trim() === '') throw new Error('Slack’s consent screen refuses an install that requests no bot scope');
    return this.issueOAuthCode({ ...approval, scope, redirectUri: url.searchParams.get('redirect_uri') ?? undefined });
  }

  /** A one-time code as Slack appends to the OAuth redirect after the user approves the install. */
  issueOAuthCode(install: OAuthInstall): string {
    const code = `${install.teamId}.${randomBytes(12).toString('hex')}`;
    this.oauthCodes.set(code, { ...install });
    return code;
  }

  /** The one-time code Slack appends to the Sign in with Slack redirect once `userId` of `teamId` signed in. */
  issueOpenIdCode(signIn: { userId: string; teamId: string; redirectUri: string }): string {
    const code = `oidc.${randomBytes(12).toString('hex')}`;
    this.openIdCodes.set(code, { ...signIn });
    return code;
  }

  responseUrlFor(id: string): string {
    return `${this.url}/hooks/response/${encodeURIComponent(id)}`;
  }

  /** Slack's 429 for the next `times` calls of a method. */
  rateLimit(method: string, limit: { retryAfterSeconds: number; times?: number }): void {
    this.injectFault({
      method: 'POST',
      path: new RegExp(`^/api/${method.replace(/\./g, '\\.')}$`),
      times: limit.times ?? 1,
      fault: {
        status: 429,
        headers: { 'retry-after': String(limit.retryAfterSeconds) },
        body: { ok: false, error: 'ratelimited' },
      },
    });
  }

  // ---- inspection ----------------------------------------------------------------------------

  messages(channel?: string): SlackMessage[] {
    return this.storedMessages.filter((message) => channel === undefined || message.channel === channel);
  }

  latestMessage(channel: string): SlackMessage | undefined {
    return this.messages(channel).at(-1);
  }

  ephemeralMessages(userId?: string): SlackEphemeralMessage[] {
    return this.ephemeral.filter((message) => userId === undefined || message.user === userId);
  }

  /** Arguments of every call to a Web API method (JSON fields parsed), including failed ones. */
  calls(method: string): SlackArgs[] {
    return this.requestsTo('POST', new RegExp(`^/api/${method.replace(/\./g, '\\.')}$`)).map(slackArgs);
  }

  /** Modals opened or pushed, in their latest state. */
  views(): SlackView[] {
    return [...this.storedViews.values()];
  }

  /** Every home tab published for a user, oldest first. */
  homeViews(userId: string): SlackView[] {
    return this.publishedHomeViews.get(userId) ?? [];
  }

  responseUrlPosts(id?: string): ResponseUrlPost[] {
    return this.responseUrlLog.filter((post) => id === undefined || post.id === id);
  }

  /** The DM channel conversations.open returns for a user (Slack keeps one per user). */
  directMessageChannel(userId: string): string {
    let channel = this.dmChannels.get(userId);
    if (!channel) {
      channel = this.generateId('D');
      this.dmChannels.set(userId, channel);
    }
    return channel;
  }

  // ---- dispatch ------------------------------------------------------------------------------

  private callMethod(method: string, request: RecordedRequest): EmulatorResponse {
    const args = slackArgs(request);
    try {
      // Sign in with Slack came after the published spec (1.7.0). Its method page
      // (api.slack.com/methods/openid.connect.token) requires the code and, without HTTP Basic, the app's id and secret.
      if (method === 'openid.connect.token') {
        for (const name of ['code', 'client_id', 'client_secret']) {
          if (!optionalString(args, name)) throw new SlackMethodError('invalid_arguments', { response_metadata: { messages: [`[ERROR] missing required field: ${name}`] } });
        }
        return slackAnswer(this.exchangeOpenIdCode(args, request));
      }
      const spec = slackWebApiMethods().get(method);
      if (!spec) throw new SlackMethodError('unknown_method');
      if (method === 'oauth.v2.access') {
        requireArguments(spec, args);
        return slackAnswer(this.exchangeOAuthCode(args, request));
      }
      const handler = this.methods[method];
      // A real method the emulator lacks must fail the test loudly, not pass as unknown_method.
      if (!handler) throw new Error(`The Slack emulator does not implement ${method}`);
      // Slack's order: the token, then its scopes, then the arguments.
      const workspace = this.authenticate(request, args);
      const refusal = this.rateLimits.refusal(method, workspace.teamId, optionalString(args, 'channel'));
      if (refusal) return refusal;
      requireScope(spec, workspace);
      requireArguments(spec, args);
      return slackAnswer(handler(args, workspace));
    } catch (error) {
      if (!(error instanceof SlackMethodError)) throw error;
      return slackAnswer({ ok: false, error: error.code, ...error.extra });
    }
  }

  private authenticate(request: RecordedRequest, args: SlackArgs): SlackWorkspace {
    const token = bearerToken(request) ?? optionalString(args, 'token');
    if (!token) throw new SlackMethodError('not_authed');
    const workspace = this.workspacesByToken.get(token);
    if (!workspace) throw new SlackMethodError('invalid_auth');
    if (workspace.revoked) throw new SlackMethodError('token_revoked');
    return workspace;
  }

  // ---- methods -------------------------------------------------------------------------------

  private authTest(workspace: SlackWorkspace): JsonObject {
    return {
      ok: true,
      url: `https://${workspace.teamId.toLowerCase()}.slack.com/`,
      team: workspace.teamName,
      user: 'followup_bot',
      team_id: workspace.teamId,
      user_id: workspace.botUserId,
      bot_id: workspace.botId,
      is_enterprise_install: false,
      ...(workspace.enterpriseId ? { enterprise_id: workspace.enterpriseId } : {}),
    };
  }

  private postMessage(args: SlackArgs, workspace: SlackWorkspace): JsonObject {
    const channel = this.conversationToPostIn(args, workspace);
    const content = messageContent(args);
    const message: SlackMessage = {
      channel,
      ts: this.nextTs(),
      teamId: workspace.teamId,
      ...content,
      thread_ts: optionalString(args, 'thread_ts'),
      user: workspace.botUserId,
      bot_id: workspace.botId,
    };
    this.storedMessages.push(message);
    return { ok: true, channel, ts: message.ts, message: messageResource(message) };
  }

  private updateMessage(args: SlackArgs, workspace: SlackWorkspace): JsonObject {
    const channel = this.visibleConversation(args, workspace).id;
    const message = this.findMessage(channel, requiredString(args, 'ts'));
    if (message.teamId !== workspace.teamId) throw new SlackMethodError('cant_update_message');
    // chat.update replaces only the content fields that are sent.
    Object.assign(message, messageContent(args), { edited: { user: workspace.botUserId, ts: this.nextTs() } });
    return { ok: true, channel, ts: message.ts, text: message.text ?? '', message: messageResource(message) };
  }

  private postEphemeral(args: SlackArgs, workspace: SlackWorkspace): JsonObject {
    const conversation = this.visibleConversation(args, workspace);
    const channel = conversation.id;
    const user = requiredString(args, 'user');
    if (conversation.isArchived) throw new SlackMethodError('is_archived');
    if (!conversation.memberIds.has(user)) throw new SlackMethodError('user_not_in_channel');
    const { text, blocks } = messageContent(args);
    const message: SlackEphemeralMessage = { channel, user, message_ts: this.nextTs(), teamId: workspace.teamId, text, blocks };
    this.ephemeral.push(message);
    return { ok: true, message_ts: message.message_ts };
  }

  private getPermalink(args: SlackArgs, workspace: SlackWorkspace): JsonObject {
    const channel = this.visibleConversation(args, workspace).id;
    const message = this.findMessage(channel, requiredString(args, 'message_ts'));
    const permalink = `https://${workspace.teamId.toLowerCase()}.slack.com/archives/${channel}/p${message.ts.replace('.', '')}`;
    return { ok: true, channel, permalink };
  }

  private openConversation(args: SlackArgs, workspace: SlackWorkspace): JsonObject {
    const existing = optionalString(args, 'channel');
    if (existing) {
      if (!this.directMessageUser(existing, workspace)) throw new SlackMethodError('channel_not_found');
      return { ok: true, no_op: true, already_open: true, channel: { id: existing } };
    }
    const users = (optionalString(args, 'users') ?? '').split(',').map((user) => user.trim()).filter(Boolean);
    if (users.length === 0) throw new SlackMethodError('users_list_not_supplied');
    if (users.some((user) => !this.workspaceUser(user, workspace))) throw new SlackMethodError('user_not_found');
    const channelId = users.length === 1 ? this.directMessageChannel(users[0]!) : this.generateId('G');
    return { ok: true, channel: { id: channelId } };
  }

  private userInfo(args: SlackArgs, workspace: SlackWorkspace): JsonObject {
    const user = this.workspaceUser(requiredString(args, 'user'), workspace);
    if (!user) throw new SlackMethodError('user_not_found');
    const realName = user.realName ?? user.name;
    const displayName = user.displayName ?? '';
    return {
      ok: true,
      user: {
        id: user.id,
        team_id: user.teamId,
        name: user.name,
        deleted: false,
        real_name: realName,
        tz: user.tz,
        // Slack reports the zone's current offset and long name, e.g. -25200 / "Pacific Daylight Time".
        tz_label: timeZoneLabel(user.tz),
        tz_offset: timeZoneOffsetSeconds(user.tz),
        // docs.slack.dev/reference/methods/users.info: the locale only "if include_locale is true".
        ...(isTrue(args.include_locale) ? { locale: user.locale ?? 'en-US' } : {}),
        is_bot: user.isBot ?? false,
        is_app_user: false,
        updated: Math.floor(Date.now() / 1000),
        profile: {
          real_name: realName,
          real_name_normalized: realName,
          display_name: displayName,
          display_name_normalized: displayName,
          // users:read.email: without it Slack leaves the email out.
          ...(user.email !== undefined && workspace.scopes.includes('users:read.email') ? { email: user.email } : {}),
          team: user.teamId,
        },
      },
    };
  }

  private openView(args: SlackArgs, workspace: SlackWorkspace): JsonObject {
    this.consumeTriggerId(optionalString(args, 'trigger_id') ?? optionalString(args, 'interactivity_pointer'));
    const view = this.storeView(requiredView(args), workspace);
    this.storedViews.set(view.id, view);
    return { ok: true, view };
  }

  private updateView(args: SlackArgs, workspace: SlackWorkspace): JsonObject {
    const viewId = optionalString(args, 'view_id');
    const externalId = optionalString(args, 'external_id');
    const current = [...this.storedViews.values()].find(
      (view) => (viewId !== undefined && view.id === viewId) || (externalId !== undefined && view.external_id === externalId),
    );
    if (!current) throw new SlackMethodError('not_found');
    const hash = optionalString(args, 'hash');
    if (hash !== undefined && hash !== current.hash) throw new SlackMethodError('hash_conflict');
    // views.update replaces the whole view: fields left out (e.g. private_metadata) are reset.
    const updated: SlackView = { ...this.storeView(requiredView(args), workspace), id: current.id, root_view_id: current.root_view_id };
    this.storedViews.set(updated.id, updated);
    return { ok: true, view: updated };
  }

  private publishHomeView(args: SlackArgs, workspace: SlackWorkspace): JsonObject {
    const userId = requiredString(args, 'user_id');
    const content = requiredView(args);
    if (content.type !== 'home') throw new SlackMethodError('invalid_arguments', { response_metadata: { messages: ['[ERROR] must be home [json-pointer:/view/type]'] } });
    const history = this.publishedHomeViews.get(userId) ?? [];
    // A user has one home tab, so its id survives re-publishing.
    const view = { ...this.storeView(content, workspace), id: history[0]?.id ?? this.generateId('V') };
    history.push(view);
    this.publishedHomeViews.set(userId, history);
    return { ok: true, view };
  }

  /** openid.connect.token: the ID token names the user and their workspace in Slack's claims. */
  private exchangeOpenIdCode(args: SlackArgs, request: RecordedRequest): JsonObject {
    this.checkClient(args, request);
    const code = optionalString(args, 'code');
    const grant = code === undefined ? undefined : this.openIdCodes.get(code);
    if (!grant) throw new SlackMethodError('invalid_code');
    this.openIdCodes.delete(code!);
    if (optionalString(args, 'redirect_uri') !== grant.redirectUri) throw new SlackMethodError('bad_redirect_uri');
    const enterpriseId = [...this.workspacesByToken.values()].find((workspace) => workspace.teamId === grant.teamId)?.enterpriseId;
    const claims = {
      iss: 'https://slack.com',
      sub: grant.userId,
      aud: this.clientId,
      'https://slack.com/user_id': grant.userId,
      'https://slack.com/team_id': grant.teamId,
      ...(enterpriseId ? { 'https://slack.com/enterprise_id': enterpriseId } : {}),
    };
    const idToken = [{ alg: 'RS256', typ: 'JWT' }, claims].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.') + '.emulator-signature';
    return { ok: true, access_token: `xoxp-${randomBytes(12).toString('hex')}`, token_type: 'Bearer', id_token: idToken };
  }

  private checkClient(args: SlackArgs, request: RecordedRequest): void {
    const basic = basicCredentials(request);
    const clientId = basic?.username ?? optionalString(args, 'client_id');
    const clientSecret = basic?.password ?? optionalString(args, 'client_secret');
    if (clientId !== this.clientId) throw new SlackMethodError('invalid_client_id');
    if (clientSecret !== this.clientSecret) throw new SlackMethodError('bad_client_secret');
  }

  private exchangeOAuthCode(args: SlackArgs, request: RecordedRequest): JsonObject {
    this.checkClient(args, request);
    const code = optionalString(args, 'code');
    const install = code === undefined ? undefined : this.oauthCodes.get(code);
    if (!install) throw new SlackMethodError('invalid_code');
    if (install.redirectUri !== undefined && optionalString(args, 'redirect_uri') !== install.redirectUri) {
      throw new SlackMethodError('bad_redirect_uri');
    }
    this.oauthCodes.delete(code!);
    const workspace = this.registerWorkspace({
      teamId: install.teamId,
      teamName: install.teamName,
      botToken: install.botToken ?? `xoxb-${randomBytes(6).toString('hex')}-${randomBytes(12).toString('hex')}`,
      scopes: install.scope.split(',').map((scope) => scope.trim()).filter(Boolean),
      enterpriseId: install.enterpriseId,
      botUserId: install.botUserId,
    });
    return {
      ok: true,
      access_token: workspace.botToken,
      token_type: 'bot',
      scope: workspace.scopes.join(','),
      bot_user_id: workspace.botUserId,
      app_id: this.appId,
      team: install.isEnterpriseInstall ? null : { id: install.teamId, name: install.teamName },
      enterprise: install.enterpriseId ? { id: install.enterpriseId, name: install.enterpriseName ?? install.enterpriseId } : null,
      is_enterprise_install: install.isEnterpriseInstall ?? false,
      authed_user: { id: install.installerUserId },
    };
  }

  private receiveResponseUrlPost(id: string, request: RecordedRequest): EmulatorResponse {
    if (!isRecord(request.body)) return { status: 400, body: 'invalid_payload' };
    this.responseUrlLog.push({ id, body: request.body, at: request.at });
    return { status: 200, body: 'ok' };
  }

  // ---- helpers -------------------------------------------------------------------------------

  /**
   * Where chat.postMessage may post (docs.slack.dev/reference/methods/chat.postMessage): a private
   * channel the bot is not in does not exist for it; a public one needs membership or
   * chat:write.public; nothing is posted in an archived channel.
   */
  private conversationToPostIn(args: SlackArgs, workspace: SlackWorkspace): string {
    const conversation = this.visibleConversation(args, workspace);
    if (conversation.isArchived) throw new SlackMethodError('is_archived');
    if (!conversation.botIsMember && !workspace.scopes.includes(POST_IN_ANY_PUBLIC_CHANNEL)) throw new SlackMethodError('not_in_channel');
    return conversation.id;
  }

  /**
   * The conversation named by `channel`, as the bot sees it: the bot's DM with a user (by the DM's
   * id or, as Slack allows, the user's id), or a channel of its workspace that is public or that
   * the bot is in. Anything else is `channel_not_found`, Slack's answer for what a token cannot see.
   */
  private visibleConversation(args: SlackArgs, workspace: SlackWorkspace): Pick<SlackChannel, 'id' | 'isArchived' | 'botIsMember' | 'memberIds'> {
    const id = requiredString(args, 'channel');
    const dmUser = /^[UW][A-Z0-9]+$/.test(id) ? this.workspaceUser(id, workspace) : this.directMessageUser(id, workspace);
    if (dmUser) return { id: this.directMessageChannel(dmUser.id), isArchived: false, botIsMember: true, memberIds: new Set([dmUser.id]) };
    const channel = this.channels.get(channelKey(workspace.teamId, id));
    if (!channel || (channel.isPrivate && !channel.botIsMember)) throw new SlackMethodError('channel_not_found');
    return channel;
  }

  private workspaceUser(userId: string, workspace: SlackWorkspace): SlackUser | undefined {
    const user = this.users.get(userId);
    // A user of another workspace is invisible to this bot token, as in Slack.
    return user?.teamId === workspace.teamId ? user : undefined;
  }

  /** The user at the other end of one of this bot's DMs, if `channelId` is one. */
  private directMessageUser(channelId: string, workspace: SlackWorkspace): SlackUser | undefined {
    const userId = [...this.dmChannels.entries()].find(([, dm]) => dm === channelId)?.[0];
    return userId === undefined ? undefined : this.workspaceUser(userId, workspace);
  }

  private findMessage(channel: string, ts: string): SlackMessage {
    const message = this.storedMessages.find((candidate) => candidate.channel === channel && candidate.ts === ts);
    if (!message) throw new SlackMethodError('message_not_found');
    return message;
  }

  private consumeTriggerId(triggerId: string | undefined): void {
    if (!triggerId) throw new SlackMethodError('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: trigger_id'] } });
    const trigger = this.triggerIds.get(triggerId);
    if (!trigger) throw new SlackMethodError('invalid_trigger_id');
    if (trigger.used) throw new SlackMethodError('exchanged_trigger_id');
    if (Date.now() - trigger.issuedAt > this.triggerIdLifetimeMs) throw new SlackMethodError('expired_trigger_id');
    trigger.used = true;
  }

  private storeView(content: JsonObject, workspace: SlackWorkspace): SlackView {
    const id = this.generateId('V');
    return {
      callback_id: '',
      private_metadata: '',
      external_id: '',
      clear_on_close: false,
      notify_on_close: false,
      ...content,
      id,
      team_id: workspace.teamId,
      type: String(content.type),
      state: { values: {} },
      hash: newViewHash(),
      root_view_id: id,
      previous_view_id: null,
      app_id: this.appId,
      app_installed_team_id: workspace.teamId,
      bot_id: workspace.botId,
    };
  }

  /** Slack ids look like `C0123ABCD`: a type letter then upper-case alphanumerics. */
  private generateId(prefix: string): string {
    this.idCounter += 1;
    return `${prefix}0EMU${this.idCounter.toString(36).toUpperCase().padStart(5, '0')}`;
  }

  /** Message timestamps are unique per channel and increase, like Slack's `seconds.micros`. */
  private nextTs(): string {
    this.lastTsMicros = Math.max(this.lastTsMicros + 1, Date.now() * 1000);
    return `${Math.floor(this.lastTsMicros / 1_000_000)}.${String(this.lastTsMicros % 1_000_000).padStart(6, '0')}`;
  }
}

/** Request arguments the way Slack reads them: form fields with JSON-encoded objects, or a JSON body. */
function slackArgs(request: RecordedRequest): SlackArgs {
  if (!isRecord(request.body)) return {};
  const args: SlackArgs = { ...request.body };
  for (const field of JSON_ENCODED_FIELDS) {
    const value = args[field];
    if (typeof value !== 'string') continue;
    try {
      args[field] = JSON.parse(value) as unknown;
    } catch {
      // Left as a string; the method then reports it as malformed, as Slack does.
    }
  }
  return args;
}

function messageContent(args: SlackArgs): Pick<SlackMessage, 'text' | 'blocks' | 'attachments' | 'metadata'> {
  const text = optionalString(args, 'text');
  const blocks = args.blocks;
  const attachments = args.attachments;
  if (text === undefined && blocks === undefined && attachments === undefined) throw new SlackMethodError('no_text');
  if (text !== undefined && text.length > MAX_MESSAGE_TEXT) throw new SlackMethodError('msg_too_long');
  if (blocks !== undefined) throwBlockKitProblem(messageBlocksProblem(blocks));
  if (attachments !== undefined && !Array.isArray(attachments)) throw new SlackMethodError('invalid_attachments');
  return {
    text,
    blocks: blocks as unknown[] | undefined,
    attachments: attachments as unknown[] | undefined,
    metadata: args.metadata,
  };
}

/** missing_scope as Slack words it: the scopes that would do (any one) and the ones the token has. */
function requireScope(spec: SlackMethodSpec, workspace: SlackWorkspace): void {
  if (spec.scopes.length === 0 || spec.scopes.some((scope) => workspace.scopes.includes(scope))) return;
  throw new SlackMethodError('missing_scope', { needed: spec.scopes.join(','), provided: workspace.scopes.join(',') });
}

function requireArguments(spec: SlackMethodSpec, args: SlackArgs): void {
  for (const name of [...spec.requiredArgs, ...(REQUIRED_BY_DOCS[spec.name] ?? [])]) {
    if (optionalString(args, name)) continue;
    const documented = (MISSING_ARGUMENT_ERRORS[name] ?? []).find((code) => spec.errors.includes(code));
    if (documented) throw new SlackMethodError(documented);
    throw new SlackMethodError('invalid_arguments', { response_metadata: { messages: [`[ERROR] missing required field: ${name}`] } });
  }
}

function requiredView(args: SlackArgs): JsonObject {
  throwBlockKitProblem(viewProblem(args.view));
  return args.view as JsonObject;
}

function throwBlockKitProblem(problem: BlockKitProblem | undefined): void {
  if (problem) throw new SlackMethodError(problem.error, { response_metadata: { messages: [problem.message] } });
}

function messageResource(message: SlackMessage): JsonObject {
  return {
    type: 'message',
    subtype: 'bot_message',
    text: message.text ?? '',
    user: message.user,
    bot_id: message.bot_id,
    ts: message.ts,
    team: message.teamId,
    ...(message.blocks ? { blocks: message.blocks } : {}),
    ...(message.attachments ? { attachments: message.attachments } : {}),
    ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
    ...(message.metadata ? { metadata: message.metadata } : {}),
    ...(message.edited ? { edited: message.edited } : {}),
  };
}

function slackAnswer(body: JsonObject): EmulatorResponse {
  return { status: 200, body };
}

function optionalString(args: SlackArgs, name: string): string | undefined {
  const value = args[name];
  return value === undefined || value === null ? undefined : String(value);
}

/** For arguments requireArguments has already checked. */
function requiredString(args: SlackArgs, name: string): string {
  const value = optionalString(args, name);
  if (!value) throw new Error(`${name} should have been checked against the spec`);
  return value;
}

/** Slack's boolean arguments arrive as `true`/`1` in forms and as booleans in JSON. */
function isTrue(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 1;
}

function channelKey(teamId: string, channelId: string): string {
  return `${teamId}/${channelId}`;
}

function bearerToken(request: RecordedRequest): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
}

function basicCredentials(request: RecordedRequest): { username: string; password: string } | undefined {
  const encoded = /^Basic\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  return { username: decoded.slice(0, separator), password: decoded.slice(separator + 1) };
}

function newViewHash(): string {
  return `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`;
}
