import { randomBytes } from 'node:crypto';
import { HttpEmulator, type EmulatorResponse, type RecordedRequest } from './http-emulator';
import { isRecord, type JsonObject } from './json-values';
import { timeZoneLabel, timeZoneOffsetSeconds } from './time-zones';
import { messageBlocksProblem, viewProblem, type BlockKitProblem } from './slack-block-kit-limits';

/**
 * Slack Web API emulator: `POST /api/<method>` with form or JSON bodies, bearer bot tokens per
 * workspace, Slack's "HTTP 200 + ok:false" error style, 429 + Retry-After rate limits, trigger-id
 * expiry, OAuth v2 install, Sign in with Slack (OpenID Connect), and a `response_url` receiver.
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
  revoked: boolean;
}

export interface SlackUser {
  id: string;
  teamId: string;
  name: string;
  email?: string;
  /** IANA zone, e.g. America/Los_Angeles. */
  tz: string;
  isBot?: boolean;
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
  scope?: string;
  /** When set, the exchange must send the same redirect_uri (bad_redirect_uri otherwise). */
  redirectUri?: string;
}

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
const DEFAULT_BOT_SCOPE = 'commands,chat:write,im:write,users:read,users:read.email';

export class SlackEmulator extends HttpEmulator {
  /** Slack expires trigger ids about 3 s after issue; tests shorten this to avoid sleeping. */
  triggerIdLifetimeMs = 3000;

  private readonly clientId: string;
  private readonly clientSecret: string;
  private readonly appId: string;
  private readonly workspacesByToken = new Map<string, SlackWorkspace>();
  private readonly users = new Map<string, SlackUser>();
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

