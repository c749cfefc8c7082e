import type { EmulatorResponse } from './http-emulator';
import { googleError } from './google-api-errors';
import { isRecord, type JsonObject } from './json-values';
import { MalformedMessageError, parseRfc822, type MimePart, type ParsedEmail } from './rfc822-message';

/**
 * Gmail drafts per mailbox: `drafts.create` with a base64url RFC 2822 `raw`, `drafts.list` /
 * `messages.list` with the `rfc822msgid:` search the product uses to find a draft it may
 * already have created (drafts.create has no idempotency key, api-contracts.md §6), and
 * `drafts.get` / `messages.get` (only the latter takes `metadataHeaders`, as in Gmail).
 *
 * A `q` search runs on Gmail's search index, which catches up with a fresh insert only after a
 * while: a draft is invisible to `q` for `searchLagMs` after its creation. A list without `q`
 * reads the mailbox itself and sees it at once.
 */
export interface GmailDraft {
  id: string;
  ownerEmail: string;
  message: { id: string; threadId: string; labelIds: string[] };
  /** base64url as sent. */
  raw: string;
  parsed: ParsedEmail;
  /** The Message-ID the draft is searchable by (the sent one, or one Gmail assigned). */
  messageId: string;
  createdAt: number;
}

type MessageFormat = 'full' | 'raw' | 'minimal' | 'metadata';

const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;
const RFC822_MSGID_QUERY = /^rfc822msgid:\s*<?([^<>\s]+)>?$/i;

export class GmailDrafts {
  private readonly draftsById = new Map<string, GmailDraft>();
  private counter = 0;

  constructor(public searchLagMs: number) {}

  /** Drafts, oldest first, optionally of one mailbox. */
  all(ownerEmail?: string): GmailDraft[] {
    return [...this.draftsById.values()].filter((draft) => ownerEmail === undefined || draft.ownerEmail === ownerEmail.toLowerCase());
  }

  create(ownerEmail: string, body: unknown): EmulatorResponse {
    const message = isRecord(body) && isRecord(body.message) ? body.message : undefined;
    if (typeof message?.raw !== 'string' || message.raw === '') return invalidArgument('Missing draft message');
    if (!BASE64URL.test(message.raw)) {
      return invalidArgument("Invalid value at 'draft.message.raw' (TYPE_BYTES), Base64 decoding failed; use the URL-safe alphabet (- and _)");
    }
    let parsed: ParsedEmail;
    try {
      parsed = parseRfc822(Buffer.from(message.raw, 'base64url'));
    } catch (error) {
      if (error instanceof MalformedMessageError) return invalidArgument(`Invalid raw message: ${error.message}`);
      throw error;
    }
    const messageResourceId = this.nextHexId();
    const draft: GmailDraft = {
      id: `r-${(7_000_000_000_000_000_000n + BigInt(this.counter)).toString()}`,
      ownerEmail: ownerEmail.toLowerCase(),
      message: {
        id: messageResourceId,
        threadId: typeof message.threadId === 'string' ? message.threadId : messageResourceId,
        labelIds: ['DRAFT'],
      },
      raw: message.raw,
      parsed,
      messageId: stripAngles(parsed.messageId ?? `<emu.${messageResourceId}@mail.gmail.com>`),
      createdAt: Date.now(),
    };
    this.draftsById.set(draft.id, draft);
    return { status: 200, body: { id: draft.id, message: draft.message } };
  }

  list(ownerEmail: string, query: URLSearchParams): EmulatorResponse {
    const found = this.search(ownerEmail, query);
    if (!Array.isArray(found)) return found;
    // Gmail leaves the array out entirely when nothing matches.
    const drafts = found.map((draft) => ({ id: draft.id, message: { id: draft.message.id, threadId: draft.message.threadId } }));
    return { status: 200, body: { ...(drafts.length > 0 ? { drafts } : {}), resultSizeEstimate: drafts.length } };
  }

