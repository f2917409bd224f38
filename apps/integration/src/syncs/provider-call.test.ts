import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createAddressPolicy, createOutboundHttp } from '@bizosaas/outbound-http';
import { providerCall, retryAfterMs } from './provider-call.ts';

describe('Retry-After', () => {
  it('reads seconds and HTTP dates, and waits a second when it cannot', () => {
    expect(retryAfterMs('10')).toBe(10_000);
    expect(retryAfterMs('0')).toBe(0);
    const now = Date.parse('2026-03-01T10:00:00Z');
    expect(retryAfterMs('Sun, 01 Mar 2026 10:00:05 GMT', now)).toBe(5_000);
    expect(retryAfterMs('Sun, 01 Mar 2026 09:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs(undefined)).toBe(1_000);
    expect(retryAfterMs('soon')).toBe(1_000);
    expect(retryAfterMs(['3', '4'])).toBe(3_000);
  });
});

describe('provider calls', () => {
  it('never put the credentials into an error message, even when the provider echoes them', async () => {
    // A provider answering 401 with the header it was sent.
    const server = createServer((req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `bad token: ${req.headers.authorization}` }));
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const http = createOutboundHttp({ policy: createAddressPolicy({ allowedCidrs: ['127.0.0.0/8'] }) });
    const secret = 'pat-na1-0123456789abcdef';
    const call = providerCall({ http, name: 'Echo', secrets: [secret], signal: new AbortController().signal });
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const failure = await call(url, { method: 'GET', headers: { authorization: `Bearer ${secret}` } }).catch(
        (error: Error) => error,
      );
      expect(failure).toBeInstanceOf(Error);
      expect((failure as Error).message).toBe('Echo answered 401: {"message":"bad token: Bearer [redacted]"}');
    } finally {
      server.close();
      await http.close();
    }
  });
});
