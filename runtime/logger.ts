import { isSpanContextValid, trace } from '@opentelemetry/api';
import { logContext } from './log-context';
import { redact, redactText } from './redact';

/**
 * Structured JSON logs, one object per line, with tenant and workflow ids as fields and every
 * credential redacted before it reaches stdout. A line written inside an activity also carries its
 * context (runtime/log-context.ts), and, while a trace is active, its `traceId`.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const levelOrder: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
export const logLevels = Object.keys(levelOrder) as LogLevel[];

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export function createLogger(options: {
  level?: LogLevel;
  base?: Record<string, unknown>;
  write?: (line: string) => void;
} = {}): Logger {
  const minimum = levelOrder[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const base = options.base ?? {};
  const emit = (level: LogLevel, message: string, fields?: Record<string, unknown>): void => {
    if (levelOrder[level] < minimum) return;
    const entry = {
      time: new Date().toISOString(),
      level,
      msg: redactText(message),
      ...(redact({ ...base, ...logContext(), ...activeTrace(), ...fields }) as object),
    };
    write(JSON.stringify(entry));
  };
  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
    child: (fields) => createLogger({ ...options, base: { ...base, ...fields } }),
  };
}


/** The trace this line belongs to: none while tracing is off (runtime/tracing.ts) or outside a span. */
function activeTrace(): { traceId?: string } {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && isSpanContextValid(spanContext) ? { traceId: spanContext.traceId } : {};
}