  private readonly methods: Record<string, MethodHandler> = {
    'auth.test': (_args, workspace) => this.authTest(workspace),
    'chat.postMessage': (args, workspace) => this.postMessage(args, workspace),
    'chat.update': (args, workspace) => this.updateMessage(args, workspace),
    'chat.postEphemeral': (args, workspace) => this.postEphemeral(args, workspace),
    'chat.getPermalink': (args, workspace) => this.getPermalink(args, workspace),
    'conversations.open': (args) => this.openConversation(args),
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

  registerWorkspace(workspace: { teamId: string; botToken: string; enterpriseId?: string; botUserId?: string; teamName?: string }): SlackWorkspace {
    // A reinstall keeps the team's bot identity, so the bot can still edit its older messages.
    const previous = [...this.workspacesByToken.values()].find((candidate) => candidate.teamId === workspace.teamId);
    const registered: SlackWorkspace = {
      teamId: workspace.teamId,
      teamName: workspace.teamName ?? previous?.teamName ?? `Team ${workspace.teamId}`,
      botToken: workspace.botToken,
      botUserId: workspace.botUserId ?? previous?.botUserId ?? this.generateId('U'),
      botId: previous?.botId ?? this.generateId('B'),
      enterpriseId: workspace.enterpriseId,
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

  addUser(user: { id: string; teamId: string; tz: string; email?: string; name: string; isBot?: boolean }): SlackUser {
    this.users.set(user.id, { ...user });
    return this.users.get(user.id)!;
  }

  /** A trigger id as Slack puts it in slash-command and interaction payloads. */
  issueTriggerId(): string {
    const triggerId = `${Date.now()}.${randomBytes(4).readUInt32BE()}.${randomBytes(8).toString('hex')}`;
    this.triggerIds.set(triggerId, { issuedAt: Date.now(), used: false });
    return triggerId;
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
      if (method === 'oauth.v2.access') return slackAnswer(this.exchangeOAuthCode(args, request));
      if (method === 'openid.connect.token') return slackAnswer(this.exchangeOpenIdCode(args, request));
      const handler = this.methods[method];
      if (!handler) throw new SlackMethodError('unknown_method');
      return slackAnswer(handler(args, this.authenticate(request, args)));
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
    const channel = this.resolveChannel(args);
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
    const channel = this.resolveChannel(args);
    const message = this.findMessage(channel, requiredString(args, 'ts'));
    if (message.teamId !== workspace.teamId) throw new SlackMethodError('cant_update_message');
    // chat.update replaces only the content fields that are sent.
    Object.assign(message, messageContent(args), { edited: { user: workspace.botUserId, ts: this.nextTs() } });
    return { ok: true, channel, ts: message.ts, text: message.text ?? '', message: messageResource(message) };
  }

  private postEphemeral(args: SlackArgs, workspace: SlackWorkspace): JsonObject {
    const channel = this.resolveChannel(args);
    const user = requiredString(args, 'user', 'user_not_in_channel');
    const { text, blocks } = messageContent(args);
    const message: SlackEphemeralMessage = { channel, user, message_ts: this.nextTs(), teamId: workspace.teamId, text, blocks };
    this.ephemeral.push(message);
    return { ok: true, message_ts: message.message_ts };
  }

  private getPermalink(args: SlackArgs, workspace: SlackWorkspace): JsonObject {
    const channel = this.resolveChannel(args);
    const message = this.findMessage(channel, requiredString(args, 'message_ts', 'message_not_found'));
    const permalink = `https://${workspace.teamId.toLowerCase()}.slack.com/archives/${channel}/p${message.ts.replace('.', '')}`;
    return { ok: true, channel, permalink };
  }

  private openConversation(args: SlackArgs): JsonObject {
    const existing = optionalString(args, 'channel');
    if (existing) return { ok: true, no_op: true, already_open: true, channel: { id: existing } };
    const users = (optionalString(args, 'users') ?? '').split(',').map((user) => user.trim()).filter(Boolean);
    if (users.length === 0) throw new SlackMethodError('users_list_not_supplied');
    const malformed = users.find((user) => !/^[UW][A-Z0-9]+$/.test(user));
    if (malformed) throw new SlackMethodError('user_not_found');
    const channelId = users.length === 1 ? this.directMessageChannel(users[0]!) : this.generateId('G');
    return { ok: true, channel: { id: channelId } };
  }

  private userInfo(args: SlackArgs, workspace: SlackWorkspace): JsonObject {
    const user = this.users.get(requiredString(args, 'user', 'user_not_found'));
    // A user of another workspace is invisible to this bot token, as in Slack.
    if (!user || user.teamId !== workspace.teamId) throw new SlackMethodError('user_not_found');
    return {
      ok: true,
      user: {
        id: user.id,
        team_id: user.teamId,
        name: user.name,
        deleted: false,
        real_name: user.name,
        tz: user.tz,
        // Slack reports the zone's current offset and long name, e.g. -25200 / "Pacific Daylight Time".
        tz_label: timeZoneLabel(user.tz),
        tz_offset: timeZoneOffsetSeconds(user.tz),
        is_bot: user.isBot ?? false,
        is_app_user: false,
        updated: Math.floor(Date.now() / 1000),
        profile: { real_name: user.name, display_name: user.name, email: user.email, team: user.teamId },
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
    const userId = requiredString(args, 'user_id', 'invalid_arguments');
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
      enterpriseId: install.enterpriseId,
      botUserId: install.botUserId,
    });
    return {
      ok: true,
      access_token: workspace.botToken,
      token_type: 'bot',
      scope: install.scope ?? DEFAULT_BOT_SCOPE,
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

  /** Posting to a user id lands in the bot's DM with that user, as in Slack. */
  private resolveChannel(args: SlackArgs): string {
    const channel = requiredString(args, 'channel', 'channel_not_found');
    return /^[UW][A-Z0-9]+$/.test(channel) ? this.directMessageChannel(channel) : channel;
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

function requiredString(args: SlackArgs, name: string, missingError = 'invalid_arguments'): string {
  const value = optionalString(args, name);
  if (!value) throw new SlackMethodError(missingError);
  return value;
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
