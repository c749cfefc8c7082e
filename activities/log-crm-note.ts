import { inTenant } from '../db/tenant-scope';
import { MeetingRecord } from '../entities';
import { idempotencyKey, type ActionResult } from './action-result';
import { withCrm } from './crm-session';
import type { ActivityDependencies } from './dependencies';
import { invalidRequest } from './failures';
import { runAudited } from './run-audited';

export interface LogCrmNoteInput {
  tenantId: string;
  meetingRecordId: string;
  workflowId: string;
  accountId: string;
  actorSlackUserId: string;
}

/**
 * Writes the meeting note on the account (and its single open deal, when the CRM can). Looks
 * the note up by its idempotency key first, so an attempt after a crash finds the earlier note.
 */
export function logCrmNoteActivity(deps: ActivityDependencies) {
  return async function logCrmNote(input: LogCrmNoteInput): Promise<ActionResult> {
    const key = idempotencyKey(input.workflowId, 'note');
    const record = await inTenant(deps.orm, input.tenantId, (em) => em.findOneOrFail(MeetingRecord, { id: input.meetingRecordId }));
    if (!record.draft) throw invalidRequest('There is no follow-up draft to log yet.');
    const draft = record.draft;
    return runAudited(deps, { tenantId: input.tenantId, workflowId: input.workflowId, actor: input.actorSlackUserId, action: 'crm.note', target: input.accountId }, () =>
      withCrm(deps, input.tenantId, async (provider) => {
        const account = await provider.getAccount(input.accountId);
        const accountName = account?.name ?? 'the chosen account';
        const existing = await provider.findNoteByKey(input.accountId, key);
        if (existing) return { externalId: existing.id, url: existing.url ?? account?.url, label: `Note on ${accountName}` };
        let dealId: string | undefined;
        if (provider.capabilities.has('noteOnDeal') && provider.capabilities.has('deals')) {
          const openDeals = await provider.listDeals(input.accountId, { openOnly: true });
          if (openDeals.length === 1) dealId = openDeals[0]!.id;
        }
        const note = await provider.createNote({
          accountId: input.accountId,
          dealId,
          idempotencyKey: key,
          title: `Meeting: ${record.title}`,
          body: noteBody(draft.crmNote, record.meetingUrl),
          occurredAt: record.startedAt.toISOString(),
        });
        return { externalId: note.id, url: note.url ?? account?.url, label: `Note on ${accountName}${dealId ? ' and its open deal' : ''}` };
      }),
    );
  };
}

function noteBody(crmNote: string, meetingUrl: string | null | undefined): string {
  return meetingUrl ? `${crmNote}\n\nRecording: ${meetingUrl}` : crmNote;
}
