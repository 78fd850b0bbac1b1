/** @module The edge's read paths under autocannon: a fixed number of requests a route, loopback only. */
import autocannon from "autocannon";

export interface ReadLoadResult {
  route: string;
  requests: number;
  connections: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
}

const CONNECTIONS = 16;

/**
 * @example
 * const rows = await readLoad("http://127.0.0.1:8787", keys, jobId, 2000);
 */
export async function readLoad(
  edgeUrl: string,
  keys: string[],
  jobId: string,
  requests: number,
): Promise<ReadLoadResult[]> {
  const routes: [string, string][] = [
    ["GET /v1/models", "/v1/models"],
    ["GET /v1/translations/{id}", `/v1/translations/${jobId}`],
    ["GET /v1/translations?limit=20", "/v1/translations?limit=20"],
  ];
  const rows: ReadLoadResult[] = [];
  let next = 0;
  for (const [route, path] of routes) {
    const result = await autocannon({
      url: `${edgeUrl}${path}`,
      // a key a request: each key's rate limit is far below the load
      requests: [
        {
          setupRequest: (request) => {
            request.headers = { ...request.headers, authorization: `Bearer ${keys[next++ % keys.length]}` };
            return request;
          },
        },
      ],
      connections: CONNECTIONS,
      amount: requests,
      // stops by itself even if the edge stops answering
      timeout: 10,
      duration: 120,
    });
    rows.push({
      route,
      requests: result.requests.total,
      connections: CONNECTIONS,
      requestsPerSecond: (result.requests.total * 1000) / (result.finish.getTime() - result.start.getTime()),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      non2xx: result.non2xx + result.errors + result.timeouts,
    });
  }
  return rows;
}
