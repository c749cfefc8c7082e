import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { AppConfig } from './config';

/** Client connection for the API and scripts (local dev server, self-hosted or Temporal Cloud). */
export async function connectTemporalClient(config: AppConfig['temporal']): Promise<Client> {
  const connection = await Connection.connect({
    address: config.address,
    tls: config.tls ? {} : undefined,
    apiKey: config.apiKey,
  });
  return new Client({ connection, namespace: config.namespace });
}

/** Worker connection (Rust core) with the same settings. */
export function connectTemporalWorker(config: AppConfig['temporal']): Promise<NativeConnection> {
  return NativeConnection.connect({ address: config.address, tls: config.tls ? {} : undefined, apiKey: config.apiKey });
}
