// A real Prometheus scrapes the local stack (the API's operator listener, the worker's health
// listener and Temporal's worker metrics) while a rep logs a note; its HTTP API must then show
// the figures an operator's dashboard and alerts are built on.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { cardActions } from '../../slack/action-ids';
import { freePort } from '../../scripts/lib/processes';
import { meetingState, prepareMeeting } from '../support/meeting-flow';
import { startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';
import { prometheusBinary, startPrometheus, type PrometheusServer } from '../support/prometheus-server';
import { waitFor } from '../support/wait-for';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const email = /[\w.+-]+@[\w-]+\.[\w.-]+/;

describe('operations: health endpoints, metrics and a real Prometheus scraping them', function () {
  this.timeout(180_000);
  let harness: ProductHarness;
  let seeded: SeededTenant;
  let worker: WorkerProcess;
  let prometheus: PrometheusServer | undefined;
  let workerHealthUrl: string;
  let workerRuntimeMetricsAddress: string;

  before(async function () {
    this.timeout(180_000);
    harness = await startProductHarness({ startWorker: false });
    seeded = await harness.seedTenant();
    harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
    const healthPort = await freePort();
    workerHealthUrl = `http://127.0.0.1:${healthPort}`;
    workerRuntimeMetricsAddress = `127.0.0.1:${await freePort()}`;
    worker = await startWorkerProcess({ ...harness.env, WORKER_HEALTH_PORT: String(healthPort), WORKER_METRICS_ADDRESS: workerRuntimeMetricsAddress });
    // Without the package (a developer's machine), the Prometheus case alone is skipped; CI installs it.
    if (existsSync(prometheusBinary) || process.env.CI) {
      prometheus = await startPrometheus({
        api: new URL(harness.operatorUrl).host,
        worker: new URL(workerHealthUrl).host,
        'worker-runtime': workerRuntimeMetricsAddress,
      });
    }

    const { recordingId } = await prepareMeeting(harness, seeded, {}, cardActions.logNote);
    assert.equal((await harness.click(seeded, { actionId: cardActions.logNote, value: recordingId })).status, 200);
    await waitFor('the note in HubSpot', () => harness.emulators.hubspot.notes().length === 1, 60_000);
    await waitFor('the note marked done', async () => (await meetingState(harness, harness.workflowId(seeded, recordingId))).actions.note.status === 'done');
    // Once done, the same click is refused by the workflow: a rejected update.
    assert.equal((await harness.click(seeded, { actionId: cardActions.logNote, value: recordingId })).status, 200);
  });
  after(async () => {
    await prometheus?.stop();
    await worker?.kill('SIGTERM');
    await harness?.close();
  });

  it('the worker is live at once and ready while it polls its task queue', async () => {
    const live = await fetch(`${workerHealthUrl}/livez`);
    assert.equal(live.status, 200);
    const ready = await fetch(`${workerHealthUrl}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ok', checks: { polling: true } });
    assert.equal((await fetch(`${workerHealthUrl}/codec/decode`)).status, 404, 'the listener serves nothing else');
  });

  it('the API answers liveness and readiness on its public port and keeps /metrics off it', async () => {
    assert.equal((await fetch(`${harness.apiUrl}/livez`)).status, 200);
    const ready = await fetch(`${harness.apiUrl}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(((await ready.json()) as { checks: unknown }).checks, { database: true, temporal: true });
    assert.equal((await fetch(`${harness.apiUrl}/metrics`)).status, 404);
  });

  it('no metric names a tenant, a workflow or a person', async () => {
    const api = await (await fetch(`${harness.operatorUrl}/metrics`)).text();
    const workerApp = await (await fetch(`${workerHealthUrl}/metrics`)).text();
    const runtime = await (await fetch(`http://${workerRuntimeMetricsAddress}/metrics`)).text();
    assert.match(api, /followup_slack_ack_seconds_bucket/);
    assert.match(workerApp, /followup_action_attempts_total/);
    const runtimeNames = [...new Set(runtime.match(/^temporal_\w+/gm))];
    // The names alerts.yml and the dashboard use.
    for (const name of ['temporal_activity_execution_latency_count', 'temporal_workflow_task_schedule_to_start_latency_bucket', 'temporal_worker_task_slots_available']) {
      assert.ok(runtimeNames.includes(name), `${name} is not among Temporal's metrics: ${runtimeNames.join(', ')}`);
    }
    for (const [name, exposition] of Object.entries({ api, workerApp })) {
      assert.doesNotMatch(exposition, uuid, `${name} exposition holds a UUID`);
      assert.doesNotMatch(exposition, email, `${name} exposition holds an email address`);
    }
    // Temporal labels its metrics with the task queue, which in tests carries a random UUID; no tenant or workflow id though.
    assert.ok(!runtime.includes(seeded.tenant.id), 'Temporal metrics hold the tenant id');
    assert.ok(!runtime.includes('meeting:'), 'Temporal metrics hold a workflow id');
    assert.doesNotMatch(runtime, email);
  });

  it('Prometheus scraped the click: ack latency, accepted and rejected updates, the note, the calls it made and the tokens spent', async function () {
    if (!prometheus) this.skip();
    const server = prometheus!;
    /** The single value of `expression` once Prometheus has scraped it (every second). */
    const valueOf = (expression: string): Promise<number> =>
      waitFor(`Prometheus to answer ${expression}`, async () => {
        const [sample] = await server.query(expression);
        return sample ? { value: sample.value } : undefined;
      }, 20_000, 500).then((found) => found.value);

    for (const job of ['api', 'worker', 'worker-runtime']) assert.equal(await valueOf(`up{job="${job}"}`), 1, `${job} is scraped`);

    const clicks = await valueOf('sum(followup_slack_ack_seconds_count{job="api",route="/slack/interactions",outcome="ok"})');
    assert.ok(clicks >= 2, `${clicks} clicks answered`);
    assert.equal(await valueOf('sum(followup_slack_ack_seconds_bucket{job="api",route="/slack/interactions",outcome="ok",le="3"})'), clicks, 'every click answered within Slack\'s 3 s');
    assert.ok((await valueOf('sum(followup_meeting_updates_total{job="api",outcome="accepted"})')) >= 1);
    assert.ok((await valueOf('sum(followup_meeting_updates_total{job="api",outcome="rejected",reason="already-handled"})')) >= 1);

    assert.equal(await valueOf('sum(followup_action_attempts_total{job="worker",kind="crm.note",result="success"})'), 1);
    for (const service of ['slack', 'fathom', 'anthropic', 'hubspot']) {
      assert.ok((await valueOf(`sum(followup_external_calls_total{job="worker",service="${service}",status_class="2xx"})`)) > 0, `calls to ${service}`);
    }
    assert.ok((await valueOf(`sum(followup_ai_tokens_used_total{job="worker",plan="${seeded.tenant.plan}"})`)) > 0);
    // Temporal's own worker metrics: the activities it ran.
    assert.ok((await valueOf('sum(temporal_activity_execution_latency_count{job="worker-runtime"})')) > 0);
  });

  it('every dashboard panel and alert is a query this Prometheus evaluates', async function () {
    if (!prometheus) this.skip();
    const deploy = path.resolve(__dirname, '../../deploy');
    const dashboard = JSON.parse(readFileSync(path.join(deploy, 'grafana/dashboards/meeting-followup.json'), 'utf8')) as { panels: { targets: { expr: string }[] }[] };
    const alerts = parse(readFileSync(path.join(deploy, 'prometheus/alerts.yml'), 'utf8')) as { groups: { rules: { expr: string }[] }[] };
    const expressions = [...dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr)), ...alerts.groups.flatMap((group) => group.rules.map((rule) => rule.expr))];
    for (const expression of expressions) await prometheus!.query(expression);
    // The scraped series behind the dashboard's Temporal panels exist under these names.
    assert.ok((await prometheus!.query('temporal_worker_task_slots_available{job="worker-runtime"}')).length > 0);
  });
});
