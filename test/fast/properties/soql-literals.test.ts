import assert from 'node:assert/strict';
import fc from 'fast-check';
import { soqlContainsPattern, soqlString } from '../../../clients/crm/soql';
import { parseSoql, runSoql } from '../../../emulators/salesforce-soql';
import { hostileText } from './hostile-text';

/**
 * SOQL literals built from untrusted text (a name typed by a rep, a domain from an email): whatever
 * the text, the literal ends where the query builder meant it to, and says exactly that text.
 */
describe('SOQL literals (property)', () => {
  const runs = { numRuns: 300, seed: 16_5 };

  it('a string literal never ends early and reads back as the value', () => {
    fc.assert(
      fc.property(hostileText(), (value) => {
        const suffix = ' ORDER BY Name LIMIT 5';
        const query = `SELECT Id FROM Account WHERE Id = ${soqlString(value)}${suffix}`;
        const literal = readStringLiteral(query, query.indexOf("= '") + 2);
        assert.equal(query.slice(literal.end), suffix, 'nothing after the literal but the builder’s own text');
        assert.equal(unescapeSoql(literal.raw), value);
      }),
      runs,
    );
  });

  it('a contains pattern matches its value literally, wildcards and quotes included', () => {
    fc.assert(
      fc.property(hostileText(), fc.string(), (value, other) => {
        const suffix = ' ORDER BY Name LIMIT 10';
        const query = `SELECT Id, Name FROM Account WHERE Name LIKE ${soqlContainsPattern(value)}${suffix}`;
        const literal = readStringLiteral(query, query.indexOf("LIKE '") + 5);
        assert.equal(query.slice(literal.end), suffix);
        // The emulator runs LIKE as Salesforce does: the row holding the value (inside any text) matches.
        const rows = [{ Id: '1', Name: `${other}${value}${other}` }];
        assert.equal(runSoql(parseSoql(query), rows, ['Id', 'Name']).length, 1);
        // And a % or _ in the value is no wildcard: a row lacking the value's literal text does not match.
        if (/[%_]/.test(value)) {
          const withoutWildcards = value.replace(/[%_]/g, '');
          if (!withoutWildcards.toLowerCase().includes(value.toLowerCase())) {
            assert.equal(runSoql(parseSoql(query), [{ Id: '2', Name: withoutWildcards }], ['Id', 'Name']).length, 0);
          }
        }
      }),
      runs,
    );
  });
});

/** The raw text of the single-quoted literal opening at `start`, backslash escapes intact. */
function readStringLiteral(query: string, start: number): { raw: string; end: number } {
  assert.equal(query[start], "'", 'a literal opens here');
  for (let index = start + 1; index < query.length; index += 1) {
    if (query[index] === '\\') index += 1;
    else if (query[index] === "'") return { raw: query.slice(start + 1, index), end: index + 1 };
  }
  assert.fail('the literal never closes');
}

const soqlEscapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };

function unescapeSoql(raw: string): string {
  return raw.replace(/\\([\s\S])/g, (_match, char: string) => soqlEscapes[char] ?? char);
}
