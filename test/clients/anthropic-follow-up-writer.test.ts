import assert from 'node:assert/strict';
import { InProcessRateLimitStore } from '../../clients/in-process-rate-limit-store';
import { withRateLimitHolder } from '../../clients/rate-limit-holder';
import type { RateLimitStore } from '../../clients/rate-limit-store';
import { createAnthropicFollowUpWriter, defaultFollowUpModel } from '../../clients/anthropic-follow-up-writer';
import { ExternalServiceError } from '../../domain/service-errors';
import { toRecordedMeeting } from '../../clients/fathom-meeting-mapper';
import { countEmailWords } from '../../clients/follow-up-limits';
import { followUpSystemPrompt } from '../../clients/follow-up-prompt';
import type { FollowUpRequest } from '../../clients/follow-up-writer';
import { estimateTokens } from '../../clients/transcript-budget';
import { AnthropicEmulator } from '../../emulators/anthropic-emulator';
import { sampleMeeting } from '../../emulators/fathom-sample-meeting';

const apiKey = 'sk-ant-test-key';
/** An explicit model, so most tests do not depend on the default. */
const testModel = 'claude-sonnet-4-6';

function requestFor(options: { transcriptLines?: number } & Partial<FollowUpRequest> = {}): FollowUpRequest {
  const { transcriptLines, ...overrides } = options;
  const meeting = toRecordedMeeting(sampleMeeting({}, { transcriptLines }));
  return {
    title: meeting.title,
    startedAt: meeting.startedAt,
    meetingLanguage: meeting.language,
    languageSetting: 'auto',
    tone: 'professional',
    repName: 'Alice Johnson',
    companyName: 'Acme',
    externalAttendees: meeting.attendees.filter((attendee) => attendee.external).map(({ name, email }) => ({ name, email })),
    transcript: meeting.transcript,
    tenantId: 'tenant-42',
    ...overrides,
  };
}

const words = (count: number) => Array.from({ length: count }, (_, index) => `word${index}`).join(' ');

function validToolInput(): Record<string, unknown> {
  return {
    language: 'en',
    summary: 'Client Inc wants every sales call logged in HubSpot within an hour, live before Q3.',
    next_steps: ['Alice: send the security questionnaire answers', 'Alice: send a pilot proposal with partner-team pricing'],
    insights: {
      tech_stack: 'HubSpot for forty reps; spreadsheets for the ten partner reps.',
      pain_points: 'Follow-up emails are written by hand; the CRM is a week behind.',
      impact: 'Leadership cannot trust pipeline numbers.',
      next_steps: 'Proposal and security answers from Alice; follow-up call next Tuesday.',
      roadblocks: 'VP of Sales sign-off; security review of call data storage.',
    },
    follow_up: { agreed: true, local_date_time: '2026-12-08T15:00', phrase: 'next Tuesday afternoon' },
    email_subject: 'Pilot proposal and next steps',
    email_html: '<p>Hi John, Priya,</p><p>Thank you for your time today.</p><ul><li>Live <b>before Q3</b></li></ul><p>Best regards,<br>Alice</p>',
    crm_note: 'Discovery call with Client Inc.\nNeeds: calls logged within an hour.',
  };
}

