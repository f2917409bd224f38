import { createEvent, type DomainEvent } from '@bizosaas/event-schemas';
import { createConsumer, createPublisher, eventStreamKey, type Consumer } from '@bizosaas/messaging';
import { deleteNamespace, testRedis, uniqueNamespace, waitFor } from '@bizosaas/messaging/testing';
import net from 'node:net';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createConsumerMonitor } from './consumer-monitor.ts';
import { createService, type ServiceApp } from './create-service.ts';

const namespace = uniqueNamespace('consumer-monitor');
const redis = testRedis('consumer-monitor');
const publisher = createPublisher({ redis, namespace });
const stream = eventStreamKey('lead', namespace);
let app: ServiceApp | undefined;
let consumer: Consumer | undefined;

afterEach(async () => {
  await consumer?.stop();
  await app?.close();
});
afterAll(async () => {
  await deleteNamespace(redis, namespace);
  await redis.quit();
});

const leadCreated = (): DomainEvent =>
  createEvent({
    type: 'lead.created',
    tenantId: '3f2b8a4e-6c1d-4e9f-a7b5-0c9d8e7f6a5b',
    actor: { type: 'service', id: 'test' },
    data: {
      contact: { email: 'a@example.com', firstName: 'A', lastName: null, phone: null, company: null, jobTitle: null },
      source: 'api',
      utmParameters: {},
      campaignId: null,
    },
  });

/** A port nothing listens on: a PostgreSQL that is down. */
async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function serve(
  group: string,
  options: { handler: (event: DomainEvent) => Promise<void>; healthCheck?: () => Promise<unknown> },
) {
  const monitor = createConsumerMonitor(redis);
  app = await createService({
    name: 'monitored',
    logLevel: 'silent',
    bodyLimit: 1024,
    readiness: { consumers: monitor.check },
  });
  monitor.register(app.metricsRegistry);
  consumer = createConsumer<DomainEvent>({
    redis,
    streams: [stream],
    group,
    consumer: 'c1',
    batchSize: 1,
    blockMs: 100,
    ...options,
    pauseBackoff: { initialMs: 50, maxMs: 200 },
    onSignal: (signal) => monitor.observe(signal, group),
  });
  await consumer.start();
  monitor.track(consumer);
  await app.ready();
  return app;
}

describe('consumer monitor', () => {
  it('lists each consumer group with its lag and pending count on /ready', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handled: string[] = [];
    const served = await serve('monitor.lag', { handler: async (event) => void (await gate, handled.push(event.id)) });
    await publisher.publishMany([leadCreated(), leadCreated(), leadCreated()]);
    await waitFor(
      async () => (await served.inject({ url: '/ready' })).json().components.consumers.details.groups[0].pending === 1,
      'one entry in hand',
    );

    const res = await served.inject({ url: '/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json().components.consumers).toMatchObject({
      status: 'up',
      details: { groups: [{ group: 'monitor.lag', stream, lag: 2, pending: 1 }] },
    });
    release();
    await waitFor(() => handled.length === 3, 'the events handled');
  });

  it('answers 503 while a consumer is paused by a PostgreSQL outage, and counts the pause', async () => {
    const pool = new pg.Pool({
      connectionString: `postgresql://postgres@127.0.0.1:${await closedPort()}/postgres`,
      connectionTimeoutMillis: 1_000,
    });
    const served = await serve('monitor.paused', {
      handler: async () => void (await pool.query('SELECT 1')),
      healthCheck: () => pool.query('SELECT 1'),
    });
    await publisher.publish(leadCreated());
    await waitFor(
      async () => (await served.inject({ url: '/ready' })).statusCode === 503,
      '/ready to report the pause',
    );

    const body = (await served.inject({ url: '/ready' })).json();
    expect(body.details.down).toEqual(['consumers']);
    const group = body.details.components.consumers.details.groups.find(
      (row: { group: string }) => row.group === 'monitor.paused',
    );
    expect(group.paused.reason).toMatch(/ECONNREFUSED/);
    const metrics = (await served.inject({ url: '/metrics' })).body;
    expect(metrics).toContain('consumers_paused{group="monitor.paused",service="monitored"} 1');
    expect(metrics).toContain('consumer_pauses_total{group="monitor.paused",service="monitored"} 1');
    await consumer?.stop();
    await pool.end();
  });
});
