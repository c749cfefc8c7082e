import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  WorkflowUpdateFailedError,
  WorkflowUpdateStage,
  type Client,
} from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Tenant } from '../entities';
import { meetingFollowUp } from '../workflows';
import { cancelMeetingSignal, meetingTaskQueue, meetingWorkflowId, retrySignal, tenantIdSearchAttribute } from '../workflows/messages';
import type { ActionKind, MeetingWorkflowInput } from '../workflows/meeting-types';

const hour = 60 * 60 * 1000;
/** How long a known outcome may take to decode (payload codec) before we call it accepted. */
const outcomeSettleMs = 50;
const day = 24 * hour;

export type UpdateOutcome =
  | { status: 'accepted' }
  | { status: 'rejected'; reason: string }
  /** Not accepted within the ack budget; it carries on and reports through the card. */
  | { status: 'pending' }
  | { status: 'unavailable' };

/**
 * Everything the API asks of Temporal, in one place: start (or join) a meeting's workflow and
 * hand it the rep's clicks. Workflow ids come from the verified tenant plus the recording id,
 * so a request can only ever reach its own tenant's meetings.
 */
export class MeetingGateway {
  constructor(
    private readonly client: Client,
    private readonly options: { taskQueue?: string; ackTimeoutMs: number },
  ) {}

  workflowId(tenant: Tenant, recordingId: string): string {
    return meetingWorkflowId(tenant.id, recordingId);
  }

  /** Starts the meeting's workflow, or joins the running one: two triggers never make two. */
  async startMeeting(
    tenant: Tenant,
    request: { recordingId: string; repSlackUserId: string; channelId?: string; force?: boolean; trigger: MeetingWorkflowInput['trigger'] },
  ): Promise<{ workflowId: string; alreadyProcessed: boolean }> {
    const workflowId = this.workflowId(tenant, request.recordingId);
    const input: MeetingWorkflowInput = {
      tenantId: tenant.id,
      recordingId: request.recordingId,
      repSlackUserId: request.repSlackUserId,
      channelId: request.channelId,
      force: request.force,
      trigger: request.trigger,
      nudgeAfterMs: tenant.settings.nudgeAfterHours * hour,
      expireAfterMs: tenant.settings.expireAfterDays * day,
      autoLogWhenConfident: tenant.settings.autoLogPolicy === 'when-confident',
      offeredActions: tenant.settings.offeredActions,
    };
    try {
      await this.client.workflow.start(meetingFollowUp, {
        workflowId,
        taskQueue: this.options.taskQueue ?? meetingTaskQueue,
        args: [input],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        // A finished meeting is not re-run by a late webhook or a repeated command; a failed one may be.
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        typedSearchAttributes: [{ key: tenantIdSearchAttribute, value: tenant.id }],
        staticSummary: `Meeting follow-up (${request.trigger})`,
      });
      return { workflowId, alreadyProcessed: false };
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, alreadyProcessed: true };
      throw error;
    }
  }

  /** Sends an update and waits only until the workflow has accepted or rejected it. */
  async update<Ret, Arg>(tenant: Tenant, recordingId: string, definition: UpdateDefinition<Ret, [Arg]>, arg: Arg): Promise<UpdateOutcome> {
    const handle = this.client.workflow.getHandle(this.workflowId(tenant, recordingId));
    const accepted = handle.startUpdate(definition, { args: [arg], waitForStage: WorkflowUpdateStage.ACCEPTED }).then(
      (update) => outcomeOf(update.result()),
      (error: unknown): UpdateOutcome => describeUpdateError(error),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<UpdateOutcome>((resolve) => {
      timer = setTimeout(() => resolve({ status: 'pending' }), this.options.ackTimeoutMs);
    });
    try {
      return await Promise.race([accepted, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async retry(tenant: Tenant, recordingId: string, by: string, action?: ActionKind): Promise<void> {
    await this.client.workflow.getHandle(this.workflowId(tenant, recordingId)).signal(retrySignal, { by, action });
  }

  async cancel(workflowId: string, reason: string): Promise<void> {
    await this.client.workflow.getHandle(workflowId).signal(cancelMeetingSignal, { reason });
  }
}

/**
 * The SDK returns a handle even for a rejected update; the rejection surfaces from result(),
 * which then settles at once (the outcome is already known). An accepted update's result only
 * comes when its work is done, so a result still pending after a moment means "accepted".
 */
async function outcomeOf(result: Promise<unknown>): Promise<UpdateOutcome> {
  const settledAtOnce = result.then(
    (): UpdateOutcome => ({ status: 'accepted' }),
    (error: unknown): UpdateOutcome => describeUpdateError(error),
  );
  const stillRunning = new Promise<UpdateOutcome>((resolve) => setTimeout(() => resolve({ status: 'accepted' }), outcomeSettleMs));
  return Promise.race([settledAtOnce, stillRunning]);
}

function describeUpdateError(error: unknown): UpdateOutcome {
  if (error instanceof WorkflowUpdateFailedError) {
    const cause = (error as { cause?: { message?: string } }).cause;
    return { status: 'rejected', reason: cause?.message ?? error.message };
  }
  const name = (error as { name?: string } | null)?.name;
  if (name === 'WorkflowNotFoundError') return { status: 'rejected', reason: 'This follow-up is closed or no longer exists.' };
  return { status: 'unavailable' };
}
