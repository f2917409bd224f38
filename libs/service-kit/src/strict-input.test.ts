import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createService, type ServiceApp } from './create-service.ts';
import { looseObjectPath } from './strict-input.ts';

let app: ServiceApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const lead = z.strictObject({
  name: z.string(),
  address: z.strictObject({ city: z.string() }).optional(),
  tags: z.array(z.strictObject({ key: z.string() })).default([]),
});

async function build() {
  app = await createService({ name: 'strict', logLevel: 'silent' });
  app.post(
    '/api/v1/leads',
    {
      schema: { body: lead, querystring: z.strictObject({ dryRun: z.enum(['true', 'false']).optional() }) },
    },
    async (request) => ({ name: request.body.name }),
  );
  app.get(
    '/api/v1/leads',
    {
      schema: { querystring: z.strictObject({ status: z.enum(['new', 'qualified']).optional() }) },
    },
    async (request) => ({ status: request.query.status ?? null }),
  );
  await app.ready();
  return app;
}

describe('strict request schemas', () => {
  it('finds the first object at any depth that lets unknown keys through', () => {
    expect(looseObjectPath(lead)).toBeUndefined();
    expect(looseObjectPath(lead.partial().extend({ note: z.string() }))).toBeUndefined();
    expect(looseObjectPath(z.object({ name: z.string() }))).toBe('(root)');
    expect(looseObjectPath(z.strictObject({ a: z.strictObject({ b: z.looseObject({}) }).nullish() }))).toBe('a.b');
    expect(looseObjectPath(z.strictObject({ items: z.array(z.object({})) }))).toBe('items[]');
    expect(
      looseObjectPath(z.union([z.strictObject({}), z.strictObject({ x: z.record(z.string(), z.object({})) })])),
    ).toBe('x.*');
    expect(
      looseObjectPath(z.strictObject({ data: z.unknown(), map: z.record(z.string(), z.number()) })),
    ).toBeUndefined();
  });

  it('stops the service at startup when a route forgets, naming the route and the path', async () => {
    app = await createService({ name: 'strict', logLevel: 'silent' });
    const register = () =>
      app!.post(
        '/api/v1/leads',
        {
          schema: { body: z.strictObject({ address: z.object({ city: z.string() }) }) },
        },
        async () => ({}),
      );
    expect(register).toThrow(
      'POST /api/v1/leads body: the object at address accepts unknown keys; declare it with z.strictObject',
    );
  });

  it('refuses unknown body fields at every depth, naming each one', async () => {
    await build();
    const res = await app!.inject({
      method: 'POST',
      url: '/api/v1/leads',
      payload: {
        name: 'Ada',
        tenantId: '0d5c1b9e-0000-4000-8000-000000000000',
        permissions: ['*'],
        address: { city: 'Oslo', zip: '1' },
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('VALIDATION_ERROR');
    expect(res.json().details.issues).toEqual(
      expect.arrayContaining([
        { path: 'tenantId', location: 'body', message: 'unknown field' },
        { path: 'permissions', location: 'body', message: 'unknown field' },
        { path: 'address.zip', location: 'body', message: 'unknown field' },
      ]),
    );
    expect(res.json().details.issues).toHaveLength(3);
  });

  it('refuses unknown query parameters instead of widening the result', async () => {
    await build();
    const res = await app!.inject({ url: '/api/v1/leads?status[]=new&sort=name' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: 'VALIDATION_ERROR',
      message: 'Request validation failed: 2 problem(s)',
      details: {
        issues: [
          { path: 'status[]', location: 'query', message: 'unknown parameter' },
          { path: 'sort', location: 'query', message: 'unknown parameter' },
        ],
      },
    });
    expect((await app!.inject({ url: '/api/v1/leads?status=new' })).json()).toEqual({ status: 'new' });
  });
});

describe('JSON routes read JSON only', () => {
  it('answers 415 UNSUPPORTED_MEDIA_TYPE to text/plain and to a body without a content type', async () => {
    await build();
    for (const headers of [{ 'content-type': 'text/plain' }, { 'content-type': 'application/x-www-form-urlencoded' }]) {
      const res = await app!.inject({ method: 'POST', url: '/api/v1/leads', headers, payload: '{"name":"Ada"}' });
      expect(res.statusCode, headers['content-type']).toBe(415);
      expect(res.json()).toMatchObject({
        error: 'UNSUPPORTED_MEDIA_TYPE',
        details: { reason: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' },
      });
    }
    const untyped = await app!.inject({ method: 'POST', url: '/api/v1/leads', payload: Buffer.from('{"name":"Ada"}') });
    expect(untyped.statusCode).toBe(415);
    expect(untyped.json().error).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('reads application/json and structured +json types', async () => {
    await build();
    for (const type of ['application/json', 'application/json; charset=utf-8', 'application/merge-patch+json']) {
      const res = await app!.inject({
        method: 'POST',
        url: '/api/v1/leads',
        headers: { 'content-type': type },
        payload: '{"name":"Ada"}',
      });
      expect(res.statusCode, type).toBe(200);
      expect(res.json()).toEqual({ name: 'Ada' });
    }
  });
});
