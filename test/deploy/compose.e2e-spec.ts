import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  DEPLOY_DIR,
  PROMETHEUS_DIR,
  REPO_ROOT,
  expectSuccess,
  readYaml,
  rel,
  run,
} from './deploy-tools';

const COMPOSE_FILE = path.join(DEPLOY_DIR, 'docker-compose.monitoring.yml');
const BLACKBOX_FILE = path.join(DEPLOY_DIR, 'blackbox', 'blackbox.yml');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string | string[];
  ports?: string[];
  volumes?: string[];
  environment?: Record<string, string> | string[];
}

interface Compose {
  services: Record<string, Service>;
}

/** Published (host:container) ports every service must have. */
const EXPECTED_PORTS: Record<string, string[]> = {
  'prs-backend': ['8000:8000'],
  prometheus: ['9090:9090'],
  alertmanager: ['9093:9093'],
  grafana: ['3000:3000'],
  jaeger: ['16686:16686', '4317:4317', '4318:4318', '14268:14268'],
  'node-exporter': ['9100:9100'],
  'postgres-exporter': ['9187:9187'],
  'redis-exporter': ['9121:9121'],
  'blackbox-exporter': ['9115:9115'],
};

const compose = readYaml<Compose>(COMPOSE_FILE);

function environmentOf(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  if (!Array.isArray(env)) return env;
  return Object.fromEntries(
    env.map((entry) => {
      const at = entry.indexOf('=');
      return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
    }),
  );
}

/** A value taken from the environment: `${NAME}`, `${NAME:?msg}`, ... */
const FROM_ENV = /^\$\{[A-Z_][A-Z0-9_]*(:?[-?][^}]*)?\}$/;

describe('docker-compose.monitoring.yml', () => {
  it('passes `docker compose config` when Docker Compose is available', () => {
    let available = false;
    try {
      available = run('docker', ['compose', 'version']).status === 0;
    } catch {
      available = false; // no docker CLI at all
    }
    if (!available) {
      // The usual case on CI machines without Docker: the YAML checks below
      // cover the file's structure.
      return;
    }
    const result = run(
      'docker',
      ['compose', '-f', rel(COMPOSE_FILE), 'config', '--quiet'],
      {
        env: {
          ...process.env,
          GF_SECURITY_ADMIN_PASSWORD: 'compose-config-check',
          POSTGRES_PASSWORD: 'compose-config-check',
        },
      },
    );
    expectSuccess(result);
  });

  it('has every service of the stack and publishes the expected ports', () => {
    for (const [name, ports] of Object.entries(EXPECTED_PORTS)) {
      expect(compose.services[name]).toBeDefined();
      const published = (compose.services[name]?.ports ?? []).map((port) =>
        String(port),
      );
      expect(published).toEqual(expect.arrayContaining(ports));
    }
    expect(compose.services).toHaveProperty('postgres');
    expect(compose.services).toHaveProperty('redis');
  });

  it('bind-mounts only paths that exist in the repository', () => {
    const mounts = Object.values(compose.services).flatMap((service) =>
      (service.volumes ?? [])
        .map((volume) => volume.split(':')[0] ?? '')
        .filter(
          (source) => source.startsWith('./') || source.startsWith('../'),
        ),
    );
    expect(mounts.length).toBeGreaterThanOrEqual(7);
    for (const source of mounts) {
      expect([source, fs.existsSync(path.resolve(DEPLOY_DIR, source))]).toEqual(
        [source, true],
      );
    }
  });

  it('contains no literal password: secrets come from the environment', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [key, value] of Object.entries(environmentOf(service))) {
        const where = `${name}.${key}`;
        if (/PASSWORD|PASS$|SECRET|TOKEN|_KEY$/.test(key)) {
          expect([where, String(value)]).toEqual([
            where,
            expect.stringMatching(FROM_ENV),
          ]);
        }
        // Credentials inside URLs (scheme://user:password@host) as well.
        const userinfo = /:\/\/[^/@\s:]+:([^@\s]+)@/.exec(String(value));
        if (userinfo) {
          expect([where, userinfo[1]]).toEqual([
            where,
            expect.stringMatching(FROM_ENV),
          ]);
        }
      }
    }
    expect(
      environmentOf(compose.services.grafana ?? {}).GF_SECURITY_ADMIN_PASSWORD,
    ).toBe('${GF_SECURITY_ADMIN_PASSWORD:?set it}');
  });

  it('builds the demo app from the repository root and points it at the stack', () => {
    const app = compose.services['prs-backend'];
    expect(app?.build?.context).toBe('..');
    expect(
      fs.existsSync(
        path.resolve(DEPLOY_DIR, '..', app?.build?.dockerfile ?? ''),
      ),
    ).toBe(true);
    const command = app?.command;
    expect(Array.isArray(command) ? command.join(' ') : command).toBe(
      'npm run demo',
    );
    const env = environmentOf(app ?? {});
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://jaeger:4318');
    expect(env.DATABASE_URL).toMatch(/^postgres(ql)?:\/\/.+@postgres:5432\//);
    expect(env.REDIS_URL).toBe('redis://redis:6379');
    expect(
      environmentOf(compose.services.jaeger ?? {}).COLLECTOR_OTLP_ENABLED,
    ).toBe('true');
  });

  it('scrapes services that the compose file defines (nginx is optional)', () => {
    const config = readYaml<{
      scrape_configs: {
        job_name: string;
        static_configs: { targets: string[] }[];
        relabel_configs?: { replacement?: string }[];
      }[];
    }>(path.join(PROMETHEUS_DIR, 'prometheus.yml'));
    const hosts = config.scrape_configs.flatMap((job) => [
      ...job.static_configs.flatMap((sc) => sc.targets),
      ...(job.relabel_configs ?? []).flatMap((r) =>
        r.replacement ? [r.replacement] : [],
      ),
    ]);
    const serviceHosts = hosts
      .map(
        (target) =>
          new URL(target.includes('://') ? target : `http://${target}`),
      )
      .map((url) => url.hostname)
      .filter((host) => host !== 'nginx-exporter');
    for (const host of serviceHosts) {
      expect(Object.keys(compose.services)).toContain(host);
    }
  });
});

describe('blackbox.yml', () => {
  it('passes prometheus-blackbox-exporter --config.check and has http_2xx', () => {
    const result = run('prometheus-blackbox-exporter', [
      `--config.file=${rel(BLACKBOX_FILE)}`,
      '--config.check',
    ]);
    expectSuccess(result);
    const config = readYaml<{ modules: Record<string, { prober: string }> }>(
      BLACKBOX_FILE,
    );
    expect(config.modules.http_2xx?.prober).toBe('http');
  });

  it('is the file the compose stack mounts', () => {
    expect(compose.services['blackbox-exporter']?.volumes).toContain(
      './blackbox/blackbox.yml:/etc/blackbox_exporter/config.yml:ro',
    );
    expect(fs.existsSync(path.join(REPO_ROOT, 'deploy', 'blackbox'))).toBe(
      true,
    );
  });
});
