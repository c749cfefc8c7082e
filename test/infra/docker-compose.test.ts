// Static checks of docker-compose.yml and the Dockerfile: no Docker engine runs in CI, so these
// catch drift (an unpinned image, a missing mounted file, a lost dependency) before a developer does.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const repoRoot = path.resolve(__dirname, '../..');

interface ComposeService {
  image?: string;
  build?: string | { context?: string };
  depends_on?: string[] | Record<string, { condition?: string }>;
  environment?: Record<string, string | number | null>;
  ports?: (string | number)[];
  volumes?: string[];
  command?: string[];
  healthcheck?: { test?: string[] };
  deploy?: { replicas?: string | number };
}

interface ComposeFile {
  services: Record<string, ComposeService>;
}

// Compose accepts YAML merge keys (<<), which the file uses to share the app's settings.
const compose = parse(fs.readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as ComposeFile;
const services = compose.services;

function service(name: string): ComposeService {
  const found = services[name];
  assert.ok(found, `service ${name} is missing`);
  return found;
}

/** The file writes environments as mappings; a KEY without a value passes it through from the host. */
function environmentOf(name: string): Record<string, string | number | null> {
  const environment = service(name).environment ?? {};
  assert.ok(!Array.isArray(environment), `${name} environment should be a mapping`);
  return environment;
}

/** Host paths of bind mounts, e.g. ./deploy/x.sh from "./deploy/x.sh:/scripts/x.sh:ro". */
function bindMountSources(serviceDefinition: ComposeService): string[] {
  return (serviceDefinition.volumes ?? [])
    .map((volume) => volume.split(':')[0]!)
    .filter((source) => source.startsWith('./') || source.startsWith('../'));
}

describe('docker-compose.yml', function () {
  it('defines the Temporal, database, UI and app services', function () {
    for (const name of ['postgresql', 'database-roles', 'temporal-admin-tools', 'temporal', 'temporal-create-namespace', 'temporal-ui', 'migrate', 'api', 'worker', 'prometheus', 'grafana']) {
      service(name);
    }
  });

  it('pins every image and does not use the deprecated auto-setup image', function () {
    for (const [name, definition] of Object.entries(services)) {
      const image = definition.image;
      assert.ok(image, `${name} has no image`);
      const tag = image.split(':')[1];
      assert.ok(tag && tag !== 'latest', `${name} image ${image} is not pinned`);
      assert.ok(!image.includes('auto-setup'), `${name} uses ${image}`);
    }
    assert.equal(service('temporal').image, 'temporalio/server:1.30.1');
    assert.equal(service('temporal-admin-tools').image, 'temporalio/admin-tools:1.30.1');
    assert.equal(service('temporal-ui').image, 'temporalio/ui:2.34.0');
    assert.equal(service('postgresql').image, 'postgres:16');
  });

  it('keeps Temporal and the Web UI off the host (the UI only behind the operator sign-in), the operator listener on loopback, the API on 3000', function () {
    const published = (name: string): string[] => (service(name).ports ?? []).map((port) => String(port).split(':').slice(0, -1).join(':'));
    assert.deepEqual(published('temporal'), []);
    assert.deepEqual(published('temporal-ui'), [], 'the Web UI is reached only through the operator sign-in');
    assert.deepEqual(published('api'), ['3000', '127.0.0.1:3001']);
    assert.equal(environmentOf('api').OPERATOR_PORT, 3001);
    assert.equal(environmentOf('api').TEMPORAL_UI_URL, 'http://temporal-ui:8080');
    assert.equal(environmentOf('temporal-ui').TEMPORAL_CODEC_ENDPOINT, 'http://localhost:3001/codec');
  });

  it('publishes neither the Temporal frontend (7233) nor the Web UI (8080) beyond the host loopback', function () {
    for (const [name, definition] of Object.entries(services)) {
      for (const port of definition.ports ?? []) {
        // "[ip:]hostPort:containerPort[/protocol]"; without an ip Docker binds 0.0.0.0.
        const parts = String(port).split('/')[0]!.split(':');
        const ports = parts.slice(-2);
        if (!ports.includes('7233') && !ports.includes('8080')) continue;
        const hostIp = parts.length === 3 ? parts[0] : '0.0.0.0';
        assert.equal(hostIp, '127.0.0.1', `${name} publishes ${port} on ${hostIp}`);
      }
    }
  });

  it('starts Temporal only after admin-tools has set up the schemas', function () {
    assert.deepEqual(service('temporal').depends_on, {
      'temporal-admin-tools': { condition: 'service_completed_successfully' },
    });
    const setupScript = fs.readFileSync(path.join(repoRoot, 'deploy/temporal/setup-postgres.sh'), 'utf8');
    for (const fragment of ['temporal-sql-tool', 'setup-schema -v 0.0', 'postgresql/v12/temporal/versioned', 'postgresql/v12/visibility/versioned', 'temporal_visibility']) {
      assert.ok(setupScript.includes(fragment), `setup-postgres.sh lacks ${fragment}`);
    }
    assert.equal(environmentOf('temporal-admin-tools').SQL_PLUGIN, 'postgres12');
    assert.equal(environmentOf('temporal').DB, 'postgres12');
  });

  it('registers the four search attributes as Keyword in the namespace job', function () {
    const [scriptSource] = bindMountSources(service('temporal-create-namespace'));
    assert.ok(scriptSource, 'temporal-create-namespace mounts no script');
    const script = fs.readFileSync(path.join(repoRoot, scriptSource), 'utf8');
    for (const attribute of ['TenantId', 'MeetingStatus', 'CrmSyncStatus', 'CrmProvider']) {
      assert.match(script, new RegExp(`--name ${attribute} --type Keyword`));
    }
    assert.match(script, /temporal operator namespace create/);
  });

  it('gives the API and worker their database and Temporal address, after migrations and namespace setup', function () {
    for (const name of ['api', 'worker']) {
      const environment = environmentOf(name);
      assert.match(String(environment.DATABASE_URL), /^postgres:\/\/app_runtime:.*@postgresql:5432\/followup$/, `${name} DATABASE_URL`);
      assert.equal(environment.TEMPORAL_ADDRESS, 'temporal:7233', `${name} TEMPORAL_ADDRESS`);
      assert.equal(environment.TEMPORAL_NAMESPACE, 'default', `${name} TEMPORAL_NAMESPACE`);
      assert.deepEqual(service(name).depends_on, {
        migrate: { condition: 'service_completed_successfully' },
        'temporal-create-namespace': { condition: 'service_completed_successfully' },
      });
    }
    assert.deepEqual(service('api').command, ['node', 'dist/api/server.js']);
    assert.deepEqual(service('worker').command, ['node', 'dist/worker.js']);
  });

  it('gives every purpose its own database login: admin, Temporal, owner, runtime, maintenance', function () {
    const admin = String(environmentOf('database-roles').DATABASE_ADMIN_URL);
    assert.match(admin, /^postgres:\/\/\$\{POSTGRES_USER:-postgres\}:/);
    for (const name of ['temporal-admin-tools', 'temporal']) {
      const environment = environmentOf(name);
      const user = String(environment.SQL_USER ?? environment.POSTGRES_USER);
      assert.equal(user, '${TEMPORAL_DB_USER:-temporal}', `${name} logs in as Temporal's own user`);
    }
    assert.match(String(environmentOf('migrate').DATABASE_MIGRATION_URL), /^postgres:\/\/app_owner:/);
    assert.equal(environmentOf('migrate').DATABASE_URL, undefined);
    assert.match(String(environmentOf('worker').DATABASE_MAINTENANCE_URL), /^postgres:\/\/app_maintenance:/);
    assert.equal(environmentOf('api').DATABASE_MAINTENANCE_URL, undefined, 'the API never gets the maintenance login');
    for (const name of ['temporal-admin-tools', 'migrate']) {
      assert.deepEqual(service(name).depends_on, { 'database-roles': { condition: 'service_completed_successfully' } });
    }
  });

  it('keeps secret values out of the file', function () {
    for (const name of Object.keys(services)) {
      for (const [key, value] of Object.entries(environmentOf(name))) {
        if (!/SECRET|PASSWORD|PWD|TOKEN|API_KEY|KEYS$/.test(key)) continue;
        assert.ok(value === null || /^\$\{[A-Z_]+(:\?[^}]*)?\}$/.test(String(value)), `${name}.${key} has a literal value`);
      }
      for (const [key, value] of Object.entries(environmentOf(name))) {
        if (!/^DATABASE_.*URL$/.test(key)) continue;
        assert.match(String(value), /:\$\{[A-Z_]*PASSWORD[^}]*\}@/, `${name} ${key} must take its password from the environment`);
      }
    }
  });

  it('runs one API and one worker unless API_REPLICAS / WORKER_REPLICAS ask for more', function () {
    assert.equal(service('api').deploy?.replicas, '${API_REPLICAS:-1}');
    assert.equal(service('worker').deploy?.replicas, '${WORKER_REPLICAS:-1}');
  });

  it('checks the API and the worker by their readiness endpoints', function () {
    assert.match(String(service('api').healthcheck?.test), /127\.0\.0\.1:3000\/readyz/);
    const worker = environmentOf('worker');
    assert.equal(worker.WORKER_HEALTH_PORT, 9465);
    assert.match(String(service('worker').healthcheck?.test), new RegExp(`127\\.0\\.0\\.1:${worker.WORKER_HEALTH_PORT}/readyz`));
  });

  it('runs Prometheus on the scrape config and alerts in deploy/prometheus, scraping the ports the app serves metrics on', function () {
    const prometheus = service('prometheus');
    assert.match(String(prometheus.image), /^prom\/prometheus:v\d/);
    assert.deepEqual(bindMountSources(prometheus), ['./deploy/prometheus/prometheus.yml', './deploy/prometheus/alerts.yml']);
    const scrape = parse(fs.readFileSync(path.join(repoRoot, 'deploy/prometheus/prometheus.yml'), 'utf8')) as {
      rule_files: string[];
      scrape_configs: { job_name: string; dns_sd_configs: { names: string[]; type: string; port: number }[] }[];
    };
    // Every replica of a service (compose deploy.replicas), found by DNS: the service name resolves to all of them.
    const targets = Object.fromEntries(
      scrape.scrape_configs.map((job) => [job.job_name, job.dns_sd_configs.flatMap((config) => config.names.map((name) => `${name}:${config.port}`))]),
    );
    for (const job of scrape.scrape_configs) assert.ok(job.dns_sd_configs.every((config) => config.type === 'A'), `${job.job_name} resolves every replica's address`);
    const worker = environmentOf('worker');
    assert.deepEqual(targets, {
      api: [`api:${environmentOf('api').OPERATOR_PORT}`],
      worker: [`worker:${worker.WORKER_HEALTH_PORT}`],
      'worker-runtime': [`worker:${String(worker.WORKER_METRICS_ADDRESS).split(':')[1]}`],
    });
    assert.deepEqual(scrape.rule_files, ['alerts.yml']);
    // Operations ports stay off the host's public interfaces.
    for (const name of ['prometheus', 'grafana']) {
      for (const port of service(name).ports ?? []) assert.match(String(port), /^127\.0\.0\.1:/, `${name} publishes ${port} beyond loopback`);
    }
    assert.equal(service('worker').ports, undefined, 'the worker publishes nothing');
  });

  it('runs Grafana provisioned with Prometheus and a dashboard over metrics the app and Temporal export', function () {
    const grafana = service('grafana');
    assert.match(String(grafana.image), /^grafana\/grafana:\d/);
    const mounts = Object.fromEntries((grafana.volumes ?? []).map((volume) => volume.split(':').slice(0, 2)));
    assert.equal(mounts['./deploy/grafana/provisioning/datasources'], '/etc/grafana/provisioning/datasources');
    assert.equal(mounts['./deploy/grafana/provisioning/dashboards'], '/etc/grafana/provisioning/dashboards');
    const datasources = parse(fs.readFileSync(path.join(repoRoot, 'deploy/grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as {
      datasources: { uid: string; type: string; url: string }[];
    };
    assert.deepEqual(datasources.datasources.map(({ uid, type, url }) => ({ uid, type, url })), [{ uid: 'prometheus', type: 'prometheus', url: 'http://prometheus:9090' }]);
    const providers = parse(fs.readFileSync(path.join(repoRoot, 'deploy/grafana/provisioning/dashboards/meeting-followup.yml'), 'utf8')) as { providers: { options: { path: string } }[] };
    assert.equal(mounts['./deploy/grafana/dashboards'], providers.providers[0]!.options.path);

    const dashboard = JSON.parse(fs.readFileSync(path.join(repoRoot, 'deploy/grafana/dashboards/meeting-followup.json'), 'utf8')) as {
      uid: string;
      panels: { title: string; datasource: { uid: string }; targets: { expr: string }[] }[];
    };
    assert.equal(dashboard.uid, 'meeting-followup');
    const exported = new Set([...fs.readFileSync(path.join(repoRoot, 'runtime/metrics.ts'), 'utf8').matchAll(/name: '(followup_\w+)'/g)].map((match) => match[1]!));
    const used = new Set<string>();
    for (const panel of dashboard.panels) {
      assert.equal(panel.datasource.uid, 'prometheus', `${panel.title} uses another data source`);
      assert.ok(panel.targets.length > 0, `${panel.title} has no query`);
      for (const target of panel.targets) for (const [name] of target.expr.matchAll(/followup_[a-z_]+?(?=_bucket|_count|_sum|\{|\b)/g)) used.add(name);
    }
    for (const name of used) assert.ok(exported.has(name), `the dashboard queries ${name}, which runtime/metrics.ts does not define`);
    assert.deepEqual([...exported].filter((name) => !used.has(name)), [], 'every application metric is on the dashboard');
  });

  it('mounts only files that exist in the repository', function () {
    for (const [name, definition] of Object.entries(services)) {
      for (const source of bindMountSources(definition)) {
        assert.ok(fs.existsSync(path.join(repoRoot, source)), `${name} mounts missing ${source}`);
      }
    }
  });

  it('builds the app from a Dockerfile on a glibc Node 20 image, running as a non-root user', function () {
    const dockerfile = fs.readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
    const baseImages = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((match) => match[1]!);
    assert.ok(baseImages.length > 0, 'Dockerfile has no FROM');
    for (const image of baseImages) {
      assert.match(image, /^node:20(\.\d+)*-(bookworm|bullseye)(-slim)?$/, `base image ${image} is not a Debian (glibc) Node 20 image`);
    }
    assert.match(dockerfile, /^RUN npm ci/m);
    assert.match(dockerfile, /^RUN npm run build/m);
    assert.match(dockerfile, /^USER node$/m);
    assert.ok(fs.existsSync(path.join(repoRoot, '.dockerignore')), '.dockerignore is missing');
  });
});
