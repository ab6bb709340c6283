import {
  componentType,
  type CollectorConfig,
  type Yaml,
} from './kubernetes-files';

// No otelcol binary runs here: these checks stand in for `otelcol validate`. What they do
// not cover is listed in deploy/kubernetes/README.md ("What is verified here").

/**
 * Component types (the names a config uses) of otelcol-contrib 0.135.0, from its
 * distribution manifest: the part a deployment like this one may reach for. A type
 * outside this list is a typo or a component of another distribution.
 */
const CONTRIB_0_135: Record<string, readonly string[]> = {
  extensions: [
    'health_check',
    'pprof',
    'zpages',
    'file_storage',
    'basicauth',
    'bearertokenauth',
    'headers_setter',
    'oauth2client',
    'k8s_observer',
  ],
  receivers: [
    'otlp',
    'filelog',
    'nop',
    'prometheus',
    'hostmetrics',
    'kubeletstats',
    'k8s_cluster',
    'k8sobjects',
    'jaeger',
    'zipkin',
  ],
  processors: [
    'batch',
    'memory_limiter',
    'attributes',
    'filter',
    'groupbyattrs',
    'groupbytrace',
    'k8sattributes',
    'probabilistic_sampler',
    'redaction',
    'resource',
    'resourcedetection',
    'span',
    'tail_sampling',
    'transform',
  ],
  exporters: [
    'debug',
    'nop',
    'otlp',
    'otlphttp',
    'loadbalancing',
    'elasticsearch',
    'opensearch',
    'file',
    'kafka',
    'prometheus',
    'prometheusremotewrite',
    'zipkin',
  ],
};

const TAIL_SAMPLING_POLICIES = [
  'always_sample',
  'latency',
  'numeric_attribute',
  'probabilistic',
  'status_code',
  'string_attribute',
  'rate_limiting',
  'span_count',
  'trace_state',
  'boolean_attribute',
  'ottl_condition',
  'and',
  'composite',
  'drop',
];

/** Required settings of each component type used here, as their READMEs state them. */
const REQUIRED: Record<string, (c: Yaml) => string[]> = {
  otlp_receiver: (c) =>
    c?.protocols?.grpc || c?.protocols?.http
      ? []
      : ['protocols.grpc or protocols.http'],
  filelog: (c) =>
    Array.isArray(c?.include) && c.include.length > 0 ? [] : ['include'],
  memory_limiter: (c) => [
    ...(c?.check_interval ? [] : ['check_interval']),
    ...(c?.limit_mib || c?.limit_percentage
      ? []
      : ['limit_mib or limit_percentage']),
  ],
  filter: (c) => [
    ...(['ignore', 'silent', 'propagate', undefined].includes(c?.error_mode)
      ? []
      : ['error_mode']),
    ...(c?.traces?.span?.length || c?.logs?.log_record?.length
      ? []
      : ['traces.span or logs.log_record']),
  ],
  k8sattributes: (c) =>
    (c?.pod_association ?? []).flatMap((a: Yaml) =>
      (a.sources ?? [])
        .filter(
          (s: Yaml) =>
            !['connection', 'resource_attribute'].includes(s.from) ||
            (s.from === 'resource_attribute' && !s.name),
        )
        .map(() => 'pod_association.sources (from, name)'),
    ),
  batch: () => [],
  tail_sampling: (c) =>
    Array.isArray(c?.policies) && c.policies.length > 0
      ? c.policies.flatMap(policyProblems)
      : ['policies'],
  loadbalancing: (c) => [
    ...(c?.protocol?.otlp ? [] : ['protocol.otlp']),
    ...(c?.resolver?.dns?.hostname ||
    c?.resolver?.static?.hostnames ||
    c?.resolver?.k8s?.service
      ? []
      : ['resolver']),
    ...([
      'traceID',
      'service',
      'resource',
      'metric',
      'streamID',
      'attributes',
    ].includes(c?.routing_key)
      ? []
      : ['routing_key']),
  ],
  elasticsearch: (c) =>
    c?.endpoints?.length || c?.endpoint ? [] : ['endpoints'],
  otlp_exporter: (c) => (c?.endpoint ? [] : ['endpoint']),
  health_check: () => [],
  file_storage: (c) => (c?.directory ? [] : ['directory']),
};

function policyProblems(p: Yaml): string[] {
  if (!p?.name || !TAIL_SAMPLING_POLICIES.includes(p?.type))
    return [`policy ${String(p?.name)}: name and a known type`];
  if (p.type === 'status_code')
    return (p.status_code?.status_codes ?? []).length > 0 &&
      p.status_code.status_codes.every((s: string) =>
        ['OK', 'ERROR', 'UNSET'].includes(s),
      )
      ? []
      : [`${p.name}: status_codes`];
  if (p.type === 'latency')
    return p.latency?.threshold_ms > 0 ? [] : [`${p.name}: threshold_ms`];
  if (p.type === 'probabilistic')
    return p.probabilistic?.sampling_percentage > 0 &&
      p.probabilistic.sampling_percentage <= 100
      ? []
      : [`${p.name}: sampling_percentage`];
  return [];
}

function requiredProblems(
  section: string,
  id: string,
  config: unknown,
): string[] {
  const type = componentType(id);
  const key =
    type === 'otlp'
      ? `otlp_${section === 'receivers' ? 'receiver' : 'exporter'}`
      : type;
  const check = REQUIRED[key];
  if (check === undefined)
    return [`${section}.${id}: no required-settings check for ${type}`];
  return check(config).map((p) => `${section}.${id}: ${p}`);
}

/** Every problem `otelcol validate` would also report for the structure checked here. */
export function structureProblems(config: CollectorConfig): string[] {
  const problems: string[] = [];
  const used = new Map<string, Set<string>>();
  const use = (section: string, id: string) =>
    (used.get(section) ?? used.set(section, new Set()).get(section))?.add(id);
  for (const id of config.service.extensions ?? []) use('extensions', id);
  for (const [name, pipeline] of Object.entries(config.service.pipelines)) {
    if (!['traces', 'metrics', 'logs'].includes(componentType(name)))
      problems.push(`pipeline ${name}: unknown signal`);
    if (pipeline.receivers.length === 0 || pipeline.exporters.length === 0)
      problems.push(`pipeline ${name}: needs receivers and exporters`);
    for (const id of pipeline.receivers) use('receivers', id);
    for (const id of pipeline.processors ?? []) use('processors', id);
    for (const id of pipeline.exporters) use('exporters', id);
  }
  for (const section of [
    'extensions',
    'receivers',
    'processors',
    'exporters',
  ] as const) {
    const defined = config[section] ?? {};
    for (const id of used.get(section) ?? []) {
      if (!(id in defined))
        problems.push(`${section}.${id}: used but not defined`);
      else problems.push(...requiredProblems(section, id, defined[id]));
    }
    for (const id of Object.keys(defined)) {
      if (!used.get(section)?.has(id))
        problems.push(`${section}.${id}: defined but never used`);
      if (!CONTRIB_0_135[section]?.includes(componentType(id)))
        problems.push(
          `${section}.${id}: not a component of otelcol-contrib 0.135.0`,
        );
    }
  }
  return problems;
}
