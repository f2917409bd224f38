// An HTTP forwarder between a service and the one it calls. Every request and answer goes
// through unchanged, except that once armed it keeps the next matching answer from the caller:
// the callee has done the work, the caller never hears of it. A test then kills the caller at
// the one moment a crash is hardest to recover from, without guessing at timing.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface HoldingProxy {
  url: string;
  /** Where requests go; until it is set they are answered 502. */
  target: string | undefined;
  /** Holds the next answer to a request to `path`; resolves once one is held (the callee answered). */
  holdNext(path: string): Promise<void>;
  close(): Promise<void>;
}

// Hop-by-hop and framing headers are the proxy's own business on each side.
const UNFORWARDED = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

const forwardedHeaders = (request: IncomingMessage) =>
  Object.fromEntries(
    Object.entries(request.headers).filter(
      (entry): entry is [string, string] => !UNFORWARDED.has(entry[0]) && typeof entry[1] === 'string',
    ),
  );

export async function startHoldingProxy(): Promise<HoldingProxy> {
  let armed: { path: string; held: () => void } | undefined;
  const proxy: HoldingProxy = {
    url: '',
    target: undefined,
    holdNext: (path) => new Promise<void>((held) => (armed = { path, held })),
    close: async () => {
      server.closeAllConnections();
      server.close();
    },
  };
  async function forward(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (proxy.target === undefined) return void response.writeHead(502).end();
    const answer = await fetch(`${proxy.target}${request.url}`, {
      method: request.method,
      headers: forwardedHeaders(request),
      ...(chunks.length > 0 && { body: Buffer.concat(chunks) }),
    });
    const body = Buffer.from(await answer.arrayBuffer());
    if (armed && request.url?.split('?')[0] === armed.path) {
      // The caller's connection stays open without an answer until the caller dies.
      armed.held();
      armed = undefined;
      return;
    }
    response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    response.end(body);
  }
  const server = createServer((request, response) => {
    forward(request, response).catch(() => response.writeHead(502).end());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  proxy.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return proxy;
}
