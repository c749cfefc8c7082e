import assert from 'node:assert/strict';
import { MalformedMessageError, parseRfc822 } from '../../emulators/rfc822-message';

describe('parseRfc822', () => {
  it('unfolds headers, decodes RFC 2047 words and quoted-printable bodies', () => {
    const parsed = parseRfc822(
      [
        'To: john.smith@client.com,',
        ' "Patel, Priya" <Priya.Patel@client.com>',
        'Subject: =?UTF-8?Q?Caf=C3=A9_meeting?= =?UTF-8?B?IOKAlCBub3Rlcw==?=',
        'In-Reply-To: <orig@client.com>',
        'Content-Type: text/plain; charset=UTF-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'Caf=C3=A9 at ten, a long line that was =',
        'soft-wrapped.',
      ].join('\n'),
    );
    assert.deepEqual(parsed.to, ['john.smith@client.com', 'priya.patel@client.com']);
    assert.equal(parsed.subject, 'Café meeting — notes');
    assert.equal(parsed.inReplyTo, '<orig@client.com>');
    assert.equal(parsed.textBody, 'Café at ten, a long line that was soft-wrapped.');
    assert.equal(parsed.htmlBody, undefined);
  });

  it('rejects text that is not a message, and multiparts without their boundary', () => {
    assert.throws(() => parseRfc822('Hi John, thanks for your time\r\n\r\nBody'), MalformedMessageError);
    assert.throws(() => parseRfc822('Content-Type: multipart/alternative; boundary=x\r\n\r\nno parts here'), MalformedMessageError);
  });
});
