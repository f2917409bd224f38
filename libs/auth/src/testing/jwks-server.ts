import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JSONWebKeySet } from 'jose';

/** A JWKS endpoint on loopback whose keys a test can swap, counting fetches. */
export interface TestJwksServer {
  readonly url: string;
  setKeys(jwks: JSONWebKeySet): void;
  fetchCount(): number;
  close(): Promise<void>;
}

export async function startJwksServer(initial: JSONWebKeySet): Promise<TestJwksServer> {
  let jwks = initial;
  let fetches = 0;
  const server = createServer((_request, response) => {
    fetches += 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    setKeys: (next) => {
      jwks = next;
    },
    fetchCount: () => fetches,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
