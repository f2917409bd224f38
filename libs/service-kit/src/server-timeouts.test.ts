import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createService, type ServiceApp } from './create-service.ts';
import type { ServerTimeouts } from './server-timeouts.ts';

let app: ServiceApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function listening(timeouts?: ServerTimeouts): Promise<number> {
  app = await createService({ name: 'timeouts-test', logLevel: 'silent', ...(timeouts && { timeouts }) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as AddressInfo).port;
}

/** Resolves with everything the server sent once it closes the connection. */
function untilClosed(socket: Socket): Promise<string> {
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  return new Promise((resolve, reject) => {
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
  });
}

const opened = (port: number) =>
  new Promise<Socket>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });

describe('createService server timeouts', () => {
  it('keeps idle connections longer than the gateway pool (60 s) and bounds requests and silent sockets', async () => {
    await listening();
    const server = app!.server;
    expect(server.keepAliveTimeout).toBe(65_000);
    expect(server.keepAliveTimeout).toBeGreaterThan(60_000);
    expect(server.requestTimeout).toBe(30_000);
    expect(server.timeout).toBe(120_000);
  });

  it('takes per-service values, 0 meaning no idle limit for long-lived streams', async () => {
    await listening({ connectionMs: 0, requestMs: 10_000, keepAliveMs: 90_000 });
    expect(app!.server.timeout).toBe(0);
    expect(app!.server.requestTimeout).toBe(10_000);
    expect(app!.server.keepAliveTimeout).toBe(90_000);
  });

  it('destroys a connection that stays silent past connectionMs', async () => {
    const port = await listening({ connectionMs: 150, keepAliveMs: 60_000 });
    const socket = await opened(port);
    socket.write('GET /health HTTP/1.1\r\nhost: x\r\n'); // headers never finished
    expect(await untilClosed(socket)).toBe('');
  });

  it('closes an idle keep-alive connection after keepAliveMs, having answered on it', async () => {
    const port = await listening({ keepAliveMs: 150 });
    const socket = await opened(port);
    const closed = untilClosed(socket);
    socket.write('GET /health HTTP/1.1\r\nhost: x\r\nconnection: keep-alive\r\n\r\n');
    const received = await closed;
    expect(received).toMatch(/^HTTP\/1\.1 200 OK/);
  });

  it('closes without waiting for a connection that never sent a request, or one idle after its answer', async () => {
    const port = await listening();
    const unused = await opened(port);
    const answered = await opened(port);
    const unusedClosed = untilClosed(unused);
    const answeredClosed = untilClosed(answered);
    answered.write('GET /health HTTP/1.1\r\nhost: x\r\nconnection: keep-alive\r\n\r\n');
    await new Promise((resolve) => answered.once('data', resolve));

    await app!.close();
    app = undefined;
    expect(await unusedClosed).toBe('');
    expect(await answeredClosed).toMatch(/^HTTP\/1\.1 200 OK/);
  });
});
