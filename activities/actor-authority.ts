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
 * actor; only the API can sign one. A refusal is audited and never retried (unless the database
 * was down to audit it).
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
  const row: AuditEntry = {
    tenantId: input.tenantId,
    workflowId: input.workflowId,
    actor: input.actorSlackUserId,
    action: 'actor.refused',
    target: action,
    result: 'failure',
    detail: { reason, claimedAdmin: input.actorIsAdmin },
  };
  try {
    await inTenant(deps.orm, input.tenantId, async (em) => {
      appendAudit(em, row);
    });
  } catch (error) {
    // Unrecorded, the refusal is retried: the next attempt refuses again and records it then.
    if (isDatabaseUnavailable(error)) throw ApplicationFailure.create({ message: 'The audit log is unavailable (database down); the refusal is recorded by the next attempt.', type: 'database-unavailable' });
    deps.logger.error('Audit write failed', { error, workflowId: input.workflowId });
  }
  deps.logger.warn('Refused an unproven actor', { tenantId: input.tenantId, workflowId: input.workflowId, action, reason });
  throw ApplicationFailure.create({
    message: 'This request did not come from Slack through the app, so nothing was done.',
    type: 'forbidden',
    nonRetryable: true,
  });
}
