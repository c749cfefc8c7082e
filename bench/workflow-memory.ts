/**
 * What one cached meeting costs in the workflow thread's heap (issue 15 §3), outside the product:
 * the SDK's reusable V8 context, as the worker runs it, in this process, with the real workflow
 * bundle and interceptors. Three variants: a new run as deployed (patch trace-context-propagation:
 * the trace context is only carried, no OpenTelemetry module in the sandbox); a run started while
 * the full OpenTelemetry workflow interceptor was deployed (its first task replayed with the
 * `opentelemetry-tracing` marker, so it takes that branch, as every new run did before); and the
 * bundle without the tracing interceptor, for comparison. Each variant creates
 * WORKFLOW_MEMORY_MEETINGS (100) meeting workflows and runs their first activation (start: patch
 * markers, search attributes, the first activity scheduled), then compares the heap used after
 * full GCs with the heap before. Benchmark 4 measures the same in the running worker
 * (`workflowLiveMiB`), where each meeting has also run its preparation and published its card.
 * Run: `node --expose-gc -r ts-node/register/transpile-only bench/workflow-memory.ts`
 *
 * The SDK's workflow creator is internal API (@temporalio/worker/lib/workflow/reusable-vm), the
 * one the worker's workflow thread uses with reuseV8Context, its default.
 */
import os from 'node:os';
import path from 'node:path';
import { msToTs } from '@temporalio/common/lib/time';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { ReusableVMWorkflowCreator } from '@temporalio/worker/lib/workflow/reusable-vm';
import type { MeetingWorkflowInput } from '../workflows/messages';
import { failureConverterPath } from '../runtime/data-converter';
import { workflowInterceptorModules, workflowsPath } from '../wiring/workflow-code';
import { numberFromEnv, printTable, round, writeResults, type Row } from './lib/stats';

const MIB = 2 ** 20;
const meetingActivities = ['loadMeeting', 'draftFollowUp', 'matchAccount', 'publishCard', 'nudgeRep', 'logCrmNote'];

function collectGarbage(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('Run with node --expose-gc (see the header of bench/workflow-memory.ts).');
  gc();
  gc();
  return process.memoryUsage().heapUsed / MIB;
}

function jsonPayload(value: unknown): { metadata: Record<string, Uint8Array>; data: Uint8Array } {
  return { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(value)) };
}

async function bundle(interceptorModules: string[]): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath, workflowInterceptorModules: interceptorModules, failureConverterPath, logger: new DefaultLogger('WARN') });
  return code;
}

interface Variant {
  code: string;
  /** Patch markers the run's history already holds: its first task is then a replay. */
  recordedPatches: string[];
}

async function measure(variant: string, { code, recordedPatches }: Variant, meetings: number): Promise<Row> {
  const sourceMapAt = code.lastIndexOf('//# sourceMappingURL=data:');
  const sourceMap = JSON.parse(Buffer.from(code.slice(code.indexOf('base64,', sourceMapAt) + 'base64,'.length).trim(), 'base64').toString('utf8'));
  const filename = path.resolve(__dirname, `workflow-memory-${variant}.js`);
  const creator = await ReusableVMWorkflowCreator.create({ code: code.slice(0, sourceMapAt), sourceMap, filename }, 5000, new Set(meetingActivities), undefined);
  const before = collectGarbage();
  const workflows = [];
  for (let index = 0; index < meetings; index++) {
    const runId = `memory-run-${index}`;
    const workflowId = `meeting:memory:${index}`;
    const now = new Date();
    const workflow = await creator.createWorkflow({
      info: {
        workflowType: 'meetingFollowUp', workflowId, runId, firstExecutionRunId: runId, taskQueue: 'memory', namespace: 'default',
        attempt: 1, historyLength: 3, historySize: 1000, continueAsNewSuggested: false, startTime: now, runStartTime: now,
        searchAttributes: {}, typedSearchAttributes: [], memo: {}, unsafe: { now: () => Date.now(), isReplaying: false },
      } as never,
      randomnessSeed: [index + 1],
      now: now.getTime(),
      showStackTraceSources: false,
    });
    const input: MeetingWorkflowInput = {
      tenantId: '00000000-0000-4000-8000-000000000001', recordingId: String(9_000_000 + index), repSlackUserId: 'U0MEMORY',
      trigger: 'fathom-webhook', nudgeAfterMs: 86_400_000, expireAfterMs: 14 * 86_400_000, autoLogWhenConfident: false, offeredActions: ['note', 'draft', 'event'],
    };
    const completion = await workflow.activate({
      runId, isReplaying: recordedPatches.length > 0, historyLength: 3,
      timestamp: msToTs(now.getTime()),
      jobs: [
        ...recordedPatches.map((patchId) => ({ notifyHasPatch: { patchId } })),
        { initializeWorkflow: { workflowType: 'meetingFollowUp', workflowId, arguments: [jsonPayload(input)], headers: {}, firstExecutionRunId: runId, attempt: 1 } },
      ],
    } as never);
    if (!completion.successful) throw new Error(`${variant}: the first activation failed: ${JSON.stringify(completion.failed)}`);
    workflows.push(workflow);
  }
  const after = collectGarbage();
  for (const workflow of workflows) await workflow.dispose();
  await creator.destroy();
  // Figures on a busy machine differ little (live heap after full GCs), but say how busy it was.
  const load1 = round(os.loadavg()[0]!);
  return { variant, meetings, heapBeforeMiB: round(before), heapAfterMiB: round(after), perMeetingKiB: round(((after - before) * 1024) / meetings), load1 };
}

async function main(): Promise<void> {
  const meetings = Math.round(numberFromEnv('WORKFLOW_MEMORY_MEETINGS', 100));
  // Both bundles first: webpack's garbage would otherwise be collected during a measurement.
  const deployed = await bundle(workflowInterceptorModules);
  const untraced = await bundle(workflowInterceptorModules.filter((module) => !/workflow-tracing-interceptors\.[jt]s$/.test(module)));
  const variants: Record<string, Variant> = {
    'new run as deployed (trace context carried only)': { code: deployed, recordedPatches: [] },
    'run traced by the OpenTelemetry interceptor (opentelemetry-tracing)': { code: deployed, recordedPatches: ['opentelemetry-tracing'] },
    'without the tracing interceptor': { code: untraced, recordedPatches: [] },
  };
  const rows: Row[] = [];
  for (const [variant, setup] of Object.entries(variants)) rows.push(await measure(variant, setup, meetings));
  printTable('Workflow thread heap per meeting after its first activation (reusable V8 context, live after full GCs)', rows);
  await writeResults('workflow-memory', { rows });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
