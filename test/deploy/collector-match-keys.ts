import {
  componentType,
  type CollectorConfig,
  type Yaml,
} from './kubernetes-files';

/** What the Collector configs match spans and log lines on, parsed from them. */
export interface MatchKeys {
  /** Span attribute keys (OTTL `attributes["k"]`, tail_sampling `key:`). */
  spanAttributes: Set<string>;
  /** `attributes["k"] == "v"` and string_attribute values: some span must carry each. */
  spanAttributeValues: [key: string, value: string][];
  /** Resource attribute keys (OTTL `resource.attributes["k"]`, k8sattributes pod_association). */
  resourceAttributes: Set<string>;
  /** Span status codes a policy or condition selects (`ERROR`, `OK`, `UNSET`). */
  statusCodes: Set<string>;
  /** tail_sampling latency thresholds. */
  latencyThresholdsMs: number[];
  /** Fields of the JSON log line the filelog operators read (`attributes.<field>`). */
  logFields: Set<string>;
}

const OTTL_ATTRIBUTE =
  /(resource\.)?attributes\["([^"]+)"\](?:\s*==\s*"([^"]*)")?/g;
const OTTL_STATUS = /status\.code\s*==\s*STATUS_CODE_(ERROR|OK|UNSET)/g;

/** Every string anywhere inside a YAML value. */
function strings(value: Yaml): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object')
    return Object.values(value as Record<string, Yaml>).flatMap(strings);
  return [];
}

function scanOttl(config: Yaml, keys: MatchKeys): void {
  for (const text of strings(config)) {
    for (const [, resource, key, value] of text.matchAll(OTTL_ATTRIBUTE)) {
      if (key === undefined) continue;
      if (resource) keys.resourceAttributes.add(key);
      else {
        keys.spanAttributes.add(key);
        if (value !== undefined) keys.spanAttributeValues.push([key, value]);
      }
    }
    for (const [, code] of text.matchAll(OTTL_STATUS))
      if (code) keys.statusCodes.add(code);
  }
}

function scanPolicy(policy: Yaml, keys: MatchKeys): void {
  switch (policy.type) {
    case 'status_code':
      for (const code of policy.status_code.status_codes as string[])
        keys.statusCodes.add(code);
      return;
    case 'latency':
      keys.latencyThresholdsMs.push(Number(policy.latency.threshold_ms));
      return;
    case 'string_attribute':
      keys.spanAttributes.add(String(policy.string_attribute.key));
      // Regex values would need a match, not equality: none here.
      if (policy.string_attribute.enabled_regex_matching)
        throw new Error(`${policy.name}: regex values are not checked`);
      for (const value of policy.string_attribute.values ?? [])
        keys.spanAttributeValues.push([
          policy.string_attribute.key,
          String(value),
        ]);
      return;
    case 'numeric_attribute':
    case 'boolean_attribute':
      keys.spanAttributes.add(String(policy[policy.type].key));
      return;
    case 'ottl_condition':
      scanOttl(policy.ottl_condition, keys);
      return;
    case 'and':
      for (const sub of policy.and.and_sub_policy ?? []) scanPolicy(sub, keys);
      return;
    case 'composite':
      for (const sub of policy.composite.composite_sub_policy ?? [])
        scanPolicy(sub, keys);
      return;
    case 'probabilistic':
    case 'always_sample':
    case 'rate_limiting':
      return; // match on nothing a span carries
    default:
      throw new Error(
        `no key extraction for tail_sampling policy ${policy.type}`,
      );
  }
}

function scanProcessor(id: string, config: Yaml, keys: MatchKeys): void {
  switch (componentType(id)) {
    case 'filter':
    case 'transform':
      scanOttl(config, keys);
      return;
    case 'tail_sampling':
      for (const policy of config.policies ?? []) scanPolicy(policy, keys);
      return;
    case 'k8sattributes':
      for (const association of config.pod_association ?? [])
        for (const source of association.sources ?? [])
          if (source.from === 'resource_attribute')
            keys.resourceAttributes.add(String(source.name));
      return;
    case 'memory_limiter':
    case 'batch':
      return; // match on nothing
    default:
      // A new processor may match on keys: teach this function what it reads.
      throw new Error(`no key extraction for processor ${id}`);
  }
}

function scanFilelog(config: Yaml, keys: MatchKeys): void {
  for (const text of strings(config.operators ?? []))
    for (const [, field] of text.matchAll(/^attributes\.([\w.]+)$/g))
      if (field) keys.logFields.add(field);
}

/** The keys of every processor in the traces pipelines and every filelog receiver. */
export function matchKeys(configs: readonly CollectorConfig[]): MatchKeys {
  const keys: MatchKeys = {
    spanAttributes: new Set(),
    spanAttributeValues: [],
    resourceAttributes: new Set(),
    statusCodes: new Set(),
    latencyThresholdsMs: [],
    logFields: new Set(),
  };
  for (const config of configs) {
    for (const [name, pipeline] of Object.entries(config.service.pipelines)) {
      if (componentType(name) === 'traces')
        for (const id of pipeline.processors ?? [])
          scanProcessor(id, config.processors?.[id], keys);
      for (const id of pipeline.receivers)
        if (componentType(id) === 'filelog')
          scanFilelog(config.receivers?.[id], keys);
    }
  }
  return keys;
}
