/**
 * Gmail drafts and Google Calendar events for one rep. Both are idempotent by construction:
 * drafts carry a deterministic Message-ID that is searched before creating; events use a
 * client-chosen id derived from the same key.
 */
export interface EmailDraftRequest {
  idempotencyKey: string;
  /** An earlier attempt may have saved this draft: look for it before creating one. */
  mayExist: boolean;
  to: string[];
  subject: string;
  /** Gmail-safe HTML; the text/plain part is derived from it. */
  html: string;
}

export interface EmailDraftResult {
  draftId: string;
  messageId: string;
  url: string;
}

export interface EmailDrafts {
  /** Returns the existing draft when one with the same key exists. */
  createDraft(request: EmailDraftRequest): Promise<EmailDraftResult>;
}

export interface CalendarEventRequest {
  idempotencyKey: string;
  title: string;
  description: string;
  /** Local start in the rep's zone, e.g. 2026-12-03T15:00, never in the past. */
  localStart: string;
  durationMinutes: number;
  timeZone: string;
  attendees: { email: string; name?: string | null }[];
  withMeetLink: boolean;
}

export interface CalendarEventResult {
  eventId: string;
  url: string;
  meetUrl?: string;
}

export interface CalendarEvents {
  /** Creates the event WITHOUT sending invitations; returns the existing one for the same key. */
  createEvent(request: CalendarEventRequest): Promise<CalendarEventResult>;
  /** Sends the invitations once the rep confirms. */
  sendInvitations(eventId: string): Promise<void>;
}

/** Per-rep Google OAuth tokens as kept in the secret store. */
export interface GoogleTokens {
  accessToken?: string;
  refreshToken: string;
  expiresAt?: number;
  email: string;
}

export interface GoogleTokenSource {
  load(): Promise<GoogleTokens>;
  save(tokens: GoogleTokens): Promise<void>;
}
