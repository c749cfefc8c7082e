import assert from 'node:assert/strict';
import { openOrm, assertSchemaIsCurrent } from '../../db/orm';
import { testStack } from '../support/test-stack';

describe('test stack', () => {
  it('runs a real Temporal server and a migrated PostgreSQL', async () => {
    const stack = testStack();
    const info = await stack.env.client.workflowService.getSystemInfo({});
    assert.ok(info.capabilities);
    const orm = await openOrm(stack.databaseUrl);
    try {
      await assertSchemaIsCurrent(orm);
    } finally {
      await orm.close();
    }
  });
});
