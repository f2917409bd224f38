import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTestToken, testClaims } from '@bizosaas/auth/testing';
import { startAcceptingSmtp, type AcceptingSmtp } from '../channels/testing/smtp-servers.ts';
import { eventually, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';

interface BatchAnswer {
  results: {
    transactionId: string;
    status: 'accepted' | 'rejected';
    messages?: { id: string; channel: string; status: string }[];
    error?: { error: string; message: string; details: Record<string, unknown> };
  }[];
}

// The batch trigger through the built service: per-item recipients, data and transactionIds, the
// dispatcher sending through a real SMTP server.
describe('POST /api/v1/notifications/triggers/batch', () => {
  let smtp: AcceptingSmtp;
  let t: TestApp;
  beforeAll(async () => {
    smtp = await startAcceptingSmtp();
    t = await startTestApp({ SMTP_URLS: smtp.url, EVENT_STREAM_NAMESPACE: `test:${randomUUID()}` });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  async function newTenant(label: string) {
    const caller = await tenantCaller(t.key);
    const save = async (template: Record<string, unknown>) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/notifications/templates',
        headers: caller.headers,
        payload: template,
      });
      expect(res.statusCode, res.body).toBe(201);
    };
    await save({
      key: 'step',
      channel: 'email',
      category: 'marketing',
      subject: `Step ${label}`,
      body: 'Hi {{ name }}',
    });
    return { ...caller, save };
  }

  const batch = (headers: Record<string, string>, payload: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/api/v1/notifications/triggers/batch', headers, payload });

  const messagesOf = async (headers: Record<string, string>, transactionId: string) =>
    (await t.app.inject({ url: `/api/v1/notifications/messages?transactionId=${transactionId}`, headers })).json<{
      items: { id: string; status: string }[];
    }>().items;

  const item = (label: string, name: string, templateKey = 'step') => ({
    templateKey,
    to: { email: `${name.toLowerCase()}.${label}@example.com` },
    data: { name },
    transactionId: `campaign:${label}:step-1:${name.toLowerCase()}`,
  });

  const mailsOf = (label: string) => smtp.messages.filter((mail) => mail.subject === `Step ${label}`);

  it('renders each recipient its own data, and a repeat of the batch sends nothing more and answers the same', async () => {
    const label = randomUUID().slice(0, 8);
    const tenant = await newTenant(label);
    const body = { triggers: ['Ann', 'Bob', 'Cyd'].map((name) => item(label, name)) };
    const first = await batch(tenant.headers, body);
    expect(first.statusCode, first.body).toBe(202);
    const answer = first.json<BatchAnswer>();
    expect(answer.results.map((r) => [r.transactionId, r.status, r.messages?.length])).toEqual(
      body.triggers.map((one) => [one.transactionId, 'accepted', 1]),
    );
    const mails = await eventually(
      async () => mailsOf(label),
      (found) => expect(found).toHaveLength(3),
    );
    for (const name of ['Ann', 'Bob', 'Cyd']) {
      const mail = mails.find((one) => one.to && 'text' in one.to && one.to.text.startsWith(name.toLowerCase()));
      expect(mail?.text).toContain(`Hi ${name}`);
    }

    const again = await batch(tenant.headers, body);
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual(answer);
    // A later intent goes through the same dispatcher: once it is out, a duplicate would be too.
    const later = await batch(tenant.headers, { triggers: [item(label, 'Dee')] });
    expect(later.statusCode, later.body).toBe(202);
    await eventually(
      async () => mailsOf(label),
      (found) => expect(found).toHaveLength(4),
    );
    for (const one of body.triggers)
      expect((await messagesOf(tenant.headers, one.transactionId)).map((m) => m.status)).toEqual(['sent']);
  });

  it('rejects alone an item with an unknown template or data its template cannot render', async () => {
    const label = randomUUID().slice(0, 8);
    const tenant = await newTenant(label);
    const res = await batch(tenant.headers, {
      triggers: [
        item(label, 'Ann'),
        item(label, 'Bob', 'no-such-template'),
        { ...item(label, 'Cyd'), data: {} },
        item(label, 'Dee'),
      ],
    });
    expect(res.statusCode, res.body).toBe(202);
    const { results } = res.json<BatchAnswer>();
    expect(results.map((r) => r.status)).toEqual(['accepted', 'rejected', 'rejected', 'accepted']);
    expect(results[1]).toMatchObject({
      transactionId: `campaign:${label}:step-1:bob`,
      error: { error: 'BUSINESS_RULE_VIOLATION', details: { rule: 'template_exists' } },
    });
    expect(results[2]).toMatchObject({ error: { error: 'VALIDATION_ERROR' } });
    expect(JSON.stringify(results[2]!.error)).toContain('name');
    expect(await messagesOf(tenant.headers, `campaign:${label}:step-1:bob`)).toEqual([]);
    expect(await messagesOf(tenant.headers, `campaign:${label}:step-1:cyd`)).toEqual([]);
    await eventually(
      async () => mailsOf(label).map((mail) => mail.text?.trim()),
      (texts) => expect(texts.sort()).toEqual(['Hi Ann', 'Hi Dee']),
    );
  });

  it("hides a tenant's batch from another tenant, which can neither list nor cancel it", async () => {
    const label = randomUUID().slice(0, 8);
    const tenant = await newTenant(label);
    const one = item(label, 'Ann');
    const res = await batch(tenant.headers, { triggers: [one] });
    expect(res.statusCode, res.body).toBe(202);
    const other = await tenantCaller(t.key);
    expect(await messagesOf(other.headers, one.transactionId)).toEqual([]);
    const cancel = await t.app.inject({
      method: 'POST',
      url: `/api/v1/notifications/triggers/${one.transactionId}/cancel`,
      headers: other.headers,
    });
    expect(cancel.statusCode).toBe(404);
    expect(cancel.json()).toMatchObject({ error: 'NOT_FOUND' });
    expect(await messagesOf(tenant.headers, one.transactionId)).toHaveLength(1);
  });

  it('answers 400 naming an unknown field, a missing transactionId and a repeated one', async () => {
    const tenant = await tenantCaller(t.key);
    const label = randomUUID().slice(0, 8);
    const { transactionId: _none, ...keyless } = item(label, 'Bob');
    const res = await batch(tenant.headers, {
      triggers: [
        item(label, 'Ann'),
        { ...item(label, 'Cyd'), digest: { key: 'd', windowSeconds: 60 } },
        keyless,
        item(label, 'Ann'),
      ],
    });
    expect(res.statusCode).toBe(400);
    const issues = res.json<{ details: { issues: { path: string; message: string }[] } }>().details.issues;
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'triggers.1.digest', message: 'unknown field' }),
        expect.objectContaining({ path: 'triggers.2.transactionId' }),
      ]),
    );
    const empty = await batch(tenant.headers, { triggers: [] });
    expect(empty.statusCode).toBe(400);
  });

  it('answers 400 naming the index of a transactionId the batch repeats', async () => {
    const tenant = await tenantCaller(t.key);
    const label = randomUUID().slice(0, 8);
    const res = await batch(tenant.headers, {
      triggers: [item(label, 'Ann'), item(label, 'Bob'), item(label, 'Ann')],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: 'VALIDATION_ERROR',
      details: { issues: [{ path: 'triggers.2.transactionId', message: 'repeats the transactionId of triggers.0' }] },
    });
  });

  it('takes 1,000 items of 1 KB of data in one request', async () => {
    const tenant = await tenantCaller(t.key);
    const label = randomUUID().slice(0, 8);
    const triggers = Array.from({ length: 1000 }, (_, index) => ({
      ...item(label, `R${index}`, 'not-saved'),
      data: { note: 'x'.repeat(1024) },
    }));
    const res = await batch(tenant.headers, { triggers });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(202);
    const { results } = res.json<BatchAnswer>();
    expect(results).toHaveLength(1000);
    expect(results[999]).toMatchObject({ transactionId: triggers[999]!.transactionId, status: 'rejected' });
  });

  it('accepts the token of a service client holding notifications:send, as the campaign service has', async () => {
    const label = randomUUID().slice(0, 8);
    const tenant = await newTenant(label);
    const claims = testClaims({ tenant_id: tenant.tenantId, roles: ['service'], permissions: ['notifications:send'] });
    const headers = { authorization: `Bearer ${await signTestToken(t.key, claims)}` };
    const res = await batch(headers, { triggers: [item(label, 'Ann')] });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json<BatchAnswer>().results).toMatchObject([{ status: 'accepted' }]);
  });

  it('refuses a member without notifications:send before reading the body', async () => {
    const member = await tenantCaller(t.key, ['member']);
    const res = await batch(member.headers, { triggers: [{ unknown: true }] });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'FORBIDDEN' });
  });
});
