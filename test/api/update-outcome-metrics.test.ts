import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { rejectionReasonOf } from '../../api/meetings/update-outcome-metrics';

describe('rejected clicks counted by reason', () => {
  it('gives every refusal the workflow can answer a named reason, never the sentence itself', () => {
    const rules = fs.readFileSync(path.resolve(__dirname, '../../workflows/meeting-rules.ts'), 'utf8');
    const sentences = [...rules.matchAll(/throw new Error\(['`]([^'`]+)['`]\)/g)].map((match) => match[1]!);
    assert.ok(sentences.length >= 20, `only ${sentences.length} refusals found in meeting-rules.ts`);
    for (const sentence of sentences) assert.notEqual(rejectionReasonOf(sentence), 'other', `"${sentence}" has no reason`);
    assert.equal(rejectionReasonOf('This follow-up is closed or no longer exists.'), 'meeting-closed');
    assert.equal(rejectionReasonOf('That is already done.'), 'already-handled');
    assert.equal(rejectionReasonOf('Only the rep who recorded this meeting (or a workspace admin) can do that.'), 'not-permitted');
    assert.equal(rejectionReasonOf('Something new nobody mapped'), 'other');
  });
});
