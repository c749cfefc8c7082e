import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  WorkflowUpdateFailedError,
  WorkflowUpdateStage,
  type Client,
} from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Tenant } from '../../entities';
import { meetingFollowUp, offboardTenant } from '../../workflows';
import {
  cancelMeetingSignal,
  crmSyncStatusSearchAttribute,
  meetingStartSearchAttributes,
  meetingStatusSearchAttribute,
  meetingTaskQueue,
  meetingWorkflowId,
  retrySignal,
  tenantIdSearchAttribute,
} from '../../workflows/messages';
import { isRecordingId, type ActionKind, type Actor, type MeetingStatus } from '../../domain/meeting';
import { priorityKeys, tenantDispatch } from '../../domain/task-dispatch';
import type { MeetingWorkflowInput } from '../../workflows/messages';
import { offboardWorkflowId, type OffboardReason } from '../../workflows/offboard-tenant-types';
import { signActor } from '../../runtime/actor-proof';
import type { KnownUpdateOutcomes } from './known-update-outcomes';
import type { Orm } from '../../db/orm';
import type { MeetingQuota } from './meeting-quota';
import { mayClaimRecording } from './recording-owner';
import { countUpdateOutcome } from './update-outcome-metrics';

const hour = 60 * 60 * 1000;
/** A click or modal naming something other than a recording id (hand-made or forged): Temporal is not asked. */
/** For a meeting that ended and for an id no meeting ever had alike, so a guess learns nothing. */
export const notAMeeting = 'This follow-up is closed or no longer exists.';
const day = 24 * hour;

export type UpdateOutcome =
  | { status: 'accepted' }
  | { status: 'rejected'; reason: string }
  /** Not accepted within the ack budget; it carries on and reports through the card. */
  | { status: 'pending' }
  | { status: 'unavailable' };

export type AskOutcome<Ret> =
  | { status: 'answered'; result: Ret }
  | { status: 'rejected'; reason: string }
  /** No answer within the deadline. */
  | { status: 'late' }
  | { status: 'unavailable' };

export interface MeetingNeedingAttention {
  workflowId: string;
  recordingId: string;
  status: MeetingStatus | undefined;
  crmSyncFailed: boolean;
}

/**
 * Everything the API asks of Temporal, in one place: start (or join) a meeting's workflow and
 * hand it the rep's clicks. Workflow ids come from the verified tenant plus the recording id,
 * so a request can only ever reach its own tenant's meetings.
 */
export class MeetingGateway {
  constructor(
    private readonly client: Client,
    private readonly options: {
      taskQueue?: string;
      ackTimeoutMs: number;
      quota: MeetingQuota;
      actorProofKey: string;
      orm: Orm;
      /** Fed by the interceptor the client was built with (KnownUpdateOutcomes.interceptor). */
      updateOutcomes: KnownUpdateOutcomes;
    },
  ) {}

  workflowId(tenant: Tenant, recordingId: string): string {
    return meetingWorkflowId(tenant.id, recordingId);
  }

