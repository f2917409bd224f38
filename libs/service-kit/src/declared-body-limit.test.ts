import { once } from 'node:events';
import { connect } from 'node:net';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { z } from 'zod';
import { createService, type ServiceApp } from './create-service.ts';

let app: ServiceApp;
afterEach(async () => app?.close());

/** The answers read off one kept-alive socket, as raw HTTP/1.1 text. */
function rawClient(port: number) {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  const answered = async (count: number) => {
    // An answer follows the previous one's body on the same line: count status lines anywhere.
    while ((text.match(/HTTP\/1\.1 \d{3} /g) ?? []).length < count) await once(socket, 'data');
    return text;
  };
  return { socket, answered };
}

const post = (length: number) =>
  `POST /api/v1/things HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

async function listening() {
  app = await createService({ name: 'test-service', logLevel: 'silent', bodyLimit: 1024 });
  app.post('/api/v1/things', { schema: { body: z.strictObject({ name: z.string() }) } }, async () => ({ ok: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as { port: number }).port;
}

describe('a body declared over the limit', () => {
  it('is refused with 413 before it is sent, and the same connection then serves the next request', async () => {
    const client = rawClient(await listening());
    onTestFinished(() => void client.socket.destroy());

    // The answer comes while the client has sent 1 KB of the 4 KB it declared.
    client.socket.write(post(4096) + 'a'.repeat(1024));
    const refused = await client.answered(1);
    expect(refused).toMatch(/^HTTP\/1\.1 413 /);
    expect(refused).toContain('"error":"PAYLOAD_TOO_LARGE"');
    expect(refused).toContain('"details":{"limit":1024}');
    expect(refused.toLowerCase()).not.toContain('connection: close');

    const next = '{"name":"next"}';
    client.socket.write('a'.repeat(3072) + post(next.length) + next);
    const both = await client.answered(2);
    expect(both.slice(both.lastIndexOf('HTTP/1.1 '))).toMatch(/^HTTP\/1\.1 200 /);
    expect(client.socket.destroyed).toBe(false);
  });

  it('past 8 times the limit is refused as Fastify does, closing the connection instead of reading it', async () => {
    const client = rawClient(await listening());
    onTestFinished(() => void client.socket.destroy());
    client.socket.write(post(9 * 1024) + 'a'.repeat(1024));
    const refused = await client.answered(1);
    expect(refused).toMatch(/^HTTP\/1\.1 413 /);
    expect(refused.toLowerCase()).toContain('connection: close');
  });
});
