/**
 * Fathom's Meeting object (api-contracts.md §1) and a builder for realistic sales calls, so
 * tests and the demo seed the emulator with data shaped exactly like Fathom's.
 */
export interface FathomInvitee {
  name: string | null;
  matched_speaker_display_name?: string | null;
  email: string | null;
  email_domain: string | null;
  is_external: boolean;
}

export interface FathomTranscriptItem {
  speaker: { display_name: string; matched_calendar_invitee_email?: string | null };
  text: string;
  /** hh:mm:ss from the start of the recording. */
  timestamp: string;
}

export interface FathomSummary {
  template_name: string | null;
  markdown_formatted: string | null;
}

export interface FathomActionItem {
  description: string;
  user_generated: boolean;
  completed: boolean;
  recording_timestamp: string;
  recording_playback_url: string;
  assignee: { name: string | null; email: string | null; team: string | null };
}

export interface FathomCrmMatches {
  contacts: { name: string; email: string; record_url: string }[];
  companies: { name: string; record_url: string }[];
  deals: { name: string; amount: number; record_url: string }[];
  error: string | null;
}

export type InviteeDomainsType = 'all' | 'only_internal' | 'one_or_more_external';

export interface FathomMeeting {
  title: string;
  meeting_title: string | null;
  recording_id: number;
  url: string;
  share_url: string;
  created_at: string;
  scheduled_start_time: string;
  scheduled_end_time: string;
  recording_start_time: string;
  recording_end_time: string;
  calendar_invitees_domains_type: InviteeDomainsType;
  transcript_language: string;
  calendar_invitees: FathomInvitee[];
  recorded_by: { name: string; email: string; email_domain: string; team: string | null };
  transcript?: FathomTranscriptItem[] | null;
  default_summary?: FathomSummary | null;
  action_items?: FathomActionItem[] | null;
  crm_matches?: FathomCrmMatches | null;
}

export interface SampleMeetingOptions {
  /** Transcript length; ~1,440 lines at the 5 s spacing used here is a 2-hour call. */
  transcriptLines?: number;
  /**
   * The internal rep who recorded the call (recorder, invitee, speaker, assignee): Fathom shows a
   * meeting only to its recorder's account. alice@acme.com when absent.
   */
  repEmail?: string;
}

const SECONDS_PER_LINE = 5;
const DEFAULT_TRANSCRIPT_LINES = 24;

let nextRecordingId = 900_000_001;

const defaultRep = { name: 'Alice Johnson', email: 'alice@acme.com' };
const champion = { name: 'John Smith', email: 'john.smith@client.com' };
const buyer = { name: 'Priya Patel', email: 'priya.patel@client.com' };

/** A discovery call that covers what the follow-up pipeline extracts: pains, budget, timeline, next step. */
const script = (rep: { name: string; email: string }): { speaker: { name: string; email: string }; text: string }[] => [
  { speaker: rep, text: 'Thanks for making the time today, John and Priya. I would like to understand how your team handles follow-ups after sales calls.' },
  { speaker: champion, text: 'Right now our reps write follow-up emails by hand and the CRM is usually a week behind.' },
  { speaker: buyer, text: 'Leadership cannot trust the pipeline numbers because notes are missing from most deals.' },
  { speaker: rep, text: 'How many reps are on the team, and which CRM are you using today?' },
  { speaker: champion, text: 'We have forty reps on HubSpot, and another ten in the partner team who still use spreadsheets.' },
  { speaker: rep, text: 'What would a good outcome look like by the end of the quarter?' },
  { speaker: buyer, text: 'Every call logged in the CRM within an hour, with next steps and a draft email waiting for the rep.' },
  { speaker: champion, text: 'We need this live before Q3, because that is when the new territories start.' },
  { speaker: rep, text: 'Understood. Is there a budget set aside for this initiative?' },
  { speaker: buyer, text: 'We have about fifty thousand dollars approved for a pilot, and more if the pilot shows results.' },
  { speaker: rep, text: 'Who else needs to be involved in the decision?' },
  { speaker: buyer, text: 'Our VP of Sales signs off, and security will want to review how call data is stored.' },
  { speaker: rep, text: 'I will send over our security questionnaire answers and a short proposal for a pilot.' },
  { speaker: champion, text: 'Please include pricing for the partner team as a separate line item.' },
  { speaker: rep, text: 'Will do. Could we book a follow-up next Tuesday to walk your VP through the proposal?' },
  { speaker: buyer, text: 'Tuesday afternoon works for us; send an invite to both of us.' },
];

