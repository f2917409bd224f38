import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import { waitFor } from '@bizosaas/messaging/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventBusFixture, type EventBusFixture } from '../test-support.ts';

/** A TCP proxy to PostgreSQL that can hold every byte in both directions: a network stall. */
async function startStallingProxy(target: URL) {
  const pairs: [Socket, Socket][] = [];
  let held = false;
  const connect = ([client, upstream]: [Socket, Socket]) => {
    client.pipe(upstream);
    upstream.pipe(client);
  };
  const server = createServer((client) => {
    const upstream = createConnection(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) socket.on('error', () => client.destroy());
    const pair: [Socket, Socket] = [client, upstream];
    pairs.push(pair);
    if (!held) connect(pair);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as AddressInfo).port);
  return {
    url: url.toString(),
    hold() {
      held = true;
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream).pause();
        upstream.unpipe(client).pause();
      }
    },
    release() {
      held = false;
      for (const pair of pairs) connect(pair);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of pairs.flat()) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

let fx: EventBusFixture;
let proxy: Awaited<ReturnType<typeof startStallingProxy>>;
beforeAll(async () => {
  proxy = await startStallingProxy(new URL(inject('workerDatabaseUrl')));
  // The delivery worker reaches PostgreSQL through the proxy; the app role (postgres component) does not.
  fx = await eventBusFixture('readiness', {
    WORKER_DATABASE_URL: proxy.url,
    EVENTBUS_DELIVERY_POLL_MS: '50',
    EVENTBUS_WORKER_STALL_MS: '600',
  });
});
afterAll(async () => {
  proxy.release();
  await fx.close();
  await proxy.close();
});

const ready = () => fx.app.inject({ url: '/ready' });

describe('/ready of the event-bus', () => {
  it('names the delivery worker and the archive consumers among its components', async () => {
    const res = await ready();
    expect(res.statusCode).toBe(200);
    expect(res.json().components).toMatchObject({
      postgres: { status: 'up' },
      redis: { status: 'up' },
      'delivery-worker': { status: 'up' },
      archive: { status: 'up' },
      consumers: { status: 'up' },
    });
    const groups: { group: string; lag: number | null; pending: number }[] =
      res.json().components.consumers.details.groups;
    expect(new Set(groups.map((row) => row.group))).toEqual(new Set(['event-bus.archive', 'event-bus.webhooks']));
    expect(groups.every((row) => typeof row.pending === 'number' && row.lag !== undefined)).toBe(true);
  });

  it('is 503 NOT_READY naming delivery-worker while the delivery loop completes no pass, and ready again when it does', async () => {
    proxy.hold();
    await waitFor(async () => (await ready()).statusCode === 503, 'the stalled delivery worker', 10_000);
    const res = await ready();
    expect(res.json()).toMatchObject({
      error: 'NOT_READY',
      message: 'Not ready: delivery-worker unavailable',
      details: { down: ['delivery-worker'], components: { postgres: { status: 'up' }, archive: { status: 'up' } } },
    });
    expect(res.json().details.components['delivery-worker'].error).toMatch(
      /^delivery loop: no pass completed for \d+ ms$/,
    );

    proxy.release();
    await waitFor(async () => (await ready()).statusCode === 200, 'the delivery worker passing again', 10_000);
  });
});
