import type { TranscriptLine } from '../domain/meeting';
import { activityCallHolder } from '../clients/rate-limit-holder';
import { appendAudit } from '../db/audit';
import { inTenant } from '../db/tenant-scope';
import { MeetingRecord } from '../entities';
import { aiTokensUsed } from '../runtime/metrics';
import type { FollowUpDraft } from '../domain/meeting';
import { assertWithinAiTokenBudget } from './ai-token-budget';
import type { ActivityDependencies } from './dependencies';
import { invalidRequest, notConfigured } from './failures';
import { whileHeartbeating } from './heartbeat';
import { loadRep, loadTenant } from './tenant-services';

export interface DraftFollowUpInput {
  tenantId: string;
  meetingRecordId: string;
  workflowId: string;
}

/**
 * The rate-limit holder under which the meeting's workflow will run draftFollowUp(input) (the name
 * activities/index.ts registers it under), so a turn booked for it before it is scheduled
 * (loadMeeting) is the one the draft claims.
 */
export function draftTurnHolder(input: DraftFollowUpInput): string {
  return activityCallHolder(input.workflowId, 'draftFollowUp', [input]);
}

/** Asks the follow-up writer for summary, insights, email and note; stores them once. */
export function draftFollowUpActivity(deps: ActivityDependencies) {
  return async function draftFollowUp(input: DraftFollowUpInput): Promise<{ revision: number; generator: FollowUpDraft['generator'] }> {
    const context = await inTenant(deps.orm, input.tenantId, async (em) => {
      const record = await em.findOneOrFail(MeetingRecord, { id: input.meetingRecordId }, { populate: ['transcript'] });
      const tenant = await loadTenant(em, input.tenantId);
      if (!record.draft && deps.followUpWriter) await assertWithinAiTokenBudget(em, tenant, deps.now());
      return { record, tenant, rep: await loadRep(em, record.repSlackUserId) };
    });
    const { record, tenant, rep } = context;
    if (record.draft) return { revision: record.draft.revision, generator: record.draft.generator };
    if (!deps.followUpWriter) {
      throw notConfigured('AI drafting is not configured for this deployment; an operator must set ANTHROPIC_API_KEY.');
    }
    if (!record.transcript) throw invalidRequest('The transcript of this meeting is no longer stored (retention period passed).');

    const writer = deps.followUpWriter;
    const transcript = JSON.parse(record.transcript) as TranscriptLine[];
    // A model call can take a minute: heartbeats let a dead worker's attempt be retried in seconds.
    const written = await whileHeartbeating(() => writer.write({
      title: record.title,
      startedAt: record.startedAt.toISOString(),
      meetingLanguage: record.language ?? null,
      languageSetting: tenant.settings.language,
      tone: tenant.settings.tone,
      // The name Slack shows for the rep: an email address is no way to sign a letter.
      repName: rep?.fullName ?? null,
      companyName: tenant.name,
      externalAttendees: record.attendees.filter((a) => a.external).map((a) => ({ name: a.name, email: a.email })),
      transcript,
      tenantId: tenant.id,
    }));
    const { tokensUsed, ...writtenDraft } = written;
    aiTokensUsed.inc({ plan: tenant.plan }, tokensUsed);
    const draft: FollowUpDraft = { ...writtenDraft, revision: 1 };
    await inTenant(deps.orm, input.tenantId, async (em) => {
      const fresh = await em.findOneOrFail(MeetingRecord, { id: input.meetingRecordId });
      if (fresh.draft) return; // a parallel attempt stored one first; keep it
      fresh.draft = draft;
      appendAudit(em, {
        tenantId: input.tenantId,
        actor: 'workflow',
        action: 'draft.generated',
        target: record.recordingId,
        result: 'success',
        workflowId: input.workflowId,
        detail: { generator: draft.generator, model: draft.model, promptVersion: draft.promptVersion, transcriptSha256: record.transcriptSha256, tokensUsed },
      });
    });
    return { revision: 1, generator: draft.generator };
  };
}
