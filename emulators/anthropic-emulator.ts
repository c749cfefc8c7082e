import { randomBytes } from 'node:crypto';
import { HttpEmulator, type EmulatorResponse, type InjectedFault, type RecordedRequest } from './http-emulator';
import { ExtractiveWriter, userText, type JsonSchema } from './anthropic-extractive-writer';
import { isRecord } from './json-values';

/**
 * Anthropic Messages API emulator (`POST /v1/messages`): both SDK generations' auth styles and
 * API versions, forced tool use answered with schema-conforming input, the documented error
 * envelope and the 429 / 529 / spend-limit failures the product must tell apart.
 */
export interface AnthropicEmulatorOptions {
  apiKeys?: string[];
  /** Reported in `anthropic-ratelimit-requests-*` headers (not enforced; use rateLimited()). */
  requestsPerMinute?: number;
}

export interface AnthropicTool {
  name: string;
  description?: string;
  input_schema: JsonSchema;
}

export interface AnthropicMessagesRequest {
  model: string;
  max_tokens: number;
  system?: unknown;
  messages: { role: string; content: unknown }[];
  tools?: AnthropicTool[];
  tool_choice?: { type: 'auto' | 'any' | 'tool' | 'none'; name?: string };
  output_config?: { format?: { type: string; schema?: JsonSchema } };
  [field: string]: unknown;
}

/** Returns the forced tool's input, or the reply text (non-strings are JSON-encoded) otherwise. */
export type AnthropicResponder = (request: AnthropicMessagesRequest) => unknown;

type Reply = { kind: 'responder'; responder: AnthropicResponder } | { kind: 'raw'; body: unknown };

const SUPPORTED_VERSIONS = ['2023-06-01', '2026-10-21'];
const MESSAGES_PATH = /^\/v1\/messages$/;

export class AnthropicEmulator extends HttpEmulator {
  private readonly apiKeys: Set<string>;
  private readonly requestsPerMinute: number;
  private reply?: Reply;
  private counter = 0;
  private readonly rateWindows = new Map<string, { startedAt: number; count: number }>();

  constructor(options: AnthropicEmulatorOptions = {}) {
    super('anthropic');
    this.apiKeys = new Set(options.apiKeys ?? []);
    this.requestsPerMinute = options.requestsPerMinute ?? 50;
    this.route('POST', MESSAGES_PATH, (request) => this.createMessage(request));
  }

  registerApiKey(key: string): void {
    this.apiKeys.add(key);
  }

  /** Replaces the extractive default until useDefaultResponder(). */
  respondWith(responder: AnthropicResponder): void {
    this.reply = { kind: 'responder', responder };
  }

  /** Sends `body` verbatim as the 200 answer, e.g. a tool_use whose input breaks the schema. */
  respondWithRaw(body: unknown): void {
    this.reply = { kind: 'raw', body };
  }

  useDefaultResponder(): void {
    this.reply = undefined;
  }

  /** Parsed bodies of every /v1/messages call, for asserting prompts and tool definitions. */
  messageRequests(): AnthropicMessagesRequest[] {
    return this.requestsTo('POST', MESSAGES_PATH).map((request) => request.body as AnthropicMessagesRequest);
  }

  overloaded(times = 1): void {
    this.failNext(times, () => errorResponse(529, 'overloaded_error', 'Overloaded'));
  }

  rateLimited(times = 1, retryAfterSeconds = 1): void {
    this.failNext(times, () =>
      errorResponse(429, 'rate_limit_error', 'This request would exceed your organization’s rate limit. Please try again later.', {
        'retry-after': String(retryAfterSeconds),
      }),
    );
  }

  /** A spend cap only a human can lift: 429 without retry-after, until clearFaults(). */
  spendLimitReached(): void {
    const response = errorResponse(429, 'rate_limit_error', 'You have reached your specified API usage limits.', {}, {
      error_code: 'enforced_spend_limit_reached',
    });
    this.injectFault({ method: 'POST', path: MESSAGES_PATH, times: Infinity, fault: response });
  }

  private failNext(times: number, fault: () => InjectedFault): void {
    // One fault per attempt so each carries its own request id, as real responses do.
    this.injectFaultSequence({ method: 'POST', path: MESSAGES_PATH }, Array.from({ length: times }, fault));
  }

