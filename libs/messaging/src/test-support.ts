import net from 'node:net';
import { createEvent, type DomainEvent } from '@bizosaas/event-schemas';

/** Helpers for this lib's integration tests (not exported from the package). */
import { redisUrl } from './testing.ts';
export { deleteNamespace, redisUrl, testRedis, uniqueNamespace, waitFor } from './testing.ts';

export const tenantId = '3f2b8a4e-6c1d-4e9f-a7b5-0c9d8e7f6a5b';

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
export const redisProxy = (port: number) => tcpProxy(port, redisUrl);

/** A TCP proxy to the server of `targetUrl` (Redis, PostgreSQL) that a test can take down and bring back. */
export function tcpProxy(port: number, targetUrl: string) {
  const target = new URL(targetUrl);
  const defaultPort = target.protocol.startsWith('postgres') ? 5432 : 6379;
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  return {
    url: Object.assign(new URL(targetUrl), { hostname: '127.0.0.1', port: String(port) }).toString(),
    async up() {
      server = net.createServer((client) => {
        const upstream = net.connect(Number(target.port || defaultPort), target.hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket
            .on('error', () => {})
            .on('close', () => {
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
