import fc from 'fast-check';

/**
 * Text an attacker or an unlucky meeting could send: Slack mrkdwn control characters and
 * mentions, quotes and escapes of query languages, CR/LF, RFC 2047 encoded words, RTL marks,
 * zero-width characters, emoji (surrogate pairs), mixed with arbitrary Unicode.
 */
const fragments = [
  '<', '>', '&', '*', '_', '~', '`', '```', '|', '<!channel>', '<!here>', '<!everyone>', '<@U123>', '<#C1>',
  '<!subteam^S1>', '<http://x|y>', '<https://evil.example/?a=1|click>', '&lt;', '&amp;', '@channel',
  "'", '"', '\\', '%', '_', '\\\'', '\r', '\n', '\r\n', '\t', '\0', '\u2028', '=?UTF-8?B?SGk=?=', '=?', '?=',
  '\u202e', '\u200f', '\u200b', '\u200d', '\ufeff', '👍', '👨‍👩‍👧', 'é', 'Ω', '日本語', 'مرحبا',
  'Bcc: x@evil.example', 'OR Name != \'', '--', ';', '/*', '\u0085',
];

export function hostileText(options: { maxLength?: number } = {}): fc.Arbitrary<string> {
  const piece = fc.oneof(fc.constantFrom(...fragments), fc.string({ unit: 'grapheme', maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 4 }));
  return fc.array(piece, { maxLength: options.maxLength ?? 20 }).map((pieces) => pieces.join(''));
}

/** Hostile text, sometimes padded to around 100 KB (a 2-hour meeting's worth of summary). */
export function hostileLongText(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 9, arbitrary: hostileText() },
    { weight: 1, arbitrary: fc.tuple(hostileText({ maxLength: 5 }), fc.constantFrom('<!channel> ', 'a', '&', '👍', '<@U1>')).map(([text, unit]) => `${text}${unit.repeat(Math.ceil(100_000 / unit.length))}${text}`) },
  );
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The text as UTF-8 carries it: each half of a surrogate pair alone becomes U+FFFD. */
export function wellFormed(text: string): string {
  return text.replace(loneSurrogate, '\uFFFD');
}

export function isWellFormed(text: string): boolean {
  return text.replace(loneSurrogate, '') === text;
}