async function rejection(promise: Promise<unknown>): Promise<ExternalServiceError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ExternalServiceError, `expected ExternalServiceError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

describe('Anthropic follow-up writer', () => {
  let emulator: AnthropicEmulator;

  before(async () => {
    emulator = new AnthropicEmulator({ apiKeys: [apiKey] });
    await emulator.start();
  });

  after(async () => {
    await emulator.stop();
  });

  afterEach(() => {
    emulator.clearFaults();
    emulator.useDefaultResponder();
    emulator.requests.length = 0;
  });

  function writer(options: { maxInputTokens?: number; apiKey?: string; model?: string; rateLimits?: RateLimitStore } = {}) {
    return createAnthropicFollowUpWriter({
      apiKey: options.apiKey ?? apiKey,
      baseURL: emulator.url,
      model: 'model' in options ? options.model : testModel,
      maxInputTokens: options.maxInputTokens,
      // Each test its own buckets: a 429 in one test must not pause the next.
      rateLimits: options.rateLimits ?? new InProcessRateLimitStore(),
    });
  }

  it('forces the record_follow_up tool and returns the validated draft', async () => {
    emulator.respondWith(() => validToolInput());
    const draft = await writer().write(requestFor());

    assert.equal(draft.generator, 'claude');
    assert.equal(draft.model, testModel);
    assert.equal(draft.promptVersion, 'follow-up.v2');
    assert.equal(draft.language, 'en');
    assert.equal(draft.summary, validToolInput().summary);
    assert.deepEqual(draft.nextSteps, validToolInput().next_steps);
    assert.equal(draft.insights.techStack, 'HubSpot for forty reps; spreadsheets for the ten partner reps.');
    assert.deepEqual(draft.followUp, { agreed: true, localDateTime: '2026-12-08T15:00', phrase: 'next Tuesday afternoon' });
    assert.equal(draft.emailHtml, validToolInput().email_html);
    assert.ok(draft.tokensUsed > 0);

    const [sent] = emulator.messageRequests();
    assert.deepEqual(sent!.tool_choice, { type: 'tool', name: 'record_follow_up' });
    assert.equal(sent!.tools!.length, 1);
    assert.equal(sent!.tools![0]!.name, 'record_follow_up');
    assert.equal(sent!.system, followUpSystemPrompt);
    assert.equal('temperature' in sent!, false);
    assert.deepEqual(sent!.metadata, { user_id: 'tenant-42' });
    const userMessage = sent!.messages[0]!.content as string;
    assert.match(userMessage, /Rep \(the email is from them\): Alice Johnson, Acme/);
    assert.match(userMessage, /John Smith <john\.smith@client\.com>/);
    assert.match(userMessage, /Write every field in English \(en\)/);
    assert.match(userMessage, /Transcript: complete, 24 lines\./);
    assert.match(userMessage, /\[00:00:05\] John Smith: Right now our reps/);

    const headers = emulator.requests[0]!.headers;
    assert.equal(headers.authorization, `Bearer ${apiKey}`);
    assert.equal(headers['anthropic-version'], '2026-10-21');
  });

  it('uses the default model unless told otherwise', async () => {
    emulator.respondWith(() => validToolInput());
    await writer({ model: undefined }).write(requestFor());
    assert.equal(emulator.messageRequests()[0]!.model, defaultFollowUpModel);
  });

  it('enforces the limits on an over-long answer: email cut to 200 words, tags sanitised', async () => {
    emulator.respondWith(() => ({
      ...validToolInput(),
      summary: `${words(200)} end`,
      next_steps: Array.from({ length: 9 }, (_, index) => `Step ${index}`),
      email_subject: `Subject ${words(40)}`,
      email_html: `<p style="color:red">Hi <strong>John</strong>,</p><script>alert(1)</script><ul><li><a href="https://x">${words(150)}</a></li><li>${words(150)}</li></ul><p>Best regards</p>`,
      crm_note: words(1000),
    }));
    const draft = await writer().write(requestFor());

    assert.ok(draft.summary.length <= 600 && draft.summary.endsWith('…'));
    assert.equal(draft.nextSteps.length, 6);
    assert.ok(draft.emailSubject.length <= 120);
    assert.ok(draft.crmNote.length <= 3000);
    assert.ok(countEmailWords(draft.emailHtml) <= 200, `${countEmailWords(draft.emailHtml)} words`);
    assert.match(draft.emailHtml, /^<p>Hi <b>John<\/b>,<\/p><ul><li>word0 /);
    assert.match(draft.emailHtml, /…<\/li><\/ul>$/);
    assert.doesNotMatch(draft.emailHtml, /script|alert|href|style|<a/);
  });

  it('states the language: the workspace setting overrides the meeting, and auto without one asks to detect', async () => {
    emulator.respondWith(() => ({ ...validToolInput(), language: 'de' }));
    const draft = await writer().write(requestFor({ languageSetting: 'de' }));
    assert.equal(draft.language, 'de');
    assert.match(emulator.messageRequests()[0]!.messages[0]!.content as string, /Write every field in German \(de\): the workspace requires/);

    await writer().write(requestFor({ meetingLanguage: null }));
    assert.match(emulator.messageRequests()[1]!.messages[0]!.content as string, /Detect the language most of the transcript is spoken in/);
  });

  it('never hard-codes a persona: the rep and company come from the request', async () => {
    emulator.respondWith(() => validToolInput());
    await writer().write(requestFor({ repName: null, companyName: null, tone: 'friendly' }));
    const message = emulator.messageRequests()[0]!.messages[0]!.content as string;
    assert.match(message, /Rep \(the email is from them\): name unknown, company not given/);
    assert.match(message, /Tone of the email: friendly/);
    assert.doesNotMatch(followUpSystemPrompt + message, /Lorenzo|Crono/);
  });

  it('trims a 2-hour transcript to the input budget, keeping its beginning and end', async () => {
    emulator.respondWith(() => validToolInput());
    const request = requestFor({ transcriptLines: 1440 });
    const maxInputTokens = 12_000;
    assert.ok(estimateTokens(request.transcript.map((line) => line.text).join('\n')) > 2 * maxInputTokens);

    await writer({ maxInputTokens }).write(request);

    const sent = emulator.messageRequests()[0]!;
    const userMessage = sent.messages[0]!.content as string;
    const estimated = estimateTokens(sent.system as string) + estimateTokens(JSON.stringify(sent.tools)) + estimateTokens(userMessage);
    assert.ok(estimated <= maxInputTokens, `estimated ${estimated} tokens`);
    // The emulator counts the whole JSON body (with escaping) at four characters per token.
    assert.ok(estimateTokens(emulator.requests[0]!.rawBody) <= maxInputTokens, `body ${estimateTokens(emulator.requests[0]!.rawBody)} tokens`);

    const omitted = /\[… (\d+) lines omitted …\]/.exec(userMessage);
    assert.ok(omitted, 'marker present');
    assert.match(userMessage, new RegExp(`Transcript: shortened to fit the input limit\\. The first \\d+ and the last \\d+ of 1440 lines are shown; the ${omitted[1]} lines`));
    const first = request.transcript[0]!;
    const last = request.transcript.at(-1)!;
    assert.ok(userMessage.includes(`[${first.timestamp}] ${first.speaker}: ${first.text}`));
    assert.ok(userMessage.includes(`[${last.timestamp}] ${last.speaker}: ${last.text}`));
    const keptLines = userMessage.split('\n').filter((line) => /^\[\d\d:\d\d:\d\d\]/.test(line)).length;
    assert.equal(keptLines + Number(omitted[1]), 1440);
  });

  it('leaves a transcript that fits untouched', async () => {
    emulator.respondWith(() => validToolInput());
    await writer().write(requestFor({ transcriptLines: 1440 }));
    assert.doesNotMatch(emulator.messageRequests()[0]!.messages[0]!.content as string, /lines omitted/);
  });

  it('rejects malformed tool input as non-retryable invalid, naming the problem', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...validToolInput(), next_steps: 'call them' }, /next_steps must be an array/],
      [{ ...validToolInput(), insights: { tech_stack: 'x' } }, /insights\.pain_points is missing/],
      [{ ...validToolInput(), follow_up: { agreed: 'yes' } }, /follow_up\.agreed must be a boolean/],
      [{ ...validToolInput(), language: 'English' }, /language must match/],
      [{ ...validToolInput(), follow_up: { agreed: true, local_date_time: 'next Tuesday' } }, /local_date_time must match/],
      [{ ...validToolInput(), summary: '   ' }, /summary must not be empty/],
    ];
    for (const [input, problem] of cases) {
      emulator.respondWith(() => input);
      const error = await rejection(writer().write(requestFor()));
      assert.equal(error.kind, 'invalid');
      assert.equal(error.retryable, false);
      assert.match(error.detail!, problem);
    }
  });

  it('accepts null for optional fields', async () => {
    emulator.respondWith(() => ({ ...validToolInput(), follow_up: { agreed: false, local_date_time: null, phrase: null } }));
    const draft = await writer().write(requestFor());
    assert.deepEqual(draft.followUp, { agreed: false });
  });

  it('rejects an answer without the tool call, and a refusal, as invalid', async () => {
    const message = (content: unknown[], stopReason: string) => ({
      id: 'msg_1', type: 'message', role: 'assistant', model: testModel, content, stop_reason: stopReason, stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 5 },
    });
    emulator.respondWithRaw(message([{ type: 'text', text: 'Subject: Hi\n\n<p>Body</p>' }], 'end_turn'));
    let error = await rejection(writer().write(requestFor()));
    assert.equal(error.kind, 'invalid');
    assert.match(error.detail!, /no record_follow_up tool call/);

    emulator.respondWithRaw(message([], 'refusal'));
    error = await rejection(writer().write(requestFor()));
    assert.equal(error.kind, 'invalid');
    assert.match(error.userMessage, /declined/);

    emulator.respondWithRaw(message([{ type: 'tool_use', id: 'toolu_1', name: 'record_follow_up', input: { language: 'en' } }], 'max_tokens'));
    error = await rejection(writer().write(requestFor()));
    assert.match(error.detail!, /cut off/);
  });

  it('maps 529 overloaded to retryable without retrying inside the SDK', async () => {
    emulator.overloaded(1);
    const error = await rejection(writer().write(requestFor()));
    assert.equal(error.kind, 'retryable');
    assert.equal(error.status, 529);
    assert.equal(emulator.requests.length, 1);
  });

  it('maps 429 rate_limit_error to retryable with the retry-after delay', async () => {
    emulator.rateLimited(1, 7);
    const error = await rejection(writer().write(requestFor()));
    assert.equal(error.kind, 'retryable');
    assert.equal(error.retryAfterMs, 7_000);
    assert.equal(emulator.requests.length, 1);
  });

  it('after a 429, holds every writer sharing the buckets until the retry-after, without calling Claude', async () => {
    const shared = new InProcessRateLimitStore();
    emulator.rateLimited(1, 7);
    await rejection(writer({ rateLimits: shared }).write(requestFor()));
    const error = await rejection(writer({ rateLimits: shared }).write(requestFor()));
    assert.equal(error.kind, 'retryable');
    assert.ok(error.retryAfterMs! > 5_000 && error.retryAfterMs! <= 7_000, `retry after ${error.retryAfterMs} ms`);
    assert.equal(emulator.requests.length, 1, 'the second writer never reached Claude');
  });

  it('books a tenant’s draft turns ahead: a draft written at its turn goes at once, and a newcomer queues behind the booked ones', async () => {
    let now = 1_000_000;
    const claude = writer({ rateLimits: new InProcessRateLimitStore(() => now) });
    const book = (holder: string) => withRateLimitHolder(holder, () => claude.bookTurn!('tenant-a'));
    // The tenant's share of the stated 50 a minute: 25 a minute, two at once, then one every 2.6 s.
    const turns = [await book('meeting-1'), await book('meeting-2'), await book('meeting-3')];
    assert.deepEqual(turns.slice(0, 2), [0, 0], 'the first two may draft at once');
    assert.ok(turns[2]! > 2_000 && turns[2]! < 3_000, `the third waits for its turn (${turns[2]} ms)`);
    assert.equal(Math.round(await book('meeting-3')), Math.round(turns[2]!), 'booking again (a retried load) keeps the turn');

    now += turns[2]!;
    emulator.respondWith(() => validToolInput());
    await withRateLimitHolder('meeting-3', () => claude.write(requestFor({ tenantId: 'tenant-a' })));
    assert.equal(emulator.requests.length, 1, 'drafted at its turn, not sent away again');
    const newcomer = await rejection(withRateLimitHolder('meeting-4', () => claude.write(requestFor({ tenantId: 'tenant-a' }))));
    assert.equal(newcomer.kind, 'retryable');
    assert.ok(newcomer.retryAfterMs! > 2_000, `the unbooked draft waits behind the booked turns (${newcomer.retryAfterMs} ms)`);
    assert.equal(emulator.requests.length, 1);
  });

  it('maps the spend limit to limit-reached, which is not retried', async () => {
    emulator.spendLimitReached();
    const error = await rejection(writer().write(requestFor()));
    assert.equal(error.kind, 'limit-reached');
    assert.equal(error.retryable, false);
    assert.equal(error.userMessage, 'The AI spending limit for this workspace has been reached.');
  });

  it('maps a rejected API key to invalid with an operator message, never echoing the key', async () => {
    const error = await rejection(writer({ apiKey: 'sk-ant-wrong-secret' }).write(requestFor()));
    assert.equal(error.kind, 'invalid');
    assert.equal(error.userMessage, 'AI drafting is misconfigured (API key rejected); an operator must fix it.');
    assert.ok(!error.message.includes('sk-ant-wrong-secret'));
    assert.ok(!String(error.detail).includes('sk-ant-wrong-secret'));
  });

  it('maps 5xx to retryable and an unreachable server to retryable', async () => {
    emulator.injectFault({ method: 'POST', path: /\/v1\/messages$/, times: 1, fault: { status: 500, body: { type: 'error', error: { type: 'api_error', message: 'Internal' } } } });
    assert.equal((await rejection(writer().write(requestFor()))).kind, 'retryable');

    const unreachable = createAnthropicFollowUpWriter({ apiKey, baseURL: 'http://127.0.0.1:1', model: testModel });
    assert.equal((await rejection(unreachable.write(requestFor()))).kind, 'retryable');
  });

  it('refuses a budget too small for any transcript', () => {
    assert.throws(() => createAnthropicFollowUpWriter({ apiKey, maxInputTokens: 1_000 }), /maxInputTokens/);
  });
});
