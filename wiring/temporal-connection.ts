import fs from 'node:fs';
import { Client, Connection, type ClientOptions, type TLSConfig, type WorkflowClientInterceptor } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { NativeConnection } from '@temporalio/worker';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { AppConfig } from '../runtime/config';

/** TLS for Temporal Cloud (API key) or a cluster that requires mTLS client certificates. */
function tlsOf(config: AppConfig['temporal']): TLSConfig | undefined {
  if (!config.tls) return undefined;
  if (config.clientCertPath === undefined || config.clientKeyPath === undefined) return {};
  return { clientCertPair: { crt: fs.readFileSync(config.clientCertPath), key: fs.readFileSync(config.clientKeyPath) } };
}

/**
 * Client connection for the API and scripts (local dev server, self-hosted or Temporal Cloud).
 * The data converter is required: a client without the payload codec could neither read the
 * workflows' encrypted payloads nor should it write plaintext ones.
 */
export async function connectTemporalClient(
  config: AppConfig['temporal'],
  dataConverter: DataConverter,
  workflowInterceptors: WorkflowClientInterceptor[] = [],
): Promise<Client> {
  const connection = await Connection.connect({ address: config.address, tls: tlsOf(config), apiKey: config.apiKey });
  return new Client({ connection, namespace: config.namespace, dataConverter, interceptors: tracingClientInterceptors(workflowInterceptors) });
}

/**
 * Starts, updates and signals carry the caller's trace context in their headers, so the workflow
 * and its activities continue the trace (a no-op while tracing is off: runtime/tracing.ts).
 */
export function tracingClientInterceptors(others: WorkflowClientInterceptor[] = []): NonNullable<ClientOptions['interceptors']> {
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor(), ...others] };
}

/** Worker connection (Rust core) with the same settings; the worker gets the data converter itself. */
export async function connectTemporalWorker(config: AppConfig['temporal']): Promise<NativeConnection> {
  // Loaded here, not at the top: the API imports this module too, and the worker package (its
  // native bridge, webpack) costs the API about a second at start for nothing.
  const { NativeConnection } = await import('@temporalio/worker');
  return NativeConnection.connect({ address: config.address, tls: tlsOf(config), apiKey: config.apiKey });
}
