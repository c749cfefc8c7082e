import { randomUUID } from 'node:crypto';
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import type { Actor, MeetingState } from '../../../domain/meeting';
import { defaultTenantSettings, type TenantSettings } from '../../../entities/tenant';
import { meetingFollowUp } from '../../../workflows';
import { meetingStartSearchAttributes, meetingWorkflowId, statusQuery, tenantIdSearchAttribute, type MeetingWorkflowInput } from '../../../workflows/messages';
import { tracingOff } from '../../../runtime/tracing';
import { workflowSpanSinks } from '../../../wiring/worker-tracing';
import { waitFor } from '../../support/wait-for';
import { StubbedServices, type MeetingScenario } from './stub-activities';
import { timeSkippingServer, withClockAwake, workflowCode } from './time-skipping-stack';

const hour = 60 * 60 * 1000;
const day = 24 * hour;

export interface StubbedMeeting {
  handle: WorkflowHandleWithFirstExecutionRunId<typeof meetingFollowUp>;
  services: StubbedServices;
  /** The rep who recorded the meeting, as the API derives them from a verified Slack click. */
  rep: Actor;
  /** The workflow's state as the `status` query reports it, once `ready` holds. */
  stateWhen(what: string, ready: (state: MeetingState) => boolean): Promise<MeetingState>;
  /** Moves the test server's clock forward by `ms`; the meeting's timers fire on the way. */
  skipTime(ms: number): Promise<void>;
  /** The meeting's final state; the clock skips ahead to whatever timer ends it. */
  result(): Promise<MeetingState>;
}

export interface MeetingSetup {
  scenario?: MeetingScenario;
  /** The tenant's settings the API starts the meeting with; the defaults unless given. */
  settings?: TenantSettings;
  /** Which time-skipping server runs it (see timeSkippingServer). */
  server: string;
  /** Receives every line the workflow logs, as the worker's logger would; the process's logger otherwise. */
  workflowLogger?: Logger;
  /** Started as the API started meetings before the patch baseline: only the TenantId set. */
  startedBeforePatchBaseline?: boolean;
  /** What started the meeting; a rep's /followup unless given. */
  trigger?: MeetingWorkflowInput['trigger'];
}

/**
 * Runs the real meetingFollowUp workflow on an in-process worker (own task queue) against stubbed
 * services, started with the tenant's settings the way the API starts it, and stops the worker
 * when `test` is done.
 */
export async function withStubbedMeeting(
  { scenario = {}, settings = defaultTenantSettings, server, workflowLogger, startedBeforePatchBaseline = false, trigger = 'slack-command' }: MeetingSetup,
  test: (meeting: StubbedMeeting) => Promise<void>,
): Promise<void> {
  const [env, { workflowBundle, dataConverter }] = await Promise.all([timeSkippingServer(server), workflowCode()]);
  const services = new StubbedServices(scenario);
  const taskQueue = `fast-${randomUUID()}`;
  const tenantId = randomUUID();
  const rep: Actor = { tenantId, slackUserId: 'U-rep', isAdmin: false };
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle,
    activities: services.activities(),
    dataConverter,
    // Where the workflow tracing interceptor hands its spans; tracing is off here.
    sinks: { ...workflowSpanSinks(tracingOff('followup-worker')), ...(workflowLogger ? workflowLogSink(workflowLogger) : {}) },
  });
  await worker.runUntil(async () => {
    const input: MeetingWorkflowInput = {
      tenantId,
      recordingId: '4242',
      repSlackUserId: rep.slackUserId,
      channelId: 'C-sales',
      trigger,
      nudgeAfterMs: settings.nudgeAfterHours * hour,
      expireAfterMs: settings.expireAfterDays * day,
      autoLogWhenConfident: settings.autoLogPolicy === 'when-confident',
      offeredActions: settings.offeredActions,
    };
    const handle = await env.client.workflow.start(meetingFollowUp, {
      taskQueue,
      workflowId: meetingWorkflowId(tenantId, input.recordingId),
      args: [input],
      // As the API starts a meeting.
      typedSearchAttributes: startedBeforePatchBaseline ? [{ key: tenantIdSearchAttribute, value: tenantId }] : meetingStartSearchAttributes(tenantId),
    });
    const stateWhen = (what: string, ready: (state: MeetingState) => boolean) =>
      waitFor(what, async () => {
        const state = await handle.query(statusQuery);
        return ready(state) ? state : undefined;
      });
    const skipTime = (ms: number) => withClockAwake(env, env.sleep(ms));
    const result = () => withClockAwake(env, handle.result());
    try {
      await test({ handle, services, rep, stateWhen, skipTime, result });
    } finally {
      await closeQuietly(handle);
    }
  });
}

/**
 * Time skipping is global to the server: a meeting left open without its worker would hold every
 * later test's clock still once its next timer fires. It is terminated, and only once idle: the
 * test server never releases the clock for an activity still running when its workflow ends.
 */
async function closeQuietly(handle: WorkflowHandleWithFirstExecutionRunId<typeof meetingFollowUp>): Promise<void> {
  const description = await waitFor('the meeting to finish its in-flight work', async () => {
    const current = await handle.describe();
    const busy = current.raw.pendingActivities?.length || current.raw.pendingWorkflowTask;
    return busy ? undefined : current;
  });
  if (description.status.name === 'RUNNING') await handle.terminate('the test is over');
}

/**
 * The sink the workflow's `log` calls go through, pointed at `logger`: the SDK reserves its own
 * name (`__temporal_logger`) and takes this older name as its replacement.
 */
function workflowLogSink(logger: Logger) {
  const level = (name: LogLevel) => ({ fn: (_info: unknown, message: string, attributes?: LogMetadata) => logger.log(name, message, attributes) });
  return { defaultWorkerLogger: { trace: level('TRACE'), debug: level('DEBUG'), info: level('INFO'), warn: level('WARN'), error: level('ERROR') } };
}
