import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAcceptingSmtp, type AcceptingSmtp } from '../channels/testing/smtp-servers.ts';
import { eventually, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';

// Two replicas of the service (each with its own pools and dispatcher) on one database.
let clockMs = Date.now();
const clock = () => new Date(clockMs);

describe('digests across two replicas', () => {
  let smtp: AcceptingSmtp;
  let replicas: TestApp[];
  beforeAll(async () => {
    smtp = await startAcceptingSmtp();
    const env = { SMTP_URLS: smtp.url, EVENT_STREAM_NAMESPACE: `test:${randomUUID()}` };
    // Both replicas read one clock the test moves: the window cannot close while the triggers
    // arrive, however slow the machine, and closes at once when the test moves past it.
    replicas = [await startTestApp(env, { now: clock }), await startTestApp(env, { now: clock })];
  });
  afterAll(async () => {
    await Promise.all(replicas?.map((replica) => replica.close()) ?? []);
    await smtp?.close();
  });

  it('turns 100 digest-keyed triggers from 4 concurrent clients into exactly one email listing 100 items', async () => {
    const [a, b] = replicas as [TestApp, TestApp];
    // Both replicas trust their own test key; one tenant, a token from each.
    const tenant = await tenantCaller(a.key);
    const onB = await tenantCaller(b.key, ['admin'], tenant.tenantId);
    const label = randomUUID().slice(0, 8);
    const saved = await a.app.inject({
      method: 'POST',
      url: '/api/v1/notifications/templates',
      headers: tenant.headers,
      payload: {
        key: 'activity',
        channel: 'email',
        category: 'activity',
        subject: '{{ count }} updates {{ items[0].label }}',
        body: '<ul>{% for item in items %}<li>item-{{ item.n }}</li>{% endfor %}</ul>',
      },
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const to = { email: `digest.${label}@example.com` };
    const clients = [0, 1, 2, 3].map((client) => async () => {
      const replica = client % 2 === 0 ? { app: a.app, headers: tenant.headers } : { app: b.app, headers: onB.headers };
      for (let i = client; i < 100; i += 4) {
        const res = await replica.app.inject({
          method: 'POST',
          url: '/api/v1/notifications/triggers',
          headers: replica.headers,
          payload: {
            templateKey: 'activity',
            to,
            data: { n: i, label },
            digest: { key: 'activity', windowSeconds: 5 },
          },
        });
        expect(res.statusCode, res.body).toBe(202);
        expect(res.json()).toMatchObject({ messages: [{ status: 'digested' }] });
      }
    });
    await Promise.all(clients.map((run) => run()));
    expect(smtp.messages.filter((mail) => String(mail.subject).endsWith(label))).toHaveLength(0);
    clockMs += 6_000;
    const [digest] = await smtp.waitFor(1, 20_000).then(() =>
      eventually(
        async () => smtp.messages.filter((mail) => mail.subject === `100 updates ${label}`),
        (found) => expect(found).toHaveLength(1),
      ),
    );
    const items = digest!.html ? [...String(digest!.html).matchAll(/item-(\d+)/g)].map((m) => Number(m[1])) : [];
    expect(items.sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    // The one digest message is recorded sent (the SMTP server may have it a moment before).
    await eventually(
      async () =>
        (await a.app.inject({ url: '/api/v1/notifications/messages?status=sent', headers: tenant.headers })).json<{
          items: unknown[];
        }>().items,
      (sent) => expect(sent).toHaveLength(1),
    );
    expect(smtp.messages.filter((mail) => String(mail.subject).endsWith(label))).toHaveLength(1);
  });
});
