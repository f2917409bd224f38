// The built gateway as a process in front of real HTTP upstreams: public routes by method and
// path pattern (provider webhooks, the OAuth callback, unsubscribe and tracking links) reach
// their service without a token, and server-sent event streams pass through chunk by chunk,
// past the upstream timeout, until the client goes away.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateSigningKey,
  jwksOf,
  signTestToken,
  startJwksServer,
  testClaims,
  type TestJwksServer,
  type TestSigningKey,
} from '@bizosaas/auth/testing';
import { eventually, freePort, untilReady, start, type Started } from './processes.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const UPSTREAM_TIMEOUT_MS = 200;
// undici checks its timeouts on a coarse clock (about a second), so a silence that proves the
// stream outlives the timeout must exceed the timeout by more than that.
const SILENCE_MS = UPSTREAM_TIMEOUT_MS + 2_500;
const PER_IP = 1000;
let key: TestSigningKey;
let jwks: TestJwksServer;
let gateway: Started;
let gatewayPort = 0;
const upstreams: Server[] = [];
const seen: { service: string; method: string; url: string; headers: IncomingMessage['headers'] }[] = [];
type Handler = (request: IncomingMessage, response: ServerResponse) => void;
const streams = new Map<string, Handler>();

async function listen(service: string): Promise<string> {
  const server = createServer((request, response) => {
    seen.push({ service, method: request.method ?? '', url: request.url ?? '', headers: request.headers });
    const stream = streams.get(request.url ?? '');
    if (stream) return stream(request, response);
    request.resume();
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ service }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  upstreams.push(server);
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

const url = (path: string) => `http://127.0.0.1:${gatewayPort}${path}`;
const send = (method: string, path: string, headers: Record<string, string> = {}) =>
  fetch(url(path), { method, headers, ...(method === 'POST' && { body: '{}' }), signal: AbortSignal.timeout(5_000) });

beforeAll(async () => {
  execFileSync(process.execPath, ['tools/build.mjs', 'api-gateway'], { cwd: root });
  key = await generateSigningKey('ES256');
  jwks = await startJwksServer(jwksOf(key));
  gatewayPort = await freePort();
  const closed = 'http://127.0.0.1:9';
  gateway = start(process.execPath, [`${root}apps/api-gateway/dist/main.js`], {
    PORT: String(gatewayPort),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    JWKS_URL: jwks.url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    RATE_LIMIT_PREFIX: `test:gw-routes:${randomUUID().slice(0, 8)}:`,
    ...Object.fromEntries(
      [
        'AI_AGENTS_URL',
        'USER_MANAGEMENT_URL',
        'CAMPAIGN_URL',
        'ANALYTICS_URL',
        'EVENT_BUS_URL',
        'DOMAIN_REPOSITORY_URL',
      ].map((v) => [v, closed]),
    ),
    INTEGRATION_URL: await listen('integration'),
    NOTIFICATION_URL: await listen('notification'),
    UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS),
    RATE_LIMIT_PER_IP: String(PER_IP),
  });
  await untilReady(url(''), 20_000, () => gateway.output());
});

afterAll(async () => {
  await gateway?.stop('SIGKILL');
  for (const server of upstreams) {
    server.closeAllConnections();
    server.close();
  }
  await jwks?.close();
});

describe('public route patterns through the gateway', () => {
  it.each([
    ['POST', '/api/v1/webhooks/stripe/5b0c8a43-6f43-4d0b-9a4b-2f5a3c9d1e11', 'integration'],
    ['GET', '/api/v1/integrations/oauth/callback?code=abc&state=xyz', 'integration'],
    ['GET', '/api/v1/notifications/unsubscribe/signed.token-1', 'notification'],
    ['POST', '/api/v1/notifications/unsubscribe/signed.token-1', 'notification'],
    ['GET', '/api/v1/notifications/track/open/signed.token-2', 'notification'],
  ])('forwards %s %s without a token, counted against the address', async (method, path, service) => {
    const before = seen.length;
    const res = await send(method, path, { 'content-type': 'application/json', 'x-tenant-id': randomUUID() });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ service });
    expect(res.headers.get('ratelimit-limit')).toBe(String(PER_IP));
    expect(seen.length).toBe(before + 1);
    expect(seen.at(-1)).toMatchObject({ service, method, url: path });
    expect(seen.at(-1)!.headers['x-tenant-id']).toBeUndefined();
  });

  it.each([
    ['POST', '/api/v1/webhooks/stripe'],
    ['POST', '/api/v1/webhooks/stripe/conn/extra'],
    ['POST', '/api/v1/webhooks//conn'],
    ['GET', '/api/v1/webhooks/stripe/conn'],
    ['GET', '/api/v1/notifications/track/open'],
    ['DELETE', '/api/v1/notifications/unsubscribe/token'],
    ['GET', '/api/v1/integrations/oauth/callback/more'],
  ])('asks a token for %s %s, which no public pattern matches', async (method, path) => {
    const before = seen.length;
    const res = await send(method, path);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'UNAUTHENTICATED', details: { reason: 'missing_token' } });
    expect(seen.length).toBe(before);
  });
});

describe('server-sent events through the gateway', () => {
  const bearer = async () => `Bearer ${await signTestToken(key, testClaims())}`;

  it('streams each event as it comes, past the upstream timeout, and closes the upstream when the client leaves', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let upstreamClosed = false;
    streams.set('/api/v1/notifications/stream', (request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      response.write('data: one\n\n');
      response.on('close', () => (upstreamClosed = true));
      // The second event only after the client has the first (nothing is held back), and after
      // a silence longer than the upstream timeout (the stream is not cut for it).
      void released.then(() => sleep(SILENCE_MS)).then(() => response.write('data: two\n\n'));
      request.resume();
    });
    const client = new AbortController();
    const res = await fetch(url('/api/v1/notifications/stream'), {
      headers: { authorization: await bearer(), accept: 'text/event-stream' },
      signal: client.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    expect((await reader.read()).value).toBe('data: one\n\n');
    release();
    expect((await reader.read()).value).toBe('data: two\n\n');
    client.abort();
    await eventually(async () => (upstreamClosed ? true : undefined), 5_000, 'the upstream stream to close');
  });

  it('still answers 504 when the stream sends no headers within the timeout', async () => {
    streams.set('/api/v1/notifications/silent', (request) => request.resume());
    const res = await send('GET', '/api/v1/notifications/silent', {
      authorization: await bearer(),
      accept: 'text/event-stream',
    });
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({ error: 'UPSTREAM_TIMEOUT', details: { service: 'notification' } });
  });
});
