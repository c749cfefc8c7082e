/**
 * Where recorded meetings come from (Fathom today). Activities and the API use this interface;
 * the Fathom client implements it.
 */
import type { MeetingListItem, RecordedMeeting } from '../domain/meeting';

export interface MeetingPage {
  items: MeetingListItem[];
  nextCursor: string | null;
}

/** Per user: Fathom API keys and OAuth tokens are user-scoped. */
export type MeetingSourceCredentials = { type: 'apiKey'; apiKey: string } | { type: 'oauth'; accessToken: string };

export interface MeetingSource {
  /** One page of the user's meetings, newest first. */
  listMeetings(options: { cursor?: string; createdAfter?: string; createdBefore?: string }): Promise<MeetingPage>;
  /** Follows the cursor until the end (or `max` items). */
  listAllMeetings(options: { createdAfter?: string; createdBefore?: string; max?: number }): Promise<MeetingListItem[]>;
  /** The meeting with its transcript; throws ExternalServiceError kind 'not-found' when missing. */
  getMeeting(recordingId: string): Promise<RecordedMeeting>;
}
