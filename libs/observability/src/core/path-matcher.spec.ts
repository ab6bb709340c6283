import { PathMatcher } from './path-matcher';

describe('PathMatcher', () => {
  const matcher = new PathMatcher([
    '/metrics',
    '/api/health/',
    '/static/*',
    '/',
  ]);

  it.each([
    ['/metrics', true],
    ['/metrics/', true],
    ['/api/health', true],
    ['/api/health/', true],
    ['/static/app.js', true],
    ['/static/', true],
    ['/', true],
    ['/metricsx', false],
    ['/api/health/deep', false],
    ['/static', false],
    ['/api', false],
  ])('%s → %s', (path, expected) => {
    expect(matcher.matches(path)).toBe(expected);
  });
});
