import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DatabaseUnavailableError, isDatabaseUnavailable } from '../../db/database-unavailable';
import { openOrm } from '../../db/orm';
import { inTenant } from '../../db/tenant-scope';
import { startOutageProxy } from '../support/outage-proxy';
import { testStack } from '../support/test-stack';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('isDatabaseUnavailable', () => {
  it('recognises a database that is down, restarting, unreachable or too slow', () => {
    const unavailable = [
      withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      withCode('terminating connection due to administrator command', '57P01'),
      withCode('the database system is starting up', '57P03'),
      withCode('canceling statement due to statement timeout', '57014'),
      withCode('connection failure', '08006'),
      // knex prefixes the SQL of the failed query
      new Error("insert into inbound_delivery (source, delivery_id) values ('slack-signature', 'v0=ab') - Connection terminated unexpectedly"),
      new Error('timeout expired'),
      Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError' }),
      new Error('wrapped', { cause: withCode('read ECONNRESET', 'ECONNRESET') }),
      new DatabaseUnavailableError('The transaction could not begin'),
    ];
    for (const error of unavailable) assert.equal(isDatabaseUnavailable(error), true, error.message);
  });

  it('leaves every other error to be reported as a failure', () => {
    const others: unknown[] = [
      withCode('duplicate key value violates unique constraint', '23505'),
      withCode('permission denied for table audit_log', '42501'),
      new Error("select 'Connection terminated unexpectedly' as text - syntax error at or near"),
      new TypeError('Cannot read properties of undefined'),
      'Connection terminated unexpectedly',
      undefined,
    ];
    for (const error of others) assert.equal(isDatabaseUnavailable(error), false, String(error));
  });

  it('is true for a tenant scope whose pooled connection died just before it began', async () => {
    const database = new URL(testStack().databaseUrl);
    const proxy = await startOutageProxy({ host: database.hostname, port: Number(database.port) });
    database.port = String(proxy.port);
    const orm = await openOrm(database.toString());
    try {
      await orm.em.fork().getConnection().execute('select 1'); // leaves an idle pooled connection behind
      await proxy.cut('refused');
      // knex alone would only say "Transaction query already complete", which reads as a bug.
      await assert.rejects(inTenant(orm, randomUUID(), async () => 'never'), (error: unknown) => isDatabaseUnavailable(error));
    } finally {
      await orm.close();
      await proxy.close();
    }
  });
});
