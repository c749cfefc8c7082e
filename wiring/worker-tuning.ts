/**
 * How a worker process takes its task queue's tasks, from the environment (operators tune these
 * per deployment; the defaults are the SDK's, which bench/README.md §1 measured against the rest):
 *   WORKER_TASKS                      all (default) | workflows | activities: a process that runs
 *                                     only workflow tasks answers a click's update while another
 *                                     process's event loop runs the CRM writes and card edits
 *   WORKER_MAX_CONCURRENT_WORKFLOW_TASKS  maxConcurrentWorkflowTaskExecutions (SDK default 40)
 *   WORKER_MAX_CONCURRENT_ACTIVITIES  maxConcurrentActivityTaskExecutions (SDK default 100)
 *   WORKER_WORKFLOW_TASK_POLLS        maxConcurrentWorkflowTaskPolls (SDK default 10)
 *   WORKER_STICKY_POLL_RATIO          nonStickyToStickyPollRatio (SDK default 0.2)
 *   WORKER_WORKFLOW_THREADS           workflowThreadPoolSize (SDK default 1 with reuseV8Context):
 *                                     threads running workflow activations side by side
 * A task the worker has taken waits inside it in arrival order, out of reach of the task queue's
 * priority and fairness; fewer slots keep the backlog on the queue instead. The noisy-neighbour
 * drill tried 4 workflow tasks and 16 activities: the other tenant's tasks then waited on the queue
 * instead, no less long, and workflow tasks went out at ~2 a second, so the SDK's defaults stay.
 */
import type { WorkerOptions } from '@temporalio/worker';

export const workerTaskKinds = ['all', 'workflows', 'activities'] as const;
export type WorkerTasks = (typeof workerTaskKinds)[number];

export interface WorkerTuning {
  tasks: WorkerTasks;
  options: Pick<WorkerOptions, 'maxConcurrentWorkflowTaskExecutions' | 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskPolls' | 'nonStickyToStickyPollRatio' | 'workflowThreadPoolSize'>;
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}".`);
  return value;
}

export function workerTuningFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerTuning {
  const tasks = (env.WORKER_TASKS || 'all') as WorkerTasks;
  if (!workerTaskKinds.includes(tasks)) throw new Error(`WORKER_TASKS must be one of ${workerTaskKinds.join(', ')}, got "${env.WORKER_TASKS}".`);
  const options: WorkerTuning['options'] = {};
  const workflowTasks = positiveNumber(env, 'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS');
  const activities = positiveNumber(env, 'WORKER_MAX_CONCURRENT_ACTIVITIES');
  const polls = positiveNumber(env, 'WORKER_WORKFLOW_TASK_POLLS');
  const ratio = positiveNumber(env, 'WORKER_STICKY_POLL_RATIO');
  const threads = positiveNumber(env, 'WORKER_WORKFLOW_THREADS');
  // The SDK needs at least 2 workflow task slots (one sticky, one not).
  if (workflowTasks !== undefined) options.maxConcurrentWorkflowTaskExecutions = Math.max(2, Math.round(workflowTasks));
  if (activities !== undefined) options.maxConcurrentActivityTaskExecutions = Math.round(activities);
  // The SDK needs at least 2 pollers (one sticky, one not) for its default poll ratio.
  if (polls !== undefined) options.maxConcurrentWorkflowTaskPolls = Math.max(2, Math.round(polls));
  if (threads !== undefined) options.workflowThreadPoolSize = Math.round(threads);
  if (ratio !== undefined) {
    if (ratio > 1) throw new Error(`WORKER_STICKY_POLL_RATIO must be at most 1, got "${env.WORKER_STICKY_POLL_RATIO}".`);
    options.nonStickyToStickyPollRatio = ratio;
  }
  return { tasks, options };
}
