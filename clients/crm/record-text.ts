import { idempotencyMarker } from './crm-provider';

/**
 * Text of the notes and tasks we write. The idempotency marker is always the last line, so a
 * retry can recognise what an earlier attempt created; bodies are shortened, never the marker.
 */
export interface RecordTextParts {
  title?: string;
  body: string;
  idempotencyKey: string;
  /** The CRM's field limit, in characters. */
  maxLength?: number;
}

const ellipsis = '…';

export function recordText(parts: RecordTextParts): string {
  const marker = idempotencyMarker(parts.idempotencyKey);
  const head = parts.title ? `${parts.title}\n\n` : '';
  const tail = `\n\n${marker}`;
  return `${head}${fitBody(parts.body, parts.maxLength, head.length + tail.length)}${tail}`;
}

/** HTML for CRMs that store rich text (HubSpot, Pipedrive): escaped text, bold title, <br> line breaks. */
export function recordHtml(parts: RecordTextParts): string {
  const marker = escapeHtml(idempotencyMarker(parts.idempotencyKey));
  const head = parts.title ? `<strong>${escapeHtml(parts.title)}</strong><br><br>` : '';
  const tail = `<br><br>${marker}`;
  // Escaping can grow the body, so fit the escaped form; a cut never splits an entity or <br>.
  const html = textToHtml(parts.body);
  const room = parts.maxLength === undefined ? undefined : parts.maxLength - head.length - tail.length - ellipsis.length;
  const body = room === undefined || html.length <= room + ellipsis.length ? html : `${cutHtml(html, Math.max(0, room))}${ellipsis}`;
  return `${head}${body}${tail}`;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * Whether stored text (plain or HTML) carries the marker of exactly this key. A key that merely
 * starts with ours ("m1:note" inside "m1:note-2") must not count, so the marker has to end the
 * text, a line, or an HTML tag.
 */
export function hasIdempotencyMarker(stored: string | null | undefined, idempotencyKey: string): boolean {
  if (!stored) return false;
  const marker = idempotencyMarker(idempotencyKey);
  for (const form of new Set([marker, escapeHtml(marker)])) {
    for (let index = stored.indexOf(form); index >= 0; index = stored.indexOf(form, index + 1)) {
      const next = stored.charAt(index + form.length);
      if (next === '' || next === '<' || /\s/.test(next)) return true;
    }
  }
  return false;
}

export function truncateText(text: string, maxLength: number): string {
  return text.length <= maxLength ? text : `${text.slice(0, Math.max(0, maxLength - ellipsis.length))}${ellipsis}`;
}

function fitBody(body: string, maxLength: number | undefined, reserved: number): string {
  return maxLength === undefined ? body : truncateText(body, Math.max(ellipsis.length, maxLength - reserved));
}

function textToHtml(text: string): string {
  return escapeHtml(text).replace(/\r\n|\r|\n/g, '<br>');
}

function cutHtml(html: string, length: number): string {
  let cut = html.slice(0, length);
  const openEntity = cut.lastIndexOf('&');
  if (openEntity > cut.lastIndexOf(';')) cut = cut.slice(0, openEntity);
  const openTag = cut.lastIndexOf('<');
  if (openTag > cut.lastIndexOf('>')) cut = cut.slice(0, openTag);
  return cut;
}
