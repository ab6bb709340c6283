#!/usr/bin/env node
// Fails when more than one version of an OpenTelemetry package that must be a
// singleton is installed. `npm ls` does not flag these: two copies of
// @opentelemetry/api or -instrumentation silently split globals and patches.
// Usage: node scripts/check-otel-duplicates.mjs [project-root]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const SINGLETONS = [
  '@opentelemetry/api',
  '@opentelemetry/instrumentation',
  '@opentelemetry/core',
  // OpenTelemetry JS 3.x ships the trace SDK as -sdk-trace; -sdk-trace-base (2.x only)
  // stays listed because an app may still carry it next to ours.
  '@opentelemetry/sdk-trace',
  '@opentelemetry/sdk-trace-base',
];

const root = resolve(process.argv[2] ?? '.');
const found = new Map(SINGLETONS.map((name) => [name, []]));

function walk(nodeModules) {
  if (!existsSync(nodeModules)) return;
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const dirs = entry.name.startsWith('@')
      ? readdirSync(join(nodeModules, entry.name), { withFileTypes: true })
          .filter((e) => e.isDirectory() || e.isSymbolicLink())
          .map((e) => join(nodeModules, entry.name, e.name))
      : entry.isDirectory() || entry.isSymbolicLink()
        ? [join(nodeModules, entry.name)]
        : [];
    for (const dir of dirs) {
      const manifest = join(dir, 'package.json');
      if (existsSync(manifest)) {
        const { name, version } = JSON.parse(readFileSync(manifest, 'utf8'));
        found.get(name)?.push({ version, path: relative(root, dir) });
      }
      walk(join(dir, 'node_modules'));
    }
  }
}

walk(join(root, 'node_modules'));
const problems = [];
for (const [name, copies] of found) {
  const versions = new Set(copies.map((c) => c.version));
  if (versions.size > 1) {
    problems.push(
      `${name}: ${versions.size} versions installed\n${copies.map((c) => `    ${c.version}  ${c.path}`).join('\n')}`,
    );
  }
}
if (problems.length > 0) {
  console.error(
    `Duplicate OpenTelemetry packages (keep one version of each; add an npm "overrides" entry):\n  ${problems.join('\n  ')}`,
  );
  process.exit(1);
}
console.log(
  `OpenTelemetry singletons: ${SINGLETONS.map((n) => `${n}@${found.get(n)[0]?.version ?? 'absent'}`).join(', ')}`,
);
