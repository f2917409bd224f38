// Open-loop load at an even pace: request i is due at start + i / rate whatever the answers do,
// and its latency counts from that due time (so queueing behind a slow answer is measured, not
// hidden: no coordinated omission). autocannon's `overallRate` sends each connection's share in
// a burst at the top of every second, which measures the burst rather than the server.
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';

export interface PacedLoadOptions {
  url: string;
  headers?: Record<string, string>;
  /** Kept-alive connections; requests beyond them queue in the client (and that wait counts). */
  connections: number;
  /** Requests per second over all connections. */
  rate: number;
  seconds: number;
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
const percentile = (sorted: readonly number[], share: number) => sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] ?? 0;

export async function pacedLoad(options: PacedLoadOptions): Promise<PacedLoadResult> {
  const target = new URL(options.url);
  const pool = new Pool(target.origin, { connections: options.connections });
  const path = `${target.pathname}${target.search}`;
  const total = Math.round(options.rate * options.seconds);
  const latencies: number[] = [];
  let failed = 0;
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i += 1) {
    const due = start + (i * 1000) / options.rate;
    const wait = due - performance.now();
    if (wait >= 1) await sleep(wait);
    inFlight.push(pool.request({ method: 'GET', path, headers: options.headers }).then(async (res) => {
      await res.body.dump();
      if (res.statusCode >= 300) failed += 1;
      latencies.push(performance.now() - due);
    }, () => void (failed += 1)));
  }
  await Promise.all(inFlight);
  await pool.close();
  latencies.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return { sent: total, failed, p50: round(percentile(latencies, 0.5)), p99: round(percentile(latencies, 0.99)), max: round(latencies.at(-1) ?? 0) };
}
