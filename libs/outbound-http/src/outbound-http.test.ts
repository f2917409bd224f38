import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAddressPolicy, type Refusal } from './address-policy.ts';
import type { Resolve } from './guarded-lookup.ts';
import { OutboundAddressRefusedError, type RefusalStage } from './outbound-address-refused-error.ts';
import { createOutboundHttp, type OutboundHttp } from './outbound-http.ts';
import { urlRefusal, type UrlRefusal } from './outbound-url.ts';

let server: Server;
let port: number;
const received: IncomingHttpHeaders[] = [];
const opened: OutboundHttp[] = [];

beforeAll(async () => {
  // A real receiver on loopback only: a connection elsewhere cannot reach it.
  server = createServer((req, res) => {
    received.push(req.headers);
    if (req.url === '/redirect') res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    else res.writeHead(200).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(async () => {
  received.length = 0;
  await Promise.all(opened.splice(0).map((http) => http.close()));
});

function helper(allowedCidrs: string[], resolve?: Resolve) {
  const refused: { refusal: UrlRefusal; stage: RefusalStage }[] = [];
  const http = createOutboundHttp({
    policy: createAddressPolicy({ allowedCidrs }),
    onRefused: (refusal, stage) => refused.push({ refusal, stage }),
    ...(resolve ? { resolve } : {}),
  });
  opened.push(http);
  return { http, refused };
}
const resolvingTo =
  (...addresses: [string, 4 | 6][]): Resolve =>
  async () =>
    addresses.map(([address, family]) => ({ address, family }));
const refusalOf = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('the request was sent'),
    (error: unknown) => {
      expect(error).toBeInstanceOf(OutboundAddressRefusedError);
      return {
        refusal: (error as OutboundAddressRefusedError).refusal,
        stage: (error as OutboundAddressRefusedError).stage,
      };
    },
  );

describe('createOutboundHttp', () => {
  it('refuses http://localhost when 127.0.0.0/8 is not allowed, and delivers when it is', async () => {
    const { http, refused } = helper([]);
    const loopback: Refusal = { host: 'localhost', address: 'localhost', rule: 'loopback' };
    expect(await refusalOf(http.request(`http://localhost:${port}/hooks`, { method: 'POST', body: '{}' }))).toEqual({
      refusal: loopback,
      stage: 'url',
    });
    expect(refused).toEqual([{ refusal: loopback, stage: 'url' }]);
    expect(received).toEqual([]);

    const response = await helper(['127.0.0.0/8']).http.request(`http://localhost:${port}/hooks`, {
      method: 'POST',
      body: '{}',
    });
    expect([response.statusCode, await response.body.text()]).toEqual([200, 'ok']);
    expect(received).toHaveLength(1);
  });

  it('refuses at connect time a name that passed the URL check but resolves to loopback (DNS rebinding)', async () => {
    const url = `http://rebind.example:${port}/hooks`;
    expect(urlRefusal(url, createAddressPolicy())).toBeNull();
    const { http, refused } = helper([], resolvingTo(['127.0.0.1', 4]));
    const refusal: Refusal = { host: 'rebind.example', address: '127.0.0.1', rule: 'loopback' };
    expect(await refusalOf(http.request(url))).toEqual({ refusal, stage: 'connect' });
    expect(refused).toEqual([{ refusal, stage: 'connect' }]);
    expect(received).toEqual([]);
  });

  it('connects to the address it checked: the resolver the policy judged is the one the socket uses', async () => {
    const { http } = helper(['127.0.0.0/8'], resolvingTo(['::1', 6], ['127.0.0.1', 4]));
    const response = await http.request(`http://rebind.example:${port}/hooks`);
    expect(response.statusCode).toBe(200);
    await response.body.dump();
    expect(received.map((headers) => headers.host)).toEqual([`rebind.example:${port}`]);
  });

  it('refuses every resolved form of metadata even with loopback allowed', async () => {
    const { http } = helper(['127.0.0.0/8'], resolvingTo(['::ffff:169.254.169.254', 6], ['169.254.169.254', 4]));
    const { refusal } = await refusalOf(http.request('http://instance.example/latest/meta-data/'));
    expect(refusal).toEqual({ host: 'instance.example', address: '169.254.169.254', rule: 'metadata' });
  });

  it('checks IP literals at connect time too, for callers that use the dispatcher directly', async () => {
    const { http, refused } = helper([]);
    expect(await refusalOf(request(`http://127.0.0.1:${port}/hooks`, { dispatcher: http.dispatcher }))).toEqual({
      refusal: { host: '127.0.0.1', address: '127.0.0.1', rule: 'loopback' },
      stage: 'connect',
    });
    expect(
      await refusalOf(request(`http://[::ffff:127.0.0.1]:${port}/hooks`, { dispatcher: http.dispatcher })),
    ).toEqual({
      refusal: { host: '::ffff:7f00:1', address: '127.0.0.1', rule: 'loopback' },
      stage: 'connect',
    });
    expect(refused.map(({ stage }) => stage)).toEqual(['connect', 'connect']);
    expect(received).toEqual([]);
  });

  it('resolves https hosts through the same check before the TLS handshake', async () => {
    const asked: string[] = [];
    const { http } = helper([], async (name) => {
      asked.push(name);
      return [{ address: '10.1.2.3', family: 4 }];
    });
    const { refusal, stage } = await refusalOf(http.request('https://hooks.internal.example/in'));
    expect([refusal, stage, asked]).toEqual([
      { host: 'hooks.internal.example', address: '10.1.2.3', rule: 'private' },
      'connect',
      ['hooks.internal.example'],
    ]);
  });

  it('does not follow redirects: the 3xx is the answer', async () => {
    const { http, refused } = helper(['127.0.0.0/8']);
    const response = await http.request(`http://127.0.0.1:${port}/redirect`);
    await response.body.dump();
    expect([response.statusCode, response.headers.location]).toEqual([302, 'http://169.254.169.254/latest/meta-data/']);
    expect(received).toHaveLength(1);
    expect(refused).toEqual([]);
  });
});
