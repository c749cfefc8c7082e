import type { ActingFor } from '../domain/meeting';
import { appendAudit } from '../db/audit';
import { inTenant } from '../db/tenant-scope';
import { MeetingRecord } from '../entities';
import type { ActivityDependencies } from './dependencies';
import { invalidRequest } from './failures';
import { assertActsForProvenActor } from './actor-authority';

export interface DraftEdits {
  summary?: string;
  emailSubject?: string;
  /** Plain text as typed in Slack; stored as simple HTML for Gmail. */
  emailBody?: string;
  crmNote?: string;
}

export interface SaveDraftEditsInput extends ActingFor {
  tenantId: string;
  meetingRecordId: string;
  workflowId: string;
  edits: DraftEdits;
}

export const editLimits = { summary: 3000, emailSubject: 200, emailBody: 5000, crmNote: 10000 } as const;

/** Saves the rep's edits; every later action (note, draft, event) uses the edited text. */
export function saveDraftEditsActivity(deps: ActivityDependencies) {
  return async function saveDraftEdits(input: SaveDraftEditsInput): Promise<number> {
    await assertActsForProvenActor(deps, input, 'draft.edited');
    return inTenant(deps.orm, input.tenantId, async (em) => {
      const record = await em.findOneOrFail(MeetingRecord, { id: input.meetingRecordId });
      if (!record.draft) throw invalidRequest('There is no draft to edit yet.');
      const { summary, emailSubject, emailBody, crmNote } = input.edits;
      for (const [field, value] of Object.entries(input.edits)) {
        const limit = editLimits[field as keyof DraftEdits];
        if (value !== undefined && value.length > limit) throw invalidRequest(`The ${field} is too long (at most ${limit} characters).`);
      }
      const changed = Object.keys(input.edits).filter((key) => input.edits[key as keyof DraftEdits] !== undefined);
      record.draft = {
        ...record.draft,
        ...(summary !== undefined ? { summary } : {}),
        ...(emailSubject !== undefined ? { emailSubject } : {}),
        ...(emailBody !== undefined ? { emailHtml: plainTextToHtml(emailBody) } : {}),
        ...(crmNote !== undefined ? { crmNote } : {}),
        revision: record.draft.revision + 1,
        editedBySlackUserId: input.actorSlackUserId,
      };
      appendAudit(em, {
        tenantId: input.tenantId,
        actor: input.actorSlackUserId,
        action: 'draft.edited',
        target: record.recordingId,
        result: 'success',
        workflowId: input.workflowId,
        detail: { fields: changed, revision: record.draft.revision },
      });
      return record.draft.revision;
    });
  };
}

function plainTextToHtml(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return escaped
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${paragraph.replace(/\n/g, '<br>')}</p>`)
    .join('');
}
