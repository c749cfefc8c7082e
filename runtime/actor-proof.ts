/**
 * Proof that an actor was resolved by the API from a verified Slack request. Holding the payload
 * codec is enough to send the workflow an update naming any actor; only the API and the worker
 * hold ACTOR_PROOF_KEY, so only the API can sign an actor the worker's activities will act for.
 * The signature binds the workflow, tenant, Slack user and admin flag: changing any of them, or
 * reusing it on another meeting, breaks it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface ActorClaim {
  workflowId: string;
  tenantId: string;
  slackUserId: string;
  isAdmin: boolean;
}

export function signActor(key: string, claim: ActorClaim): string {
  const message = JSON.stringify(['actor-proof/v1', claim.workflowId, claim.tenantId, claim.slackUserId, claim.isAdmin]);
  return createHmac('sha256', key).update(message).digest('base64url');
}

export function isProvenActor(key: string, claim: ActorClaim, proof: string | undefined): boolean {
  if (!proof) return false;
  const expected = Buffer.from(signActor(key, claim));
  const given = Buffer.from(proof);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
