/**
 * Writes the follow-up for a meeting: summary, next steps, sales insights, email, CRM note and
 * what was agreed about the next meeting. Claude does it in production; an offline extractive
 * drafter (which labels its output as such) exists for the no-accounts demo.
 */
import type { FollowUpDraft } from '../domain/meeting';
import type { TranscriptLine } from '../domain/meeting';

export interface FollowUpRequest {
  title: string;
  startedAt: string;
  /** ISO 639-1 from the recorder, or null to let the writer detect it. */
  meetingLanguage: string | null;
  /** Tenant setting: 'auto' or a language code that overrides the meeting's language. */
  languageSetting: string;
  tone: 'professional' | 'friendly' | 'concise';
  repName: string | null;
  companyName: string | null;
  externalAttendees: { name: string | null; email: string | null }[];
  transcript: TranscriptLine[];
  /** Used for the spend bound and for Anthropic's metadata.user_id (no personal data). */
  tenantId: string;
}

/** The draft as written, before any edit by the rep. */
export type WrittenFollowUp = Omit<FollowUpDraft, 'revision' | 'editedBySlackUserId'> & {
  /** Input + output tokens, for per-tenant spend accounting (0 for the extractive drafter). */
  tokensUsed: number;
};

export interface FollowUpWriter {
  write(request: FollowUpRequest): Promise<WrittenFollowUp>;
  /**
   * Books the tenant's next turn at a rate-limited writer for the current rate-limit holder's
   * draft (clients/rate-limit-holder.ts), taking its share now: the draft, written as that holder
   * at its turn, is granted at once. Returns how long to wait before drafting; 0 when the draft
   * may start now (a short rest is waited out inside it). Writers without limits have none.
   */
  bookTurn?(tenantId: string): Promise<number>;
}
