import { createHash } from 'node:crypto';
// The client library loads at the first call, not at the worker's start (a third of a second).
import type { gmail } from '@googleapis/gmail';
import { ExternalServiceError } from '../../domain/service-errors';
import type { EmailDraftRequest, EmailDraftResult, EmailDrafts, GoogleTokenSource } from '../google-workspace';
import { buildFollowUpMessage } from './follow-up-message';
import { openGoogleSession, type GoogleAppConfig } from './google-auth';

/**
 * Gmail drafts for one rep. Gmail has no idempotency key (api-contracts.md §6), so the message
 * carries a Message-ID derived from the request's key and Gmail is checked for it before
 * creating: a retry after a crash (or a timeout after Gmail already saved the draft) finds the
 * first draft instead of making a second one. The `rfc822msgid:` search finds older drafts but
 * runs on Gmail's search index, which may not show a draft saved seconds ago; so the newest
 * drafts are also listed (a list without `q` reads the mailbox) and their Message-ID headers
 * compared.
 */
export interface GmailDraftsOptions {
  app: GoogleAppConfig;
  tokens: GoogleTokenSource;
  /** Right-hand side of the Message-ID; the rep's email domain when omitted. */
  messageIdDomain?: string;
}

/** Drafts saved within the search index's lag are among the newest; a rep makes few per minute. */
const recentDraftsChecked = 10;
/**
 * A bare address: a local part without spaces or the characters that delimit addresses, and a
 * domain of letters, digits and hyphens. `=?` would read back as the start of an RFC 2047 word.
 */
const simpleAddress = /^(?!.*=\?)[^\s@<>(),;:"\\[\]]+@(?:[\p{L}\p{N}-]+\.)+[\p{L}\p{N}-]+$/u;

export function createGmailDrafts(options: GmailDraftsOptions): EmailDrafts {
  return {
    async createDraft(request: EmailDraftRequest): Promise<EmailDraftResult> {
      const to = draftRecipients(request.to);
      const session = await openGoogleSession(options.app, options.tokens);
      const { gmail } = await import('@googleapis/gmail');
      const client = gmail({ version: 'v1', ...session.apiOptions });
      const keyDigest = digestOf(request.idempotencyKey);
      const messageId = `followup-${keyDigest}@${options.messageIdDomain ?? domainOf(session.email)}`;

      // A first attempt skips the look-up: it costs a search, a list and up to ten reads.
      const existing = request.mayExist ? await findDraftByMessageId(session, client, messageId) : undefined;
      if (existing) return existing;

      const raw = buildFollowUpMessage({
        to,
        subject: request.subject,
        html: request.html,
        messageId: `<${messageId}>`,
        boundary: `followup-alternative-${keyDigest}`,
      });
      const created = await session.call('gmail', () =>
        client.users.drafts.create({ userId: 'me', requestBody: { message: { raw: Buffer.from(raw, 'utf8').toString('base64url') } } }),
      );
      const { id: draftId, message } = created.data;
      if (!draftId || !message?.id) {
        throw new ExternalServiceError({
          service: 'gmail',
          kind: 'retryable',
          userMessage: 'Gmail did not confirm the draft; it will be checked again automatically.',
          detail: 'drafts.create answered without draft or message id',
        });
      }
      return draftResult(draftId, message.id);
    },
  };
}

type GoogleSession = Awaited<ReturnType<typeof openGoogleSession>>;
type GmailClient = ReturnType<typeof gmail>;

async function findDraftByMessageId(session: GoogleSession, client: GmailClient, messageId: string): Promise<EmailDraftResult | undefined> {
  const searched = await session.call('gmail', () =>
    // Gmail's search takes the Message-ID without angle brackets.
    client.users.drafts.list({ userId: 'me', q: `rfc822msgid:${messageId}`, maxResults: 1 }),
  );
  const found = searched.data.drafts?.[0];
  if (found?.id && found.message?.id) return draftResult(found.id, found.message.id);

  const recent = await session.call('gmail', () => client.users.drafts.list({ userId: 'me', maxResults: recentDraftsChecked }));
  // drafts.get, not messages.get: the gmail.compose scope allows only the drafts methods.
  const headers = await Promise.all(
    (recent.data.drafts ?? []).flatMap((draft) => (draft.id ? [session.call('gmail', () => client.users.drafts.get({ userId: 'me', id: draft.id!, format: 'metadata' }))] : [])),
  );
  const match = headers
    .map((answer) => answer.data)
    .find((draft) => draft.message?.payload?.headers?.some((header) => header.name?.toLowerCase() === 'message-id' && header.value?.trim() === `<${messageId}>`));
  return match?.id && match.message?.id ? draftResult(match.id, match.message.id) : undefined;
}

/** First 32 hex digits of sha256(key): unique per key, stable across retries and workers. */
function digestOf(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey, 'utf8').digest('hex').slice(0, 32);
}

/** Opens the draft in the composer of the first signed-in Gmail account. */
export function gmailDraftUrl(gmailMessageId: string): string {
  return `https://mail.google.com/mail/u/0/#drafts?compose=${encodeURIComponent(gmailMessageId)}`;
}

function draftResult(draftId: string, gmailMessageId: string): EmailDraftResult {
  return { draftId, messageId: gmailMessageId, url: gmailDraftUrl(gmailMessageId) };
}

/** The draft's To addresses: trimmed, de-duplicated, each a plain address (nothing a header could carry more in). */
export function draftRecipients(to: string[]): string[] {
  const unique = [...new Map(to.map((address) => address.trim()).filter(Boolean).map((address) => [address.toLowerCase(), address])).values()];
  if (unique.length === 0) {
    throw new ExternalServiceError({
      service: 'gmail',
      kind: 'invalid',
      userMessage: 'No external attendees to email. Add the client as a meeting attendee, or write the email yourself.',
      detail: 'empty recipient list',
    });
  }
  const malformed = unique.filter((address) => !simpleAddress.test(address));
  if (malformed.length > 0) {
    throw new ExternalServiceError({
      service: 'gmail',
      kind: 'invalid',
      userMessage: `Not a valid email address: ${malformed.join(', ')}.`,
      detail: `${malformed.length} malformed recipient(s)`,
    });
  }
  return unique;
}

function domainOf(email: string): string {
  const domain = email.slice(email.lastIndexOf('@') + 1).trim();
  // RFC 5322 only needs the right-hand side to be unique to us; `.invalid` can never clash.
  return domain && email.includes('@') ? domain.toLowerCase() : 'followup.invalid';
}
