// notification split in two, as deployed in k8s: a replica taking requests with its dispatcher off
// (DISPATCH_ENABLED=false) and a replica that only sends. Both are real processes from the bundle,
// on a database of this file's own (a dispatcher claims every tenant's due messages, so on the
// shared test database another file's dispatcher could send these), with a real SMTP server. The
// sending replica polls once in ten minutes: what it sends promptly, it was woken for by the API
// replica's commit (the NOTIFY of the outbox's channel).
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey, jwksOf, signTestToken, startJwksServer, testClaims } from '@bizosaas/auth/testing';
import { redisUrl } from '@bizosaas/messaging/testing';
import { startCountingSmtp, type CountingSmtp } from './counting-smtp.ts';
import { createOwnDatabase, type OwnDatabase } from './own-database.ts';
import { eventually, freePort, start, untilReady, type Started } from './processes.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = randomUUID().slice(0, 8);
const processes: Started[] = [];
const output = () => processes.map((p) => p.output()).join('\n');
const key = await generateSigningKey();
const jwks = await startJwksServer(jwksOf(key));
let database: OwnDatabase;
let smtp: CountingSmtp;
let token: string;
const ports = { api: 0, sender: 0 };

function startNotification(port: number, env: Record<string, string>): Promise<void> {
  processes.push(
    start(process.execPath, [`${root}apps/notification/dist/main.js`], {
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      REDIS_URL: redisUrl,
      DATABASE_URL: database.appUrl,
      WORKER_DATABASE_URL: database.workerUrl,
      JWKS_URL: jwks.url,
      SMTP_URLS: smtp.url,
      EVENT_STREAM_NAMESPACE: `test:dispatch-split:${run}:events`,
      CONSUMER_NAME: `split-${port}`,
      PUBLIC_BASE_URL: `http://127.0.0.1:${ports.api}`,
      ...env,
    }),
  );
  return untilReady(`http://127.0.0.1:${port}`, 20_000, output);
}

async function api(method: string, path: string, body?: object) {
  const res = await fetch(`http://127.0.0.1:${ports.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body && { 'content-type': 'application/json' }) },
    body: body && JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const received = (address: string) => smtp.perRecipient().get(address) ?? 0;
async function trigger(address: string) {
  const res = await api('POST', '/api/v1/notifications/triggers', {
    templateKey: 'split-hello',
    to: { email: address },
    data: { name: 'Ada' },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.transactionId as string;
}
const statusOf = async (transactionId: string) =>
  (await api('GET', `/api/v1/notifications/messages?transactionId=${transactionId}`)).body.items?.[0]?.status;

beforeAll(async () => {
  execFileSync(process.execPath, ['tools/build.mjs', 'notification'], { cwd: root });
  [database, smtp] = await Promise.all([createOwnDatabase('dispatch_split'), startCountingSmtp()]);
  ports.api = await freePort();
  ports.sender = await freePort();
  token = await signTestToken(key, testClaims({ roles: ['admin'] }));
  await startNotification(ports.api, { DISPATCH_ENABLED: 'false', CONSUMER_NAME: 'split-api' });
  const saved = await api('POST', '/api/v1/notifications/templates', {
    key: 'split-hello',
    channel: 'email',
    category: 'account',
    subject: 'Hello {{ name }}',
    body: 'Hi {{ name }}',
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(201);
}, 120_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await Promise.allSettled([smtp?.close(), jwks.close()]);
  await database?.drop();
});

describe('notification with its API and its dispatcher in separate replicas', () => {
  it('the API replica commits the message and sends nothing itself', async () => {
    const address = `queued.${run}@example.test`;
    const transactionId = await trigger(address);
    // Its own dispatcher would have sent it within this time (it is woken in-process at once).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(received(address)).toBe(0);
    expect(await statusOf(transactionId)).toBe('scheduled');
  });

  it('the sending replica sends what was queued, and each later trigger as soon as it commits', async () => {
    await startNotification(ports.sender, { DISPATCH_POLL_INTERVAL_MS: '600000', CONSUMER_NAME: 'split-sender' });
    await eventually(async () => received(`queued.${run}@example.test`) === 1 || undefined, 10_000, 'the queued email');
    const address = `woken.${run}@example.test`;
    const transactionId = await trigger(address);
    await eventually(
      async () => received(address) === 1 || undefined,
      5_000,
      'an email sent on the wake-up, not a poll',
    );
    await eventually(async () => ((await statusOf(transactionId)) === 'sent' ? true : undefined), 5_000, 'status sent');
  });
});