/** Builds a realistic internal-rep-plus-prospect sales call; `overrides` replace any field. */
export function sampleMeeting(overrides: Partial<FathomMeeting> = {}, options: SampleMeetingOptions = {}): FathomMeeting {
  const recordingId = overrides.recording_id ?? nextRecordingId++;
  const lines = options.transcriptLines ?? DEFAULT_TRANSCRIPT_LINES;
  const rep = { ...defaultRep, email: options.repEmail ?? defaultRep.email };
  const call = script(rep);
  const durationSeconds = Math.max(30 * 60, lines * SECONDS_PER_LINE);
  // Recorded recently by default, so "meetings created since the last poll" finds it.
  const recordingStart = new Date(Math.floor((Date.now() - durationSeconds * 1000 - 15 * 60_000) / 60_000) * 60_000);
  const recordingEnd = new Date(recordingStart.getTime() + durationSeconds * 1000);
  const scheduledStart = new Date(recordingStart.getTime() - 60_000);
  const shareSlug = `share-${recordingId.toString(36)}`;
  const at = (offsetSeconds: number) => formatTimestamp(offsetSeconds);

  return {
    title: 'Acme × Client Inc — discovery call',
    meeting_title: 'Client Inc / Acme intro',
    recording_id: recordingId,
    url: `https://fathom.video/calls/${recordingId}`,
    share_url: `https://fathom.video/share/${shareSlug}`,
    created_at: new Date(recordingEnd.getTime() + 90_000).toISOString(),
    scheduled_start_time: scheduledStart.toISOString(),
    scheduled_end_time: new Date(scheduledStart.getTime() + durationSeconds * 1000).toISOString(),
    recording_start_time: recordingStart.toISOString(),
    recording_end_time: recordingEnd.toISOString(),
    calendar_invitees_domains_type: 'one_or_more_external',
    transcript_language: 'en',
    calendar_invitees: [
      invitee(rep, false),
      invitee(champion, true),
      invitee(buyer, true),
    ],
    recorded_by: { name: rep.name, email: rep.email, email_domain: rep.email.split('@')[1]!, team: 'Sales' },
    transcript: Array.from({ length: lines }, (_, index) => {
      const line = call[index % call.length]!;
      return {
        speaker: { display_name: line.speaker.name, matched_calendar_invitee_email: line.speaker.email },
        text: line.text,
        timestamp: at(index * SECONDS_PER_LINE),
      };
    }),
    default_summary: {
      template_name: 'general',
      markdown_formatted:
        '## Summary\nClient Inc wants every sales call logged in the CRM within an hour, live before Q3.\n\n' +
        '## Next steps\n- Send security questionnaire and pilot proposal\n- Follow-up with the VP of Sales next Tuesday',
    },
    action_items: [
      {
        description: 'Email pilot proposal with partner-team pricing as a separate line item',
        user_generated: false,
        completed: false,
        recording_timestamp: at(12 * SECONDS_PER_LINE),
        recording_playback_url: `https://fathom.video/share/${shareSlug}#t=${12 * SECONDS_PER_LINE}`,
        assignee: { name: rep.name, email: rep.email, team: 'Sales' },
      },
    ],
    crm_matches: {
      contacts: [{ name: champion.name, email: champion.email, record_url: 'https://app.hubspot.com/contacts/1/contact/101' }],
      companies: [{ name: 'Client Inc', record_url: 'https://app.hubspot.com/contacts/1/company/201' }],
      deals: [{ name: 'Client Inc – Pilot', amount: 50000, record_url: 'https://app.hubspot.com/contacts/1/deal/301' }],
      error: null,
    },
    ...overrides,
  };
}

function invitee(person: { name: string; email: string }, isExternal: boolean): FathomInvitee {
  return {
    name: person.name,
    matched_speaker_display_name: person.name,
    email: person.email,
    email_domain: person.email.split('@')[1]!,
    is_external: isExternal,
  };
}

function formatTimestamp(totalSeconds: number): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${pad(Math.floor(totalSeconds / 3600))}:${pad(Math.floor(totalSeconds / 60) % 60)}:${pad(totalSeconds % 60)}`;
}
