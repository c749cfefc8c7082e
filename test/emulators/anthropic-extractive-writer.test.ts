import assert from 'node:assert/strict';
import { buildFollowUpPrompt } from '../../clients/follow-up-prompt';
import { followUpTool } from '../../clients/follow-up-tool';
import type { FollowUpRequest } from '../../clients/follow-up-writer';
import { ExtractiveWriter, userText } from '../../emulators/anthropic-extractive-writer';

const transcript = 'Summarise the call below.\nJohn Smith: We need this live before Q3.\nPriya Patel (00:01:10): Budget is fifty thousand for a pilot.';

describe('ExtractiveWriter', () => {
  it('quotes transcript sentences, not the prompt’s instructions', () => {
    const writer = new ExtractiveWriter(transcript);
    assert.equal(writer.textReply(), '[emulated] We need this live before Q3. Budget is fifty thousand for a pilot.');
  });

  it('fills the follow-up tool from what was said in the meeting, never from the app’s own prompt lines', () => {
    const meeting: FollowUpRequest = {
      title: 'Rinnovo contratto Acme',
      startedAt: '2026-11-30T09:00:00Z',
      meetingLanguage: 'it',
      languageSetting: 'it',
      tone: 'friendly',
      repName: 'Giulia Rossi',
      companyName: 'Vendita Srl',
      externalAttendees: [{ name: 'Marco Bianchi', email: 'marco@acme.it' }],
      transcript: [
        { speaker: 'Marco Bianchi', timestamp: '00:00:10', text: 'Abbiamo bisogno di un CRM entro marzo.' },
        { speaker: 'Giulia Rossi', timestamp: '00:01:00', text: 'Le mando la proposta per il pilota venerdì prossimo.' },
        { speaker: 'Marco Bianchi', timestamp: '00:02:30', text: 'Il budget approvato è di ventimila euro.' },
      ],
      tenantId: '00000000-0000-0000-0000-000000000000',
    };
    const prompt = buildFollowUpPrompt(meeting, 100_000);
    assert.match(prompt.userMessage, /Write every field in Italian/, 'the request does carry the instruction');

    const draft = new ExtractiveWriter(userText([{ role: 'user', content: prompt.userMessage }])).valueFor(followUpTool.input_schema);
    const quoted = JSON.stringify(draft).match(/\[emulated\] [^"]*/g) ?? [];
    assert.ok(quoted.length > 0);
    const said = meeting.transcript.map((line) => line.text);
    for (const text of quoted) {
      for (const sentence of text.replace('[emulated] ', '').split(/(?<=[.!?]) /)) {
        assert.ok(said.some((line) => line.startsWith(sentence) || line.includes(sentence)), `"${sentence}" was not said in the meeting`);
      }
    }
  });

  it('satisfies $ref, anyOf, nullable types, bounds and string lengths', () => {
    const schema = {
      type: 'object',
      $defs: { Step: { type: 'object', properties: { title: { type: 'string', minLength: 60 } } } },
      properties: {
        step: { $ref: '#/$defs/Step' },
        note: { type: ['string', 'null'], maxLength: 12 },
        choice: { anyOf: [{ type: 'null' }, { type: 'integer', exclusiveMinimum: 5 }] },
        due: { type: 'string', format: 'date' },
        score: { type: 'number', maximum: 0.5 },
        tags: { type: 'array', items: { type: 'string', enum: ['hot', 'cold'] }, minItems: 3 },
      },
    };
    const value = new ExtractiveWriter(transcript).valueFor(schema) as Record<string, unknown>;

    assert.ok(String((value.step as { title: string }).title).length >= 60);
    assert.equal(value.note, '[emulated] W');
    assert.equal(value.choice, 6);
    assert.match(String(value.due), /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(value.score, 0.5);
    assert.deepEqual(value.tags, ['hot', 'hot', 'hot']);
  });

  it('reads user turns given as strings or text blocks', () => {
    const messages = [
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'ignored' },
      { role: 'user', content: [{ type: 'text', text: 'second' }, { type: 'image', source: {} }] },
    ];
    assert.equal(userText(messages), 'first\nsecond');
  });
});