  /**
   * Starts the meeting's workflow, or joins the running one: two triggers never make two. A
   * meeting over the tenant's monthly plan quota, or a recording stored as another rep's, is not
   * started; `refusal` tells the rep why.
   */
  async startMeeting(
    tenant: Tenant,
    request: { recordingId: string; repSlackUserId: string; channelId?: string; responseUrl?: string; force?: boolean; trigger: MeetingWorkflowInput['trigger'] },
  ): Promise<{ workflowId: string; alreadyProcessed: boolean; refusal?: string }> {
    const workflowId = this.workflowId(tenant, request.recordingId);
    if (!(await mayClaimRecording(this.options.orm, tenant, request.recordingId, request.repSlackUserId))) {
      return { workflowId, alreadyProcessed: false, refusal: 'This recording is another rep’s meeting; only they can prepare its follow-up.' };
    }
    const admission = await this.options.quota.admit(tenant, request.recordingId);
    if (!admission.admitted) return { workflowId, alreadyProcessed: false, refusal: admission.message };
    const input: MeetingWorkflowInput = {
      tenantId: tenant.id,
      recordingId: request.recordingId,
      repSlackUserId: request.repSlackUserId,
      channelId: request.channelId,
      responseUrl: request.responseUrl,
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
        typedSearchAttributes: meetingStartSearchAttributes(tenant.id),
        // The tenant's fair share of the workers by plan, above background work; its activities inherit both.
        priority: tenantDispatch(tenant, priorityKeys.meeting),
        staticSummary: `Meeting follow-up (${request.trigger})`,
      });
      return { workflowId, alreadyProcessed: false };
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, alreadyProcessed: true };
      throw error;
    }
  }

  /**
   * Sends an update and waits only until the workflow has accepted or rejected it. The actor it
   * names is signed for this meeting here, the one door every update goes through.
   */
  async update<Ret, Arg extends { actor: Actor }>(tenant: Tenant, recordingId: string, definition: UpdateDefinition<Ret, [Arg]>, arg: Arg): Promise<UpdateOutcome> {
    if (!isRecordingId(recordingId)) return { status: 'rejected', reason: notAMeeting };
    const { handle, signed } = this.signedFor(tenant, recordingId, arg);
    const { updateOutcomes } = this.options;
    const updateId = updateOutcomes.watch();
    const accepted = handle.startUpdate(definition, { args: [signed], waitForStage: WorkflowUpdateStage.ACCEPTED, updateId }).then(
      // An action still running is accepted; only an update that finished with its acceptance has an outcome to read now.
      (update): Promise<UpdateOutcome> | UpdateOutcome => (updateOutcomes.takeFinished(updateId) ? outcomeOf(update.result()) : { status: 'accepted' }),
      (error: unknown): UpdateOutcome => {
        updateOutcomes.takeFinished(updateId);
        return describeUpdateError(error);
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<UpdateOutcome>((resolve) => {
      timer = setTimeout(() => resolve({ status: 'pending' }), this.options.ackTimeoutMs);
    });
    try {
      const outcome = await Promise.race([accepted, timeout]);
      countUpdateOutcome(outcome);
      return outcome;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Sends an update and waits for its result, for a question someone is waiting on (a picker's
   * options). Past `deadlineMs` the answer is `late`; the workflow still finishes the update.
   */
  async ask<Ret, Arg extends { actor: Actor }>(
    tenant: Tenant,
    recordingId: string,
    definition: UpdateDefinition<Ret, [Arg]>,
    arg: Arg,
    deadlineMs: number,
  ): Promise<AskOutcome<Ret>> {
    if (!isRecordingId(recordingId)) return { status: 'rejected', reason: notAMeeting };
    const { handle, signed } = this.signedFor(tenant, recordingId, arg);
    const answered = handle.executeUpdate(definition, { args: [signed] }).then(
      (result): AskOutcome<Ret> => ({ status: 'answered', result }),
      (error: unknown): AskOutcome<Ret> => {
        const outcome = describeUpdateError(error);
        return outcome.status === 'rejected' ? outcome : { status: 'unavailable' };
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<AskOutcome<Ret>>((resolve) => {
      timer = setTimeout(() => resolve({ status: 'late' }), deadlineMs);
    });
    try {
      return await Promise.race([answered, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The meeting's handle and the update's argument with its actor signed for this meeting. */
  private signedFor<Arg extends { actor: Actor }>(tenant: Tenant, recordingId: string, arg: Arg) {
    const workflowId = this.workflowId(tenant, recordingId);
    const proof = signActor(this.options.actorProofKey, { workflowId, ...arg.actor });
    return { handle: this.client.workflow.getHandle(workflowId), signed: { ...arg, actor: { ...arg.actor, proof } } };
  }

  async retry(tenant: Tenant, recordingId: string, by: string, action?: ActionKind): Promise<void> {
    await this.client.workflow.getHandle(this.workflowId(tenant, recordingId)).signal(retrySignal, { by, action });
  }

  /**
   * Retries the note of every running meeting of the tenant whose CRM sync failed, as `by`: the
   * batch an operator would run with `temporal workflow signal --query`, scoped to the verified
   * tenant. Returns the meetings signalled.
   */
  async retryFailedSyncs(tenant: Tenant, by: string): Promise<string[]> {
    const query = `TenantId = '${tenant.id}' AND CrmSyncStatus = "failed" AND ExecutionStatus = "Running"`;
    const workflowIds: string[] = [];
    for await (const workflow of this.client.workflow.list({ query })) workflowIds.push(workflow.workflowId);
    await Promise.all(workflowIds.map((workflowId) => this.client.workflow.getHandle(workflowId).signal(retrySignal, { by, action: 'note' })));
    return workflowIds;
  }

  async cancel(workflowId: string, reason: string): Promise<void> {
    await this.client.workflow.getHandle(workflowId).signal(cancelMeetingSignal, { reason });
  }

  /** Starts the tenant's offboarding, or joins it when both uninstall events arrive. */
  async offboard(tenant: Tenant, request: { reason: OffboardReason; uninstalledAt: Date }): Promise<void> {
    await this.client.workflow.start(offboardTenant, {
      workflowId: offboardWorkflowId(tenant.id),
      taskQueue: this.options.taskQueue ?? meetingTaskQueue,
      args: [{ tenantId: tenant.id, reason: request.reason, uninstalledAt: request.uninstalledAt.toISOString() }],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      typedSearchAttributes: [{ key: tenantIdSearchAttribute, value: tenant.id }],
      priority: tenantDispatch(tenant, priorityKeys.maintenance),
      staticSummary: `Offboard tenant (${request.reason})`,
    });
  }

  /**
   * The tenant's running meetings an admin should look at: stopped on a failure, or with a CRM
   * sync that failed, from visibility alone (no workflow is queried). The first `limit`.
   */
  async meetingsNeedingAttention(tenant: Tenant, limit: number): Promise<MeetingNeedingAttention[]> {
    const query =
      `TenantId = '${tenant.id}' AND ExecutionStatus = "Running" ` + `AND (MeetingStatus = "needs-attention" OR CrmSyncStatus = "failed")`;
    const idPrefix = meetingWorkflowId(tenant.id, '');
    const meetings: MeetingNeedingAttention[] = [];
    for await (const workflow of this.client.workflow.list({ query, pageSize: limit })) {
      if (!workflow.workflowId.startsWith(idPrefix)) continue;
      meetings.push({
        workflowId: workflow.workflowId,
        recordingId: workflow.workflowId.slice(idPrefix.length),
        status: workflow.typedSearchAttributes.get(meetingStatusSearchAttribute) as MeetingStatus | undefined,
        crmSyncFailed: workflow.typedSearchAttributes.get(crmSyncStatusSearchAttribute) === 'failed',
      });
      if (meetings.length >= limit) break;
    }
    return meetings;
  }

  /** The Temporal namespace of these workflows, for links to their history in the Web UI. */
  get namespace(): string {
    return this.client.options.namespace;
  }

  /**
   * Each meeting's status from its MeetingStatus search attribute (describe is answered by the
   * server alone, for running and closed workflows alike). Unknown when Temporal is slow or the
   * workflow is gone: a status list must never hold up the page showing it.
   */
  async meetingStatuses(tenant: Tenant, recordingIds: string[], timeoutMs: number): Promise<Map<string, MeetingStatus | undefined>> {
    const statusOf = async (recordingId: string): Promise<MeetingStatus | undefined> => {
      const description = await this.client.workflow.getHandle(this.workflowId(tenant, recordingId)).describe();
      return description.typedSearchAttributes.get(meetingStatusSearchAttribute) as MeetingStatus | undefined;
    };
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    try {
      const statuses = await Promise.all(
        recordingIds.map((recordingId) => Promise.race([statusOf(recordingId).catch(() => undefined), deadline])),
      );
      return new Map(recordingIds.map((recordingId, index) => [recordingId, statuses[index]]));
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * The SDK returns a handle even for a rejected update; the rejection surfaces from result(),
 * which then settles without any I/O (the outcome is already known, and the payload codec
 * decrypts synchronously), i.e. within the current microtask queue. An accepted update's result
 * needs the server again, so a result still pending on the next macrotask means "accepted".
 */
/** The outcome that came with the acceptance (no poll: KnownUpdateOutcomes says it is there). */
async function outcomeOf(result: Promise<unknown>): Promise<UpdateOutcome> {
  return result.then(
    (): UpdateOutcome => ({ status: 'accepted' }),
    (error: unknown): UpdateOutcome => describeUpdateError(error),
  );
}

function describeUpdateError(error: unknown): UpdateOutcome {
  if (error instanceof WorkflowUpdateFailedError) {
    const cause = (error as { cause?: { message?: string } }).cause;
    return { status: 'rejected', reason: cause?.message ?? error.message };
  }
  const name = (error as { name?: string } | null)?.name;
  if (name === 'WorkflowNotFoundError') return { status: 'rejected', reason: notAMeeting };
  return { status: 'unavailable' };
}
