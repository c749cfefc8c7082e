import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { AnthropicEmulator } from '../../emulators/anthropic-emulator';

const apiKey = 'sk-ant-emulated-test';

const transcript = [
  '[00:00:05] Alice Johnson: Thanks for making the time today, John.',
  '[00:00:12] John Smith: We need this live before Q3, because that is when the new territories start.',
  '[00:00:20] Priya Patel: We have about fifty thousand dollars approved for a pilot.',
].join('\n');

const followUpTool = {
  name: 'emit_followup',
  description: 'Return the structured follow-up',
  input_schema: {
    type: 'object' as const,
    properties: {
      email_subject: { type: 'string', maxLength: 40 },
      email_body: { type: 'string' },
      sentiment: { type: 'string', enum: ['positive', 'neutral', 'negative'] },
      next_meeting_days: { type: 'integer', minimum: 3, maximum: 14 },
      needs_legal_review: { type: 'boolean' },
      contact_email: { type: 'string', format: 'email' },
      action_items: {
        type: 'array',
        maxItems: 1,
        items: { type: 'object', properties: { owner: { type: 'string' }, task: { type: 'string' } }, required: ['owner', 'task'] },
      },
    },
    required: ['email_subject', 'email_body', 'sentiment', 'next_meeting_days', 'action_items'],
  },
};

function forcedToolRequest(): Anthropic.MessageCreateParamsNonStreaming {
  return {
    model: 'claude-sonnet-5-5',
    max_tokens: 1024,
    system: 'You write concise sales follow-ups.',
    messages: [{ role: 'user', content: `Summarise this call. The prospect is john.smith@client.com.\n\nMeeting transcript:\n${transcript}` }],
    tools: [followUpTool],
    tool_choice: { type: 'tool', name: 'emit_followup' },
  };
}

