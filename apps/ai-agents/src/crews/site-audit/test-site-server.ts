import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAddressPolicy, createOutboundHttp, type OutboundHttp } from '@bizosaas/outbound-http';
import { fixture } from './test-site-snapshot.ts';

export interface SeenRequest {
  method: string;
  host: string;
  path: string;
}

export interface TestSite {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  requests: SeenRequest[];
  /** The most requests that were in flight at once. */
  maxInFlight: () => number;
  close(): Promise<void>;
}

/**
 * A bakery's site on 127.0.0.1, also answering as www.harbour-bakery.example: the good fixture at
 * `/` (its external links rewritten to this server's port, so with every name resolved to loopback
 * they land here too), robots.txt naming a sitemap (by a relative URL on the www host), redirects
 * (one to the www host), a redirect loop, a 404 link, a path refusing HEAD, and `/slow/*` answers
 * held briefly so concurrent link checks overlap. Facebook's host answers 404 to everything.
 */
export async function startTestSite(): Promise<TestSite> {
  const requests: SeenRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let origin = '';
  const server: Server = createServer((req, res) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => (inFlight -= 1));
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    requests.push({ method: req.method ?? '', host, path: req.url ?? '' });
    route(req, res, host, origin);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    port,
    requests,
    maxInFlight: () => maxInFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function route(req: IncomingMessage, res: ServerResponse, host: string, origin: string): void {
  const path = req.url ?? '/';
  const html = (body: string): void =>
    void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  if (host.includes('facebook')) return void res.writeHead(404).end('gone');
  if (host === 'www.harbour-bakery.example') origin = `http://${req.headers.host ?? ''}`;
  else if (host !== '127.0.0.1')
    return void res.writeHead(200, { 'content-type': 'text/html' }).end('<p>elsewhere</p>');
  if (path.startsWith('/slow/')) return void setTimeout(() => res.writeHead(200).end(), 30);
  switch (path) {
    case '/':
      return html(goodPage(origin));
    case '/poor':
      return html(fixture('poor.html'));
    case '/start':
      return void res.writeHead(301, { location: '/' }).end();
    case '/www':
      return void res.writeHead(301, { location: `http://www.harbour-bakery.example:${new URL(origin).port}/` }).end();
    case '/loop':
      return void res.writeHead(302, { location: '/loop' }).end();
    case '/to-metadata':
      return void res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    case '/robots.txt':
      return void res
        .writeHead(200, { 'content-type': 'text/plain' })
        .end(`User-agent: *\nDisallow: /checkout\n\nSitemap: ${host === '127.0.0.1' ? origin : ''}/sitemap-main.xml\n`);
    case '/sitemap-main.xml':
      return void res
        .writeHead(200, { 'content-type': 'application/xml' })
        .end(
          `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>${origin}/</loc></url><url><loc>${origin}/menu</loc></url></urlset>`,
        );
    case '/order':
      return req.method === 'HEAD' ? void res.writeHead(405, { allow: 'GET' }).end() : html('<h1>Order</h1>');
    case '/big':
      return html('<p>' + 'a'.repeat(5000) + '</p>');
    case '/latin1':
      return void res
        .writeHead(200, { 'content-type': 'text/html; charset=iso-8859-1' })
        .end(Buffer.from('café', 'latin1'));
    case '/meta-latin1':
      return void res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(Buffer.from('<meta charset="windows-1252"><p>crème brûlée</p>', 'latin1'));
    case '/drip':
      // Headers and a first piece, then nothing: only a deadline on the whole fetch ends it.
      return void res.writeHead(200, { 'content-type': 'text/html' }).write('<p>');
    case '/menu':
      return html('<h1>Menu</h1>');
    case '/favicon.png':
    case '/images/storefront.jpg':
      return void res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(64));
    default:
      return void res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
  }
}

/** The good fixture with its external links sent to this server (still named instagram, facebook, ...). */
function goodPage(origin: string): string {
  const port = new URL(origin).port;
  return fixture('good.html').replace(/https:\/\/(www\.[a-z.]+)\//g, `http://$1:${port}/`);
}

/** The outbound helper as development configures it (127.0.0.0/8 allowed), every name resolving to loopback. */
export function loopbackOutbound(): OutboundHttp {
  return createOutboundHttp({
    policy: createAddressPolicy({ allowedCidrs: ['127.0.0.0/8'] }),
    resolve: async () => [{ address: '127.0.0.1', family: 4 }],
  });
}
