import { htmlToPlainText } from '../../domain/email-html-text';

/**
 * The follow-up email as an RFC 2822 message for Gmail's `raw`: multipart/alternative with a
 * plain part derived from the HTML, CRLF line endings, UTF-8 parts in base64 (safe for any
 * language and any line length). Byte-for-byte deterministic for the same input, so a retried
 * draft is identical to the first attempt.
 */
export interface FollowUpMessage {
  to: string[];
  subject: string;
  html: string;
  /** Full header value including angle brackets, e.g. `<followup-…@acme.com>`. */
  messageId: string;
  /** Multipart boundary; must not occur in the (base64) bodies. */
  boundary: string;
}

const crlf = '\r\n';

export function buildFollowUpMessage(message: FollowUpMessage): string {
  const headers = [
    `To: ${message.to.join(', ')}`,
    `Subject: ${encodeHeaderText(message.subject)}`,
    `Message-ID: ${message.messageId}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${message.boundary}"`,
  ];
  const parts = [
    bodyPart('text/plain', htmlToPlainText(message.html).replace(/\n/g, crlf)),
    bodyPart('text/html', message.html),
  ];
  return [
    ...headers,
    '',
    ...parts.flatMap((part) => [`--${message.boundary}`, part]),
    `--${message.boundary}--`,
    '',
  ].join(crlf);
}

function bodyPart(contentType: 'text/plain' | 'text/html', content: string): string {
  return [
    `Content-Type: ${contentType}; charset="UTF-8"`,
    'Content-Transfer-Encoding: base64',
    '',
    wrapAt76(Buffer.from(content, 'utf8').toString('base64')),
  ].join(crlf);
}

/** MIME caps encoded lines at 76 characters. */
function wrapAt76(base64: string): string {
  return (base64.match(/.{1,76}/g) ?? ['']).join(crlf);
}

/**
 * RFC 2047: a non-ASCII subject becomes `=?UTF-8?B?…?=` words of at most 75 characters,
 * split between characters (never inside one) and folded onto continuation lines.
 * Line breaks in the subject are flattened so it cannot inject headers. Plain ASCII is encoded
 * too when it would read back as something else (it contains `=?`, the start of an encoded word)
 * or would not fit RFC 5322's 998-character line.
 */
export function encodeHeaderText(text: string): string {
  const singleLine = text.replace(/[\r\n]+/g, ' ').trim();
  if (isPlainHeaderText(singleLine)) return singleLine;
  const maxBytesPerWord = 45; // 45 bytes → 60 base64 chars + 12 for `=?UTF-8?B?` and `?=`
  const words: string[] = [];
  let chunk = '';
  for (const character of singleLine) {
    if (Buffer.byteLength(chunk + character, 'utf8') > maxBytesPerWord) {
      words.push(chunk);
      chunk = '';
    }
    chunk += character;
  }
  if (chunk) words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`).join(`${crlf} `);
}

/** Longest subject sent as is: `Subject: ` plus this stays well inside a 998-character line. */
const maxPlainSubject = 900;

function isPlainHeaderText(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text) && !text.includes('=?') && text.length <= maxPlainSubject;
}
