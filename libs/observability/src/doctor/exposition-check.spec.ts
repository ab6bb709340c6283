import { checkExposition } from './exposition-check';

const VALID = `# HELP prs_http_requests_total HTTP requests served
# TYPE prs_http_requests_total counter
prs_http_requests_total{method="GET",endpoint="/api/deals/:id",status_code="200"} 3
prs_http_requests_total{method="GET",endpoint="/a \\"b\\" \\\\ c}",status_code="404"} 1 1718000000123
# TYPE prs_http_request_duration_seconds histogram
prs_http_request_duration_seconds_bucket{method="GET",endpoint="/",le="0.005"} 1
prs_http_request_duration_seconds_bucket{method="GET",endpoint="/",le="+Inf"} 2
prs_http_request_duration_seconds_sum{method="GET",endpoint="/"} 0.0123
prs_http_request_duration_seconds_count{method="GET",endpoint="/"} 2
# TYPE prs_active_users_total gauge
prs_active_users_total 0
process_start_time_seconds 1.7e9
nodejs_heap_used_bytes NaN
`;

describe('checkExposition', () => {
  it('accepts text format 0.0.4 with escapes, timestamps, histograms and special values', () => {
    const summary = checkExposition(VALID);
    expect(summary).toEqual({
      samples: 9,
      names: new Set([
        'prs_http_requests_total',
        'prs_http_request_duration_seconds_bucket',
        'prs_http_request_duration_seconds_sum',
        'prs_http_request_duration_seconds_count',
        'prs_active_users_total',
        'process_start_time_seconds',
        'nodejs_heap_used_bytes',
      ]),
    });
  });

  it.each([
    ['<html><body>Not Found</body></html>', 'line 1: invalid metric name'],
    ['{"statusCode":404}', 'line 1: invalid metric name'],
    ['up{job="a"', 'line 1: unterminated label set'],
    ['up{job=a} 1', 'line 1: invalid label pair'],
    ['up{1job="a"} 1', 'line 1: invalid label pair'],
    ['up one', 'line 1: invalid sample value "one"'],
    ['up 1 soon', 'line 1: invalid timestamp "soon"'],
    ['up 1 2 3', 'line 1: unexpected text after the timestamp'],
    ['# TYPE up gauges', 'line 1: unknown metric type "gauges"'],
    ['# TYPE up gauge\n# TYPE up gauge', 'line 2: second TYPE line for up'],
    ['up 1\n# TYPE up gauge', 'line 2: TYPE line for up after its samples'],
    ['up{a="1"} 1\nup{a="1"} 2', 'line 2: repeated series up{a=1}'],
  ])('rejects %j: %s', (text, problem) => {
    expect(checkExposition(text)).toBe(problem);
  });
});
