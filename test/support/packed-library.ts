import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './fixture-process';

/** The library's package folder (what `npm pack` packs: its built `dist/`). */
export const LIB = join(REPO_ROOT, 'libs', 'observability');

/** The version of `name` installed in the repository, for a scratch app to pin the same. */
export function installedVersion(name: string): string {
  return (
    JSON.parse(
      readFileSync(
        join(REPO_ROOT, 'node_modules', name, 'package.json'),
        'utf8',
      ),
    ) as { version: string }
  ).version;
}

/** Packs the built library into `dir` with `npm pack`; returns the tarball and its files. */
export function packLibrary(dir: string): {
  filename: string;
  files: { path: string }[];
} {
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', dir], {
      cwd: LIB,
      encoding: 'utf8',
    }),
  ) as { filename: string; files: { path: string }[] }[];
  const first = packed[0];
  if (first === undefined) throw new Error('npm pack packed nothing');
  return first;
}

/**
 * A plain CommonJS Nest app, as a separate project would write it without a build step:
 * `GET /orders/:id`; prints `SCRATCH_LISTENING <port>` once it listens on a free port.
 */
export const SCRATCH_MAIN = `
require('reflect-metadata');
const { Controller, Get, Module, Param } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { ObservabilityModule } = require('@prs/nestjs-observability');

class OrdersController { find(id) { return { id }; } }
Controller('orders')(OrdersController);
Reflect.decorate([Get(':id'), Reflect.metadata('design:paramtypes', [String])], OrdersController.prototype, 'find', Object.getOwnPropertyDescriptor(OrdersController.prototype, 'find'));
Param('id')(OrdersController.prototype, 'find', 0);

class AppModule {}
Module({ imports: [ObservabilityModule.forRoot()], controllers: [OrdersController] })(AppModule);

NestFactory.create(AppModule, { logger: false }).then(async (app) => {
  await app.listen(0, '127.0.0.1');
  process.stdout.write('SCRATCH_LISTENING ' + app.getHttpServer().address().port + '\\n');
});
`;

/** Nest and its peers at the repository's versions, for a scratch app's package.json. */
export function scratchNestDependencies(): Record<string, string> {
  return Object.fromEntries(
    [
      '@nestjs/common',
      '@nestjs/core',
      '@nestjs/platform-express',
      'reflect-metadata',
      'rxjs',
    ].map((name) => [name, installedVersion(name)]),
  );
}

/** `npm install` in a scratch project (the packed tarball and its pinned dependencies). */
export function installScratchProject(dir: string, timeoutMs: number): void {
  execFileSync(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
    ],
    { cwd: dir, stdio: 'pipe', timeout: timeoutMs },
  );
}