async function apiError(call: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
  const error = await call.then(
    () => assert.fail('expected the call to fail'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof Anthropic.APIError, String(error));
  return error;
}

describe('AnthropicEmulator with @anthropic-ai/sdk', () => {
  let anthropic: AnthropicEmulator;
  let client: Anthropic;

  beforeEach(async () => {
    anthropic = new AnthropicEmulator({ apiKeys: [apiKey] });
    await anthropic.start();
    client = new Anthropic({ apiKey, baseURL: anthropic.url, maxRetries: 0 });
  });

  afterEach(() => anthropic.stop());

  it('answers a forced tool with input that conforms to the tool schema, built from the transcript', async () => {
    const { data: message, response } = await client.messages.create(forcedToolRequest()).withResponse();

    assert.equal(message.stop_reason, 'tool_use');
    assert.equal(message.model, 'claude-sonnet-5-5');
    assert.match(message.id, /^msg_/);
    assert.ok(message.usage.input_tokens > 0 && message.usage.output_tokens > 0);
    const block = message.content[0]!;
    assert.equal(block.type, 'tool_use');
    assert.ok(block.type === 'tool_use');
    assert.equal(block.name, 'emit_followup');
    const input = block.input as Record<string, unknown>;
    assert.ok(String(input.email_subject).length <= 40);
    assert.match(String(input.email_subject), /^\[emulated\] /);
    assert.match(String(input.email_body), /^\[emulated\] .*(territories|pilot|time today)/);
    assert.equal(input.sentiment, 'positive');
    assert.equal(input.next_meeting_days, 3);
    assert.equal(input.needs_legal_review, false);
    assert.equal(input.contact_email, 'john.smith@client.com');
    assert.equal((input.action_items as unknown[]).length, 1);
    assert.deepEqual(Object.keys((input.action_items as Record<string, unknown>[])[0]!), ['owner', 'task']);

    assert.equal(response.headers.get('anthropic-ratelimit-requests-limit'), '50');
    assert.equal(response.headers.get('anthropic-ratelimit-requests-remaining'), '49');
    assert.ok(response.headers.get('request-id'));
    // SDK 1.x authenticates with a bearer token and API version 2026-10-21.
    assert.equal(anthropic.requests[0]!.headers.authorization, `Bearer ${apiKey}`);
    assert.equal(anthropic.requests[0]!.headers['anthropic-version'], '2026-10-21');
    assert.equal(anthropic.messageRequests()[0]!.tool_choice?.name, 'emit_followup');
  });

  it('answers in text when no tool is forced', async () => {
    const message = await client.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 200, messages: [{ role: 'user', content: transcript }] });
    assert.equal(message.stop_reason, 'end_turn');
    const block = message.content[0]!;
    assert.ok(block.type === 'text');
    assert.match(block.text, /^\[emulated\] Thanks for making the time today, John\./);
  });

  it('accepts the 0.x style x-api-key header with version 2023-06-01', async () => {
    const response = await fetch(`${anthropic.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': apiKey, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify(forcedToolRequest()),
    });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { content: { type: string }[] };
    assert.equal(body.content[0]!.type, 'tool_use');
  });

  it('lets tests script the answer, or send a malformed one verbatim', async () => {
    anthropic.respondWith((request) => ({ email_subject: `Re: ${request.model}` }));
    const scripted = await client.messages.create(forcedToolRequest());
    assert.deepEqual((scripted.content[0] as Anthropic.ToolUseBlock).input, { email_subject: 'Re: claude-sonnet-5-5' });

    anthropic.respondWithRaw({
      id: 'msg_raw', type: 'message', role: 'assistant', model: 'claude-sonnet-5-5', stop_reason: 'tool_use', stop_sequence: null,
      content: [{ type: 'tool_use', id: 'toolu_raw', name: 'emit_followup', input: { email_subject: 42 } }],
      usage: { input_tokens: 1, output_tokens: 1 },
    });
    const malformed = await client.messages.create(forcedToolRequest());
    assert.deepEqual((malformed.content[0] as Anthropic.ToolUseBlock).input, { email_subject: 42 });

    anthropic.useDefaultResponder();
    const restored = (await client.messages.create(forcedToolRequest())).content[0] as Anthropic.ToolUseBlock;
    assert.match(String((restored.input as Record<string, unknown>).email_subject), /^\[emulated\] /);
  });

  it('rejects an unknown key with the documented authentication_error envelope', async () => {
    const stranger = new Anthropic({ apiKey: 'sk-ant-unknown', baseURL: anthropic.url, maxRetries: 0 });
    const error = await apiError(stranger.messages.create(forcedToolRequest()));
    assert.ok(error instanceof Anthropic.AuthenticationError);
    assert.equal(error.status, 401);
    assert.equal(error.type, 'authentication_error');
    assert.match(String(error.requestID), /^req_/);
    assert.deepEqual(Object.keys(error.error as object), ['type', 'error', 'request_id']);
  });

  it('reports request mistakes as invalid_request_error', async () => {
    const request = { ...forcedToolRequest(), tool_choice: { type: 'tool' as const, name: 'missing_tool' } };
    const error = await apiError(client.messages.create(request));
    assert.ok(error instanceof Anthropic.BadRequestError);
    assert.equal(error.type, 'invalid_request_error');
  });

  it('returns 529 overloaded_error, which the SDK retries', async () => {
    anthropic.overloaded(1);
    const error = await apiError(client.messages.create(forcedToolRequest()));
    assert.ok(error instanceof Anthropic.OverloadedError);
    assert.equal(error.status, 529);
    assert.equal(error.type, 'overloaded_error');

    anthropic.overloaded(1);
    const retrying = new Anthropic({ apiKey, baseURL: anthropic.url, maxRetries: 1 });
    assert.equal((await retrying.messages.create(forcedToolRequest())).stop_reason, 'tool_use');
  });

  it('returns 429 rate_limit_error with retry-after', async () => {
    anthropic.rateLimited(1, 7);
    const error = await apiError(client.messages.create(forcedToolRequest()));
    assert.ok(error instanceof Anthropic.RateLimitError);
    assert.equal(error.headers?.get('retry-after'), '7');
    assert.equal(error.errorCode, null);
  });

  it('returns the spend-limit 429 without retry-after until faults are cleared', async () => {
    anthropic.spendLimitReached();
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const error = await apiError(client.messages.create(forcedToolRequest()));
      assert.ok(error instanceof Anthropic.RateLimitError);
      assert.equal(error.errorCode, 'enforced_spend_limit_reached');
      assert.equal(error.headers?.get('retry-after'), null);
    }
    anthropic.clearFaults();
    assert.equal((await client.messages.create(forcedToolRequest())).stop_reason, 'tool_use');
  });
});
