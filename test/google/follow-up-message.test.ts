import assert from 'node:assert/strict';
import { buildFollowUpMessage, encodeHeaderText } from '../../clients/google/follow-up-message';
import { parseRfc822 } from '../../emulators/rfc822-message';

describe('follow-up email message', () => {
  it('leaves an ASCII subject alone and flattens line breaks that could inject headers', () => {
    assert.equal(encodeHeaderText('Follow-up: next steps'), 'Follow-up: next steps');
    assert.equal(encodeHeaderText('Hi\r\nBcc: spy@evil.com'), 'Hi Bcc: spy@evil.com');
  });

  it('splits a long non-ASCII subject into RFC 2047 words of at most 75 characters, never inside a character', () => {
    const subject = 'Riepilogo dell’incontro di oggi: prossimi passi, prezzi e tempistiche 🚀 — grazie mille a tutti!';
    const encoded = encodeHeaderText(subject);
    const words = encoded.split('\r\n ');
    assert.ok(words.length > 1);
    for (const word of words) {
      assert.match(word, /^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
      assert.ok(word.length <= 75, `${word.length} characters`);
      assert.doesNotMatch(Buffer.from(word.slice(10, -2), 'base64').toString('utf8'), /\uFFFD/);
    }
    const message = buildFollowUpMessage({ to: ['a@b.com'], subject, html: '<p>x</p>', messageId: '<m@b.com>', boundary: 'b1' });
    assert.equal(parseRfc822(message).subject, subject);
  });

  it('is byte-for-byte the same for the same input', () => {
    const input = { to: ['a@b.com', 'c@d.com'], subject: 'Prossimi passi', html: '<p>Grazie</p>', messageId: '<m@b.com>', boundary: 'b1' };
    assert.equal(buildFollowUpMessage(input), buildFollowUpMessage({ ...input }));
    assert.match(buildFollowUpMessage(input), /^To: a@b\.com, c@d\.com\r\n/);
  });
});
