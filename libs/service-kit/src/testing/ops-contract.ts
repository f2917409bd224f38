import { expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openApiProblems } from './openapi-problems.ts';

/**
 * The checks every service must pass through `inject` (DESIGN.md "Every service, the same way"):
 * liveness, readiness against the real dependencies, Prometheus metrics, an OpenAPI 3 document
 * clean under Spectral's `spectral:oas` and swagger-parser, Swagger UI,
 * and the error shape for unknown routes. Call inside a `describe` with a getter for a built app.
 */
export function itServesTheOpsContract(service: string, getApp: () => FastifyInstance, dependencies: string[]): void {
  it('answers /health with its name', async () => {
    const res = await getApp().inject({ url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', service });
  });

  it(`is ready when ${dependencies.join(' and ') || 'nothing'} answer${dependencies.length === 1 ? 's' : ''}`, async () => {
    const res = await getApp().inject({ url: '/ready' });
    expect(res.json(), res.body).toMatchObject({ status: 'ready', service });
    expect(Object.keys(res.json().components).sort()).toEqual([...dependencies].sort());
    expect(res.statusCode).toBe(200);
  });

  it('exposes Prometheus metrics', async () => {
    await getApp().inject({ url: '/health' });
    const res = await getApp().inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain(
      `http_requests_total{method="GET",route="/health",status_code="200",service="${service}"}`,
    );
  });

  it('publishes an OpenAPI 3 document that passes spectral:oas and swagger-parser, and Swagger UI', async () => {
    const spec = (await getApp().inject({ url: '/docs/json' })).json();
    expect(await openApiProblems(spec)).toEqual([]);
    expect(spec.openapi).toMatch(/^3\./);
    expect(spec.info.title).toBe(`${service} API`);
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/ready']));
    const ui = await getApp().inject({ url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toContain('text/html');
  });

  it('answers unknown routes in the error shape', async () => {
    const res = await getApp().inject({ url: '/api/v1/does-not-exist' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: 'NOT_FOUND',
      message: 'Route GET /api/v1/does-not-exist not found',
      details: {},
    });
  });
}
