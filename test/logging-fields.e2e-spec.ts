import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADAPTERS, REPO_ROOT } from './support/fixture-process';
import {
  type LogLine,
  type LoggingFixture,
  startLoggingFixture,
} from './support/logging-fixture';

// The compiled controller file, whose lines `line` counts (no source maps in the fixture).
const CONTROLLERS_JS = join(
  REPO_ROOT,
  'dist',
  'test',
  'fixtures',
  'logging',
  'logging-fixture.controllers.js',
);

const byId = (id: string, logger: string) => (line: LogLine) =>
  line.logger === logger && line.correlation_id === id;

async function get(
  app: LoggingFixture,
  path: string,
  id: string,
): Promise<number> {
  const res = await fetch(app.url(path), {
    headers: { 'X-Correlation-ID': id },
  });
  await res.arrayBuffer();
  return res.status;
}

describe.each(ADAPTERS)("the guide's log fields (%s)", (adapter) => {
  let app: LoggingFixture;
  beforeAll(async () => {
    app = await startLoggingFixture(adapter);
  });
  afterAll(() => app?.stop());

  it('names the controller and method Nest routed to on the request line (module, function)', async () => {
    const id = `fields-${adapter}-1`;
    expect(await get(app, '/api/items/7', id)).toBe(200);
    const line = await app.waitFor(byId(id, 'http'));
    expect(line).toMatchObject({
      module: 'ItemsController',
      function: 'ItemsController.findOne',
      pid: expect.any(Number),
    });
    expect(line).not.toHaveProperty('line');
    // On the main thread there is no worker thread id.
    expect(line).not.toHaveProperty('thread');
  });

  it('gives application lines the Nest context as module and function, and no line by default', async () => {
    const id = `fields-${adapter}-2`;
    expect(await get(app, '/api/items/7', id)).toBe(200);
    const line = await app.waitFor(byId(id, 'Items'));
    expect(line).toMatchObject({
      message: 'loading item 1',
      module: 'Items',
      function: 'Items',
    });
    expect(line).not.toHaveProperty('line');
  });

  it('has no module or function on a request that reached no handler (404)', async () => {
    const id = `fields-${adapter}-3`;
    expect(await get(app, '/api/no-such-route', id)).toBe(404);
    const line = await app.waitFor(byId(id, 'http'));
    expect(line).not.toHaveProperty('module');
    expect(line).not.toHaveProperty('function');
  });
});

describe.each(ADAPTERS)('logging.callSite: true (%s)', (adapter) => {
  let app: LoggingFixture;
  beforeAll(async () => {
    app = await startLoggingFixture(adapter, { logging: { callSite: true } });
  });
  afterAll(() => app?.stop());

  it('gives application lines the calling function and its line', async () => {
    const id = `callsite-${adapter}-1`;
    expect(await get(app, '/api/items/7', id)).toBe(200);
    const line = await app.waitFor(byId(id, 'Items'));
    expect(line).toMatchObject({
      message: 'loading item 1',
      module: 'Items',
      function: 'ItemsController.findOne',
      line: expect.any(Number),
    });
    const source = readFileSync(CONTROLLERS_JS, 'utf8').split('\n');
    expect(source[(line.line as number) - 1]).toContain('loading item');
  });

  it('leaves request lines as they are: module and function name the handler', async () => {
    const id = `callsite-${adapter}-2`;
    expect(await get(app, '/api/items/7', id)).toBe(200);
    const line = await app.waitFor(byId(id, 'http'));
    expect(line).toMatchObject({
      module: 'ItemsController',
      function: 'ItemsController.findOne',
    });
    expect(line).not.toHaveProperty('line');
  });
});