  private createMessage(request: RecordedRequest): EmulatorResponse {
    const apiKey = request.headers['x-api-key'] ?? /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (typeof apiKey !== 'string' || !this.apiKeys.has(apiKey)) {
      return errorResponse(401, 'authentication_error', apiKey ? 'invalid x-api-key' : 'x-api-key header is required');
    }
    const version = request.headers['anthropic-version'];
    if (typeof version !== 'string') return invalidRequest('anthropic-version: header is required');
    if (!SUPPORTED_VERSIONS.includes(version)) return invalidRequest(`anthropic-version: unsupported version ${version}`);
    const problem = requestProblem(request.body);
    if (problem) return invalidRequest(problem);

    const headers = this.rateLimitHeaders(apiKey);
    if (this.reply?.kind === 'raw') return { status: 200, headers, body: this.reply.body };
    const body = request.body as AnthropicMessagesRequest;
    const content = this.content(body);
    return {
      status: 200,
      headers,
      body: {
        id: `msg_emu${this.nextId()}`,
        type: 'message',
        role: 'assistant',
        model: body.model,
        content,
        stop_reason: content[0]!.type === 'tool_use' ? 'tool_use' : 'end_turn',
        stop_sequence: null,
        usage: {
          input_tokens: estimateTokens(request.rawBody),
          output_tokens: estimateTokens(JSON.stringify(content)),
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          service_tier: 'standard',
        },
        // API 2026-10-21 added these; they are null for a plain message.
        ...(version === '2026-10-21' ? { container: null, stop_details: null } : {}),
      },
    };
  }

  private content(request: AnthropicMessagesRequest): Record<string, unknown>[] {
    const writer = new ExtractiveWriter(userText(request.messages));
    const responder = this.reply?.kind === 'responder' ? this.reply.responder : undefined;
    const tool = forcedTool(request);
    if (tool) {
      const input = responder ? responder(request) : writer.valueFor(tool.input_schema);
      return [{ type: 'tool_use', id: `toolu_emu${this.nextId()}`, name: tool.name, input }];
    }
    const outputSchema = request.output_config?.format?.type === 'json_schema' ? request.output_config.format.schema : undefined;
    const answer = responder ? responder(request) : outputSchema ? writer.valueFor(outputSchema) : writer.textReply();
    return [{ type: 'text', text: typeof answer === 'string' ? answer : JSON.stringify(answer) }];
  }

  private rateLimitHeaders(apiKey: string): Record<string, string> {
    const now = Date.now();
    let window = this.rateWindows.get(apiKey);
    if (!window || now - window.startedAt >= 60_000) {
      window = { startedAt: now, count: 0 };
      this.rateWindows.set(apiKey, window);
    }
    window.count += 1;
    return {
      'request-id': `req_emu${this.nextId()}`,
      'anthropic-ratelimit-requests-limit': String(this.requestsPerMinute),
      'anthropic-ratelimit-requests-remaining': String(Math.max(0, this.requestsPerMinute - window.count)),
      'anthropic-ratelimit-requests-reset': new Date(window.startedAt + 60_000).toISOString(),
    };
  }

  private nextId(): string {
    this.counter += 1;
    return this.counter.toString(36).padStart(20, '0');
  }
}

/** Which tool the request forces: the named one, or the first for `any`. */
function forcedTool(request: AnthropicMessagesRequest): AnthropicTool | undefined {
  const choice = request.tool_choice;
  if (choice?.type === 'tool') return request.tools?.find((tool) => tool.name === choice.name);
  if (choice?.type === 'any') return request.tools?.[0];
  return undefined;
}

function requestProblem(body: unknown): string | undefined {
  if (!isRecord(body)) return 'request body must be a JSON object';
  if (typeof body.model !== 'string' || body.model === '') return 'model: Field required';
  if (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1) return 'max_tokens: Field required';
  if (!Array.isArray(body.messages) || body.messages.length === 0) return 'messages: at least one message is required';
  const choice = body.tool_choice;
  if (isRecord(choice) && choice.type === 'tool') {
    const tools = Array.isArray(body.tools) ? body.tools : [];
    if (!tools.some((tool) => isRecord(tool) && tool.name === choice.name)) return `tool_choice: tool '${String(choice.name)}' not found in tools`;
  }
  if (isRecord(choice) && choice.type === 'any' && !(Array.isArray(body.tools) && body.tools.length > 0)) {
    return 'tool_choice: "any" requires at least one tool';
  }
  return undefined;
}

function invalidRequest(message: string): EmulatorResponse {
  return errorResponse(400, 'invalid_request_error', message);
}

/** The documented envelope: `{ type:'error', error:{ type, message, details? }, request_id }`. */
function errorResponse(status: number, type: string, message: string, headers: Record<string, string> = {}, details?: Record<string, unknown>): EmulatorResponse & InjectedFault {
  const requestId = `req_emu${randomBytes(10).toString('hex')}`;
  return {
    status,
    headers: { 'request-id': requestId, ...headers },
    body: { type: 'error', error: { type, message, ...(details ? { details } : {}) }, request_id: requestId },
  };
}

/** Roughly four characters per token, enough for budget and cost assertions. */
function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
