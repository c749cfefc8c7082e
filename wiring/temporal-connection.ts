import fs from 'node:fs';
import { Client, Connection, type ClientOptions, type TLSConfig, type WorkflowClientInterceptor } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { NativeConnection } from '@temporalio/worker';
import type { AppConfig } from '../runtime/config';

/** TLS for Temporal Cloud (API key) or a cluster that requires mTLS client certificates. */
function tlsOf(config: AppConfig['temporal']): TLSConfig | undefined {
  if (!config.tls) return undefined;
  if (config.clientCertPath === undefined || config.clientKeyPath === undefined) return {};
  return { clientCertPair: { crt: fs.readFileSync(config.clientCertPath), key: fs.readFileSync(config.clientKeyPath) } };
}

/** What a client connection carries besides its address. */
export interface ClientConnectionOptions {
  /** The caller's own workflow interceptors, after the tracing one. */
  interceptors?: WorkflowClientInterceptor[];
  /** This process traces (runtime/tracing-enabled.ts): starts, updates and signals carry its trace context. */
  traced?: boolean;
}

/**
 * Client connection for the API and scripts (local dev server, self-hosted or Temporal Cloud).
 * The data converter is required: a client without the payload codec could neither read the
 * workflows' encrypted payloads nor should it write plaintext ones.
 */
export async function connectTemporalClient(config: AppConfig['temporal'], dataConverter: DataConverter, options: ClientConnectionOptions = {}): Promise<Client> {
  const [connection, interceptors] = await Promise.all([
    Connection.connect({ address: config.address, tls: tlsOf(config), apiKey: config.apiKey }),
    clientInterceptors(options.traced ?? false, options.interceptors),
  ]);
  return new Client({ connection, namespace: config.namespace, dataConverter, interceptors });
}

/**
 * When the process traces, starts, updates and signals carry the caller's trace context in their
 * headers, so the workflow and its activities continue the trace. The interceptor and the
 * OpenTelemetry SDK it brings are loaded only then: an untraced process has no context to carry,
 * and the API's start is ~30 ms shorter without them.
 */
export async function clientInterceptors(traced: boolean, others: WorkflowClientInterceptor[] = []): Promise<NonNullable<ClientOptions['interceptors']>> {
  if (!traced) return { workflow: others };
  const { OpenTelemetryWorkflowClientInterceptor } = await import('@temporalio/interceptors-opentelemetry');
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor(), ...others] };
}

/** Worker connection (Rust core) with the same settings; the worker gets the data converter itself. */
export async function connectTemporalWorker(config: AppConfig['temporal']): Promise<NativeConnection> {
  // Loaded here, not at the top: the API imports this module too, and the worker package (its
  // native bridge, webpack) costs the API about a second at start for nothing.
  const { NativeConnection } = await import('@temporalio/worker');
  return NativeConnection.connect({ address: config.address, tls: tlsOf(config), apiKey: config.apiKey });
}
