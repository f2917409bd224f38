import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBusClient, type EventDataInput } from './event-bus-client.ts';
import { EventBusError } from './event-bus-error.ts';

type Reply = (request: IncomingMessage, response: ServerResponse) => void;

/** A stand-in for the network's bad days (the real event-bus is driven in apps/event-bus). */
async function startServer(replies: Reply[]) {
  const seen: { method: string; url: string; authorization: string | undefined }[] = [];
  const server = createServer((request, response) => {
    seen.push({ method: request.method!, url: request.url!, authorization: request.headers.authorization });
    request.resume();
    (replies.shift() ?? json(200, { schemas: [] }))(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Reply =>
  (_request, response) =>
    response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
const platformError = (status: number, error: string, headers: Record<string, string> = {}) =>
  json(status, { error, message: `${error} happened`, details: { why: 'test' } }, headers);

const caught = async (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as EventBusError,
  );
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => void (await Promise.all(cleanup.splice(0).map((close) => close()))));

async function clientFor(replies: Reply[], options: Partial<ConstructorParameters<typeof EventBusClient>[0]> = {}) {
  const server = await startServer(replies);
  const client = new EventBusClient({ baseUrl: server.url, token: 't', backoffMs: 1, ...options });
  cleanup.push(() => client.close(), server.close);
  return { server, client };
}

describe('EventBusClient transport', () => {
  it('retries an idempotent call after 503 and 502, asking the token provider before each attempt', async () => {
    let tokens = 0;
    const { server, client } = await clientFor(
      [platformError(503, 'NOT_READY'), (_q, r) => r.writeHead(502).end('<html>bad gateway</html>')],
      {
        token: async () => `token-${++tokens}`,
      },
    );
    expect(await client.schemas()).toEqual([]);
    expect(server.seen.map((s) => s.authorization)).toEqual(['Bearer token-1', 'Bearer token-2', 'Bearer token-3']);
  });

  it('does not resend a publish after a 503, and keeps the platform error', async () => {
    const { server, client } = await clientFor([platformError(503, 'NOT_READY')]);
    const error = await caught(client.publish({ type: 'lead.created', schemaVersion: 1, data: {} }));
    expect(error).toBeInstanceOf(EventBusError);
    expect(error).toMatchObject({
      status: 503,
      code: 'NOT_READY',
      message: 'NOT_READY happened',
      details: { why: 'test' },
    });
    expect(server.seen).toHaveLength(1);
  });

  it('retries any call after a 429 once Retry-After has passed, and throws a 429 asking for more than allowed at once', async () => {
    const { server, client } = await clientFor([
      platformError(429, 'RATE_LIMITED', { 'retry-after': '0' }),
      json(202, published),
    ]);
    expect(await client.publish({ type: 'lead.created', schemaVersion: 1, data: {} })).toEqual(published);
    expect(server.seen).toHaveLength(2);

    const slow = await clientFor([platformError(429, 'RATE_LIMITED', { 'retry-after': '120' })], {
      maxRetryAfterMs: 5_000,
    });
    const error = await caught(slow.client.schemas());
    expect(error).toMatchObject({ status: 429, code: 'RATE_LIMITED', retryAfterSeconds: 120 });
    expect(slow.server.seen).toHaveLength(1);
  });

  it('gives up after the configured retries', async () => {
    const { server, client } = await clientFor(Array(5).fill(platformError(503, 'NOT_READY')), { retries: 1 });
    expect(await caught(client.listSubscriptions())).toMatchObject({ status: 503, code: 'NOT_READY' });
    expect(server.seen).toHaveLength(2);
  });

  it('times out an attempt that gets no answer, and names a body that is not the platform error', async () => {
    const { client } = await clientFor([() => {}], { timeoutMs: 100, retries: 0 });
    expect(await caught(client.schemas())).toMatchObject({ status: 0, code: 'TIMEOUT' });
    const html = await clientFor([(_q, r) => r.writeHead(500).end('<html>oops</html>')]);
    expect(await caught(html.client.publish({ type: 'x.y', schemaVersion: 1, data: {} }))).toMatchObject({
      status: 500,
      code: 'HTTP_500',
      message: '<html>oops</html>',
    });
  });

  it('reports a refused connection and an answer that does not match its schema', async () => {
    const closed = await startServer([]);
    await closed.close();
    const client = new EventBusClient({ baseUrl: closed.url, token: 't', retries: 1, backoffMs: 1 });
    cleanup.push(() => client.close());
    expect(await caught(client.schemas())).toMatchObject({
      status: 0,
      code: 'CONNECTION_FAILED',
      details: { code: 'ECONNREFUSED' },
    });

    const odd = await clientFor([json(200, { subscriptions: [{ id: 1 }] })]);
    const error = await caught(odd.client.listSubscriptions());
    expect(error).toMatchObject({ status: 200, code: 'INVALID_RESPONSE' });
    expect((error as EventBusError).details.issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'subscriptions.0.id' })]),
    );
  });

  it('puts the base URL path in front of every route', async () => {
    const server = await startServer([]);
    const client = new EventBusClient({ baseUrl: `${server.url}/bus/`, token: 't' });
    cleanup.push(() => client.close(), server.close);
    await client.schemas();
    expect(server.seen[0]).toMatchObject({ method: 'GET', url: '/bus/api/v1/events/schemas' });
  });
});

const published = {
  id: '019a9c4e-7a10-7000-8000-000000000001',
  type: 'lead.created',
  schemaVersion: 1,
  stream: 'bizosaas:events:{lead}',
  streamEntryId: '1-0',
  correlationId: 'c',
  occurredAt: '2030-01-01T00:00:00.000Z',
};

// Compile-time checks (tsc fails if publish stops being typed by the catalogue); never run.
export function publishIsTypedByTheCatalogue(client: EventBusClient, data: EventDataInput<'lead.created'>) {
  void client.publish({ type: 'lead.created', data });
  // @ts-expect-error: a current-version lead.created needs its contact
  void client.publish({ type: 'lead.created', data: { ...data, contact: undefined } });
  // @ts-expect-error: and one of the catalogue's sources
  void client.publish({ type: 'lead.created', data: { ...data, source: 'carrier-pigeon' } });
  // @ts-expect-error: unknown types need an explicit schemaVersion
  void client.publish({ type: 'lead.teleported', data: {} });
  void client.publish({ type: 'lead.created', schemaVersion: 1, data: { written: 'in an older shape' } });
}
