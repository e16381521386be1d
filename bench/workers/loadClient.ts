/**
 * Worker: a keep-alive load client for the credential endpoint, in its own process so that it
 * does not share an event loop with the server it measures.
 *
 *   node .bench/worker-load-client.js <url> <token> <clients> <maxRequests> <maxMs>
 *
 * `clients` loops each send one request at a time over their own kept-alive connection until
 * together they have sent `maxRequests` or `maxMs` has passed (both bounds always apply).
 * Latency is from sending the request to the end of the response body. An untimed warm-up of
 * 200 requests (at least one per client) comes first and counts toward neither bound.
 */
import * as http from 'node:http';
import { percentile } from '../../test/support/httpProbe';
import { emit, nowMs, round } from '../lib';

/** Requests sent before timing starts, spread over the clients (at least one each). */
const WARM_UP_REQUESTS = 200;

async function main(): Promise<void> {
  const [url, token, clientsArg, maxRequestsArg, maxMsArg] = process.argv.slice(2);
  const clients = Number(clientsArg);
  const maxRequests = Number(maxRequestsArg);
  const maxMs = Number(maxMsArg);
  if (!url || !token || !(clients > 0) || !(maxRequests > 0) || !(maxMs > 0)) {
    throw new Error('usage: worker-load-client <url> <token> <clients> <maxRequests> <maxMs>');
  }
  const target = new URL(url);
  if (target.hostname !== '127.0.0.1') throw new Error(`loopback only (got ${target.hostname})`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients, maxFreeSockets: clients });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let sent = 0;
  let bodyBytes = 0;

  const once = (timed = true): Promise<void> =>
    new Promise((resolve, reject) => {
      const t0 = nowMs();
      const req = http.request(
        { host: target.hostname, port: target.port, path: target.pathname, method: 'GET', agent, headers: { Authorization: token } },
        (res) => {
          let n = 0;
          res.on('data', (c: Buffer) => (n += c.length));
          res.on('end', () => {
            if (!timed) return resolve();
            latencies.push(nowMs() - t0);
            statuses[String(res.statusCode)] = (statuses[String(res.statusCode)] ?? 0) + 1;
            bodyBytes += n;
            resolve();
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });

  const loop = async (): Promise<void> => {
    while (sent < maxRequests && nowMs() < deadline) {
      sent++;
      await once();
    }
  };
  // Untimed warm-up: every client opens its connection and the client's code is compiled, so the
  // figures are the steady state rather than this process's start-up.
  const warmUpPerClient = Math.max(1, Math.ceil(WARM_UP_REQUESTS / clients));
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = 0; i < warmUpPerClient; i++) await once(false);
    }),
  );
  const started = nowMs();
  const deadline = started + maxMs;
  await Promise.all(Array.from({ length: clients }, loop));
  const elapsedMs = nowMs() - started;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  emit({
    clients,
    requests: latencies.length,
    elapsedMs: round(elapsedMs),
    requestsPerSecond: round((latencies.length / elapsedMs) * 1000, 0),
    p50Ms: round(percentile(latencies, 50)),
    p90Ms: round(percentile(latencies, 90)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(latencies[latencies.length - 1] ?? NaN),
    statuses,
    meanBodyBytes: round(bodyBytes / Math.max(1, latencies.length), 0),
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
