/**
 * Erases a tenant on request (for example a GDPR erasure):
 *   npm run tenant:delete -- --tenant <tenant id> --requested-by "<operator or ticket>"
 * Uses the app's own settings (database, Temporal, payload key), takes the tenant out of service,
 * records the request in the audit log and waits for the deleteTenant workflow to finish.
 */
import { parseArgs } from 'node:util';
import { openOrm } from '../db/orm';
import { loadConfig } from '../runtime/config';
import { encryptedDataConverter, payloadCodecFor } from '../runtime/data-converter';
import { connectTemporalClient } from '../wiring/temporal-connection';
import { requestTenantDeletion } from '../wiring/tenant-deletion';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { tenant: { type: 'string' }, 'requested-by': { type: 'string' } } });
  if (!values.tenant || !values['requested-by']) {
    throw new Error('Usage: npm run tenant:delete -- --tenant <tenant id> --requested-by "<operator or ticket>"');
  }
  const config = loadConfig();
  const orm = await openOrm(config.databaseUrl);
  const client = await connectTemporalClient(config.temporal, encryptedDataConverter(payloadCodecFor(config.payloadCodec)));
  try {
    const { workflowId, result } = await requestTenantDeletion(orm, client, config.temporal.taskQueue, {
      tenantId: values.tenant,
      requestedBy: values['requested-by'],
    });
    console.log(`Deletion requested and audited; workflow ${workflowId} is running.`);
    const { deletedRows, deletedSecrets, cancelSignalsSent } = await result;
    console.log(`Deleted: ${JSON.stringify(deletedRows)} rows, ${deletedSecrets} secrets; ${cancelSignalsSent} meetings closed. Only the audit log remains.`);
  } finally {
    await client.connection.close();
    await orm.close();
  }
}

main().catch((error: unknown) => {
  console.error(`Tenant deletion failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
