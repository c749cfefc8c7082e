/**
 * Every worker activity as a no-op answering the smallest valid result at once: the baseline of
 * the pipeline-throughput benchmark runs the real meeting workflow with these, so what the real
 * pipeline costs on top is its activities' (and the API's) work. Typed as createActivities'
 * return, so a changed or added activity breaks the benchmark at compile time, not at run time.
 * `onCardPublished` sees each card's state, as the Slack emulator sees the real worker's cards.
 */
import { randomUUID } from 'node:crypto';
import type { MeetingActivities } from '../../activities';
import type { AccountCandidate, MeetingState } from '../../domain/meeting';

const account: AccountCandidate = { id: 'noop-account', name: 'Client Inc', domain: 'client.com', confidence: 1, source: 'domain' };

export function createNoopActivities(options: { onCardPublished?: (state: MeetingState) => void } = {}): MeetingActivities {
  const done = (action: string) => async () => ({ externalId: `noop-${action}-${randomUUID()}`, label: `no-op ${action}` });
  return {
    loadMeeting: async () => ({
      meetingRecordId: randomUUID(),
      title: 'No-op meeting',
      startedAt: new Date().toISOString(),
      language: 'en',
      externalAttendeeCount: 2,
      internalOnly: false,
    }),
    draftFollowUp: async () => ({ revision: 1, generator: 'extractive' }),
    matchAccount: async () => ({ crm: { provider: 'hubspot', capabilities: ['notes'] }, account: { verdict: 'matched', candidates: [account], chosen: account } }),
    publishCard: async ({ state }) => {
      options.onCardPublished?.(state);
      return state.card ?? { channel: state.cardChannel ?? 'D0NOOP', ts: String(Date.now() / 1000) };
    },
    logCrmNote: done('note'),
    createEmailDraft: done('draft'),
    scheduleFollowUp: done('event'),
    sendEventInvitations: async () => undefined,
    createCrmTask: done('task'),
    updateCrmDeal: done('deal'),
    showDealEditor: async () => undefined,
    searchCrmAccounts: async () => [{ id: account.id, name: account.name }],
    searchCrmContacts: async () => [],
    rememberAccountChoice: async () => undefined,
    saveDraftEdits: async () => 2,
    nudgeRep: async () => undefined,
    recordAudit: async () => undefined,
    reportFailedSync: async () => undefined,
    reportUndeliveredCard: async () => 'direct-message' as const,
    forgetOldDeliveries: async () => ({ forgotten: 0 }),
    deactivateTenant: async () => ({ deactivated: true }),
    closeTenantMeetings: async () => 0,
    removeTenantCredentials: async () => ({ removed: 0, revocationFailures: 0 }),
    purgeExpiredTranscriptBatch: async () => ({ purged: 0 }),
    markTenantDeleted: async () => undefined,
    deleteTenantSecrets: async () => 0,
    deleteTenantRows: async () => ({}),
  };
}
