import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '@bizosaas/ddd-kernel';
import { callerHeaders, outgoingBody, targetUrl } from './proxy-request.ts';

const BASE = 'https://api.acme.example/v2/';

describe('targetUrl', () => {
  it('joins the path to the base URL’s own path and appends the query', () => {
    expect(targetUrl(BASE, '/contacts/51', { limit: '10', 'properties[]': ['email', 'name'] }).href).toBe(
      'https://api.acme.example/v2/contacts/51?limit=10&properties%5B%5D=email&properties%5B%5D=name',
    );
    expect(targetUrl('https://api.stripe.com', '/v1/customers', undefined).href).toBe(
      'https://api.stripe.com/v1/customers',
    );
  });

  it.each([
    'https://evil.example/x',
    '//evil.example/x',
    'x',
    '/a/../b',
    '/..',
    '/a/%2E%2E/b',
    '/a/.%2e/b',
    '/a/%2f/b',
    '/a/%5C',
    '/a\\b',
    '/a?b=1',
    '/a#b',
    '/a b',
    '/%',
  ])('refuses %s', (path) => {
    const refusal = () => targetUrl(BASE, path, undefined);
    expect(refusal).toThrow(ValidationError);
  });

  it('never leaves the base URL, whatever the path', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'/.%2eEfF5cC@:ab\\?#'.split('')), maxLength: 24 }), (path) => {
        let url: URL;
        try {
          url = targetUrl(BASE, path, undefined);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
          return;
        }
        expect(url.origin).toBe('https://api.acme.example');
        expect(url.pathname.startsWith('/v2/')).toBe(true);
        expect(decodeURIComponent(url.pathname).split('/')).not.toContain('..');
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('callerHeaders', () => {
  it('lower-cases what it passes and refuses what authenticates or frames the request, by name', () => {
    expect(
      callerHeaders({ 'Stripe-Version': '2024-06-20', Accept: 'text/csv' }, { authorization: 'Bearer k' }),
    ).toEqual({
      'stripe-version': '2024-06-20',
      accept: 'text/csv',
    });
    expect(() => callerHeaders({ 'X-Api-Key': 'mine', Cookie: 'a=b' }, { 'x-api-key': 'k' })).toThrow(
      expect.objectContaining({
        details: {
          issues: [
            expect.objectContaining({ path: 'headers.X-Api-Key' }),
            expect.objectContaining({ path: 'headers.Cookie' }),
          ],
        },
      }),
    );
    expect(callerHeaders({ constructor: 'x' }, {})).toEqual({ constructor: 'x' });
  });
});

describe('outgoingBody', () => {
  it('sends a string as is and any other value as JSON; a GET has none', () => {
    expect(
      outgoingBody({ method: 'POST', path: '/', body: 'a=1' }, { 'content-type': 'application/x-www-form-urlencoded' }),
    ).toEqual({
      body: 'a=1',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(outgoingBody({ method: 'PUT', path: '/', body: { a: [1] } }, {})).toEqual({
      body: '{"a":[1]}',
      contentType: 'application/json',
    });
    expect(outgoingBody({ method: 'DELETE', path: '/' }, {})).toEqual({});
    expect(() => outgoingBody({ method: 'GET', path: '/', body: {} }, {})).toThrow(ValidationError);
  });
});
