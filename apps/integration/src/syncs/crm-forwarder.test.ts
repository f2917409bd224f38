import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceTokenError } from '@bizosaas/auth';
import { createCrmForwarder } from './crm-forwarder.ts';

describe('createCrmForwarder', () => {
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    res.writeHead(503).end();
  });
  let baseUrl: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const page = {
    tenantId: '0192f5a4-2c3d-7e4f-8a50-617283940a1b',
    syncId: 's',
    runId: 'r',
    page: 1,
    records: [{ id: '1', properties: {} }],
  } as unknown as Parameters<ReturnType<typeof createCrmForwarder>['forward']>[0];

  it('fails a page with the refusal of its token as it is: no call to domain-repository, no retry', async () => {
    let asked = 0;
    const refusal = new ServiceTokenError('user-management refused the client', 403, page.tenantId);
    const forwarder = createCrmForwarder({
      baseUrl,
      token: async () => {
        asked += 1;
        throw refusal;
      },
      initialDelayMs: 1,
    });
    await expect(forwarder.forward(page, new AbortController().signal)).rejects.toBe(refusal);
    expect({ asked, requests }).toEqual({ asked: 1, requests: 0 });
    await forwarder.close();
  });

  it('retries an unavailable domain-repository, then fails naming it', async () => {
    const forwarder = createCrmForwarder({ baseUrl, token: async () => 'token', maxAttempts: 3, initialDelayMs: 1 });
    await expect(forwarder.forward(page, new AbortController().signal)).rejects.toThrow(/answered 503/);
    expect(requests).toBe(3);
    await forwarder.close();
  });
});
