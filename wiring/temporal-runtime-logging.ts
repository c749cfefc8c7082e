import type { LogLevel as TemporalLogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import type { RuntimeOptions } from '@temporalio/worker';
import type { LogLevel, Logger } from '../runtime/logger';

const appLevelOf: Record<TemporalLogLevel, LogLevel> = { TRACE: 'debug', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/**
 * The SDK's names for what the app's own lines call otherwise (its activity attributes, the
 * OpenTelemetry interceptors' trace ids), so a search for `runId` or `traceId` finds both.
 */
const appFieldNames: Readonly<Record<string, string>> = {
  activityType: 'activity',
  workflowRunId: 'runId',
  trace_id: 'traceId',
  span_id: 'spanId',
  trace_flags: 'traceFlags',
};

/**
 * Temporal attaches a symbol-keyed timestamp (a bigint) and may pass bigints elsewhere; JSON
 * cannot hold either, and the app's logger stamps its own time.
 */
function jsonFields(meta: LogMetadata | undefined): Record<string, unknown> | undefined {
  if (!meta) return undefined;
  return Object.fromEntries(
    Object.entries(meta).map(([key, value]) => [appFieldNames[key] ?? key, typeof value === 'bigint' ? value.toString() : value]),
  );
}

/** The SDK's logger interface over the app's JSON logger, so every SDK line is redacted like ours. */
export function temporalLoggerFor(logger: Logger): TemporalLogger {
  const log = (level: TemporalLogLevel, message: string, meta?: LogMetadata): void => {
    logger[appLevelOf[level]](message, jsonFields(meta));
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}

/**
 * Runtime options that send the SDK's own logs, workflow `log` calls (via the SDK's sink),
 * activity context logs and the Rust core's logs through the app's logger, one JSON line each.
 * Core stays at WARN unless debugging, as it was before it was forwarded.
 */
export function temporalRuntimeOptions(logger: Logger, level: LogLevel): RuntimeOptions {
  const coreLevel = level === 'debug' ? 'DEBUG' : 'WARN';
  return {
    logger: temporalLoggerFor(logger.child({ component: 'temporal' })),
    telemetryOptions: { logging: { filter: { core: coreLevel, other: coreLevel }, forward: {} } },
  };
}
