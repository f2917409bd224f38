import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPlatformClient, PlatformCallError } from './platform-client.ts';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

const tenantId = '0192f5a4-2c3d-7e4f-8a50-617283940a1b';
const correlationId = '0192f5a4-2c3d-7e4f-8a50-617283940a1c';

describe('createPlatformClient', () => {
  const seen: Seen[] = [];
  // Answers by path: /ok/* 200 with what it saw, /missing 404, /down 503, /created 201.
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      const json = (status: number, value: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (req.url?.startsWith('/base/ok')) json(200, { path: req.url, items: [1, 2] });
      else if (req.url === '/base/created') json(201, { received: JSON.parse(body) as unknown });
      else if (req.url === '/base/missing') json(404, { error: 'NOT_FOUND', message: 'no such lead' });
      else json(503, { error: 'NOT_READY' });
    });
  });
  let baseUrl: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/base/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    seen.length = 0;
  });

  const signal = () => new AbortController().signal;
  const client = (maxAttempts = 3) =>
    createPlatformClient({
      baseUrl,
      name: 'domain-repository',
      token: async (id) => `token-of-${id}`,
      maxAttempts,
      initialDelayMs: 1,
    });

  it('GETs the path under the base URL with the tenant token and the correlation id, and parses the answer', async () => {
    const platform = client();
    const answer = await platform.get(tenantId, '/ok/leads?status=converted', 200, signal(), { correlationId });
    expect(answer).toEqual({ path: '/base/ok/leads?status=converted', items: [1, 2] });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      method: 'GET',
      body: '',
      headers: {
        authorization: `Bearer token-of-${tenantId}`,
        accept: 'application/json',
        'x-correlation-id': correlationId,
      },
    });
    expect(seen[0]?.headers['content-type']).toBeUndefined();
    await platform.close();
  });

  it('POSTs JSON, with the correlation id only when one is given', async () => {
    const platform = client();
    expect(await platform.post(tenantId, '/created', { score: 71 }, 201, signal(), { correlationId })).toEqual({
      received: { score: 71 },
    });
    await platform.post(tenantId, '/created', { score: 72 }, 201, signal());
    expect(seen.map((request) => [request.headers['content-type'], request.headers['x-correlation-id']])).toEqual([
      ['application/json', correlationId],
      ['application/json', undefined],
    ]);
    await platform.close();
  });

  it('sends the Idempotency-Key of a command, only when one is given', async () => {
    const platform = client();
    await platform.post(tenantId, '/created', {}, 201, signal(), { idempotencyKey: 'pacing:c1:total:total' });
    await platform.post(tenantId, '/created', {}, 201, signal());
    expect(seen.map((request) => request.headers['idempotency-key'])).toEqual(['pacing:c1:total:total', undefined]);
    await platform.close();
  });

  it('fails a refusal at once with its status and body, not retried', async () => {
    const platform = client();
    const failure = await platform.get(tenantId, '/missing', 200, signal()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PlatformCallError);
    expect(failure).toMatchObject({
      status: 404,
      transient: false,
      body: '{"error":"NOT_FOUND","message":"no such lead"}',
      message: 'domain-repository answered 404: {"error":"NOT_FOUND","message":"no such lead"}',
    });
    expect(seen).toHaveLength(1);
    await platform.close();
  });

  it('retries a 503 up to maxAttempts, then fails as transient', async () => {
    const platform = client(3);
    const failure = await platform.get(tenantId, '/down', 200, signal()).catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 503, transient: true });
    expect(seen).toHaveLength(3);
    await platform.close();
  });

  it('an unanswered expected status (200 where 201 was expected) is a refusal too', async () => {
    const platform = client();
    await expect(platform.post(tenantId, '/ok/x', {}, 201, signal())).rejects.toMatchObject({
      status: 200,
      transient: false,
    });
    await platform.close();
  });

  it('fails an unreachable service as transient without a status, naming it', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const platform = createPlatformClient({
      baseUrl: `http://127.0.0.1:${port}`,
      name: 'domain-repository',
      token: async () => 'token',
      maxAttempts: 2,
      initialDelayMs: 1,
    });
    const failure = await platform.get(tenantId, '/ok', 200, signal()).catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: undefined, transient: true });
    expect((failure as Error).message).toMatch(/^domain-repository unreachable: /);
    await platform.close();
  });

  it('fails with the token source refusal as it is, before any request', async () => {
    const refusal = new Error('user-management refused the client');
    const platform = createPlatformClient({
      baseUrl,
      name: 'domain-repository',
      token: () => Promise.reject(refusal),
      initialDelayMs: 1,
    });
    await expect(platform.get(tenantId, '/ok', 200, signal())).rejects.toBe(refusal);
    expect(seen).toHaveLength(0);
    await platform.close();
  });
});
