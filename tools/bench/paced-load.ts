// Open-loop load at an even pace: request i is due at start + i / rate whatever the answers do,
// and its latency counts from that due time (so queueing behind a slow answer is measured, not
// hidden: no coordinated omission). autocannon's `overallRate` sends each connection's share in
// a burst at the top of every second, which measures the burst rather than the server.
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';

export interface PacedLoadOptions {
  /** Targets loaded side by side: at every due time one request goes to each (in turns first), so a
   * stall of the machine hits all of them alike and their percentiles compare within one run. */
  urls: readonly string[];
  headers?: Record<string, string>;
  /** Kept-alive connections per target; requests beyond them queue in the client (and that wait counts). */
  connections: number;
  /** Requests per second to each target. */
  rate: number;
  /** Default GET without a body; with `body`, request i sends body(i) (e.g. an id of its own). */
  method?: 'GET' | 'POST';
  body?: (i: number) => string;
  /** Headers of request i on top of `headers` (e.g. a signature over its body). */
  headersFor?: (i: number) => Record<string, string>;
  /** Measured seconds, after `warmupSeconds` (default 0) at the same pace whose answers are not counted. */
  seconds: number;
  warmupSeconds?: number;
}

export interface PacedLoadResult {
  sent: number;
  /** Answers other than 2xx, and requests that failed. */
  failed: number;
  p50: number;
  p99: number;
  max: number;
}

/** The value below which `share` of the sorted samples lie (nearest rank). */
const percentile = (sorted: readonly number[], share: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] ?? 0;

/** One result per url, in the order given. */
export async function pacedLoad(options: PacedLoadOptions): Promise<PacedLoadResult[]> {
  const targets = options.urls.map((url) => {
    const target = new URL(url);
    return {
      pool: new Pool(target.origin, { connections: options.connections }),
      path: `${target.pathname}${target.search}`,
      latencies: [] as number[],
      failed: 0,
    };
  });
  const warmup = Math.round(options.rate * (options.warmupSeconds ?? 0));
  const total = warmup + Math.round(options.rate * options.seconds);
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i += 1) {
    const due = start + (i * 1000) / options.rate;
    const wait = due - performance.now();
    if (wait >= 1) await sleep(wait);
    for (let k = 0; k < targets.length; k += 1) {
      const target = targets[(i + k) % targets.length]!;
      const n = i * targets.length + k;
      inFlight.push(
        target.pool
          .request({
            method: options.method ?? 'GET',
            path: target.path,
            headers: options.headersFor ? { ...options.headers, ...options.headersFor(n) } : options.headers,
            ...(options.body && { body: options.body(n) }),
          })
          .then(
            async (res) => {
              await res.body.dump();
              if (i < warmup) return;
              if (res.statusCode >= 300) target.failed += 1;
              target.latencies.push(performance.now() - due);
            },
            () => void (i >= warmup && (target.failed += 1)),
          ),
      );
    }
  }
  await Promise.all(inFlight);
  await Promise.all(targets.map((target) => target.pool.close()));
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return targets.map(({ latencies, failed }) => {
    latencies.sort((a, b) => a - b);
    return {
      sent: total - warmup,
      failed,
      p50: round(percentile(latencies, 0.5)),
      p99: round(percentile(latencies, 0.99)),
      max: round(latencies.at(-1) ?? 0),
    };
  });
}
