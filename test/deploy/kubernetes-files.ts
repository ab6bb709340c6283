import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadAll } from 'js-yaml';
import { DEPLOY_DIR, readYaml } from './deploy-tools';

/** deploy/kubernetes and the files the Kubernetes tests read. */
export const K8S_DIR = path.join(DEPLOY_DIR, 'kubernetes');
export const AGENT_CONFIG = path.join(K8S_DIR, 'otel', 'agent.yaml');
export const GATEWAY_CONFIG = path.join(K8S_DIR, 'otel', 'gateway.yaml');
export const GENERATE_SCRIPT = path.join(K8S_DIR, 'generate.mjs');
export const VALIDATE_SCRIPT = path.join(K8S_DIR, 'validate.mjs');

/** A parsed YAML value whose shape the test asserts on. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Yaml = any;

/** The parts of a Kubernetes object the tests read (the schemas check the rest). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Yaml;
  [key: string]: unknown;
}

/** Every object of a (multi-document) manifest file under deploy/kubernetes. */
export function manifestObjects(relativeFile: string): K8sObject[] {
  return loadAll(
    fs.readFileSync(path.join(K8S_DIR, relativeFile), 'utf8'),
  ) as K8sObject[];
}

/** The one object of `kind` named `name` in a manifest file. */
export function manifestObject(
  relativeFile: string,
  kind: string,
  name: string,
): K8sObject {
  const found = manifestObjects(relativeFile).find(
    (o) => o.kind === kind && o.metadata.name === name,
  );
  if (found === undefined)
    throw new Error(`${relativeFile} has no ${kind} ${name}`);
  return found;
}

export interface K8sContainer {
  name: string;
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  ports?: { name?: string; containerPort: number; hostPort?: number }[];
  readinessProbe?: K8sProbe;
  livenessProbe?: K8sProbe;
  startupProbe?: K8sProbe;
  lifecycle?: { preStop?: { sleep?: { seconds: number }; exec?: unknown } };
}

export interface K8sProbe {
  httpGet?: { path: string; port: string | number };
  timeoutSeconds?: number;
  periodSeconds?: number;
  failureThreshold?: number;
}

/** The backend Deployment and its container. */
export function backend(): { deployment: K8sObject; container: K8sContainer } {
  const deployment = manifestObject(
    'demo/deployment.yaml',
    'Deployment',
    'prs-backend',
  );
  const container = (
    deployment.spec.template.spec.containers as K8sContainer[]
  ).find((c) => c.name === 'prs-backend');
  if (container === undefined) throw new Error('no prs-backend container');
  return { deployment, container };
}

/** A container's literal env value (`undefined` when unset or from a reference). */
export function envValue(
  container: K8sContainer,
  name: string,
): string | undefined {
  return container.env?.find((e) => e.name === name)?.value;
}

/** An OpenTelemetry Collector config: component sections and the service. */
export interface CollectorConfig {
  extensions?: Record<string, unknown>;
  receivers?: Record<string, unknown>;
  processors?: Record<string, unknown>;
  exporters?: Record<string, unknown>;
  connectors?: Record<string, unknown>;
  service: {
    extensions?: string[];
    pipelines: Record<
      string,
      { receivers: string[]; processors?: string[]; exporters: string[] }
    >;
  };
}

export function collectorConfig(file: string): CollectorConfig {
  return readYaml<CollectorConfig>(file);
}

/** `otlp/jaeger` → `otlp`: a component id's type. */
export function componentType(id: string): string {
  return id.split('/')[0] ?? id;
}
