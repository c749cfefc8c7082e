/**
 * Whether the OTEL_* variables turn tracing on, apart from the OpenTelemetry SDK (runtime/tracing.ts)
 * so that a process can ask without loading it: with tracing off the API never loads the SDK (~30 ms
 * of its start).
 *
 * On with OTEL_TRACES_EXPORTER=otlp, or with an OTLP endpoint set (OTEL_EXPORTER_OTLP_ENDPOINT or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) and no other exporter named; OTEL_SDK_DISABLED=true wins.
 */
export function tracingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (exporter !== undefined && exporter !== '') return exporter === 'otlp';
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}
