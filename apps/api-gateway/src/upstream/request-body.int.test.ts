import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue } from '@bizosaas/service-kit/testing';
import { startTestGateway, type TestGateway } from '../test-support/gateway-fixture.ts';

// A real upstream over HTTP: /api/v1/events/stream answers an event, stays silent past the
// upstream timeout and answers another; /api/v1/funnels/hang-up reads a little of the body
// and drops the connection; anything else answers 200.
const TIMEOUT_MS = 200;
let upstream: Server;
let gw: TestGateway;
let base = '';

beforeAll(async () => {
  upstream = createServer((req, res) => {
    if (req.url === '/api/v1/events/stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream' }).write('data: one\n\n');
      // Longer than the timeout plus undici's coarse timer clock (about a second).
      void sleep(TIMEOUT_MS + 2_500).then(() => res.end('data: two\n\n'));
      return;
    }
    if (req.url === '/api/v1/funnels/hang-up') {
      req.once('data', () => req.socket.destroy());
      return;
    }
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const url = `http://127.0.0.1:${(upstream.address() as { port: number }).port}`;
  gw = await startTestGateway({
    upstreams: { CAMPAIGN_URL: url, EVENT_BUS_URL: url },
    env: { UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS), BREAKER_FAILURE_THRESHOLD: '2' },
    table: [
      { prefix: '/api/v1/funnels', service: 'campaign' },
      { prefix: '/api/v1/events/stream', service: 'event-bus', stream: true },
    ],
  });
  base = await gw.gateway.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await gw?.close();
  upstream.closeAllConnections();
  upstream.close();
});

describe('forwarded bodies and streams', () => {
  it('does not cut the answer of a stream route between its chunks, with no Accept header', async () => {
    const res = await request(`${base}/api/v1/events/stream`, {
      headers: await gw.bearer(),
      signal: AbortSignal.timeout(10_000),
    });
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('data: one\n\ndata: two\n\n');
  });

  it('answers 503 when the service drops the connection under the body, without opening its breaker', async () => {
    const headers = { ...(await gw.bearer()), 'content-type': 'application/octet-stream' };
    for (let i = 0; i < 3; i += 1) {
      const res = await request(`${base}/api/v1/funnels/hang-up`, {
        method: 'POST',
        headers,
        body: Buffer.alloc(512 * 1024),
        signal: AbortSignal.timeout(10_000),
      });
      expect(res.statusCode).toBe(503);
      expect(await res.body.json()).toMatchObject({
        error: 'SERVICE_UNAVAILABLE',
        details: { service: 'campaign', stage: 'request_body' },
      });
    }
    const after = await request(`${base}/api/v1/funnels/1`, { headers, signal: AbortSignal.timeout(10_000) });
    expect(after.statusCode).toBe(200);
    await after.body.dump();
    const metrics = (await gw.gateway.inject({ url: '/metrics' })).body;
    expect(metricValue(metrics, 'gateway_circuit_breaker_state', { upstream: 'campaign' })).toBe(0);
  });
});
