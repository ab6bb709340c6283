import * as path from 'node:path';
import { structureProblems } from './collector-structure';
import { readYaml } from './deploy-tools';
import {
  AGENT_CONFIG,
  GATEWAY_CONFIG,
  K8S_DIR,
  backend,
  collectorConfig,
  componentType,
  envValue,
  manifestObject,
  type CollectorConfig,
  type K8sContainer,
  type Yaml,
} from './kubernetes-files';

// What the structure check does not cover: deploy/kubernetes/README.md ("What is verified here").
const port = (endpoint: string): number => Number(endpoint.split(':').pop());

describe('deploy/kubernetes/otel: Collector configs', () => {
  const agent = collectorConfig(AGENT_CONFIG);
  const gateway = collectorConfig(GATEWAY_CONFIG);
  const daemonSet = manifestObject(
    'otel/agent-daemonset.yaml',
    'DaemonSet',
    'otel-agent',
  );
  const agentContainer = daemonSet.spec.template.spec
    .containers[0] as K8sContainer & {
    args: string[];
    volumeMounts: { name: string; mountPath: string }[];
  };

  it.each([
    ['agent', agent],
    ['gateway', gateway],
  ])(
    '%s: components defined, used, known to otelcol-contrib 0.135.0, required settings present',
    (_name, config) => {
      expect(structureProblems(config)).toEqual([]);
    },
  );

  it('the structure check itself catches a typo, a dangling reference and a missing setting', () => {
    const broken: CollectorConfig = structuredClone(gateway);
    broken.processors = { ...broken.processors, tailsampling: {} };
    broken.service.pipelines.traces?.processors?.push('batch/missing');
    (broken.exporters?.['otlp/jaeger'] as { endpoint?: string }).endpoint =
      undefined;
    expect(structureProblems(broken)).toEqual(
      expect.arrayContaining([
        'processors.batch/missing: used but not defined',
        'processors.tailsampling: defined but never used',
        'processors.tailsampling: not a component of otelcol-contrib 0.135.0',
        'exporters.otlp/jaeger: endpoint',
      ]),
    );
  });

  it('gateway: keeps errors, slow traces and payments, samples the rest, exports to Jaeger over OTLP', () => {
    const policies = (
      gateway.processors?.tail_sampling as { policies: { type: string }[] }
    ).policies;
    expect(policies.map((p) => p.type)).toEqual([
      'status_code',
      'latency',
      'string_attribute',
      'probabilistic',
    ]);
    expect(gateway.service.pipelines.traces?.exporters).toEqual([
      'otlp/jaeger',
    ]);
  });

  it('agent → gateway: by trace id, to the port the gateway listens on, through its headless Service', () => {
    const lb = agent.exporters?.loadbalancing as Yaml;
    expect(lb.routing_key).toBe('traceID');
    const service = manifestObject(
      'otel/gateway-service.yaml',
      'Service',
      'otel-gateway-headless',
    );
    expect(service.spec.clusterIP).toBe('None');
    expect(lb.resolver.dns.hostname).toBe(
      `${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local`,
    );
    const grpc = (gateway.receivers?.otlp as Yaml).protocols.grpc
      .endpoint as string;
    expect(lb.resolver.dns.port).toBe(port(grpc));
    expect(service.spec.ports[0].port).toBe(port(grpc));
  });

  it('app → agent: the backend sends OTLP/HTTP to its node, on the agent hostPort', () => {
    const { container } = backend();
    const endpoint = envValue(container, 'OTEL_EXPORTER_OTLP_ENDPOINT') ?? '';
    expect(endpoint).toMatch(/^http:\/\/\$\(NODE_IP\):\d+$/);
    const http = (agent.receivers?.otlp as Yaml).protocols.http
      .endpoint as string;
    const hostPort = agentContainer.ports?.find(
      (p) => p.containerPort === port(http),
    )?.hostPort;
    expect(hostPort).toBe(port(endpoint));
    expect(container.env?.find((e) => e.name === 'NODE_IP')?.valueFrom).toEqual(
      { fieldRef: { fieldPath: 'status.hostIP' } },
    );
  });

  it('logs: one path, the backend container stdout on the node, each line once', () => {
    const { deployment } = backend();
    const logPipelines = Object.entries(agent.service.pipelines).filter(
      ([name]) => componentType(name) === 'logs',
    );
    expect(logPipelines).toHaveLength(1);
    expect(gateway.service.pipelines).not.toHaveProperty('logs');
    const filelog = agent.receivers?.filelog as Yaml;
    const ns = deployment.metadata.namespace ?? '';
    expect(filelog.include).toEqual([
      `/var/log/pods/${ns}_${deployment.metadata.name}-*/prs-backend/*.log`,
    ]);
    expect(filelog.storage).toBe('file_storage');
    const operators = (filelog.operators as { type: string }[]).map(
      (o) => o.type,
    );
    expect(operators).toEqual(['container', 'json_parser', 'trace_parser']);
    const mounts = agentContainer.volumeMounts.map((m) => m.mountPath);
    expect(mounts).toContain('/var/log/pods');
    expect(mounts).toContain(
      (agent.extensions?.file_storage as { directory: string }).directory,
    );
  });

  it('each Collector runs the config kustomize generates for it', () => {
    const kustomization = readYaml<{
      configMapGenerator: { name: string; files: string[] }[];
    }>(path.join(K8S_DIR, 'kustomization.yaml'));
    for (const [file, workload] of [
      ['otel/agent-daemonset.yaml', daemonSet],
      [
        'otel/gateway-deployment.yaml',
        manifestObject(
          'otel/gateway-deployment.yaml',
          'Deployment',
          'otel-gateway',
        ),
      ],
    ] as const) {
      const spec = workload.spec.template.spec;
      const configVolume = spec.volumes.find((v: Yaml) => v.name === 'config');
      const generator = kustomization.configMapGenerator.find(
        (g) => g.name === configVolume.configMap.name,
      );
      expect({ file, generator: generator?.name }).toEqual({
        file,
        generator: configVolume.configMap.name,
      });
      const [key] = (generator?.files[0] ?? '').split('=');
      const mount = spec.containers[0].volumeMounts.find(
        (m: Yaml) => m.name === 'config',
      );
      expect(spec.containers[0].args).toEqual([
        `--config=${mount.mountPath}/${key}`,
      ]);
    }
  });
});
