/**
 * Reads the RFC 2822 / MIME message the product builds for Gmail's `message.raw`, so tests can
 * assert on decoded headers (RFC 2047 subjects included), recipients and text/html bodies, and a
 * malformed message fails like Gmail's 400 instead of passing silently.
 */
export interface MimeHeader {
  name: string;
  /** As sent, still RFC 2047-encoded. */
  value: string;
}

export interface MimePart {
  headers: MimeHeader[];
  mimeType: string;
  /** Transfer-decoded body bytes (empty for multipart containers). */
  body: Buffer;
  parts: MimePart[];
}

export interface ParsedEmail {
  root: MimePart;
  /** Decoded header value by lower-case name (first occurrence). */
  header(name: string): string | undefined;
  to: string[];
  cc: string[];
  bcc: string[];
  subject?: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string;
  textBody?: string;
  htmlBody?: string;
}

export class MalformedMessageError extends Error {}

export function parseRfc822(message: string | Buffer): ParsedEmail {
  const root = parsePart(Buffer.isBuffer(message) ? message : Buffer.from(message, 'utf8'));
  const header = (name: string) => {
    const found = root.headers.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
    return found === undefined ? undefined : decodeEncodedWords(found.value).trim();
  };
  return {
    root,
    header,
    to: addresses(header('to')),
    cc: addresses(header('cc')),
    bcc: addresses(header('bcc')),
    subject: header('subject'),
    messageId: header('message-id'),
    inReplyTo: header('in-reply-to'),
    references: header('references'),
    textBody: firstBody(root, 'text/plain'),
    htmlBody: firstBody(root, 'text/html'),
  };
}

/** Lower-case bare addresses from a header like `"Smith, John" <john@client.com>, a@b.com`. */
function addresses(headerValue: string | undefined): string[] {
  if (!headerValue) return [];
  const entries = headerValue.match(/(?:"[^"]*"|<[^>]*>|[^,])+/g) ?? [];
  return entries
    .map((entry) => (/<([^>]+)>/.exec(entry)?.[1] ?? entry).trim().toLowerCase())
    .filter((address) => address.length > 0);
}

function parsePart(bytes: Buffer): MimePart {
  const text = bytes.toString('latin1'); // byte-preserving, so body offsets stay exact
  const separator = /\r?\n\r?\n/.exec(text);
  const headerText = separator ? text.slice(0, separator.index) : text;
  const bodyBytes = separator ? bytes.subarray(separator.index + separator[0].length) : Buffer.alloc(0);
  const headers = parseHeaders(headerText);
  const contentType = parseContentType(headers.find((header) => header.name.toLowerCase() === 'content-type')?.value);
  if (contentType.mimeType.startsWith('multipart/')) {
    if (!contentType.boundary) throw new MalformedMessageError('multipart message without a boundary');
    return { headers, mimeType: contentType.mimeType, body: Buffer.alloc(0), parts: splitMultipart(bodyBytes, contentType.boundary).map(parsePart) };
  }
  const encoding = headers.find((header) => header.name.toLowerCase() === 'content-transfer-encoding')?.value.trim().toLowerCase();
  return { headers, mimeType: contentType.mimeType, body: decodeTransfer(bodyBytes, encoding), parts: [] };
}

function parseHeaders(headerText: string): MimeHeader[] {
  // Folded header lines start with whitespace and continue the previous header.
  const unfolded = headerText.replace(/\r?\n[ \t]+/g, ' ');
  return unfolded
    .split(/\r?\n/)
    .filter((line) => line.length > 0)
    .map((line) => {
      const colon = line.indexOf(':');
      if (colon <= 0) throw new MalformedMessageError(`not a header line: ${line.slice(0, 60)}`);
      // Header bytes were read as latin1; re-read them as UTF-8 for raw non-ASCII values.
      return { name: line.slice(0, colon).trim(), value: Buffer.from(line.slice(colon + 1).trim(), 'latin1').toString('utf8') };
    });
}

function parseContentType(value: string | undefined): { mimeType: string; boundary?: string } {
  if (!value) return { mimeType: 'text/plain' };
  const [mimeType, ...params] = value.split(';');
  const param = (name: string) => {
    const found = params.map((entry) => entry.trim()).find((entry) => entry.toLowerCase().startsWith(`${name}=`));
    return found?.slice(name.length + 1).replace(/^"|"$/g, '');
  };
  return { mimeType: mimeType!.trim().toLowerCase(), boundary: param('boundary') };
}

function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const text = body.toString('latin1');
  const delimiter = `--${boundary}`;
  const parts: Buffer[] = [];
  let cursor = text.indexOf(delimiter);
  if (cursor < 0) throw new MalformedMessageError(`boundary ${boundary} not found in multipart body`);
  while (cursor >= 0) {
    const afterDelimiter = cursor + delimiter.length;
    if (text.startsWith('--', afterDelimiter)) break; // closing delimiter
    const partStart = text.indexOf('\n', afterDelimiter) + 1;
    const next = text.indexOf(delimiter, partStart);
    if (partStart === 0 || next < 0) throw new MalformedMessageError('multipart body is missing its closing boundary');
    // The line break before a delimiter belongs to the delimiter, not the part.
    const partEnd = text[next - 2] === '\r' ? next - 2 : next - 1;
    parts.push(body.subarray(partStart, partEnd));
    cursor = next;
  }
  return parts;
}

function decodeTransfer(body: Buffer, encoding: string | undefined): Buffer {
  if (encoding === 'base64') return Buffer.from(body.toString('latin1').replace(/\s+/g, ''), 'base64');
  if (encoding === 'quoted-printable') {
    const softBreaksRemoved = body.toString('latin1').replace(/=\r?\n/g, '');
    return Buffer.from(softBreaksRemoved.replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
  }
  return body;
}

/** RFC 2047: `=?UTF-8?B?...?=` / `=?UTF-8?Q?...?=`; whitespace between adjacent encoded words is dropped. */
function decodeEncodedWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, charset: string, encoding: string, encoded: string) => {
      const bytes =
        encoding.toUpperCase() === 'B'
          ? Buffer.from(encoded, 'base64')
          : Buffer.from(encoded.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (__, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
      return bytes.toString(/^utf-?8$/i.test(charset) ? 'utf8' : 'latin1');
    });
}

function firstBody(part: MimePart, mimeType: string): string | undefined {
  if (part.mimeType === mimeType) return part.body.toString('utf8');
  for (const child of part.parts) {
    const found = firstBody(child, mimeType);
    if (found !== undefined) return found;
  }
  return undefined;
}
