#!/usr/bin/env node
// Validates the Kubernetes objects of this deployment against pinned schemas, without a
// cluster: the Kubernetes 1.36 OpenAPI schema (npm kubernetes-models 5.1.0) and the
// Prometheus Operator CRDs (npm @kubernetes-models/prometheus-operator 6.0.0).
//
//   node deploy/kubernetes/validate.mjs            every object kustomization.yaml renders
//   node deploy/kubernetes/validate.mjs FILE...    the objects of these files instead
//
// Prints one JSON report ({ objects, errors }) and exits 1 when an object fails, has no
// known schema, has a field its kind does not know (the JSON schemas allow unknown fields,
// so the same packages' TypeScript interfaces check them: TypeScript's excess-property
// check, as `kubectl apply --validate=strict` would), or is a ConfigMap/Secret over the
// API server's 1 MiB object limit. Not checked here (a cluster checks them): admission
// webhooks, references between objects, and whether the images exist.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAll } from 'js-yaml';
import ts from 'typescript';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MAX_OBJECT_BYTES = 1024 * 1024;

/** The module that holds the model class of an apiVersion/kind. */
function modelModule(apiVersion, kind) {
  if (apiVersion.startsWith('monitoring.coreos.com/'))
    return `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`;
  return `kubernetes-models/${apiVersion}/${kind}`;
}

/** The objects kustomization.yaml renders: its resources and its configMapGenerator. */
function kustomizationObjects() {
  const file = path.join(HERE, 'kustomization.yaml');
  const [kustomization] = loadAll(fs.readFileSync(file, 'utf8'));
  const objects = (kustomization.resources ?? []).flatMap((resource) =>
    fileObjects(path.join(HERE, resource)),
  );
  for (const generator of kustomization.configMapGenerator ?? []) {
    const data = {};
    for (const entry of generator.files ?? []) {
      const [key, source] = entry.includes('=')
        ? entry.split('=')
        : [path.basename(entry), entry];
      data[key] = fs.readFileSync(path.join(HERE, source), 'utf8');
    }
    objects.push({
      file: 'kustomization.yaml (configMapGenerator)',
      object: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: generator.name, namespace: generator.namespace },
        data,
      },
    });
  }
  return objects;
}

function fileObjects(file) {
  return loadAll(fs.readFileSync(file, 'utf8'))
    .filter((object) => object !== null && object !== undefined)
    .map((object) => ({ file: path.relative(process.cwd(), file), object }));
}

/** TypeScript's "Object literal may only specify known properties" (and its "did you mean"). */
const EXCESS_PROPERTY = new Set([2353, 2561]);

/**
 * Unknown fields per object index: each object becomes `const oN: I<Kind> = <json>` in a
 * virtual TypeScript file type-checked against the model packages' interfaces.
 */
function unknownFields(objects) {
  const file = path.join(HERE, '__unknown_fields__.ts');
  const text = objects
    .map(
      ({ object }, i) =>
        `import type { I${object.kind} as T${i} } from '${modelModule(object.apiVersion, object.kind)}';\n` +
        `export const o${i}: T${i} = ${JSON.stringify(object)};\n`,
    )
    .join('');
  const options = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, ...rest) =>
    name === file
      ? ts.createSourceFile(name, text, ts.ScriptTarget.ES2022)
      : getSourceFile.call(host, name, ...rest);
  host.fileExists = (name) => name === file || fileExists.call(host, name);
  host.readFile = (name) => (name === file ? text : readFile.call(host, name));
  const found = new Map();
  for (const d of ts.getPreEmitDiagnostics(
    ts.createProgram([file], options, host),
  )) {
    if (d.file?.fileName !== file || d.start === undefined) continue;
    const line = d.file.getLineAndCharacterOfPosition(d.start).line;
    const isImport = line % 2 === 0;
    if (!isImport && !EXCESS_PROPERTY.has(d.code)) continue; // the schema judges types
    const message = isImport
      ? `no TypeScript interface I${objects[line >> 1].object.kind}`
      : `unknown field: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    found.set(line >> 1, [...(found.get(line >> 1) ?? []), message]);
  }
  return found;
}

async function validate({ file, object }) {
  const where = {
    file,
    kind: String(object?.kind),
    name: String(object?.metadata?.name),
  };
  if (
    typeof object?.apiVersion !== 'string' ||
    typeof object?.kind !== 'string'
  )
    return { ...where, error: 'apiVersion and kind must be strings' };
  let Model;
  try {
    Model = (await import(modelModule(object.apiVersion, object.kind)))[
      object.kind
    ];
  } catch {
    Model = undefined;
  }
  if (typeof Model !== 'function')
    return {
      ...where,
      error: `no schema for ${object.apiVersion} ${object.kind}`,
    };
  try {
    new Model(object).validate();
  } catch (error) {
    const details = (error.errors ?? error.details ?? [])
      .map((e) => `${e.instancePath || '/'} ${e.message}`)
      .join('; ');
    return { ...where, error: details || String(error.message ?? error) };
  }
  if (object.kind === 'ConfigMap' || object.kind === 'Secret') {
    const bytes = Buffer.byteLength(JSON.stringify(object));
    if (bytes > MAX_OBJECT_BYTES)
      return { ...where, error: `${bytes} bytes, over the 1 MiB object limit` };
  }
  return where;
}

const files = process.argv.slice(2);
const objects = files.length
  ? files.flatMap((file) => fileObjects(path.resolve(file)))
  : kustomizationObjects();
const results = await Promise.all(objects.map(validate));
const modelled = results
  .map((result, index) => ({ result, index }))
  .filter(({ result }) => !result.error?.startsWith('no schema'));
const unknown = unknownFields(modelled.map(({ index }) => objects[index]));
modelled.forEach(({ result }, i) => {
  const messages = unknown.get(i);
  if (messages)
    result.error = [result.error, ...messages].filter(Boolean).join('; ');
});
const report = {
  objects: results.map(({ file, kind, name }) => ({ file, kind, name })),
  errors: results.filter((r) => r.error !== undefined),
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
if (report.errors.length > 0 || report.objects.length === 0)
  process.exitCode = 1;
