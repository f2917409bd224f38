import { createAddressPolicy, createOutboundHttp } from '@bizosaas/outbound-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchErrorCode } from './fetch-error.ts';
import { fetchFollowing } from './http-fetch.ts';
import { loopbackOutbound, startTestSite, type TestSite } from './test-site-server.ts';

let site: TestSite;
const outbound = loopbackOutbound();
const signal = new AbortController().signal;

beforeAll(async () => {
  site = await startTestSite();
});
afterAll(async () => {
  await outbound.close();
  await site.close();
});

describe('fetchFollowing', () => {
  it('follows a redirect by hand and reports the chain, status, type and body', async () => {
    const result = await fetchFollowing(outbound, `${site.origin}/start`, { method: 'GET', signal, maxBytes: 1 << 20 });
    expect(result).toMatchObject({
      url: `${site.origin}/start`,
      status: 200,
      finalUrl: `${site.origin}/`,
      redirects: [`${site.origin}/start`],
      contentType: 'text/html; charset=utf-8',
      headers: { 'content-type': 'text/html; charset=utf-8' },
      truncated: false,
    });
    expect((result as { body: string }).body).toContain('<h1>Harbour Bakery</h1>');
  });

  it('keeps at most maxBytes of the body and says it was cut', async () => {
    const result = await fetchFollowing(outbound, `${site.origin}/big`, { method: 'GET', signal, maxBytes: 1000 });
    expect(result).toMatchObject({ status: 200, bodyBytes: 1000, truncated: true });
    expect((result as { body: string }).body).toHaveLength(1000);
  });

  it('decodes the charset the content type or a meta tag names', async () => {
    const result = await fetchFollowing(outbound, `${site.origin}/latin1`, { method: 'GET', signal, maxBytes: 1000 });
    expect(result).toMatchObject({ body: 'café', bodyBytes: 4 });
    const declared = await fetchFollowing(outbound, `${site.origin}/meta-latin1`, {
      method: 'GET',
      signal,
      maxBytes: 1000,
    });
    expect((declared as { body: string }).body).toBe('<meta charset="windows-1252"><p>crème brûlée</p>');
  });

  it('stops after five redirects, and refuses a hop to a metadata address as a result', async () => {
    expect(await fetchFollowing(outbound, `${site.origin}/loop`, { method: 'HEAD', signal })).toMatchObject({
      error: 'TOO_MANY_REDIRECTS',
      redirects: Array.from({ length: 6 }, () => `${site.origin}/loop`),
    });
    expect(await fetchFollowing(outbound, `${site.origin}/to-metadata`, { method: 'GET', signal })).toMatchObject({
      error: 'ADDRESS_REFUSED',
      redirects: [`${site.origin}/to-metadata`],
    });
  });

  it('gives up on a body that never ends at the deadline of the whole fetch', async () => {
    const options = { method: 'GET' as const, signal, maxBytes: 1000, timeoutMs: 600_000, deadlineMs: 200 };
    expect(await fetchFollowing(outbound, `${site.origin}/drip`, options)).toMatchObject({ error: 'TIMEOUT' });
  });

  it('returns a refused address and a closed port as results, not errors', async () => {
    const strict = createOutboundHttp({ policy: createAddressPolicy() });
    expect(await fetchFollowing(strict, `${site.origin}/`, { method: 'GET', signal })).toMatchObject({
      error: 'ADDRESS_REFUSED',
    });
    await strict.close();
    expect(await fetchFollowing(outbound, 'http://127.0.0.1:1/', { method: 'GET', signal })).toMatchObject({
      error: 'CONNECTION_REFUSED',
    });
  });

  it('names timeouts, DNS and TLS failures from their codes', () => {
    expect(fetchErrorCode(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' }))).toBe('TIMEOUT');
    expect(fetchErrorCode(Object.assign(new Error('x'), { code: 'ENOTFOUND' }))).toBe('DNS_FAILURE');
    expect(fetchErrorCode(Object.assign(new Error('x'), { code: 'CERT_HAS_EXPIRED' }))).toBe('TLS_ERROR');
    expect(fetchErrorCode(new Error('x'))).toBe('NETWORK_ERROR');
  });
});
