// Which Node runs the bench apps: the pinned one (node_modules/.bin/node, Node 24, what
// `npm run bench` uses), another major from the npm registry's `node-<platform>-<arch>`
// package kept in a cache directory (`--node 22`), or any binary (`--node-bin <path>`).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { ROOT } from './paths.mjs';

const CACHE =
  process.env.PRS_BENCH_CACHE ?? join(os.homedir(), '.cache', 'prs-bench');

/** `{ bin, version, major, source }` for the flags in `argv`. */
export function resolveNode(argv) {
  const flag = (name) => {
    const i = argv.indexOf(name);
    return i === -1 ? undefined : argv[i + 1];
  };
  const explicit = flag('--node-bin');
  const major = flag('--node');
  let bin = process.execPath;
  let source = process.execPath.startsWith(join(ROOT, 'node_modules'))
    ? 'the pinned devDependency, node_modules/.bin/node'
    : `the Node running the bench, ${process.execPath}`;
  if (explicit !== undefined) {
    if (!existsSync(explicit))
      throw new Error(`--node-bin ${explicit}: no such file`);
    bin = explicit;
    source = `--node-bin ${explicit}`;
  } else if (
    major !== undefined &&
    major !== process.versions.node.split('.')[0]
  ) {
    if (!/^\d+$/.test(major))
      throw new Error(`--node ${major}: expected a major version such as 22`);
    bin = installedNode(major);
    source = `--node ${major}: node-${process.platform}-${process.arch}@${major} from the npm registry, cached in ${CACHE}`;
  }
  const version = execFileSync(bin, ['-p', 'process.version'], {
    encoding: 'utf8',
  }).trim();
  return {
    bin,
    version,
    major: Number(version.slice(1).split('.')[0]),
    source,
  };
}

function installedNode(major) {
  const prefix = join(CACHE, `node-${major}`);
  const pkg = `node-${process.platform}-${process.arch}`;
  const bin = join(prefix, 'node_modules', pkg, 'bin', 'node');
  if (!existsSync(bin)) {
    mkdirSync(prefix, { recursive: true });
    process.stdout.write(`Installing ${pkg}@${major} into ${prefix}\n`);
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        prefix,
        '--no-save',
        '--no-audit',
        '--no-fund',
        `${pkg}@${major}`,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
  }
  if (!existsSync(bin))
    throw new Error(`installing ${pkg}@${major} left no ${bin}`);
  return bin;
}

/** The versions that decide the numbers, for the results header. */
export function packageVersions() {
  const v = (name) => {
    try {
      return JSON.parse(
        readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8'),
      ).version;
    } catch {
      return 'absent';
    }
  };
  return [
    `@opentelemetry/api ${v('@opentelemetry/api')}`,
    `core / sdk-trace ${v('@opentelemetry/core')} / ${v('@opentelemetry/sdk-trace')}`,
    `sdk-node / instrumentation-http ${v('@opentelemetry/sdk-node')} / ${v('@opentelemetry/instrumentation-http')}`,
    `instrumentation-express ${v('@opentelemetry/instrumentation-express')}`,
    `@fastify/otel ${v('@fastify/otel')}`,
    `Nest ${v('@nestjs/core')}, express ${v('express')}, fastify ${v('fastify')}, autocannon ${v('autocannon')}`,
  ].join('; ');
}
