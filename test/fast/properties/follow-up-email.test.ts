import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildFollowUpMessage } from '../../../clients/google/follow-up-message';
import { draftRecipients } from '../../../clients/google/gmail-drafts';
import { ExternalServiceError } from '../../../domain/service-errors';
import { parseRfc822 } from '../../../emulators/rfc822-message';
import { hostileText, wellFormed } from './hostile-text';

/**
 * The Gmail draft's MIME message, whatever the subject, recipients and body: no header can be
 * injected, every line stays within RFC 5322's 998 characters, and the message parses back to
 * the same headers and bodies.
 */
describe('follow-up email message (property)', () => {
  const runs = { numRuns: 200, seed: 16_2 };
  const address = fc.oneof(
    fc.emailAddress(),
    hostileText({ maxLength: 4 }),
    fc.tuple(hostileText({ maxLength: 3 }), fc.emailAddress()).map(([name, email]) => `${name} <${email}>`),
    fc.tuple(fc.emailAddress(), hostileText({ maxLength: 3 })).map(([email, tail]) => `${email}${tail}`),
  );
  // Long subjects are built by repetition: fast-check shrinks the count quickly, not 3000 characters.
  const long = (unit: fc.Arbitrary<string>) => fc.tuple(unit, fc.integer({ min: 0, max: 3000 })).map(([text, count]) => text.repeat(count));
  const subject = fc.oneof(hostileText(), long(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 })), long(fc.constantFrom('a', 'Follow up ', '=?', '👍 ')));

  it('carries exactly its own headers, and reads back as what was asked for', () => {
    fc.assert(
      fc.property(fc.array(address, { minLength: 1, maxLength: 4 }), subject, hostileText(), (to, subjectText, html) => {
        let recipients: string[];
        try {
          recipients = draftRecipients(to);
        } catch (error) {
          // Refused addresses are the rep's to fix, with a clear message; never a broken message.
          assert.ok(error instanceof ExternalServiceError && error.kind === 'invalid', String(error));
          return;
        }
        const raw = buildFollowUpMessage({ to: recipients, subject: subjectText, html, messageId: '<followup-1@acme.example>', boundary: 'followup-alternative-1' });

        assert.doesNotMatch(raw, /\r(?!\n)|(?<!\r)\n/, 'every line ends in CRLF, no bare CR or LF');
        for (const line of raw.split('\r\n')) assert.ok(Buffer.byteLength(line, 'utf8') <= 998, `line of ${line.length} characters`);

        const parsed = parseRfc822(raw);
        const names = parsed.root.headers.map((header) => header.name.toLowerCase());
        assert.deepEqual(names, ['to', 'subject', 'message-id', 'mime-version', 'content-type']);
        assert.deepEqual(parsed.to, recipients.map((recipient) => recipient.toLowerCase()));
        sameText(parsed.subject, wellFormed(subjectText.replace(/[\r\n]+/g, ' ')).trim(), 'subject');
        assert.equal(parsed.messageId, '<followup-1@acme.example>');
        sameText(parsed.htmlBody, wellFormed(html), 'HTML body');
      }),
      runs,
    );
  });
});

describe('follow-up email message: counterexamples the property found', () => {
  const build = (subject: string, to = ['a@b.com']) => buildFollowUpMessage({ to, subject, html: '<p>x</p>', messageId: '<m@b.com>', boundary: 'b1' });

  it('encodes an ASCII subject too long for one header line', () => {
    const subject = 'a'.repeat(1112);
    const raw = build(subject);
    assert.ok(raw.split('\r\n').every((line) => line.length <= 998));
    assert.equal(parseRfc822(raw).subject, subject);
  });

  it('encodes an ASCII subject that looks like an encoded word, so it reads back as typed', () => {
    assert.equal(parseRfc822(build('Re: =?UTF-8?B?SGk=?=')).subject, 'Re: =?UTF-8?B?SGk=?=');
  });

  it('refuses a recipient that is not a bare address', () => {
    for (const address of ['a@a.aa=?UTF-8?B?SGk=?=', 'x@[127.0.0.1]', 'x@evil.com>', 'a@b.c,d@e.f']) {
      assert.throws(() => draftRecipients([address]), (error: unknown) => error instanceof ExternalServiceError && error.kind === 'invalid', address);
    }
    assert.deepEqual(draftRecipients([' Ana@Client.com ', 'ana@client.com', 'ü@bücher.de']), ['ana@client.com', 'ü@bücher.de']);
  });
});

/** Compares without node:assert's diff, which takes minutes on texts of thousands of characters. */
function sameText(actual: string | undefined, expected: string, what: string): void {
  if (actual === expected) return;
  const at = [...(actual ?? '')].findIndex((char, index) => char !== [...expected][index]);
  assert.fail(`${what} differs from character ${at}: ${JSON.stringify((actual ?? '').slice(Math.max(0, at - 20), at + 40))} vs ${JSON.stringify(expected.slice(Math.max(0, at - 20), at + 40))}`);
}
