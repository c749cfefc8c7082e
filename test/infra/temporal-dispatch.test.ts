import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { freePort, spawnWithPrefixedOutput, waitUntil, type ManagedProcess } from '../../scripts/lib/processes';
import { resolveTemporalCli } from '../../scripts/lib/temporal-cli';
import { temporalDevServerFlags } from '../../scripts/lib/temporal-dev-server-flags';
import { priorityKeys } from '../../domain/task-dispatch';

/**
 * The dev server started with the project's flags really dispatches a backlog by priority, then
 * by fairness key. Its own server: priority and fairness hold within one task queue partition, so
 * this one has a single partition, where the order is exact (the shared test server keeps the
 * default four, as production does).
 */
describe('a Temporal dev server started with the project’s dynamic config', function () {
  this.timeout(120_000);
  let server: ManagedProcess;
  let connection: Connection;
  let client: Client;

  before(async () => {
    // The dev server binds internal service ports it picks itself; one just released by another
    // test's server can still be taken, and then it exits before serving: start it again.
    for (let attempt = 1; ; attempt++) {
      const [port, httpPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
      const onePartition = ['matching.numTaskqueueReadPartitions=1', 'matching.numTaskqueueWritePartitions=1'].flatMap((value) => ['--dynamic-config-value', value]);
      server = spawnWithPrefixedOutput('temporal-dispatch', resolveTemporalCli(), [
        'server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--log-level', 'error',
        '--port', String(port), '--http-port', String(httpPort), '--metrics-port', String(metricsPort),
        ...temporalDevServerFlags, ...onePartition,
      ]);
      try {
        await waitUntil('the dispatch test’s Temporal server', async () => {
          connection = await Connection.connect({ address: `127.0.0.1:${port}` }).catch(() => connection);
          return connection !== undefined;
        }, { timeoutMs: 60_000, intervalMs: 500, process: server });
        break;
      } catch (error) {
        if (attempt >= 3 || !server.exitStatus) throw error;
      }
    }
    client = new Client({ connection });
  });
  after(async () => {
    await connection?.close();
    await server?.stop(15_000);
  });

  /** Starts workflows (no worker polls), waits until their first tasks are all queued, then takes them one by one. */
  async function dispatchOrder(starts: { id: string; priority: { priorityKey?: number; fairnessKey: string; fairnessWeight?: number } }[]): Promise<string[]> {
    const taskQueue = `dispatch-${randomUUID()}`;
    for (const { id, priority } of starts) await client.workflow.start('notRunHere', { taskQueue, workflowId: `${taskQueue}:${id}`, args: [], priority });
    await waitUntil('every workflow task queued', async () => {
      const { stats } = await client.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        reportStats: true,
      });
      return Number(stats?.approximateBacklogCount ?? 0) >= starts.length;
    }, { timeoutMs: 30_000, intervalMs: 200 });
    const order: string[] = [];
    for (let taken = 0; taken < starts.length; taken++) {
      const task = await connection.withDeadline(Date.now() + 10_000, () =>
        client.workflowService.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL }, identity: 'dispatch-test' }),
      );
      order.push(task.workflowExecution?.workflowId?.slice(taskQueue.length + 1) ?? '(none)');
    }
    return order;
  }

  it('hands out what a person waits on first, however much background work was queued before it', async () => {
    const background = Array.from({ length: 6 }, (_, index) => ({ id: `background-${index}`, priority: { priorityKey: priorityKeys.background, fairnessKey: 'tenant-a' } }));
    const order = await dispatchOrder([...background, { id: 'click', priority: { priorityKey: priorityKeys.personWaiting, fairnessKey: 'tenant-a' } }]);
    assert.equal(order[0], 'click', order.join(' '));
  });

  it('lets a small tenant’s work through between a big tenant’s backlog at the same priority', async () => {
    const big = Array.from({ length: 8 }, (_, index) => ({ id: `big-${index}`, priority: { fairnessKey: 'tenant-big' } }));
    const small = Array.from({ length: 2 }, (_, index) => ({ id: `small-${index}`, priority: { fairnessKey: 'tenant-small' } }));
    const order = await dispatchOrder([...big, ...small]);
    const lastSmall = Math.max(order.indexOf('small-0'), order.indexOf('small-1'));
    // First in, first out would hand them out 9th and 10th.
    assert.ok(lastSmall <= 4, `the small tenant's two tasks are among the first five: ${order.join(' ')}`);
  });
});
