// @ts-check
/**
 * The end-of-run summary: one headline, one row per scenario, and, with `--json`, one
 * machine-readable `TRAFFIC_SUMMARY {...}` line.
 *
 * @param {ReturnType<import('./traffic-stats.mjs').TrafficStats['summary']>} summary
 * @param {import('./traffic-options.mjs').TrafficOptions} options
 * @returns {string}
 */
export function formatReport(summary, options) {
  const classes = Object.entries(summary.classes)
    .map(([c, n]) => `${c} ${n}`)
    .join(', ');
  const lines = [
    `demo:traffic summary: ${summary.total} requests in ${(summary.elapsed_ms / 1000).toFixed(1)} s (${summary.rate}/s): ${classes}; ${summary.errors} network errors, ${summary.unexpected} unexpected statuses`,
    `  ${'scenario'.padEnd(22)}${'count'.padStart(6)}  ${'statuses'.padEnd(22)}${'p50'.padStart(7)}${'p95'.padStart(7)}`,
    ...Object.entries(summary.scenarios).map(([name, s]) => {
      const statuses = Object.entries(s.statuses)
        .map(([k, v]) => `${k}×${v}`)
        .join(' ');
      return `  ${name.padEnd(22)}${String(s.count).padStart(6)}  ${statuses.padEnd(22)}${`${s.p50_ms}ms`.padStart(7)}${`${s.p95_ms}ms`.padStart(7)}`;
    }),
    `Now look at ${options.url.origin}/metrics (prs_business_events_total, prs_http_requests_total)`,
  ];
  if (options.json) lines.push(`TRAFFIC_SUMMARY ${JSON.stringify(summary)}`);
  return `${lines.join('\n')}\n`;
}
