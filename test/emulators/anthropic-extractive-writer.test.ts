import assert from 'node:assert/strict';
import { ExtractiveWriter, userText } from '../../emulators/anthropic-extractive-writer';

const transcript = 'Summarise the call below.\nJohn Smith: We need this live before Q3.\nPriya Patel (00:01:10): Budget is fifty thousand for a pilot.';

describe('ExtractiveWriter', () => {
  it('quotes transcript sentences, not the prompt’s instructions', () => {
    const writer = new ExtractiveWriter(transcript);
    assert.equal(writer.textReply(), '[emulated] We need this live before Q3. Budget is fifty thousand for a pilot.');
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
