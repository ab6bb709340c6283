import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as ts from 'typescript';
import { TEST_DATABASE_URL } from './support/demo-client';
import { REPO_ROOT, startFixture } from './support/fixture-process';
import { freePort } from './support/prometheus-server';
import { type CodeBlock, codeBlocks, readDoc } from './support/readme';

// The README's TypeScript a reader copies: blocks marked `<!-- compiled ... by this file -->`
// are type-checked against the library's sources as they stand; the "booted" ones together
// form one app (app.module.ts and main.ts) that is started against real Postgres and Redis.
const MARK = 'by test/readme-snippets.e2e-spec.ts -->';
const SNIPPETS_DIR = join(REPO_ROOT, 'test', 'readme-snippets');

/** The file a block names in its first line (`// app.module.ts`). */
function fileName(block: CodeBlock): string {
  const name = /^\/\/ ([\w.-]+\.ts)\b/.exec(block.code)?.[1];
  if (!name)
    throw new Error(`a marked README block names no file:\n${block.code}`);
  return name;
}

const marked = codeBlocks(readDoc('README.md')).filter((b) =>
  b.before.includes(MARK),
);
const booted = marked.filter((b) => b.before.includes('booted'));
const compiledAlone = marked.filter((b) => !b.before.includes('booted'));

/** Virtual files: each lone block in its own folder, the booted ones in `app/`. */
function virtualFiles(): Map<string, string> {
  const files = new Map<string, string>();
  compiledAlone.forEach((b, i) =>
    files.set(join(SNIPPETS_DIR, `alone-${i}`, fileName(b)), b.code),
  );
  for (const b of booted)
    files.set(join(SNIPPETS_DIR, 'app', fileName(b)), b.code);
  return files;
}

function compilerOptions(): ts.CompilerOptions {
  const config = ts.readConfigFile(join(REPO_ROOT, 'tsconfig.json'), (p) =>
    ts.sys.readFile(p),
  );
  const parsed = ts.parseJsonConfigFileContent(
    config.config,
    ts.sys,
    REPO_ROOT,
  );
  return { ...parsed.options, noEmit: true, types: ['node'] };
}

/** Type-checks the virtual files (never written to disk); returns the diagnostics as text. */
function typeCheck(files: Map<string, string>): string[] {
  const options = compilerOptions();
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (f) => files.has(f) || fileExists.call(host, f);
  host.readFile = (f) => files.get(f) ?? readFile.call(host, f);
  const dirs = new Set([...files.keys()].map((f) => dirname(f)));
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (d) =>
    dirs.has(d) || (directoryExists?.(d) ?? ts.sys.directoryExists(d));
  host.getSourceFile = (f, language, ...rest) => {
    const text = files.get(f);
    return text === undefined
      ? getSourceFile.call(host, f, language, ...rest)
      : ts.createSourceFile(f, text, language, true);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file
      ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: `
      : '';
    return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

describe('README code', () => {
  it('marks the module, health wiring and JSON-logs snippets, and they type-check', () => {
    expect(compiledAlone.map(fileName)).toEqual(['app.module.ts']);
    expect(booted.map(fileName)).toEqual(['app.module.ts', 'main.ts']);
    expect(typeCheck(virtualFiles())).toEqual([]);
  }, 180_000);

  describe('the health-wiring and JSON-logs snippets, booted as written', () => {
    const dir = join(REPO_ROOT, '.tmp', `readme-snippets-${process.pid}`);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('logs JSON from the first line and answers readiness from the app’s own Pool and Redis client', async () => {
      mkdirSync(dir, { recursive: true });
      for (const b of booted) {
        const js = ts.transpileModule(b.code, {
          compilerOptions: compilerOptions(),
        }).outputText;
        writeFileSync(join(dir, fileName(b).replace(/\.ts$/, '.js')), js);
      }
      const port = await freePort();
      const app = await startFixture({
        entry: join(dir, 'main.js'),
        env: { PORT: String(port), DATABASE_URL: TEST_DATABASE_URL },
        readyPattern: /Nest application successfully started()/,
      });
      try {
        const url = `http://127.0.0.1:${port}/health/ready`;
        let res = await fetch(url);
        for (let tries = 0; res.status !== 200 && tries < 40; tries++) {
          await new Promise((r) => setTimeout(r, 250));
          res = await fetch(url);
        }
        expect(res.status).toBe(200);
        const body = (await res.json()) as {
          status: string;
          checks: Record<string, { healthy: boolean }>;
        };
        expect(body).toMatchObject({
          status: 'ready',
          checks: { database: { healthy: true }, cache: { healthy: true } },
        });
        const lines = app.stdout().trim().split('\n');
        const first = JSON.parse(lines[0] ?? '') as { message?: string };
        expect(first.message).toContain('Starting Nest application');
        for (const line of lines)
          expect(() => JSON.parse(line) as unknown).not.toThrow();
      } finally {
        await app.stop();
      }
    }, 120_000);
  });
});
