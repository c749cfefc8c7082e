import assert from 'node:assert/strict';
import { defaultMaxConcurrentActivities, defaultMaxConcurrentWorkflowTasks, workerConcurrency } from '../../../worker';

// How many tasks a worker takes decides where a backlog waits: on the task queue (by priority and
// tenant) or inside the worker (in arrival order); the noisy-neighbour drill tries other values.
describe('worker concurrency', () => {
  it('takes the SDK’s 40 workflow tasks and 100 activities at once by default', () => {
    assert.deepEqual(workerConcurrency({}), {
      maxConcurrentWorkflowTaskExecutions: defaultMaxConcurrentWorkflowTasks,
      maxConcurrentActivityTaskExecutions: defaultMaxConcurrentActivities,
    });
    assert.deepEqual([defaultMaxConcurrentWorkflowTasks, defaultMaxConcurrentActivities], [40, 100]);
  });

  it('takes WORKER_MAX_CONCURRENT_WORKFLOW_TASKS and WORKER_MAX_CONCURRENT_ACTIVITIES as given', () => {
    assert.deepEqual(workerConcurrency({ WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '10', WORKER_MAX_CONCURRENT_ACTIVITIES: '50' }), {
      maxConcurrentWorkflowTaskExecutions: 10,
      maxConcurrentActivityTaskExecutions: 50,
    });
  });

  it('never takes fewer than the 2 workflow tasks the SDK needs (one sticky, one normal poll)', () => {
    assert.equal(workerConcurrency({ WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '1' }).maxConcurrentWorkflowTaskExecutions, 2);
  });
});
