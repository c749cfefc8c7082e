import assert from 'node:assert/strict';
import { schemaProblems, type JsonSchema } from '../../clients/json-schema-subset';

describe('JSON schema subset', () => {
  const schema: JsonSchema = {
    type: 'object',
    required: ['name', 'tags'],
    properties: {
      name: { type: 'string', minLength: 1 },
      tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] } },
      code: { type: 'string', pattern: '^[a-z]{2}$' },
      flag: { type: 'boolean' },
    },
  };

  it('accepts a valid value, ignores unknown properties and treats optional nulls as absent', () => {
    assert.deepEqual(schemaProblems({ name: 'x', tags: ['a'], code: 'en', extra: 1, flag: null }, schema), []);
  });

  it('lists every problem with its path', () => {
    assert.deepEqual(schemaProblems({ name: '', tags: ['c', 1], code: 'EN', flag: 'no' }, schema), [
      'input.name must not be empty',
      'input.tags[0] must be one of a, b',
      'input.tags[1] must be a string, got number',
      'input.code must match ^[a-z]{2}$',
      'input.flag must be a boolean, got string',
    ]);
    assert.deepEqual(schemaProblems({ tags: null }, schema), ['input.name is missing', 'input.tags must be an array, got null']);
    assert.deepEqual(schemaProblems([], schema), ['input must be an object, got array']);
  });
});
