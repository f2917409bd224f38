// The notification journey through the gateway ("Done when" of the notification issue):
// user-management, the api-gateway and two notification replicas (both dispatching, one database,
// one Redis) as real processes from their bundles, and maildev as the SMTP server whose REST API
// shows what arrived. Clients go through the gateway with real tokens; only the digest's second
// pair of clients calls the second replica straight, with the same token.
// The replicas consume their own stream namespace, so user-management's user.created never
// reaches their directory here: triggers name the member's address next to the userId.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { redisUrl } from '@bizosaas/messaging/testing';
import { eventually, freePort, start, untilReady, type Started } from './processes.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
// The key-encryption key every test uses for the shared test database's signing keys.
const TEST_KEK = Buffer.alloc(32, 'bizosaas-test-kek').toString('base64');
const run = randomUUID().slice(0, 8);
const password = 'a strong enough password';
const ports = { gateway: 0, users: 0, first: 0, second: 0, smtp: 0, mailApi: 0 };
const processes: Started[] = [];
const mailDirectory = mkdtempSync(join(tmpdir(), 'notification-journey-'));
const output = () => processes.map((p) => p.output()).join('\n');

/** `port`: another base than the gateway's (the second replica). */
type CallOptions = { token?: string; body?: object; headers?: Record<string, string>; port?: number };
async function api(method: string, path: string, options: CallOptions = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body) headers['content-type'] = 'application/json';
  const res = await fetch(`http://127.0.0.1:${options.port ?? ports.gateway}${path}`, {
    method,
    headers,
    body: options.body && JSON.stringify(options.body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, any> };
}

type Mail = { subject: string; html: string; to: { address: string }[] };
const until = <T>(what: string, check: () => Promise<T | undefined>) => eventually(check, 20_000, what);
const mails = async (): Promise<Mail[]> =>
  (await fetch(`http://127.0.0.1:${ports.mailApi}/api/email`)).json() as Promise<Mail[]>;
/** The mails whose subject is `subject`, once at least one has arrived. */
const mailsTitled = (subject: string) =>
  until(`a mail "${subject}"`, async () => {
    const found = (await mails()).filter((mail) => mail.subject === subject);
    return found.length > 0 ? found : undefined;
  });

function startApp(app: string, port: number, env: Record<string, string>): void {
  processes.push(
    start(process.execPath, [`${root}apps/${app}/dist/main.js`], {
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      REDIS_URL: redisUrl,
      DATABASE_URL: inject('appDatabaseUrl'),
      WORKER_DATABASE_URL: inject('workerDatabaseUrl'),
      ...env,
    }),
  );
}

const notificationEnv = (name: string) => ({
  JWKS_URL: `http://127.0.0.1:${ports.users}/.well-known/jwks.json`,
  SMTP_URLS: `maildev=smtp://127.0.0.1:${ports.smtp}`,
  EVENT_STREAM_NAMESPACE: `test:notification-journey:${run}:events`,
  CONSUMER_NAME: name,
  PUBLIC_BASE_URL: `http://127.0.0.1:${ports.gateway}`,
});

async function register(label: string) {
  const email = `notify.${label}.${run}@example.test`;
  const res = await api('POST', '/api/v1/auth/register', {
    body: { tenantName: `Notify ${label} ${run}`, email, password },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { tenantId: res.body.tenant.id as string, userId: res.body.user.id as string, token: res.body.accessToken };
}

let owner: Awaited<ReturnType<typeof register>>;
const member = { userId: '', email: `notify.member.${run}@example.test`, token: '' };
/** Every message the first tenant created: the second must see none of them. */
const ownMessageIds: string[] = [];

async function saveTemplate(key: string, channel: string, category: string, content: Record<string, unknown>) {
  const body = { key, channel, category, ...content };
  const res = await api('POST', '/api/v1/notifications/templates', { token: owner.token, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}
async function trigger(body: object, options: Omit<CallOptions, 'body'> = {}) {
  const res = await api('POST', '/api/v1/notifications/triggers', { token: owner.token, ...options, body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  ownMessageIds.push(...res.body.messages.map((message: { id: string }) => message.id));
  return res.body;
}

/** A server-sent event stream read through the gateway: its frames as they come. */
async function openStream(token: string) {
  const abort = new AbortController();
  const res = await fetch(`http://127.0.0.1:${ports.gateway}/api/v1/notifications/inbox/stream`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: abort.signal,
  });
  expect(res.status).toBe(200);
  const frames: Record<string, string>[] = [];
  void (async () => {
    let buffer = '';
    for await (const chunk of res.body!.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const lines = buffer.slice(0, end).split('\n');
        buffer = buffer.slice(end + 2);
        frames.push(
          Object.fromEntries(lines.map((line) => [line.split(':')[0], line.slice(line.indexOf(':') + 1).trim()])),
        );
      }
    }
  })().catch(() => undefined);
  return { frames, close: () => abort.abort() };
}

beforeAll(async () => {
  execFileSync(process.execPath, ['tools/build.mjs', 'api-gateway', 'user-management', 'notification'], { cwd: root });
  for (const name of Object.keys(ports) as (keyof typeof ports)[]) ports[name] = await freePort();
  processes.push(
    start(process.execPath, [
      `${root}node_modules/maildev/dist/bin/maildev.js`,
      ...['--smtp', String(ports.smtp), '--ip', '127.0.0.1', '--web', String(ports.mailApi), '--web-ip', '127.0.0.1'],
      ...['--mail-directory', mailDirectory],
    ]),
  );
  startApp('user-management', ports.users, {
    SIGNING_KEY_ENCRYPTION_KEY: TEST_KEK,
    LOGIN_LIMIT_KEY_PREFIX: `test:notification-journey:${run}:login`,
  });
  startApp('notification', ports.first, notificationEnv(`journey-${run}-1`));
  startApp('notification', ports.second, notificationEnv(`journey-${run}-2`));
  const closed = 'http://127.0.0.1:9';
  startApp('api-gateway', ports.gateway, {
    JWKS_URL: `http://127.0.0.1:${ports.users}/.well-known/jwks.json`,
    USER_MANAGEMENT_URL: `http://127.0.0.1:${ports.users}`,
    NOTIFICATION_URL: `http://127.0.0.1:${ports.first}`,
    ...Object.fromEntries(
      ['AI_AGENTS', 'CAMPAIGN', 'ANALYTICS', 'INTEGRATION', 'EVENT_BUS', 'DOMAIN_REPOSITORY'].map((name) => [
        `${name}_URL`,
        closed,
      ]),
    ),
    RATE_LIMIT_FREE: '100000',
    RATE_LIMIT_PREFIX: `test:notification-journey:${run}:ratelimit:`,
  });
  await Promise.all(
    [ports.users, ports.first, ports.second, ports.gateway].map((port) =>
      untilReady(`http://127.0.0.1:${port}`, 30_000, output),
    ),
  );
  await eventually(async () => (await mails()) && true, 10_000, `maildev\n${output()}`);

  owner = await register('owner');
  const created = await api('POST', '/api/v1/users', {
    token: owner.token,
    body: { email: member.email, role: 'member', password },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  member.userId = created.body.user.id;
  const login = await api('POST', '/api/v1/auth/login', { body: { email: member.email, password } });
  expect(login.status).toBe(200);
  member.token = login.body.accessToken;
}, 120_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop('SIGKILL')));
  rmSync(mailDirectory, { recursive: true, force: true });
});

describe('the notification journey through the gateway', () => {
  it('a: a trigger sent twice with one Idempotency-Key answers the same 202 and sends one email with the rendered subject', async () => {
    await saveTemplate('order-shipped', 'email', 'orders', {
      subject: 'Order {{ order }} shipped',
      body: '<p>Hi {{ name }}</p>',
    });
    const key = `ship-${run}`;
    const body = {
      templateKey: 'order-shipped',
      to: { email: `buyer.${run}@example.test` },
      data: { order: run, name: 'Ann' },
    };
    const first = await trigger(body, { headers: { 'idempotency-key': key } });
    const again = await trigger(body, { headers: { 'idempotency-key': key } });
    expect(again).toEqual(first);
    expect(first).toMatchObject({ transactionId: key, messages: [{ channel: 'email', status: 'scheduled' }] });
    const [mail] = await mailsTitled(`Order ${run} shipped`);
    expect(mail!.to).toEqual([expect.objectContaining({ address: `buyer.${run}@example.test` })]);
    expect(mail!.html).toContain('Hi Ann');
    await until('the message sent', async () => {
      const res = await api('GET', `/api/v1/notifications/messages?transactionId=${key}`, { token: owner.token });
      return res.body.items.length === 1 && res.body.items[0].status === 'sent' ? true : undefined;
    });
    expect((await mails()).filter((m) => m.subject === `Order ${run} shipped`)).toHaveLength(1);
  });

  it('b: a broken template is refused with 400 naming its line', async () => {
    const res = await api('POST', '/api/v1/notifications/templates', {
      token: owner.token,
      body: { key: 'broken', channel: 'email', category: 'general', subject: 'Hi', body: 'Hi\n{{ name | shout }}' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'VALIDATION_ERROR', message: "body line 2: unknown filter 'shout'" });
    expect(res.body.details.issues).toEqual([expect.objectContaining({ path: 'body', line: 2 })]);
  });

  it('c: a user who switched email off is suppressed for a normal template and gets a critical one', async () => {
    const off = await api('PUT', '/api/v1/notifications/preferences', {
      token: member.token,
      body: { channels: { email: false } },
    });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(off.body.channels).toEqual({ email: false });
    await saveTemplate('promo', 'email', 'marketing', { subject: 'Promo {{ l }}', body: 'Deal' });
    await saveTemplate('reset', 'email', 'security', { critical: true, subject: 'Reset {{ l }}', body: 'Your code' });
    const to = { userId: member.userId, email: member.email };
    const promo = await trigger({ templateKey: 'promo', to, data: { l: run } });
    expect(promo.messages).toMatchObject([{ status: 'suppressed', reason: 'preference' }]);
    const reset = await trigger({ templateKey: 'reset', to, data: { l: run } });
    expect(reset.messages).toMatchObject([{ status: 'scheduled' }]);
    const [mail] = await mailsTitled(`Reset ${run}`);
    expect(mail!.to).toEqual([expect.objectContaining({ address: member.email })]);
    expect((await mails()).map((m) => m.subject)).not.toContain(`Promo ${run}`);
  });

  it("d: an in-app message reaches the user's inbox and the open event stream", async () => {
    await saveTemplate('note', 'in_app', 'general', { subject: 'Note {{ n }}', body: 'Hello {{ n }}' });
    const stream = await openStream(member.token);
    try {
      await until('the stream ready', async () => stream.frames.find((f) => f.event === 'ready'));
      const sent = await trigger({ templateKey: 'note', to: { userId: member.userId }, data: { n: run } });
      const id = sent.messages[0].id as string;
      const frame = await until('a message on the stream', async () =>
        stream.frames.find((f) => f.event === 'message'),
      );
      expect(frame.id).toBe(id);
      expect(JSON.parse(frame.data!)).toMatchObject({ id, subject: `Note ${run}`, body: `Hello ${run}` });
      const inbox = await until('the inbox item', async () => {
        const res = await api('GET', '/api/v1/notifications/inbox', { token: member.token });
        return res.body.items?.length > 0 ? res.body.items : undefined;
      });
      expect(inbox).toEqual([expect.objectContaining({ id, subject: `Note ${run}`, readAt: null })]);
    } finally {
      stream.close();
    }
  });

  it('e: another tenant sees none of it', async () => {
    const other = await register('other');
    expect(ownMessageIds.length).toBeGreaterThanOrEqual(4);
    for (const id of ownMessageIds) {
      const res = await api('GET', `/api/v1/notifications/messages/${id}`, { token: other.token });
      expect(res.status, id).toBe(404);
    }
    const explain = await api('GET', `/api/v1/notifications/messages/${ownMessageIds[0]}/explain`, {
      token: other.token,
    });
    expect(explain.status).toBe(404);
    const own = await api('GET', '/api/v1/notifications/messages', { token: owner.token });
    expect(own.body.items.length).toBeGreaterThanOrEqual(4);
    expect((await api('GET', '/api/v1/notifications/messages', { token: other.token })).body.items).toEqual([]);
    expect((await api('GET', '/api/v1/notifications/inbox', { token: other.token })).body.items).toEqual([]);
  });

  it('f: 100 digest-keyed triggers from 4 clients on both replicas give exactly one email listing 100 items', async () => {
    await saveTemplate('activity', 'email', 'activity', {
      subject: '{{ count }} updates {{ items[0].label }}',
      body: '<ul>{% for item in items %}<li>item-{{ item.n }}</li>{% endfor %}</ul>',
    });
    const to = { email: `digest.${run}@example.test` };
    // Clients 0 and 1 through the gateway (first replica), 2 and 3 at the second replica.
    const clients = [0, 1, 2, 3].map(async (client) => {
      const port = client < 2 ? ports.gateway : ports.second;
      for (let n = client; n < 100; n += 4) {
        const res = await trigger(
          { templateKey: 'activity', to, data: { n, label: run }, digest: { key: 'activity', windowSeconds: 3 } },
          { port },
        );
        expect(res.messages).toMatchObject([{ status: 'digested' }]);
      }
    });
    await Promise.all(clients);
    const [digest] = await mailsTitled(`100 updates ${run}`);
    const items = [...digest!.html.matchAll(/item-(\d+)/g)].map((m) => Number(m[1]));
    expect(items.sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const digested = await api('GET', '/api/v1/notifications/messages?status=digested&limit=200', {
      token: owner.token,
    });
    const digests = new Set<string>(digested.body.items.map((m: { digestMessageId: string }) => m.digestMessageId));
    expect(digested.body.items).toHaveLength(100);
    expect(digests.size).toBe(1);
    const sent = await until('the digest message sent', async () => {
      const res = await api('GET', `/api/v1/notifications/messages/${[...digests][0]}`, { token: owner.token });
      return res.body.status === 'sent' ? res.body : undefined;
    });
    expect(sent).toMatchObject({ address: to.email, subject: `100 updates ${run}`, digestKey: 'activity' });
    expect((await mails()).filter((m) => m.to.some((r) => r.address === to.email))).toHaveLength(1);
  }, 60_000);
});
