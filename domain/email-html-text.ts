/**
 * The follow-up email's Gmail-safe HTML (b, strong, br, p, ul, li) as text: plain for the
 * email's text/plain part, the calendar event and the edit modal; Slack mrkdwn (bold kept as
 * `*bold*`) for the card's preview. Both keep line breaks and bullets, and decode each entity
 * exactly once, so `&amp;lt;` comes out as the text `&lt;`.
 */
export function htmlToPlainText(html: string): string {
  return htmlToText(html, (text) => text);
}

/** Mrkdwn text, not yet escaped: `escapeMrkdwn` it before it goes into a Slack text object. */
export function htmlToMrkdwn(html: string): string {
  return htmlToText(html, (text) => `*${text}*`);
}

const namedEntities: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  euro: '€',
};

function htmlToText(html: string, bold: (text: string) => string): string {
  const text = html
    // Source formatting is not content: HTML renders any whitespace run as one space.
    .replace(/\s+/g, ' ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '\n• ')
    .replace(/<\/?(?:p|ul)\b[^>]*>/gi, '\n\n')
    .replace(/<(b|strong)\b[^>]*>(.*?)<\/\1\s*>/gi, (_match, _tag, inner: string) => emphasised(inner, bold))
    // Every other tag keeps its text and loses the markup.
    .replace(/<[^>]*>/g, '');
  return decodeEntities(text)
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Mrkdwn bold only works flush against the words, so surrounding spaces stay outside it. */
function emphasised(inner: string, bold: (text: string) => string): string {
  const [, before = '', words = '', after = ''] = /^(\s*)(.*?)(\s*)$/s.exec(inner) ?? [];
  return words ? `${before}${bold(words)}${after}` : inner;
}

/** One pass over the text, so the `&lt;` that `&amp;lt;` decodes to is never decoded again. */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
    if (name.startsWith('#')) {
      const codePoint = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : entity;
    }
    return namedEntities[name.toLowerCase()] ?? entity;
  });
}
