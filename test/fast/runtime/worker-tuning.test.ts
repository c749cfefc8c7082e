import assert from 'node:assert/strict';
import { workerTuningFromEnv } from '../../../wiring/worker-tuning';

// Operators split a deployment's workers by task kind and tune their slots from the environment;
// a typo must stop the worker at start, not run it with the SDK's defaults unnoticed.
describe('worker tuning from the environment', () => {
  it('takes every task with the SDK defaults when nothing is set', () => {
    assert.deepEqual(workerTuningFromEnv({}), { tasks: 'all', options: {} });
  });

  it('runs only workflow tasks or only activities when WORKER_TASKS says so', () => {
    assert.equal(workerTuningFromEnv({ WORKER_TASKS: 'workflows' }).tasks, 'workflows');
    assert.equal(workerTuningFromEnv({ WORKER_TASKS: 'activities' }).tasks, 'activities');
  });

  it('passes the slot and poller settings on to the SDK', () => {
    const { options } = workerTuningFromEnv({ WORKER_MAX_CONCURRENT_ACTIVITIES: '20', WORKER_WORKFLOW_TASK_POLLS: '4', WORKER_STICKY_POLL_RATIO: '0.5', WORKER_WORKFLOW_THREADS: '2' });
    assert.deepEqual(options, { maxConcurrentActivityTaskExecutions: 20, maxConcurrentWorkflowTaskPolls: 4, nonStickyToStickyPollRatio: 0.5, workflowThreadPoolSize: 2 });
  });

  it('refuses an unknown task kind or a setting that is not a positive number', () => {
    assert.throws(() => workerTuningFromEnv({ WORKER_TASKS: 'workflow' }), /WORKER_TASKS must be one of all, workflows, activities/);
    assert.throws(() => workerTuningFromEnv({ WORKER_MAX_CONCURRENT_ACTIVITIES: 'ten' }), /WORKER_MAX_CONCURRENT_ACTIVITIES must be a positive number/);
    assert.throws(() => workerTuningFromEnv({ WORKER_STICKY_POLL_RATIO: '2' }), /at most 1/);
  });
});
