// Drives load with autocannon (in this process; the app runs in its own).
import autocannon from 'autocannon';

export async function load(
  url,
  { duration, connections, amount, distinctPaths = false },
) {
  let counter = 0;
  const result = await autocannon({
    url,
    connections,
    ...(amount ? { amount } : { duration }),
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => ({
          ...req,
          path: `/api/items/${distinctPaths ? counter++ : 1}`,
        }),
      },
    ],
  });
  return {
    rps: result.requests.average,
    total: result.requests.total,
    non2xx: result.non2xx + result.errors + result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}
