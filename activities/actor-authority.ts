import { ApplicationFailure } from '@temporalio/activity';
import { appendAudit, type AuditEntry } from '../db/audit';
import { isDatabaseUnavailable } from '../db/database-unavailable';
import { inTenant } from '../db/tenant-scope';
import { systemActorId, type ActingFor } from '../domain/meeting';
import { isProvenActor } from '../runtime/actor-proof';
import type { ActivityDependencies } from './dependencies';

/**
 * Checked first by every activity that acts for someone: the actor must carry the API's proof
 * for this meeting. Anyone holding the payload codec can send the workflow an update naming any
 * actor; only the API can sign one. A refusal is audited and never retried.
 */
export async function assertActsForProvenActor(
  deps: ActivityDependencies,
  input: ActingFor & { tenantId: string; workflowId: string },
  action: string,
): Promise<void> {
  // The system actor is created inside the workflow only; the update validators refuse it.
  if (input.actorSlackUserId === systemActorId) return;
  const claim = { workflowId: input.workflowId, tenantId: input.tenantId, slackUserId: input.actorSlackUserId, isAdmin: input.actorIsAdmin };
  if (isProvenActor(deps.actorProofKey, claim, input.actorProof)) return;
  const reason = input.actorProof ? 'the actor proof does not match this actor and meeting' : 'the request carries no actor proof';
  const row: AuditEntry & { occurredAt: Date } = {
    tenantId: input.tenantId,
    workflowId: input.workflowId,
    actor: input.actorSlackUserId,
    action: 'actor.refused',
    target: action,
    result: 'failure',
    detail: { reason, claimedAdmin: input.actorIsAdmin },
    occurredAt: new Date(),
  };
  await inTenant(deps.orm, input.tenantId, async (em) => {
    appendAudit(em, row);
  }).catch((error: unknown) => {
    if (isDatabaseUnavailable(error)) deps.auditBacklog.hold(row);
    else deps.logger.error('Audit write failed', { error, workflowId: input.workflowId });
  });
  deps.logger.warn('Refused an unproven actor', { tenantId: input.tenantId, workflowId: input.workflowId, action, reason });
  throw ApplicationFailure.create({
    message: 'This request did not come from Slack through the app, so nothing was done.',
    type: 'forbidden',
    nonRetryable: true,
  });
}
