/**
 * /metrics with API_PROCESSES > 1. node:cluster hands a scrape to one API process, whose registry
 * holds only its own share of the counters, so each scrape would report a different process. The
 * process that got the scrape asks the primary (api/cluster.ts) instead, which gathers every
 * process's registry through prom-client's AggregatorRegistry and answers with the sum (counters and
 * histograms summed per label set, the same tenant-free labels; default process metrics per
 * prom-client's own aggregators).
 */
import cluster from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import { metricsRegistry } from './metrics';

const requestType = 'followup:cluster-metrics-request';
const responseType = 'followup:cluster-metrics-response';
/** prom-client's primary gives up on a silent process after 5 s; this waits for that answer. */
const answerTimeoutMs = 7_000;

interface ClusterMetricsRequest {
  type: typeof requestType;
  id: number;
}

interface ClusterMetricsResponse {
  type: typeof responseType;
  id: number;
  body?: string;
  error?: string;
}

/** In the primary: answers each API process's request with every process's metrics, aggregated. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: Partial<ClusterMetricsRequest>) => {
    if (message?.type !== requestType || typeof message.id !== 'number') return;
    const id = message.id;
    aggregator.clusterMetrics().then(
      (body) => worker.send({ type: responseType, id, body } satisfies ClusterMetricsResponse),
      (error: unknown) => worker.send({ type: responseType, id, error: error instanceof Error ? error.message : String(error) } satisfies ClusterMetricsResponse),
    );
  });
}

/**
 * In an API process under the primary: hands this process's registry to the primary's gathering
 * (prom-client answers its requests once an AggregatorRegistry exists in the process).
 */
export function shareMetricsWithPrimary(): void {
  AggregatorRegistry.setRegistries([metricsRegistry]);
  new AggregatorRegistry();
}

let nextRequestId = 0;

/** In an API process under the primary: every process's metrics, as the primary aggregated them. */
export function clusterMetricsExposition(): Promise<{ contentType: string; body: string }> {
  const id = nextRequestId++;
  return new Promise((resolve, reject) => {
    const settle = (message: Partial<ClusterMetricsResponse>): void => {
      if (message?.type !== responseType || message.id !== id) return;
      clearTimeout(timer);
      process.off('message', settle);
      if (message.body === undefined) reject(new Error(`The API primary could not gather the processes' metrics: ${message.error ?? 'no answer'}`));
      else resolve({ contentType: metricsRegistry.contentType, body: message.body });
    };
    const timer = setTimeout(() => settle({ type: responseType, id, error: `no answer within ${answerTimeoutMs} ms` }), answerTimeoutMs);
    process.on('message', settle);
    process.send!({ type: requestType, id } satisfies ClusterMetricsRequest);
  });
}
