import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Validator } from '@seriousme/openapi-schema-validator';
import { ConcurrencyError, RateLimitedError } from '@bizosaas/ddd-kernel';
import { createService, requestLogFields, type ServiceApp } from './create-service.ts';

let app: ServiceApp;
afterEach(async () => app?.close());

async function build(readiness = {}) {
  app = await createService({
    name: 'test-service',
    logLevel: 'silent',
    bodyLimit: 1024,
    readiness,
    readinessTimeoutMs: 200,
  });
  app.post('/api/v1/things', {
    schema: {
      body: z.strictObject({
        name: z.string().min(2),
        budget: z.string().regex(/^\d+\.\d{2}$/),
        count: z.number().int(),
      }),
      querystring: z.strictObject({ dryRun: z.enum(['true', 'false']).optional() }),
      response: { 201: z.object({ name: z.string() }) },
    },
    handler: async (request, reply) => reply.status(201).send({ name: request.body.name }),
  });
  app.get('/conflict', async () => {
    throw new ConcurrencyError(5, 7);
  });
  app.get('/limited', async () => {
    throw new RateLimitedError(12);
  });
  app.get('/boom', async () => {
    throw new Error('secret internals at /srv/app.ts:12');
  });
  await app.ready();
  return app;
}

describe('createService', () => {
  it('serves liveness with the service name', async () => {
    await build();
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', service: 'test-service', version: '0.1.0' });
  });

  it('echoes a valid X-Correlation-ID and makes one when absent or malformed', async () => {
    await build();
    const given = await app.inject({ url: '/health', headers: { 'x-correlation-id': 'req-123' } });
    expect(given.headers['x-correlation-id']).toBe('req-123');
    const made = await app.inject({ url: '/health' });
    expect(made.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    const bad = await app.inject({ url: '/health', headers: { 'x-correlation-id': 'a b\u00e9<script>' } });
    expect(bad.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports ready when every check passes', async () => {
    await build({ postgres: async () => 1, redis: async () => 'PONG' });
    const res = await app.inject({ url: '/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json().components).toMatchObject({ postgres: { status: 'up' }, redis: { status: 'up' } });
  });

  it('answers 503 naming the failing and the silent components', async () => {
    await build({
      postgres: async () => 1,
      redis: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
      },
      search: () => new Promise(() => undefined),
    });
    const res = await app.inject({ url: '/ready' });
    expect(res.statusCode).toBe(503);
    const body = res.json();
    expect(body.error).toBe('NOT_READY');
    expect(body.message).toBe('Not ready: redis, search unavailable');
    expect(body.details.down).toEqual(['redis', 'search']);
    expect(body.details.components.redis.error).toContain('ECONNREFUSED');
    expect(body.details.components.search.error).toBe('no answer within 200 ms');
    expect(body.details.components.postgres.status).toBe('up');
  });

  it('lists every bad field with its location', async () => {
    await build();
    const res = await app.inject({ method: 'POST', url: '/api/v1/things', payload: { name: 'x', budget: 5000 } });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error).toBe('VALIDATION_ERROR');
    const paths = body.details.issues.map((i: { path: string }) => i.path).sort();
    expect(paths).toEqual(['budget', 'count', 'name']);
    expect(body.details.issues.every((i: { location: string }) => i.location === 'body')).toBe(true);
  });

  it('reports query problems as query issues', async () => {
    await build();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/things?dryRun=maybe',
      payload: { name: 'ok', budget: '1.00', count: 1 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().details.issues).toEqual([expect.objectContaining({ path: 'dryRun', location: 'query' })]);
  });

  it('accepts a valid body', async () => {
    await build();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/things',
      payload: { name: 'ok', budget: '5000.00', count: 3 },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ name: 'ok' });
  });

  it('maps kernel errors to their status and details', async () => {
    await build();
    const res = await app.inject({ url: '/conflict' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({
      error: 'CONCURRENCY_EXCEPTION',
      message: 'Entity was modified by another process',
      details: { expectedVersion: 5, actualVersion: 7 },
    });
    const limited = await app.inject({ url: '/limited' });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('12');
  });

  it('never leaks internals of unexpected errors', async () => {
    await build();
    const res = await app.inject({ url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'INTERNAL_ERROR', message: 'Internal server error', details: {} });
  });

  it('refuses bodies over the limit and malformed JSON in the error shape', async () => {
    await build();
    const big = await app.inject({
      method: 'POST',
      url: '/api/v1/things',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(2000), budget: '1.00', count: 1 }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toBe('PAYLOAD_TOO_LARGE');
    const broken = await app.inject({
      method: 'POST',
      url: '/api/v1/things',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ error: 'BAD_REQUEST', details: { reason: 'FST_ERR_CTP_INVALID_JSON_BODY' } });
  });

  it('answers unknown routes with NOT_FOUND', async () => {
    await build();
    const res = await app.inject({ url: '/nope?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'NOT_FOUND', message: 'Route GET /nope not found', details: {} });
  });

  it('counts requests by route template in Prometheus format', async () => {
    await build();
    await app.inject({ url: '/health' });
    await app.inject({ url: '/nope' });
    const res = await app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(
      /http_requests_total\{method="GET",route="\/health",status_code="200",service="test-service"\} 1/,
    );
    expect(res.body).toMatch(
      /http_requests_total\{method="GET",route="unmatched",status_code="404",service="test-service"\} 1/,
    );
    expect(res.body).toContain('http_request_duration_seconds_bucket');
    expect(res.body).toContain('process_resident_memory_bytes');
  });

  it('publishes an OpenAPI 3 document built from the zod schemas, and Swagger UI', async () => {
    await build();
    const spec = (await app.inject({ url: '/docs/json' })).json();
    expect(await new Validator().validate(spec)).toEqual({ valid: true });
    expect(spec.openapi).toMatch(/^3\.0\./);
    expect(spec.info.title).toBe('test-service API');
    const post = spec.paths['/api/v1/things'].post;
    expect(post.requestBody.content['application/json'].schema.required).toEqual(['name', 'budget', 'count']);
    expect(spec.paths['/ready'].get.responses['503']).toBeDefined();
    const ui = await app.inject({ url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toContain('text/html');
    expect(ui.body).toContain('swagger');
  });
});

describe('requestLogFields', () => {
  it('logs the path without the query, which may carry credentials', () => {
    expect(
      requestLogFields({
        method: 'GET',
        url: '/api/v1/integrations/oauth/callback?code=abc&state=xyz',
        host: 'h',
        ip: '127.0.0.1',
      }),
    ).toEqual({ method: 'GET', url: '/api/v1/integrations/oauth/callback', host: 'h', remoteAddress: '127.0.0.1' });
    expect(requestLogFields({ method: 'POST', url: '/api/v1/leads' })).toMatchObject({ url: '/api/v1/leads' });
  });
});
