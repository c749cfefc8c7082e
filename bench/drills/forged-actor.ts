/**
 * Drill 6: an operator-level client (it holds the payload codec, as the codec server gives an
 * operator) forges the actor of note, draft and event updates on N meetings (default 10): an
 * admin of each meeting's workspace that the API never resolved, once with a made-up proof and
 * once with none. PASS when no note, draft or event exists and every attempt is audited as
 * refused.
 */
import { randomBytes } from 'node:crypto';
import type { UpdateDefinition } from '@temporalio/common';
import { inTenant } from '../../db/tenant-scope';
import type { ActionState, Actor } from '../../domain/meeting';
import { AuditLog } from '../../entities';
import { createEmailDraftUpdate, logNoteUpdate, meetingWorkflowId, scheduleFollowUpUpdate } from '../../workflows/messages';
import { startDrillStack } from '../lib/drill-stack';
import { prepareMeetings } from '../lib/meetings';
import { numberFromEnv } from '../lib/stats';
import type { DrillResult } from './kill-worker';
import { countSideEffects } from './meeting-outcomes';

const forgedUpdates: UpdateDefinition<ActionState, [{ actor: Actor }]>[] = [logNoteUpdate, createEmailDraftUpdate, scheduleFollowUpUpdate];

export async function forgedActorDrill(): Promise<DrillResult> {
  const meetings = Math.round(numberFromEnv('DRILL_FORGED_MEETINGS', 10));
  const stack = await startDrillStack();
  const started = Date.now();
  try {
    const targets = await prepareMeetings(stack, meetings, { label: 'forged-actor drill meetings', concurrency: 10 });
    let attempts = 0;
    let refusedOnCard = 0;
    let accepted = 0;
    for (const target of targets) {
      const handle = stack.client.workflow.getHandle(meetingWorkflowId(target.tenantId, target.recordingId));
      for (const [index, update] of forgedUpdates.entries()) {
        // Alternate a made-up proof and none: both must be refused.
        const proof = index % 2 === 0 ? randomBytes(32).toString('base64url') : undefined;
        const actor: Actor = { tenantId: target.tenantId, slackUserId: 'U0FORGEDADMIN', isAdmin: true, ...(proof ? { proof } : {}) };
        attempts += 1;
        const state = await handle.executeUpdate(update, { args: [{ actor }] });
        if (state.status === 'done') accepted += 1;
        if (state.status === 'failed' && state.failure?.kind === 'forbidden') refusedOnCard += 1;
      }
    }
    const sideEffects = countSideEffects(stack, targets);
    let audited = 0;
    for (const target of targets) {
      const workflowId = meetingWorkflowId(target.tenantId, target.recordingId);
      audited += await inTenant(stack.orm, target.tenantId, (em) => em.count(AuditLog, { workflowId, action: 'actor.refused', actor: 'U0FORGEDADMIN' }));
    }
    const failures: string[] = [];
    if (accepted) failures.push(`${accepted} forged actions were done`);
    if (sideEffects.notes || sideEffects.drafts || sideEffects.events) {
      failures.push(`side effects: ${sideEffects.notes} notes, ${sideEffects.drafts} drafts, ${sideEffects.events} events`);
    }
    if (refusedOnCard !== attempts) failures.push(`${attempts - refusedOnCard} of ${attempts} attempts did not show the refusal`);
    if (audited !== attempts) failures.push(`${audited} of ${attempts} attempts audited`);
    return {
      passed: failures.length === 0,
      failures,
      summary: {
        drill: 'forged actor via Temporal',
        seconds: Math.round((Date.now() - started) / 1000),
        meetings: targets.length,
        attempts,
        refusedOnCard,
        audited,
        notes: sideEffects.notes,
        drafts: sideEffects.drafts,
        events: sideEffects.events,
      },
    };
  } finally {
    await stack.shutdown();
  }
}
