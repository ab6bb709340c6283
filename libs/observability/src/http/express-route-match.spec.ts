import { createRequire } from 'node:module';
import { matchExpressRoute } from './express-route-match';

type Handler = (...args: unknown[]) => unknown;
interface RouterLike {
  get(path: string, handler: Handler): void;
  post(path: string, handler: Handler): void;
  all(path: string, handler: Handler): void;
  use(...args: unknown[]): void;
}
interface ExpressLike {
  (): RouterLike;
  Router(): RouterLike;
  json(): Handler;
}
// No @types/express here: the library never imports Express, only walks its router.
const express = createRequire(__filename)('express') as ExpressLike;

describe('matchExpressRoute on a real Express app', () => {
  const app = express();
  app.use(express.json());
  app.get('/api/items/:id', () => undefined);
  app.post('/api/items', () => undefined);
  const mounted = express.Router();
  mounted.get('/deals/:id', () => undefined);
  mounted.all('*path', () => undefined);
  app.use('/v2', mounted);

  it('finds the route by method and path, as Express would dispatch', () => {
    expect(matchExpressRoute(app, 'POST', '/api/items')).toEqual({
      baseUrl: '',
      path: '/api/items',
    });
    expect(matchExpressRoute(app, 'HEAD', '/api/items/7')).toEqual({
      baseUrl: '',
      path: '/api/items/:id',
    });
    expect(matchExpressRoute(app, 'DELETE', '/api/items')).toBeUndefined();
    expect(matchExpressRoute(app, 'GET', '/nothing')).toBeUndefined();
  });

  it('follows mounted routers with their mount path', () => {
    expect(matchExpressRoute(app, 'GET', '/v2/deals/3')).toEqual({
      baseUrl: '/v2',
      path: '/deals/:id',
    });
    expect(matchExpressRoute(app, 'GET', '/v2/other')).toEqual({
      baseUrl: '/v2',
      path: '*path',
    });
  });

  it('answers undefined for anything that is not an Express app', () => {
    expect(matchExpressRoute(undefined, 'GET', '/')).toBeUndefined();
    expect(
      matchExpressRoute({ router: { stack: 3 } }, 'GET', '/'),
    ).toBeUndefined();
  });
});
