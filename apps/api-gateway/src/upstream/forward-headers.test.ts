import { describe, expect, it } from 'vitest';
import { clientResponseHeaders, upstreamRequestHeaders, type ForwardedFrom } from './forward-headers.ts';

const from: ForwardedFrom = {
  correlationId: 'corr-9',
  clientIp: '198.51.100.4',
  protocol: 'https',
  host: 'api.example.com',
  principal: undefined,
};

describe('upstream request headers', () => {
  it('drops hop-by-hop fields, those the Connection header lists, and client identity', () => {
    const out = upstreamRequestHeaders(
      {
        host: 'api.example.com',
        connection: 'keep-alive, X-Secret-Hop',
        'x-secret-hop': '1',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        'x-tenant-id': 'forged',
        'x-user-id': 'forged',
        'x-user-roles': 'owner',
        authorization: 'Bearer t',
        'content-type': 'application/json',
        accept: 'application/json',
      },
      from,
    );
    expect(out).toEqual({
      authorization: 'Bearer t',
      'content-type': 'application/json',
      accept: 'application/json',
      'x-correlation-id': 'corr-9',
      'x-forwarded-for': '198.51.100.4',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'api.example.com',
    });
  });

  it('sets identity from the verified principal and extends X-Forwarded-For', () => {
    const principal = { tenantId: 't-1', userId: 'u-1' } as ForwardedFrom['principal'];
    const out = upstreamRequestHeaders(
      { 'x-forwarded-for': '203.0.113.1', 'x-tenant-id': 'forged' },
      { ...from, principal },
    );
    expect(out).toMatchObject({
      'x-tenant-id': 't-1',
      'x-user-id': 'u-1',
      'x-forwarded-for': '203.0.113.1, 198.51.100.4',
    });
  });
});

describe('client response headers', () => {
  it('keeps end-to-end fields, repeated ones included, and drops hop-by-hop ones', () => {
    expect(
      clientResponseHeaders({
        'content-type': 'application/json',
        'set-cookie': ['a=1', 'b=2'],
        connection: 'keep-alive',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
      }),
    ).toEqual({ 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] });
  });
});
