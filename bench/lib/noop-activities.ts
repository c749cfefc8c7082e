/**
 * Every worker activity as a no-op answering the smallest valid result at once: the baseline of
 * the pipeline-throughput benchmark runs the real meeting workflow with these, so what the real
 * pipeline costs on top is its activities' (and the API's) work. Typed as createActivities'
 * return, so a changed or added activity breaks the benchmark at compile time, not at run time.
 * `onCardPublished` sees each card's state, as the Slack emulator sees the real worker's cards.
 * With `outsideCall`, the activities of a meeting's path make as many HTTP calls as the real ones
 * make to the emulators (`outsideCallsPerActivity`), so the baseline pays the same round trips.
 */
import { randomUUID } from 'node:crypto';
import type { MeetingActivities } from '../../activities';
import type { AccountCandidate, MeetingState } from '../../domain/meeting';

/**
 * Outside HTTP calls the real activities make per run in the pipeline benchmark (a webhook
 * meeting with its transcript, a HubSpot domain match, note, draft and event), counted from the
 * emulators' request logs (bench/pipeline-throughput.ts prints both counts per meeting): Claude
 * once, a HubSpot company search, the note and its company's deals, one Gmail draft, one Calendar
 * event, and one Slack call per card publication (the DM's conversations.open and the first
 * post are one extra call per meeting; the Google token refresh and users.info are rare).
 */
export const outsideCallsPerActivity = {
  loadMeeting: 0,
  draftFollowUp: 1,
  matchAccount: 1,
  publishCard: 1,
  logCrmNote: 2,
  createEmailDraft: 1,
  scheduleFollowUp: 1,
} satisfies Partial<Record<keyof MeetingActivities, number>>;

type CountedActivity = keyof typeof outsideCallsPerActivity;

const account: AccountCandidate = { id: 'noop-account', name: 'Client Inc', domain: 'client.com', confidence: 1, source: 'domain' };

export function createNoopActivities(options: { onCardPublished?: (state: MeetingState) => void; outsideCall?: () => Promise<void> } = {}): MeetingActivities {
  const callOutside = async (activity: CountedActivity): Promise<void> => {
    for (let call = 0; call < (options.outsideCall ? outsideCallsPerActivity[activity] : 0); call++) await options.outsideCall!();
  };
  const done = (action: string, activity: CountedActivity) => async () => {
    await callOutside(activity);
    return { externalId: `noop-${action}-${randomUUID()}`, label: `no-op ${action}` };
  };
  return {
    loadMeeting: async () => {
      await callOutside('loadMeeting');
      return {
      meetingRecordId: randomUUID(),
      title: 'No-op meeting',
      startedAt: new Date().toISOString(),
      language: 'en',
      externalAttendeeCount: 2,
      internalOnly: false,
      };
    },
    draftFollowUp: async () => {
      await callOutside('draftFollowUp');
      return { revision: 1, generator: 'extractive' };
    },
    matchAccount: async () => {
      await callOutside('matchAccount');
      return { crm: { provider: 'hubspot', capabilities: ['notes'] }, account: { verdict: 'matched', candidates: [account], chosen: account } };
    },
    publishCard: async ({ state }) => {
      await callOutside('publishCard');
      options.onCardPublished?.(state);
      return state.card ?? { channel: state.cardChannel ?? 'D0NOOP', ts: String(Date.now() / 1000) };
    },
    logCrmNote: done('note', 'logCrmNote'),
    createEmailDraft: done('draft', 'createEmailDraft'),
    scheduleFollowUp: done('event', 'scheduleFollowUp'),
    sendEventInvitations: async () => undefined,
    createCrmTask: async () => ({ externalId: `noop-task-${randomUUID()}`, label: 'no-op task' }),
    updateCrmDeal: async () => ({ externalId: `noop-deal-${randomUUID()}`, label: 'no-op deal' }),
    showDealEditor: async () => undefined,
    searchCrmAccounts: async () => [{ id: account.id, name: account.name }],
    searchCrmContacts: async () => [],
    rememberAccountChoice: async () => undefined,
    saveDraftEdits: async () => 2,
    nudgeRep: async () => undefined,
    recordAudit: async () => undefined,
    recordUnwrittenAttemptAudits: async () => undefined,
    reportFailedSync: async () => undefined,
    reportUndeliveredCard: async () => 'direct-message' as const,
    forgetOldDeliveries: async () => ({ forgotten: 0 }),
    forgetIdleRateLimitBuckets: async () => ({ forgotten: 0 }),
    deactivateTenant: async () => ({ deactivated: true }),
    closeTenantMeetings: async () => 0,
    removeTenantCredentials: async () => ({ removed: 0, revocationFailures: 0 }),
    purgeExpiredTranscriptBatch: async () => ({ purged: 0 }),
    markTenantDeleted: async () => undefined,
    deleteTenantSecrets: async () => 0,
    deleteTenantRows: async () => ({}),
  };
}
