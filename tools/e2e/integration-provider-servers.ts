// The provider side of the integration journey, on loopback: the token endpoint as the service
// reaches it (forwarded to the real authorization server, every token issued noted, so the test
// knows the bytes that must never show); HubSpot's CRM v3 contacts API accepting exactly the
// access tokens issued and not yet expired; Stripe's webhook signature, from its documentation.
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface IssuedToken {
  accessToken: string;
  refreshToken: string | null;
  /** Epoch ms, from the answer's expires_in. */
  expiresAt: number;
}

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
}

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A token endpoint that forwards to `tokenUrl` and keeps each token the answers carry. */
export async function startTokenRecorder(tokenUrl: string) {
  const issued: IssuedToken[] = [];
  const server = createServer((request, response) => {
    void (async () => {
      const answer = await fetch(tokenUrl, {
        method: 'POST',
        headers: { 'content-type': request.headers['content-type'] ?? 'application/x-www-form-urlencoded' },
        body: await bodyOf(request),
      });
      const text = await answer.text();
      if (answer.ok) {
        const json = JSON.parse(text) as { access_token: string; refresh_token?: string; expires_in: number };
        issued.push({
          accessToken: json.access_token,
          refreshToken: json.refresh_token ?? null,
          expiresAt: Date.now() + json.expires_in * 1000,
        });
      }
      response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      response.end(text);
    })().catch((error: unknown) => response.writeHead(502).end(String(error)));
  });
  const url = await listen(server);
  return { url: `${url}/token`, issued: () => [...issued], close: () => close(server) };
}

/** HubSpot's GET /crm/v3/objects/contacts; `valid` decides whether a Bearer token is accepted. */
export async function startCrmApi(valid: (token: string) => boolean) {
  const seen: string[] = [];
  const server = createServer((request, response) => {
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    if (request.method !== 'GET' || !request.url?.startsWith('/crm/v3/objects/contacts')) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"status":"error","message":"Not found"}');
      return;
    }
    seen.push(token);
    if (!valid(token)) {
      const body = {
        status: 'error',
        message: 'Authentication credentials not found.',
        category: 'INVALID_AUTHENTICATION',
      };
      response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    const contact = {
      id: '501',
      properties: { email: 'ada@example.com', firstname: 'Ada', lastname: 'Lovelace' },
      createdAt: '2026-12-01T10:00:00.000Z',
      updatedAt: '2026-12-01T10:00:00.000Z',
      archived: false,
    };
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results: [contact] }));
  });
  const url = await listen(server);
  return { url, tokensSeen: () => [...seen], close: () => close(server) };
}

/** Stripe's `Stripe-Signature` of `body` at `t` (unix seconds): hex HMAC-SHA256 of `t.body`. */
export function stripeSignature(body: string, t: number, secret: string): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}
