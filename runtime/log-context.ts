import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Fields every log line written while some work runs carries without each call site naming them:
 * an activity's tenant, workflow, run, name and attempt (wiring/activity-log-context.ts sets them).
 */
export type LogContext = Readonly<Record<string, unknown>>;

const current = new AsyncLocalStorage<LogContext>();

/** Runs `work` with `fields` on every line it logs, over any fields of an enclosing context. */
export function withLogContext<T>(fields: LogContext, work: () => T): T {
  return current.run({ ...current.getStore(), ...fields }, work);
}

export function logContext(): LogContext | undefined {
  return current.getStore();
}
