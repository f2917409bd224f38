import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { waitFor } from '@bizosaas/messaging/testing';
import { metricValue } from '@bizosaas/service-kit/testing';
import { startTestGateway, type TestGateway } from '../test-support/gateway-fixture.ts';

// An upstream that can be stopped and started again on the same port; it answers with the
// status the test sets.
let port = 0;
let server: Server | undefined;
let answerStatus = 200;

async function listen(): Promise<void> {
  server = createServer((_request, response) => {
    response
      .writeHead(answerStatus, { 'content-type': 'application/json' })
      .end(JSON.stringify({ ok: answerStatus < 500 }));
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as { port: number }).port;
}

async function stop(): Promise<void> {
  server!.closeAllConnections();
  server!.close();
  await once(server!, 'close');
  server = undefined;
}

let gw: TestGateway;

beforeAll(async () => {
  await listen();
  gw = await startTestGateway({
    upstreams: { CAMPAIGN_URL: `http://127.0.0.1:${port}` },
    env: { BREAKER_FAILURE_THRESHOLD: '3', BREAKER_HALF_OPEN_AFTER_MS: '200' },
  });
});

afterAll(async () => {
  await gw?.close();
  if (server) await stop();
});

const call = async () => gw.gateway.inject({ url: '/api/v1/funnels/1', headers: await gw.bearer() });
const breakerState = async () =>
  metricValue((await gw.gateway.inject({ url: '/metrics' })).body, 'gateway_circuit_breaker_state', {
    upstream: 'campaign',
  });

describe('circuit breaker per upstream', () => {
  it('opens when the upstream stops, answers 503 CIRCUIT_OPEN at once, and closes when it is back', async () => {
    expect((await call()).statusCode).toBe(200);
    expect(await breakerState()).toBe(0);

    await stop();
    for (let i = 0; i < 3; i += 1) {
      const refused = await call();
      expect(refused.statusCode).toBe(503);
      expect(refused.json().details).toMatchObject({ service: 'campaign', reason: 'ECONNREFUSED' });
    }
    const open = await call();
    expect(open.statusCode).toBe(503);
    expect(open.json()).toEqual({
      error: 'SERVICE_UNAVAILABLE',
      message: 'campaign is unavailable',
      details: { service: 'campaign', reason: 'CIRCUIT_OPEN' },
    });
    expect(Number(open.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(await breakerState()).toBe(2);

    await listen();
    let last = 0;
    await waitFor(
      async () => (last = (await call()).statusCode) === 200,
      'the breaker to close after the upstream is back',
    );
    expect(last).toBe(200);
    expect(await breakerState()).toBe(0);
    const text = (await gw.gateway.inject({ url: '/metrics' })).body;
    expect(
      metricValue(text, 'gateway_upstream_requests_total', { upstream: 'campaign', status_class: 'circuit_open' }),
    ).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'gateway_upstream_requests_total', { upstream: 'campaign', status_class: 'error' })).toBe(
      3,
    );
  });

  it('counts 5xx answers as failures but still forwards them', async () => {
    answerStatus = 502;
    try {
      for (let i = 0; i < 3; i += 1) {
        const res = await call();
        expect(res.statusCode).toBe(502);
        expect(res.json()).toEqual({ ok: false });
      }
      expect((await call()).json().details).toMatchObject({ reason: 'CIRCUIT_OPEN' });
    } finally {
      answerStatus = 200;
    }
    await waitFor(async () => (await call()).statusCode === 200, 'the breaker to close again');
    const text = (await gw.gateway.inject({ url: '/metrics' })).body;
    expect(metricValue(text, 'gateway_upstream_requests_total', { upstream: 'campaign', status_class: '5xx' })).toBe(3);
  });
});
