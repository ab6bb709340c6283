import { formatSeries, parseExposition } from './metric-series';

describe('parseExposition()', () => {
  const text = [
    '# HELP prs_http_requests_total Requests.',
    '# TYPE prs_http_requests_total counter',
    'prs_http_requests_total{method="GET",endpoint="/a \\"b\\"",status_code="200"} 3',
    '# TYPE prs_http_request_duration_seconds histogram',
    'prs_http_request_duration_seconds_bucket{method="GET",le="0.005"} 1',
    'prs_http_request_duration_seconds_count{method="GET"} 2',
    '# TYPE prs_active_users_total gauge',
    'prs_active_users_total 4',
    '',
  ].join('\n');

  it('reads names, unescaped labels, values, and which samples only grow', () => {
    expect(parseExposition(text)).toEqual([
      {
        name: 'prs_http_requests_total',
        labels: { method: 'GET', endpoint: '/a "b"', status_code: '200' },
        value: 3,
        cumulative: true,
      },
      {
        name: 'prs_http_request_duration_seconds_bucket',
        labels: { method: 'GET', le: '0.005' },
        value: 1,
        cumulative: true,
      },
      {
        name: 'prs_http_request_duration_seconds_count',
        labels: { method: 'GET' },
        value: 2,
        cumulative: true,
      },
      {
        name: 'prs_active_users_total',
        labels: {},
        value: 4,
        cumulative: false,
      },
    ]);
  });
});

describe('formatSeries()', () => {
  it('sorts the labels and quotes their values', () => {
    expect(formatSeries('x_total', { b: '2', a: 'say "hi"' })).toBe(
      'x_total{a="say \\"hi\\"",b="2"}',
    );
    expect(formatSeries('x_total', {})).toBe('x_total');
  });
});
