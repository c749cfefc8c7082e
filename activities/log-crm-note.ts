import type { ActingFor } from '../domain/meeting';
import { inTenant } from '../db/tenant-scope';
import { idempotencyKey, type ActionResult } from './action-result';
import { withCrmConnection } from './crm-session';
import type { ActivityDependencies } from './dependencies';
import { earlierWriteTraced } from './earlier-write';
import { readMeetingOfRep } from './meeting-of-rep';
import { readDefaultCrmConnection } from './tenant-services';
import { invalidRequest } from './failures';
import { runAudited } from './run-audited';
import { assertActsForProvenActor } from './actor-authority';

export interface LogCrmNoteInput extends ActingFor {
  tenantId: string;
  meetingRecordId: string;
  workflowId: string;
  accountId: string;
  /** As the card shows it; the note's label and link on the card. */
  accountName?: string;
  accountUrl?: string;
}

/**
 * Writes the meeting note on the account (and its single open deal, when the CRM can). When an
 * earlier attempt may have written it, looks the note up by its idempotency key first, so an
 * attempt after a crash or a lost answer finds the earlier note instead of writing another.
 */
export function logCrmNoteActivity(deps: ActivityDependencies) {
  return async function logCrmNote(input: LogCrmNoteInput): Promise<ActionResult> {
    await assertActsForProvenActor(deps, input, 'crm.note');
    const key = idempotencyKey(input.workflowId, 'note');
    return runAudited(deps, { tenantId: input.tenantId, workflowId: input.workflowId, actor: input.actorSlackUserId, action: 'crm.note', target: input.accountId }, async () => {
      // One transaction for everything the note needs from Postgres.
      const { record, connection, lookFirst } = await inTenant(deps.orm, input.tenantId, async (em) => ({
        record: (await readMeetingOfRep(em, input.tenantId, input.meetingRecordId)).record,
        connection: await readDefaultCrmConnection(em, input.tenantId),
        lookFirst: await earlierWriteTraced(em, { workflowId: input.workflowId, auditAction: 'crm.note', actionKind: 'note' }),
      }));
      const draft = record.draft;
      if (!draft) throw invalidRequest('There is no follow-up draft to log yet.');
      return withCrmConnection(deps, input.tenantId, connection, async (provider) => {
        const accountName = input.accountName ?? 'the chosen account';
        const existing = lookFirst ? await provider.findNoteByKey(input.accountId, key) : null;
        if (existing) return { externalId: existing.id, url: existing.url ?? input.accountUrl, label: `Note on ${accountName}` };
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
        return { externalId: note.id, url: note.url ?? input.accountUrl, label: `Note on ${accountName}${dealId ? ' and its open deal' : ''}` };
      });
    });
  };
}

function noteBody(crmNote: string, meetingUrl: string | null | undefined): string {
  return meetingUrl ? `${crmNote}\n\nRecording: ${meetingUrl}` : crmNote;
}
