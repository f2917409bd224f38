import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createJwksVerifier, requirePermission } from '@bizosaas/auth';
import { generateSigningKey, jwksOf } from '@bizosaas/auth/testing';
import { createService, type ServiceApp } from './create-service.ts';
import { errorResponseSchema } from './error-response.ts';
import { operationIdFor } from './openapi-operation.ts';
import { openApiProblems } from './testing/openapi-problems.ts';

let app: ServiceApp;
const ref = { $ref: '#/components/schemas/ErrorResponse' };

beforeAll(async () => {
  const key = await generateSigningKey('EdDSA');
  app = await createService({
    name: 'documented',
    logLevel: 'silent',
    auth: createJwksVerifier({ jwks: jwksOf(key) }),
    description: 'A service documented for generated clients.',
    tags: { leads: 'Leads of the tenant.' },
  });
  app.patch(
    '/api/v1/leads/:id',
    {
      onRequest: requirePermission('leads:write'),
      schema: {
        tags: ['leads'],
        summary: 'Rename a lead',
        params: z.strictObject({ id: z.uuid() }),
        body: z.strictObject({ name: z.string() }),
        response: { 200: z.object({ name: z.string() }), 409: errorResponseSchema },
      },
    },
    async (request) => ({ name: request.body.name }),
  );
  app.get('/api/v1/leads', { schema: { response: { 200: z.object({ count: z.number() }) } } }, async () => ({
    count: 0,
  }));
  app.get(
    '/api/v1/catalog',
    {
      config: { auth: 'public' },
      schema: {
        operationId: 'listCatalog',
        tags: ['catalog'],
        summary: 'The catalogue',
        response: { 200: z.object({ items: z.array(z.string()) }) },
      },
    },
    async () => ({ items: [] }),
  );
  app.get(
    '/api/v1/feed',
    {
      config: { auth: 'optional' },
      schema: {
        tags: ['catalog'],
        summary: 'The feed, personal when signed in',
        response: { 200: z.object({ items: z.array(z.string()) }) },
      },
    },
    async () => ({ items: [] }),
  );
  await app.ready();
});
afterAll(() => app.close());

const document = async () => (await app.inject({ url: '/docs/json' })).json();

describe('the OpenAPI document service-kit derives', () => {
  it('gives each operation an operationId, tags, its security and a description naming the permission', async () => {
    const { paths } = await document();
    expect(paths['/api/v1/leads/{id}'].patch).toMatchObject({
      operationId: 'patchLeadsById',
      tags: ['leads'],
      security: [{ bearerAuth: [] }],
      description: 'Rename a lead. Requires the permission `leads:write`.',
    });
    expect(paths['/api/v1/leads'].get).toMatchObject({
      operationId: 'getLeads',
      tags: ['leads'],
      security: [{ bearerAuth: [] }],
    });
    expect(paths['/api/v1/catalog'].get).toMatchObject({ operationId: 'listCatalog', tags: ['catalog'], security: [] });
    expect(paths['/health'].get).toMatchObject({ operationId: 'getHealth', tags: ['ops'], security: [] });
    expect(paths['/api/v1/feed'].get).toMatchObject({ operationId: 'getFeed', security: [{}, { bearerAuth: [] }] });
    expect(Object.keys(paths['/api/v1/feed'].get.responses).sort()).toEqual(['200', '401']);
  });

  it('declares the error responses each route can give, in the error schema, keeping what the route declares', async () => {
    const { paths } = await document();
    const patch = paths['/api/v1/leads/{id}'].patch.responses;
    expect(Object.keys(patch).sort()).toEqual(['200', '400', '401', '403', '404', '409', '413', '415']);
    for (const status of ['400', '401', '403', '404', '409', '413', '415']) {
      expect(patch[status].content['application/json'].schema, status).toEqual(ref);
    }
    expect(patch['409'].description).toMatch(/^CONFLICT/);
    expect(Object.keys(paths['/api/v1/leads'].get.responses).sort()).toEqual(['200', '401']);
    expect(Object.keys(paths['/api/v1/catalog'].get.responses)).toEqual(['200']);
  });

  it('serves requests to the origin that served it and describes every tag', async () => {
    const doc = await document();
    expect(doc.servers).toEqual([{ url: '/', description: expect.any(String) }]);
    expect(doc.tags).toEqual([
      { name: 'catalog', description: 'Operations on catalog.' },
      { name: 'leads', description: 'Leads of the tenant.' },
      { name: 'ops', description: expect.stringContaining('Liveness') },
    ]);
    expect(doc.info).toMatchObject({
      description: 'A service documented for generated clients.',
      contact: { name: expect.any(String) },
    });
  });

  it('passes spectral:oas with no error or warning, and swagger-parser', async () => {
    expect(await openApiProblems(await document())).toEqual([]);
  });

  it('derives operationIds from method and path, URL-safe', () => {
    expect(operationIdFor('POST', '/api/v1/events/dead-letters/:id/redrive')).toBe('postEventsDeadLettersByIdRedrive');
    expect(operationIdFor('GET', '/.well-known/jwks.json')).toBe('getWellKnownJwksJson');
  });
});