  listMessages(ownerEmail: string, query: URLSearchParams): EmulatorResponse {
    const found = this.search(ownerEmail, query);
    if (!Array.isArray(found)) return found;
    const messages = found.map((draft) => ({ id: draft.message.id, threadId: draft.message.threadId }));
    return { status: 200, body: { ...(messages.length > 0 ? { messages } : {}), resultSizeEstimate: messages.length } };
  }

  get(ownerEmail: string, draftId: string, query: URLSearchParams): EmulatorResponse {
    const draft = this.draftsById.get(draftId);
    if (!draft || draft.ownerEmail !== ownerEmail.toLowerCase()) return notFound();
    return { status: 200, body: { id: draft.id, message: messageResource(draft, messageFormat(query)) } };
  }

  getMessage(ownerEmail: string, messageId: string, query: URLSearchParams): EmulatorResponse {
    const draft = this.all(ownerEmail).find((candidate) => candidate.message.id === messageId);
    if (!draft) return notFound();
    return { status: 200, body: messageResource(draft, messageFormat(query), query.getAll('metadataHeaders')) };
  }

  /** Newest first, like Gmail. Only `rfc822msgid:` queries are understood; anything else is refused loudly. */
  private search(ownerEmail: string, query: URLSearchParams): GmailDraft[] | EmulatorResponse {
    const q = query.get('q')?.trim();
    const mailbox = this.all(ownerEmail).reverse();
    if (!q) return mailbox;
    const wanted = RFC822_MSGID_QUERY.exec(q)?.[1];
    if (wanted === undefined) return invalidArgument(`The emulator understands only "rfc822msgid:<id>" searches, got: ${q}`);
    const indexedBefore = Date.now() - this.searchLagMs;
    return mailbox.filter((draft) => draft.createdAt <= indexedBefore && draft.messageId === wanted);
  }

  /** Gmail message ids are 16 hex digits. */
  private nextHexId(): string {
    this.counter += 1;
    return ((BigInt(Date.now()) << 12n) + BigInt(this.counter)).toString(16).padStart(16, '0').slice(-16);
  }
}

/** `metadataHeaders` (names, any case) narrows the headers of format=metadata; none means all. */
function messageResource(draft: GmailDraft, format: MessageFormat, metadataHeaders: string[] = []): JsonObject {
  const raw = Buffer.from(draft.raw, 'base64url');
  const resource: JsonObject = {
    ...draft.message,
    snippet: (draft.parsed.textBody ?? '').replace(/\s+/g, ' ').trim().slice(0, 100),
    sizeEstimate: raw.length,
    historyId: String(draft.createdAt),
    internalDate: String(draft.createdAt),
  };
  if (format === 'raw') return { ...resource, raw: draft.raw };
  if (format === 'metadata') {
    const wanted = new Set(metadataHeaders.map((name) => name.toLowerCase()));
    const headers = draft.parsed.root.headers.filter((header) => wanted.size === 0 || wanted.has(header.name.toLowerCase()));
    return { ...resource, payload: { mimeType: draft.parsed.root.mimeType, headers } };
  }
  if (format === 'full') return { ...resource, payload: partResource(draft.parsed.root, '') };
  return resource;
}

/** Gmail's MessagePart: body bytes base64url-encoded, children numbered "0", "1", "1.0"... */
function partResource(part: MimePart, partId: string): JsonObject {
  return {
    partId,
    mimeType: part.mimeType,
    filename: '',
    headers: part.headers,
    body: part.parts.length > 0 ? { size: 0 } : { size: part.body.length, data: part.body.toString('base64url') },
    ...(part.parts.length > 0 ? { parts: part.parts.map((child, index) => partResource(child, partId ? `${partId}.${index}` : String(index))) } : {}),
  };
}

function messageFormat(query: URLSearchParams): MessageFormat {
  const format = query.get('format');
  return format === 'raw' || format === 'minimal' || format === 'metadata' ? format : 'full';
}

function stripAngles(messageId: string): string {
  return messageId.trim().replace(/^<|>$/g, '');
}

function invalidArgument(message: string): EmulatorResponse {
  return googleError(400, 'invalidArgument', message);
}

function notFound(): EmulatorResponse {
  return googleError(404, 'notFound', 'Requested entity was not found.');
}
