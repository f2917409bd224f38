import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { createEvent, type DomainEvent } from '@bizosaas/event-schemas';
import type { Redis } from 'ioredis';
import { createRedis } from './create-redis.ts';

/** Helpers for this lib's integration tests (not exported from the package). */
export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export const tenantId = '3f2b8a4e-6c1d-4e9f-a7b5-0c9d8e7f6a5b';

/** A key namespace no other test file uses. */
export const uniqueNamespace = (file: string) => `test:${file}:${randomUUID().slice(0, 8)}:events`;

export const testRedis = (name: string): Redis =>
  createRedis(redisUrl, { connectionName: `test-${name}`, onError: () => {} });

/** Deletes every key of a namespace (SCAN, never KEYS). */
export async function deleteNamespace(redis: Redis, namespace: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${namespace}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

/** Polls until `condition` holds; fails after a generous timeout (never asserts on duration). */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const leadCreated = (email = 'john.doe@example.com'): DomainEvent =>
  createEvent({
    type: 'lead.created',
    tenantId,
    actor: { type: 'service', id: 'domain-repository' },
    data: {
      contact: { email, firstName: 'John', lastName: null, phone: null, company: 'Acme', jobTitle: null },
      source: 'website_form',
      utmParameters: {},
      campaignId: null,
    },
  });

export interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

export function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

export async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A TCP proxy to the real Redis that a test can take down and bring back on the same port. */
export function redisProxy(port: number) {
  const target = new URL(redisUrl);
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    async up() {
      server = net.createServer((client) => {
        const upstream = net.connect(Number(target.port || 6379), target.hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('error', () => {}).on('close', () => {
            sockets.delete(socket);
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1');
      await new Promise((resolve) => server!.once('listening', resolve));
    },
    async down() {
      const closed = new Promise((resolve) => server!.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
